/**
 * The triggers' webhook lifecycle against real HTTP: adoption keeps or renews secrets as it should, copies are
 * removed, and a Chatwoot server that returns no signing secret is refused unless unsigned deliveries are
 * accepted. WTS runs against its sandbox; Chatwoot against a small stand-in whose answers the test controls.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { ICredentialDataDecryptedObject, IDataObject, IHookFunctions } from 'n8n-workflow';

import { ChatwootTrigger } from '../../nodes/ChatwootTrigger/ChatwootTrigger.node.ts';
import { adoptWebhook, createWebhook, removeWebhooks, type ChatwootTriggerState } from '../../nodes/ChatwootTrigger/registration.ts';
import type { ChatwootBrand } from '../../nodes/Chatwoot/transport/chatwootProfile.ts';
import { adoptSubscription, createSubscription, removeSubscriptions, type WtsTriggerState } from '../../nodes/WtsChatTrigger/subscription.ts';
import { WtsChatTrigger } from '../../nodes/WtsChatTrigger/WtsChatTrigger.node.ts';
import { getFreePort } from '../harness/processes.mts';
import { startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import { triggerKey, unseal } from '../../nodes/shared/trigger/sealedSecret.ts';
import { createContext, testNode, workflow, type FakeContext } from './fakeContext.mts';
import { reply, TestServer } from './testServer.mts';

const WEBHOOK_URL = 'http://127.0.0.1:5678/webhook/6f1f3c52-unit/webhook';

/** A secret sealed in static data, opened with the key derived from the credential's secret (the test node has no webhook id). */
const opened = (sealed: unknown, credentialSecret: string) =>
	typeof sealed === 'string' ? unseal(sealed, triggerKey(credentialSecret, testNode.id, 'delivery secret')) : undefined;

function hookContext(credentials: Record<string, ICredentialDataDecryptedObject>, params: IDataObject, staticData: IDataObject): IHookFunctions {
	const ctx = createContext({ credentials });
	return Object.assign(ctx, {
		getNodeParameter: (name: string, fallback?: unknown) => params[name] ?? fallback,
		getNodeWebhookUrl: () => WEBHOOK_URL,
		getWorkflowStaticData: () => staticData,
		getWorkflow: () => ({ id: 'wfUnit1', name: 'Unit', active: true }),
	}) as unknown as IHookFunctions;
}

describe('WTS subscription lifecycle', () => {
	let wts: WtsSandbox;
	before(async () => (wts = await startWtsSandbox({})));
	after(async () => await wts.close());

	const ours = () => [...wts.state.webhookSubscriptions.values()].filter((s) => s.url.split('?')[0] === WEBHOOK_URL);
	const context = (state: WtsTriggerState, events = ['MESSAGE_RECEIVED']) =>
		hookContext({ wtsChatApi: { apiKey: wts.apiKey, baseUrl: wts.url } }, { events }, state);

	test('a subscription this trigger made keeps its secret when adopted; only what differs is updated', async () => {
		const state: WtsTriggerState = {};
		assert.equal(await adoptSubscription(context(state)), false);
		await createSubscription(context(state));
		const made = ours();
		assert.equal(made.length, 1);
		const before = wts.recorder.requests().length;
		assert.equal(await adoptSubscription(context(state)), true);
		assert.deepEqual(ours().map((s) => s.url), [made[0].url]);
		assert.ok(!wts.recorder.requests().slice(before).some((r) => r.operationId === 'updateWebhookSubscription'));

		await adoptSubscription(context(state, ['MESSAGE_RECEIVED', 'SESSION_NEW']));
		assert.deepEqual(ours().map((s) => [s.url, s.events]), [[made[0].url, ['MESSAGE_RECEIVED', 'SESSION_NEW']]]);
		await removeSubscriptions(context(state));
		assert.deepEqual([ours().length, state.subscriptionId, state.urlSecretSealed, state.urlSecret], [0, undefined, undefined, undefined]);
	});

	test('a subscription made by an earlier version, whose secret was kept in plain text, keeps its URL and gets the secret sealed', async () => {
		const made: WtsTriggerState = {};
		await createSubscription(context(made));
		const [subscription] = ours();
		const plain = new URL(subscription.url).searchParams.get('secret') ?? '';
		const earlier: WtsTriggerState = { subscriptionId: made.subscriptionId, urlSecret: plain };
		assert.equal(await adoptSubscription(context(earlier)), true);
		assert.deepEqual(ours().map((s) => s.url), [subscription.url]);
		assert.equal(earlier.urlSecret, undefined);
		assert.equal(opened(earlier.urlSecretSealed, wts.apiKey), plain);
		assert.ok(!JSON.stringify(earlier).includes(plain));
		await removeSubscriptions(context(earlier));
	});

	test('a secret this trigger does not know is replaced, and copies are removed', async () => {
		const first: WtsTriggerState = {};
		await createSubscription(context(first));
		await createSubscription(context({}));
		assert.equal(ours().length, 2);
		const lost: WtsTriggerState = {};
		assert.equal(await adoptSubscription(context(lost)), true);
		const [kept] = ours();
		assert.equal(ours().length, 1);
		assert.equal(new URL(kept.url).searchParams.get('secret'), opened(lost.urlSecretSealed, wts.apiKey));
		assert.notEqual(opened(lost.urlSecretSealed, wts.apiKey), opened(first.urlSecretSealed, wts.apiKey));
		await removeSubscriptions(context(lost));
		assert.equal(wts.recorder.invalidRequests().length, 0);
	});
});

