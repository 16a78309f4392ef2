/**
 * A delivery's way from the platform's call to one execution: checked, recorded, handed on to the trigger's own
 * URL (which n8n serves in-process here), and answered; resends, replays, forged hand-ons and failures of the
 * hand-on start nothing twice.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';

import type { IDataObject, IHttpRequestOptions, INode, INodeExecutionData, IRun, ITriggerFunctions, ITriggerResponse, IWebhookFunctions } from 'n8n-workflow';

import { ChatwootTrigger } from '../../nodes/ChatwootTrigger/ChatwootTrigger.node.ts';
import { receiveChatwootDelivery } from '../../nodes/ChatwootTrigger/delivery.ts';
import type { ChatwootBrand } from '../../nodes/Chatwoot/transport/chatwootProfile.ts';
import { seal, triggerKey } from '../../nodes/shared/trigger/sealedSecret.ts';
import { receiveWtsDelivery } from '../../nodes/WtsChatTrigger/delivery.ts';
import { deliver, type TriggerSetup } from './fakeWebhook.mts';

const TOKEN = 'cw_access_token';
const SECRET = 'whsec_unit';
const brand: ChatwootBrand = { platformName: 'Chatwoot', nodeName: 'chatwootTrigger', credentialType: 'chatwootApi', platformCredentialType: 'chatwootPlatformApi' };
const receiveChatwoot = async (ctx: IWebhookFunctions) => await receiveChatwootDelivery(ctx, brand);

function nodeWith(webhookId: string): INode {
	return { id: `node-${webhookId}`, name: 'Trigger', type: 'x', typeVersion: 1, position: [0, 0], parameters: {}, webhookId };
}

function chatwootSetup(extra: Partial<TriggerSetup> = {}): TriggerSetup {
	const webhookId = randomUUID();
	return {
		node: nodeWith(webhookId),
		params: { events: ['message_created'], filters: {}, options: {} },
		credentials: { chatwootApi: { url: 'http://127.0.0.1:9', accessToken: TOKEN, accountId: '1' } },
		staticData: { accountId: '1', webhookId: 5, secretSealed: seal(SECRET, triggerKey(TOKEN, webhookId, 'delivery secret')) },
		workflowId: `wf-${webhookId}`,
		...extra,
	};
}

/** A message_created delivery signed as Chatwoot signs it. */
function chatwootDelivery(id: number, { deliveryId = randomUUID() as string, at = Math.floor(Date.now() / 1000) } = {}) {
	const body = JSON.stringify({ event: 'message_created', id, content: `mensagem ${id}`, message_type: 'incoming' });
	const signature = `sha256=${createHmac('sha256', SECRET).update(`${at}.${body}`).digest('hex')}`;
	return { body, headers: { 'x-chatwoot-signature': signature, 'x-chatwoot-timestamp': String(at), 'x-chatwoot-delivery': deliveryId } };
}

const executedIds = (setup: TriggerSetup) => (setup.executions ?? []).map((item) => (item.json.message as IDataObject).id);

describe('from delivery to execution', () => {
	test('a delivery runs once: its replay, a copy under another id and a re-signed retry start nothing', async () => {
		const setup = chatwootSetup();
		const first = chatwootDelivery(1, { deliveryId: 'd-1' });
		const answer = await deliver(setup, first, receiveChatwoot);
		assert.deepEqual([answer.status, answer.body], [200, { accepted: true, started: true }]);
		assert.deepEqual(executedIds(setup), [1]);
		assert.equal((setup.executions?.[0].json as IDataObject).deliveryId, 'd-1');

		const replay = await deliver(setup, first, receiveChatwoot);
		assert.deepEqual([replay.status, replay.body], [200, { accepted: true, started: false, reason: 'duplicate delivery' }]);
		const underAnotherId = await deliver(setup, { ...first, headers: { ...first.headers, 'x-chatwoot-delivery': 'd-forged' } }, receiveChatwoot);
		assert.equal((underAnotherId.body as IDataObject).started, false);
		const retry = await deliver(setup, chatwootDelivery(1, { deliveryId: 'd-1', at: Math.floor(Date.now() / 1000) + 7 }), receiveChatwoot);
		assert.equal((retry.body as IDataObject).started, false);
		assert.deepEqual(executedIds(setup), [1]);
	});

	test('the answer to a delivery that ran saves the log with it in static data', async () => {
		const setup = chatwootSetup();
		await deliver(setup, chatwootDelivery(2), receiveChatwoot);
		const saved = JSON.parse(JSON.stringify(setup.staticData)) as { deliveries: string };
		assert.match(saved.deliveries, /^[^|]+\|[A-Za-z0-9_-]{12}[0-9a-z]+,[A-Za-z0-9_-]{12}[0-9a-z]+$/, 'two keys: delivery id and signature');
	});

	test('a forwarded call not signed with the credential starts nothing', async () => {
		const setup = chatwootSetup();
		const { body } = chatwootDelivery(3);
		const at = String(Math.floor(Date.now() / 1000));
		const otherKey = triggerKey('another token', setup.node.webhookId ?? '', 'forwarded delivery');
		for (const forward of [`${at}.${'0'.repeat(64)}`, `${at}.${createHmac('sha256', otherKey).update(`${at}\n\n`).update(body).digest('hex')}`, 'garbage']) {
			const answer = await deliver(setup, { body, headers: { 'x-omnichat-forward': forward } }, receiveChatwoot);
			assert.equal(answer.status, 401);
		}
		assert.deepEqual(executedIds(setup), []);
	});

	test('when n8n cannot call its own URL, the delivery runs from the platform call and a warning is logged', async () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5678'), { code: 'ECONNREFUSED' });
		const setup = chatwootSetup({ ownUrl: async () => await Promise.reject(refused) });
		const delivery = chatwootDelivery(4);
		const answer = await deliver(setup, delivery, receiveChatwoot);
		assert.deepEqual([answer.status, answer.body], [200, { accepted: true, started: true }]);
		assert.deepEqual(executedIds(setup), [4]);
		assert.match(setup.warnings?.join('\n') ?? '', /could not call its own webhook URL \(connection refused\)/);
		assert.equal(((await deliver(setup, delivery, receiveChatwoot)).body as IDataObject).started, false);
	});

	test('a hand-on n8n refused, or whose execution did not run to its end, is released for the platform retry', async () => {
		let ownAnswer = 404;
		const setup: TriggerSetup = chatwootSetup({
			ownUrl: async () => ({ statusCode: ownAnswer, headers: {}, body: '{"message":"Error in workflow"}' }),
		});
		const delivery = chatwootDelivery(5);
		assert.equal((await deliver(setup, delivery, receiveChatwoot)).status, 503);
		ownAnswer = 500;
		const unfinished = await deliver(setup, delivery, receiveChatwoot);
		assert.equal(unfinished.status, 500, 'taken again after the 503, and n8n answered 500');
		assert.match(JSON.stringify(unfinished.body), /did not run to its end/);
		ownAnswer = 200;
		assert.deepEqual((await deliver(setup, delivery, receiveChatwoot)).body, { accepted: true, started: true });
		assert.equal(((await deliver(setup, delivery, receiveChatwoot)).body as IDataObject).reason, 'duplicate delivery');
	});

	test('a copy that arrives while the first is still being run is answered 429, to be sent again later', async () => {
		let letThrough: () => void = () => undefined;
		const held = new Promise<void>((resolve) => (letThrough = resolve));
		const setup = chatwootSetup({
			ownUrl: async (_options: IHttpRequestOptions) => {
				await held;
				return { statusCode: 200, headers: {}, body: '' };
			},
		});
		const delivery = chatwootDelivery(6);
		const first = deliver(setup, delivery, receiveChatwoot);
		const copy = await deliver(setup, delivery, receiveChatwoot);
		assert.deepEqual([copy.status, copy.headers['retry-after']], [429, '5']);
		letThrough();
		assert.equal((await first).status, 200);
		assert.equal(((await deliver(setup, delivery, receiveChatwoot)).body as IDataObject).reason, 'duplicate delivery');
	});

	test('on the test URL the delivery runs from the platform call and is not logged', async () => {
		const setup = chatwootSetup({ mode: 'manual', ownUrl: async () => assert.fail('no hand-on on the test URL') });
		const delivery = chatwootDelivery(7);
		await deliver(setup, delivery, receiveChatwoot);
		await deliver(setup, delivery, receiveChatwoot);
		assert.deepEqual(executedIds(setup), [7, 7]);
		assert.equal(setup.staticData.deliveries, undefined);
	});
});

/**
 * n8n's side of a trigger's `emit` as n8n 2.40.7 has it: an execution per deduplication key, ever; a second emit
 * with a stored key starts nothing and its done promise resolves with nothing. With `cutNextShort` the next
 * execution is stored and then fails, as when n8n is killed while it runs.
 */