describe('Chatwoot webhook lifecycle', () => {
	interface FakeWebhook {
		id: number;
		url: string;
		subscriptions: string[];
		secret?: string;
	}
	let chatwoot: TestServer;
	const webhooks = new Map<number, FakeWebhook>();
	let nextId = 1;
	/** What the stand-in returns as secret for new webhooks (undefined: a server before 4.14). */
	let newSecret: string | undefined;

	before(async () => {
		chatwoot = await TestServer.start((req, res) => {
			const [, id] = /\/webhooks(?:\/(\d+))?$/.exec(req.path) ?? [];
			const body = req.body ? (JSON.parse(req.body) as Partial<FakeWebhook>) : {};
			if (req.method === 'GET') return reply(res, 200, { payload: { webhooks: [...webhooks.values()] } });
			if (req.method === 'POST') {
				if ([...webhooks.values()].some((w) => w.url === body.url)) return reply(res, 422, { message: 'Url has already been taken' });
				const webhook: FakeWebhook = { id: nextId++, url: String(body.url), subscriptions: body.subscriptions ?? [], secret: newSecret };
				webhooks.set(webhook.id, webhook);
				return reply(res, 200, { payload: { webhook } });
			}
			const webhook = webhooks.get(Number(id));
			if (!webhook) return reply(res, 404, { error: 'Resource could not be found' });
			if (req.method === 'PATCH') Object.assign(webhook, body);
			if (req.method === 'DELETE') webhooks.delete(webhook.id);
			return reply(res, 200, req.method === 'PATCH' ? { payload: { webhook } } : undefined);
		});
	});
	after(async () => await chatwoot.close());

	const brand: ChatwootBrand = { platformName: 'Chatwoot', nodeName: 'chatwootTrigger', credentialType: 'chatwootApi', platformCredentialType: 'chatwootPlatformApi' };
	const context = (state: ChatwootTriggerState, params: IDataObject = {}) =>
		hookContext({ chatwootApi: { url: `${chatwoot.baseUrl}/app/accounts/1`, accessToken: 'cw_token', accountId: '1' } }, { events: ['message_created'], options: {}, ...params }, state);

	test('a webhook listed with its secret is adopted and given the chosen events', async () => {
		webhooks.clear();
		webhooks.set(50, { id: 50, url: WEBHOOK_URL, subscriptions: ['contact_created'], secret: 'listed-secret' });
		const state: ChatwootTriggerState = {};
		assert.equal(await adoptWebhook(context(state), brand), true);
		assert.deepEqual({ ...state, secretSealed: opened(state.secretSealed, 'cw_token') }, { accountId: '1', webhookId: 50, secretSealed: 'listed-secret' });
		assert.deepEqual(webhooks.get(50)?.subscriptions, ['message_created']);
		assert.ok(chatwoot.lines.some((line) => line.startsWith('GET /api/v1/accounts/1/webhooks')));
	});

	test('a webhook whose secret cannot be known is replaced by a new one', async () => {
		webhooks.clear();
		webhooks.set(60, { id: 60, url: WEBHOOK_URL, subscriptions: ['message_created'] });
		newSecret = 'fresh-secret';
		const state: ChatwootTriggerState = {};
		assert.equal(await adoptWebhook(context(state), brand), false);
		assert.equal(webhooks.has(60), false);
		await createWebhook(context(state), brand);
		assert.equal(opened(state.secretSealed, 'cw_token'), 'fresh-secret');
		assert.deepEqual([...webhooks.values()].map((w) => w.url), [WEBHOOK_URL]);
	});

	test('a server that signs nothing is refused, unless unsigned deliveries are accepted', async () => {
		webhooks.clear();
		newSecret = undefined;
		const state: ChatwootTriggerState = {};
		await assert.rejects(createWebhook(context(state), brand), /returned no signing secret/);
		assert.equal(webhooks.size, 0, 'the unusable webhook is removed again');
		assert.deepEqual(state, {});

		const accepting = { options: { acceptUnsigned: true } };
		await createWebhook(context(state, accepting), brand);
		assert.equal(opened(state.secretSealed, 'cw_token'), '');
		// Known to be unsigned: adopted as it is while accepted, replaced once it is not.
		assert.equal(await adoptWebhook(context(state, accepting), brand), true);
		assert.equal(await adoptWebhook(context(state), brand), false);
		assert.equal(webhooks.size, 0);
	});

	test('removal deletes every webhook of the account that delivers here', async () => {
		webhooks.clear();
		webhooks.set(70, { id: 70, url: WEBHOOK_URL, subscriptions: [], secret: 's' });
		webhooks.set(71, { id: 71, url: 'https://elsewhere.example/hook', subscriptions: [], secret: 's' });
		const state: ChatwootTriggerState = { accountId: '1', webhookId: 70, secret: 's' };
		assert.equal(await removeWebhooks(context(state), brand), true);
		assert.deepEqual([...webhooks.keys()], [71]);
		assert.deepEqual(state, {});
	});
});