// The node's own trigger(): the test loads the trigger's modules the way the node does, so both share its emitters.
const startTrigger = new ChatwootTrigger().trigger;

class FakeN8n {
	readonly stored = new Map<string, INodeExecutionData>();
	cutNextShort = false;

	/** The trigger context of `setup`'s node; `emitArity` 3 is n8n 1.x's emit, which takes no key. */
	context(setup: TriggerSetup, mode: 'trigger' | 'manual' = 'trigger', emitArity: 3 | 4 = 4): ITriggerFunctions & { emitted: INodeExecutionData[][][] } {
		const emitted: INodeExecutionData[][][] = [];
		const emit4 = (data: INodeExecutionData[][], _response?: unknown, done?: { resolve(run?: IRun): void; reject(error: Error): void }, key?: string) => {
			emitted.push(data);
			if (key === undefined || done === undefined) return;
			if (this.stored.has(key)) return done.resolve(undefined);
			this.stored.set(key, data[0][0]);
			if (this.cutNextShort) {
				this.cutNextShort = false;
				return done.reject(new Error('execution crashed'));
			}
			done.resolve({ status: 'success' } as IRun);
		};
		const emit = emitArity === 4 ? emit4 : (data: INodeExecutionData[][], response?: unknown, done?: { resolve(run?: IRun): void; reject(error: Error): void }) => emit4(data, response, done);
		const ctx = {
			getNode: () => setup.node,
			getWorkflow: () => ({ id: setup.workflowId, name: 'Unit', active: true }),
			getMode: () => mode,
			getNodeParameter: (name: string, fallback?: unknown) => setup.params[name] ?? fallback,
			emit,
			emitted,
			helpers: {
				createDeferredPromise: () => {
					let resolve!: (value: unknown) => void;
					let reject!: (error: Error) => void;
					const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
					return { promise, resolve, reject };
				},
			},
		};
		return ctx as unknown as ITriggerFunctions & { emitted: INodeExecutionData[][][] };
	}
}

describe('Respond = Each Event Once: executions through the trigger, one per event', () => {
	const eachOnceSetup = () => chatwootSetup({ params: { events: ['message_created'], filters: {}, options: { respond: 'eachEventOnce' } }, ownUrl: async () => assert.fail('no hand-on') });
	/** The node's trigger() run as n8n runs it at activation, with a FakeN8n behind its emit. */
	const activate = async (setup: TriggerSetup, n8n = new FakeN8n()) => {
		const trigger = n8n.context(setup);
		const { closeFunction } = (await startTrigger.call(trigger)) as ITriggerResponse;
		return { n8n, trigger, deactivate: async () => await closeFunction?.() };
	};

	test('a delivery starts one execution with a key of its workflow, node and delivery id; its replay starts nothing', async () => {
		const setup = eachOnceSetup();
		const { n8n, trigger, deactivate } = await activate(setup);
		const delivery = chatwootDelivery(11, { deliveryId: 'd-11' });
		assert.deepEqual((await deliver(setup, delivery, receiveChatwoot)).body, { accepted: true, started: true });
		const keys = [...n8n.stored.keys()];
		assert.equal(keys.length, 1);
		assert.ok(keys[0].startsWith(`omnichat:${setup.workflowId}|${setup.node.id}:`), keys[0]);
		assert.equal(((trigger.emitted[0][0][0].json.message as IDataObject).id), 11);
		assert.equal(((await deliver(setup, delivery, receiveChatwoot)).body as IDataObject).reason, 'duplicate delivery');
		assert.equal(trigger.emitted.length, 1, 'the replay was stopped by the log, before n8n');
		await deactivate();
	});

	test('an execution cut short is not run again: the resend finds its key at n8n', async () => {
		const setup = eachOnceSetup();
		const { n8n, trigger, deactivate } = await activate(setup);
		const delivery = chatwootDelivery(12, { deliveryId: 'd-12' });
		n8n.cutNextShort = true;
		const first = await deliver(setup, delivery, receiveChatwoot);
		assert.equal(first.status, 500);
		assert.match(JSON.stringify(first.body), /did not run to its end \(execution crashed\)/);
		const resent = await deliver(setup, chatwootDelivery(12, { deliveryId: 'd-12', at: Math.floor(Date.now() / 1000) + 3 }), receiveChatwoot);
		assert.deepEqual([resent.status, (resent.body as IDataObject).started], [200, false]);
		assert.equal(n8n.stored.size, 1);
		assert.equal(trigger.emitted.length, 2, 'n8n was asked twice and created one execution');
		await deactivate();
	});

	test('while the trigger is not active in the process, deliveries are answered 429 and start nothing', async () => {
		const n8n = new FakeN8n();
		const setup = eachOnceSetup();
		const delivery = chatwootDelivery(13);
		const early = await deliver(setup, delivery, receiveChatwoot);
		assert.deepEqual([early.status, early.headers['retry-after']], [429, '5']);
		assert.match(JSON.stringify(early.body), /not active in this n8n process/);
		const { deactivate } = await activate(setup, n8n);
		assert.deepEqual((await deliver(setup, delivery, receiveChatwoot)).body, { accepted: true, started: true });
		await deactivate();
		assert.equal((await deliver(setup, chatwootDelivery(14), receiveChatwoot)).status, 429, 'closed at deactivation');
		assert.equal(n8n.stored.size, 1);
	});

	test('activation is refused where emit takes no key (n8n 1.x), and allowed there for the other Respond options', async () => {
		const n8n = new FakeN8n();
		const setup = eachOnceSetup();
		await assert.rejects(startTrigger.call(n8n.context(setup, 'trigger', 3)), /Respond "Each Event Once" needs n8n 2.40.7 or later/);
		const other = chatwootSetup();
		const response = (await startTrigger.call(n8n.context(other, 'trigger', 3))) as ITriggerResponse;
		await response.closeFunction?.();
	});

	test("on the test URL, n8n's run of trigger() gets the item the webhook call built", async () => {
		const n8n = new FakeN8n();
		const setup = chatwootSetup({ mode: 'manual', ownUrl: async () => assert.fail('no hand-on on the test URL') });
		await deliver(setup, chatwootDelivery(15), receiveChatwoot);
		const trigger = n8n.context(setup, 'manual');
		const response = (await startTrigger.call(trigger)) as ITriggerResponse;
		await response.manualTriggerFunction?.();
		assert.deepEqual(trigger.emitted, [[[setup.executions?.[0]]]]);
	});
});

describe('WTS deliveries and their window', () => {
	const API_KEY = 'pn_unit_key';
	const URL_SECRET = 'c'.repeat(64);
	const wtsSetup = (): TriggerSetup => {
		const webhookId = randomUUID();
		return {
			node: nodeWith(webhookId),
			params: { events: ['MESSAGE_RECEIVED'], filters: {}, options: { maxDeliveryAgeMinutes: 10 } },
			credentials: { wtsChatApi: { apiKey: API_KEY, baseUrl: 'http://127.0.0.1:9' } },
			staticData: { urlSecretSealed: seal(URL_SECRET, triggerKey(API_KEY, webhookId, 'delivery secret')) },
			workflowId: `wf-${webhookId}`,
		};
	};
	const wtsDelivery = (text: string, date: Date) => ({
		body: JSON.stringify({ eventType: 'MESSAGE_RECEIVED', date: date.toISOString().replace('Z', '0000Z'), content: { id: `m-${text}`, sessionId: 's1', text } }),
		query: { secret: URL_SECRET },
	});

	test('a delivery dated outside the window is refused; inside it, its resend starts nothing, even with a new date', async () => {
		const setup = wtsSetup();
		const now = Date.now();
		assert.equal((await deliver(setup, wtsDelivery('old', new Date(now - 11 * 60_000)), receiveWtsDelivery)).status, 401);
		assert.equal((await deliver(setup, wtsDelivery('future', new Date(now + 11 * 60_000)), receiveWtsDelivery)).status, 401);
		const fresh = wtsDelivery('fresh', new Date(now - 60_000));
		assert.deepEqual((await deliver(setup, fresh, receiveWtsDelivery)).body, { accepted: true, started: true });
		assert.equal(((await deliver(setup, fresh, receiveWtsDelivery)).body as IDataObject).reason, 'duplicate delivery');
		const redated = await deliver(setup, wtsDelivery('fresh', new Date(now)), receiveWtsDelivery);
		assert.equal((redated.body as IDataObject).reason, 'duplicate delivery');
		assert.deepEqual((setup.executions ?? []).map((item) => (item.json.content as IDataObject).text), ['fresh']);
		const undated = await deliver(setup, { body: JSON.stringify({ eventType: 'MESSAGE_RECEIVED', content: { id: 'x' } }), query: { secret: URL_SECRET } }, receiveWtsDelivery);
		assert.equal(undated.status, 401);
	});
});