describe('registration when the platform fails', () => {
	const wtsMethods = new WtsChatTrigger().webhookMethods.default;
	const chatwootMethods = new ChatwootTrigger().webhookMethods.default;
	const wtsAt = (baseUrl: string, state: WtsTriggerState = {}) =>
		hookContext({ wtsChatApi: { apiKey: 'pn_key', baseUrl } }, { events: ['MESSAGE_RECEIVED'] }, state) as IHookFunctions & FakeContext;
	const chatwootAt = (url: string) =>
		hookContext({ chatwootApi: { url, accessToken: 'cw_token', accountId: '1' } }, { events: ['message_created'], options: {} }, {}) as IHookFunctions & FakeContext;

	test('an unreachable platform fails activation after one attempt, as an error n8n does not retry', async () => {
		const closed = `http://127.0.0.1:${await getFreePort()}`;
		for (const [ctx, run, platform] of [
			[wtsAt(closed), wtsMethods.checkExists, 'WTS Chat'],
			[wtsAt(closed), wtsMethods.create, 'WTS Chat'],
			[chatwootAt(closed), chatwootMethods.checkExists, 'Chatwoot'],
			[chatwootAt(closed), chatwootMethods.create, 'Chatwoot'],
		] as const) {
			const error = await run.call(ctx).then(
				() => assert.fail('activation succeeded'),
				(thrown: unknown) => thrown as Error,
			);
			// n8n 2.40.7 retries every activation error but this class (isTransientActivationError).
			assert.ok(error instanceof workflow.WebhookPathTakenError, `${platform}: ${String(error)}`);
			assert.equal(error.message, `${platform} request failed: connection refused`);
			assert.equal(ctx.attempts.length, 1, `${platform} was called ${ctx.attempts.length} times`);
		}
	});

	test('a platform error is reported as the platform said it, after one attempt', async () => {
		const failing = await TestServer.start((_req, res) => reply(res, 503, { message: 'Service in maintenance' }));
		try {
			const ctx = wtsAt(failing.baseUrl);
			await assert.rejects(wtsMethods.checkExists.call(ctx), (error: Error) => {
				assert.ok(error instanceof workflow.WebhookPathTakenError);
				assert.match(error.message, /^WTS Chat answered 503: .*Service in maintenance/);
				return true;
			});
			assert.equal(failing.requests.length, 1);
		} finally {
			await failing.close();
		}
	});

	test('a removal that cannot reach the platform says what it left behind', async () => {
		const closed = `http://127.0.0.1:${await getFreePort()}`;
		const ctx = wtsAt(closed, { subscriptionId: 'sub-1' });
		await assert.rejects(wtsMethods.delete.call(ctx), (error: Error) => {
			assert.ok(error instanceof workflow.NodeOperationError);
			assert.equal(
				error.message,
				'Removing the webhook from WTS Chat failed: WTS Chat request failed: connection refused. It stays registered on WTS Chat until this workflow is activated or deactivated again, which removes or takes it over.',
			);
			return true;
		});
		assert.equal(ctx.attempts.length, 1);
	});
});
