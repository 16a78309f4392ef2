/**
 * The trigger nodes in a running n8n against the sandboxes: activation registers the platform webhook (and
 * adopts one that already points here), the sandbox delivers events, and the executions n8n started are
 * counted and read back. Forged, replayed and malformed deliveries must start nothing.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { incomingMessage, runTriggerDemo, wtsTriggerNode } from '../../demo/triggerDemo.mts';
import { wtsCredential } from '../../demo/wtsDemo.mts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { toFile } from '../../sandbox/wts/dto.mts';
import { startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import { WEBHOOK_ANSWER_TIMEOUT_MS } from '../harness/deliveries.mts';
import {
	codeNode,
	customNodeType,
	N8nInstance,
	prepareExtensions,
	repoRoot,
	workflow,
	type Credential,
	type ExecutionResult,
	type NodeSpec,
	type RunItem,
} from '../harness/n8n.mts';

let wts: WtsSandbox;
let chatwoot: ChatwootSandbox;
let n8n: N8nInstance;
let wtsGate: Gate;

const CHATWOOT_CREDENTIAL = { id: 'cwTriggerCred001', name: 'Chatwoot (trigger sandbox)' };
const GATED_WTS_CREDENTIAL = { id: 'wtsGatedCred001', name: 'WTS Chat (behind a gate)' };

/** A port in front of a sandbox that can be closed (connections refused) and opened again. */
interface Gate {
	url: string;
	close(): Promise<void>;
	open(): Promise<void>;
}

async function startGate(target: URL): Promise<Gate> {
	const sockets = new Set<Socket>();
	const server: Server = createServer((socket) => {
		const upstream = connect(Number(target.port), target.hostname);
		for (const end of [socket, upstream]) {
			sockets.add(end);
			end.on('close', () => sockets.delete(end));
			end.on('error', () => [socket, upstream].forEach((s) => s.destroy()));
		}
		socket.pipe(upstream).pipe(socket);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	return {
		url: `http://127.0.0.1:${port}`,
		// Kept-alive connections are cut too: n8n's HTTP client would otherwise go on using them.
		close: async () => {
			const closed = new Promise<void>((resolve) => server.close(() => resolve()));
			sockets.forEach((socket) => socket.destroy());
			await closed;
		},
		open: async () => await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
	};
}
const KONVERTE_CREDENTIAL = { id: 'kdTriggerCred001', name: 'Konverte Digital (trigger sandbox)' };

function chatwootFamilyCredentials(sandbox: ChatwootSandbox): Credential[] {
	const data = { url: sandbox.url, accessToken: sandbox.userToken, accountId: String(sandbox.accountId) };
	return [
		{ ...CHATWOOT_CREDENTIAL, type: 'chatwootApi', data },
		{ ...KONVERTE_CREDENTIAL, type: 'konverteDigitalApi', data },
	];
}

function chatwootTriggerNode(name: string, parameters: Record<string, unknown>, webhookId: string): NodeSpec {
	return { name, type: customNodeType('chatwootTrigger'), typeVersion: 1, webhookId, parameters, credentials: { chatwootApi: CHATWOOT_CREDENTIAL } };
}

before(async () => {
	wts = await startWtsSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS });
	chatwoot = await startChatwootSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS });
	wtsGate = await startGate(new URL(wts.url));
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	await n8n.importCredentials([
		wtsCredential(wts.url, wts.apiKey),
		{ ...GATED_WTS_CREDENTIAL, type: 'wtsChatApi', data: { apiKey: wts.apiKey, baseUrl: wtsGate.url } },
		...chatwootFamilyCredentials(chatwoot),
	]);
	await n8n.start();
	await n8n.setupOwner();
});

after(async () => {
	await n8n?.dispose();
	await wtsGate?.close().catch(() => undefined);
	await wts?.close();
	await chatwoot?.close();
});

/** Every string in a value, keys and nested values included. */
function stringsIn(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.flatMap(stringsIn);
	if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, entry]) => [key, ...stringsIn(entry)]);
	return [];
}

/** The static data of a workflow as an export shows it. */
async function exportedStaticData(workflowId: string): Promise<unknown> {
	const [exported] = await n8n.exportWorkflows([workflowId]);
	assert.ok(exported?.staticData, 'the export has static data');
	return exported.staticData;
}

/** The single item a trigger node emitted in an execution. */
function triggerItem(execution: ExecutionResult, node: string): RunItem {
	const items = execution.nodes[node]?.flatMap((run) => run.outputs[0] ?? []) ?? [];
	assert.equal(items.length, 1, `expected one item from ${node}: ${JSON.stringify(execution.error)}`);
	return items[0];
}

/** Executions a workflow has once every delivery made so far has been answered (n8n registers them first). */
async function settledExecutions(workflowId: string, expected: number): Promise<ExecutionResult[]> {
	const executions = await n8n.waitForExecutions(workflowId, expected);
	await sleep(300);
	assert.equal((await n8n.listExecutions(workflowId)).length, expected, 'more executions than deliveries that should start one');
	return executions;
}

describe('WTS Chat Trigger', () => {
	const webhookId = randomUUID();
	const trigger = workflow({
		name: 'WTS e2e: trigger',
		nodes: [
			wtsTriggerNode(
				'WTS Trigger',
				{ events: ['MESSAGE_RECEIVED', 'MESSAGE_SENT'], filters: { ignoreApiMessages: true }, options: { downloadMedia: true } },
				webhookId,
			),
		],
	});
	const ownUrl = () => n8n.webhookUrl(`${webhookId}/webhook`);
	const ours = () => [...wts.state.webhookSubscriptions.values()].filter((s) => s.url.split('?')[0] === ownUrl());
	const session = () => wts.seed.sessions[0].id;

	test('activation registers exactly one subscription, for the chosen events, with a secret in its URL', async () => {
		await n8n.importWorkflows([trigger]);
		await n8n.activateWorkflow(trigger.id);
		const registered = ours();
		assert.equal(registered.length, 1);
		assert.deepEqual(registered[0].events, ['MESSAGE_RECEIVED', 'MESSAGE_SENT']);
		assert.equal(registered[0].enabled, true);
		assert.match(new URL(registered[0].url).searchParams.get('secret') ?? '', /^[0-9a-f]{64}$/);
		assert.equal(wts.recorder.invalidRequests().length, 0);
	});

	test('a workflow export holds no usable secret: deliveries forged from it are refused', async () => {
		const urlSecret = new URL(ours()[0].url).searchParams.get('secret') ?? '';
		const staticData = await exportedStaticData(trigger.id);
		assert.ok(!JSON.stringify(staticData).includes(urlSecret), 'the URL secret is in the export');
		const candidates = stringsIn(staticData);
		assert.ok(candidates.length > 0);
		for (const candidate of candidates) {
			const forged = await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'forjada da exportação'), {
				alterUrl: (url) => {
					url.searchParams.set('secret', candidate);
					return url;
				},
			});
			assert.deepEqual(forged.map((d) => d.status), [401]);
		}
		assert.equal((await n8n.listExecutions(trigger.id)).length, 0);
	});

	test('a message starts one execution with its media; retries, forged, unsigned, filtered and malformed deliveries start none', async () => {
		const file = wts.state.files.get(wts.seed.files[0].id);
		assert.ok(file);
		const withMedia = incomingMessage(session(), 'Segue o comprovante', { type: 'IMAGE', fileId: file.id, details: { file: toFile(wts.state, file) } });
		const [first] = await wts.emitWebhook('MESSAGE_RECEIVED', withMedia);
		assert.equal(first.status, 200);

		const retried = await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'Alguém aí?'), { repeat: 3 });
		assert.deepEqual(retried.map((d) => d.status), [200, 200, 200]);

		const withoutSecret = await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'sem segredo'), { removeQueryParams: ['secret'] });
		assert.deepEqual(withoutSecret.map((d) => d.status), [401]);
		const forged = await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'forjada'), {
			alterUrl: (url) => {
				url.searchParams.set('secret', 'f'.repeat(64));
				return url;
			},
		});
		assert.deepEqual(forged.map((d) => d.status), [401]);

		const ownReply = await wts.emitWebhook('MESSAGE_SENT', incomingMessage(session(), 'resposta do fluxo', { origin: 'API' }));
		assert.deepEqual(ownReply.map((d) => d.status), [200]);

		const url = ours()[0].url;
		const post = (body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
		const malformed = await post('{"eventType": "MESSAGE_RECEIVED", "content": ');
		assert.ok(malformed.status >= 400 && malformed.status < 500, `malformed JSON answered ${malformed.status}`);
		const notAPayload = await post('{"hello": "world"}');
		assert.equal(notAPayload.status, 400);
		const deep = await post(`{"eventType":"MESSAGE_RECEIVED","date":"2025-01-01T00:00:00Z","content":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);
		assert.equal(deep.status, 400);
		assert.match(((await deep.json()) as { reason: string }).reason, /levels deep/);
		const large = await post(JSON.stringify({ eventType: 'MESSAGE_RECEIVED', content: { text: 'x'.repeat(2 * 1024 * 1024) } }));
		assert.equal(large.status, 413);

		const acknowledged = await post(JSON.stringify({ eventType: 'MESSAGE_RECEIVED', date: new Date().toISOString(), content: incomingMessage(session(), 'Recebido?') }));
		assert.equal(acknowledged.status, 200);
		assert.deepEqual(await acknowledged.json(), { accepted: true, started: true });

		const [withMediaRun, retriedRun] = await settledExecutions(trigger.id, 3);
		const item = triggerItem(withMediaRun, 'WTS Trigger');
		assert.equal(item.json.event, 'MESSAGE_RECEIVED');
		assert.equal((item.json.content as { id: string }).id, withMedia.id);
		assert.ok(typeof item.json.date === 'string');
		assert.equal(item.binary?.attachment_0?.mimeType, 'image/png');
		assert.equal(item.json.attachmentErrors, undefined);
		assert.equal((triggerItem(retriedRun, 'WTS Trigger').json.content as { text: string }).text, 'Alguém aí?');
	});

	test("the test URL: a delivery while the editor listens gives the manual run its item, and the next node gets it", async () => {
		// n8n runs the node's trigger() in that run too, before it passes the webhook's item on (see emitter.ts).
		const testHook = randomUUID();
		const listening = workflow({
			name: 'WTS e2e: test URL',
			nodes: [wtsTriggerNode('WTS Trigger', { events: ['MESSAGE_RECEIVED'], filters: {}, options: {} }, testHook), codeNode('Next', 'return $input.all();')],
		});
		await n8n.importWorkflows([listening]);
		assert.deepEqual(await n8n.runManually(listening.id, 'WTS Trigger'), { waitingForWebhook: true });
		const testUrl = (url: string) => url.split('?')[0] === `${n8n.baseUrl}/webhook-test/${testHook}/webhook`;
		const [subscription, ...others] = [...wts.state.webhookSubscriptions.values()].filter((s) => testUrl(s.url));
		assert.ok(subscription && others.length === 0, 'not one subscription for the test URL');
		// Straight to the test URL, so the active trigger of this file does not get it too.
		const body = JSON.stringify({ eventType: 'MESSAGE_RECEIVED', date: new Date().toISOString(), content: incomingMessage(session(), 'Teste pelo editor') });
		const delivered = await fetch(subscription.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
		assert.equal(delivered.status, 200, await delivered.text());
		const [run] = await n8n.waitForExecutions(listening.id, 1);
		assert.equal(run.mode, 'manual');
		assert.equal(run.status, 'success', JSON.stringify(run.error));
		assert.equal((triggerItem(run, 'WTS Trigger').json.content as { text: string }).text, 'Teste pelo editor');
		assert.equal((triggerItem(run, 'Next').json.content as { text: string }).text, 'Teste pelo editor');
	});

	test('deactivation removes the subscription; activation adopts one already pointing here and recreates a deleted one', async () => {
		await n8n.deactivateWorkflow(trigger.id);
		assert.equal(ours().length, 0);

		// Made by hand in WTS: no secret, other events, disabled.
		const manual = await fetch(`${wts.url}/core/v1/webhook/subscription`, {
			method: 'POST',
			headers: { authorization: `Bearer ${wts.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'by hand', url: ownUrl(), enabled: false, events: ['SESSION_NEW'] }),
		}).then((response) => response.json() as Promise<{ id: string }>);
		await n8n.activateWorkflow(trigger.id);
		const adopted = ours();
		assert.equal(adopted.length, 1);
		assert.equal(adopted[0].id, manual.id);
		assert.deepEqual(adopted[0].events, ['MESSAGE_RECEIVED', 'MESSAGE_SENT']);
		assert.equal(adopted[0].enabled, true);
		assert.match(new URL(adopted[0].url).searchParams.get('secret') ?? '', /^[0-9a-f]{64}$/);
		assert.deepEqual((await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'depois de adotar'))).map((d) => d.status), [200]);
		await settledExecutions(trigger.id, 4);

		// n8n restarts: 2.40.7 keeps production webhooks registered without asking the trigger again, so the
		// subscription and its secret stay as they are and deliveries go on.
		const urlBefore = ours()[0].url;
		await n8n.stop();
		await n8n.start();
		assert.deepEqual(ours().map((s) => s.url), [urlBefore]);
		assert.deepEqual((await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'depois de reiniciar'))).map((d) => d.status), [200]);
		await settledExecutions(trigger.id, 5);

		// Deleted on the platform while active: deactivation copes, the next activation creates it again.
		wts.state.webhookSubscriptions.delete(manual.id);
		await n8n.deactivateWorkflow(trigger.id);
		await n8n.activateWorkflow(trigger.id);
		assert.equal(ours().length, 1);
		assert.notEqual(ours()[0].id, manual.id);
		await n8n.deactivateWorkflow(trigger.id);
		assert.equal(ours().length, 0);
		assert.equal(wts.recorder.invalidRequests().length, 0);
	});

	test('demo: an incoming message is answered in its session by the workflow', async () => {
		const result = await runTriggerDemo(n8n, wts, { timeoutMs: 60_000 });
		assert.ok(result.reply, `no reply within ${result.elapsedMs} ms`);
	});
});

describe('WTS Chat Trigger with WTS unreachable', () => {
	const webhookId = randomUUID();
	const trigger = workflow({
		name: 'WTS e2e: trigger behind a gate',
		nodes: [{ ...wtsTriggerNode('Gated Trigger', { events: ['MESSAGE_RECEIVED'] }, webhookId), credentials: { wtsChatApi: GATED_WTS_CREDENTIAL } }],
	});
	const ours = () => [...wts.state.webhookSubscriptions.values()].filter((s) => s.url.split('?')[0] === n8n.webhookUrl(`${webhookId}/webhook`));

	test('activation fails at once with the platform error and registers nothing', async (t) => {
		await n8n.importWorkflows([trigger]);
		await wtsGate.close();
		const startedAt = Date.now();
		const status = await n8n.publishWorkflow(trigger.id);
		t.diagnostic(`activation failed after ${Date.now() - startedAt} ms`);
		assert.equal(status.status, 'failed');
		assert.equal(status.triggers.length, 1);
		assert.match(status.triggers[0].errorMessage ?? '', /WTS Chat.*connection refused/i);
		assert.doesNotMatch(status.triggers[0].errorMessage ?? '', /deadline|already taken/);
		assert.equal(ours().length, 0);
		assert.equal((await n8n.listExecutions(trigger.id)).length, 0);
	});

	test('a deactivation that cannot reach WTS says so; the next activation takes the subscription over and the next deactivation removes it', async () => {
		// n8n keeps a failed publication as the workflow's active version: it is unpublished before the next try.
		await wtsGate.open();
		await n8n.deactivateWorkflow(trigger.id);
		await n8n.activateWorkflow(trigger.id);
		const [registered] = ours();
		assert.ok(registered);

		await wtsGate.close();
		await n8n.deactivateWorkflow(trigger.id, { timeoutMs: 60_000 });
		assert.deepEqual(ours().map((s) => s.id), [registered.id], 'the subscription is left behind on WTS');
		assert.match(n8n.logs(), /Removing the webhook from WTS Chat failed: .*connection refused.*It stays registered on WTS Chat until this workflow is activated or deactivated again/i);

		await wtsGate.open();
		await n8n.activateWorkflow(trigger.id);
		assert.deepEqual(ours().map((s) => s.id), [registered.id], 'taken over, not duplicated');
		await n8n.deactivateWorkflow(trigger.id);
		assert.equal(ours().length, 0);
	});
});

describe('Chatwoot Trigger', () => {
	const webhookId = randomUUID();
	const trigger = workflow({
		name: 'Chatwoot e2e: trigger',
		nodes: [
			chatwootTriggerNode(
				'Chatwoot Trigger',
				{ events: ['message_created', 'conversation_status_changed'], filters: { ignoreAgentAndBotMessages: true }, options: { downloadAttachments: true, includeRawPayload: true } },
				webhookId,
			),
		],
	});
	const ownUrl = () => n8n.webhookUrl(`${webhookId}/webhook`);
	const ours = () => [...chatwoot.state.webhooks.values()].filter((w) => w.url === ownUrl());
	const conversation = () => chatwoot.seed.conversationIds[0];
	const deliveriesTo = (url: string) => chatwoot.state.webhookDeliveries.filter((d) => d.url === url);

	/** A message through the application API; the sandbox then delivers message_created like Chatwoot's job. */
	async function postMessage(body: Record<string, unknown> | FormData): Promise<{ id: number }> {
		const response = await fetch(`${chatwoot.url}/api/v1/accounts/${chatwoot.accountId}/conversations/${conversation()}/messages`, {
			method: 'POST',
			headers: { api_access_token: chatwoot.userToken, ...(body instanceof FormData ? {} : { 'content-type': 'application/json' }) },
			body: body instanceof FormData ? body : JSON.stringify(body),
		});
		assert.equal(response.status, 200, await response.clone().text());
		return (await response.json()) as { id: number };
	}

	/** POSTs a body signed with the webhook's secret, as Chatwoot would, straight to the trigger. */
	async function signedPost(body: string): Promise<Response> {
		const timestamp = String(Math.floor(Date.now() / 1000));
		const signature = `sha256=${createHmac('sha256', ours()[0].secret).update(`${timestamp}.${body}`).digest('hex')}`;
		return await fetch(ownUrl(), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': signature, 'x-chatwoot-delivery': randomUUID() },
			body,
		});
	}

	/** Waits until the sandbox has delivered `count` events to `url` and they were answered. */
	async function deliveredTo(url: string, count: number) {
		for (let waited = 0; deliveriesTo(url).filter((d) => d.status !== null || d.error !== null).length < count; waited += 50) {
			assert.ok(waited < 30_000, `only ${deliveriesTo(url).length} of ${count} deliveries reached ${url}`);
			await sleep(50);
		}
		return deliveriesTo(url);
	}

	test('activation registers exactly one account webhook for the chosen events and keeps its secret', async () => {
		await n8n.importWorkflows([trigger]);
		await n8n.activateWorkflow(trigger.id);
		const registered = ours();
		assert.equal(registered.length, 1);
		assert.deepEqual([...registered[0].subscriptions].sort(), ['conversation_status_changed', 'message_created']);
		assert.equal(chatwoot.recorder.invalidRequests().length, 0);
	});

	test('a workflow export holds no usable secret: deliveries signed with what it holds are refused', async () => {
		const signingSecret = ours()[0].secret;
		const staticData = await exportedStaticData(trigger.id);
		assert.ok(!JSON.stringify(staticData).includes(signingSecret), 'the signing secret is in the export');
		const candidates = stringsIn(staticData);
		assert.ok(candidates.length > 0);
		for (const candidate of candidates) {
			const forged = await chatwoot.emitWebhook('message_created', { id: 990_000, content: 'forjada', message_type: 'incoming', conversation: { id: conversation() } }, { secret: candidate });
			assert.deepEqual(forged.map((d) => d.status), [401]);
		}
		assert.equal((await n8n.listExecutions(trigger.id)).length, 0);
	});

	test('signed deliveries start one execution each; agent replies, retries, forged, stale, unsigned and malformed ones start none', async () => {
		const earlier = deliveriesTo(ownUrl()).length;
		const incoming = await postMessage({ content: 'Olá, preciso de ajuda com meu pedido', message_type: 'incoming' });
		const form = new FormData();
		form.append('content', 'Segue a foto');
		form.append('message_type', 'incoming');
		form.append('attachments[]', new Blob(['GIF89a-photo'], { type: 'image/gif' }), 'foto.gif');
		const withFile = await postMessage(form);
		await postMessage({ content: 'Resposta do agente', message_type: 'outgoing' });
		const automatic = (await deliveredTo(ownUrl(), earlier + 3)).slice(earlier);
		assert.deepEqual(automatic.map((d) => d.status), [200, 200, 200]);

		// The sandbox delivers in the background, so the three may arrive in any order.
		const first = automatic.find((delivery) => (JSON.parse(delivery.body) as { id: number }).id === incoming.id);
		assert.ok(first);
		const payload = JSON.parse(first.body) as Record<string, unknown>;
		const { event: _event, ...original } = payload;
		const resend = { ...original, id: 999_001, content: 'Reenviado pelo Chatwoot' };
		assert.deepEqual((await chatwoot.emitWebhook('message_created', resend, { repeat: 3 })).map((d) => d.status), [200, 200, 200]);
		assert.deepEqual((await chatwoot.emitWebhook('message_created', original, { deliveryId: first.deliveryId })).map((d) => d.status), [200]);
		assert.deepEqual((await chatwoot.emitWebhook('message_created', original, { secret: 'not-the-secret' })).map((d) => d.status), [401]);
		assert.deepEqual((await chatwoot.emitWebhook('message_created', original, { timestampOffsetSeconds: -600 })).map((d) => d.status), [401]);
		assert.deepEqual((await chatwoot.emitWebhook('message_created', original, { omitSignature: true })).map((d) => d.status), [401]);
		const [malformed] = await chatwoot.emitWebhook('message_created', original, { malformedBody: true });
		assert.ok(malformed.status !== null && malformed.status >= 400 && malformed.status < 500, `malformed body answered ${malformed.status}`);
		const deep = await signedPost(`{"event":"message_created","id":1,"extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
		assert.equal(deep.status, 400);
		assert.match(((await deep.json()) as { reason: string }).reason, /levels deep/);
		const large = await signedPost(JSON.stringify({ ...payload, content: 'x'.repeat(2 * 1024 * 1024) }));
		assert.equal(large.status, 413);

		const items = (await settledExecutions(trigger.id, 3)).map((execution) => triggerItem(execution, 'Chatwoot Trigger'));
		const withId = (id: number) => items.find((candidate) => (candidate.json.message as { id: number }).id === id);
		const item = withId(incoming.id);
		assert.ok(item);
		assert.equal(item.json.event, 'message_created');
		assert.equal(item.json.deliveryId, first.deliveryId);
		assert.deepEqual(item.json.account, { id: chatwoot.accountId, name: (payload.account as { name: string }).name });
		const message = item.json.message as Record<string, unknown>;
		assert.equal(message.id, incoming.id);
		assert.equal(message.content, 'Olá, preciso de ajuda com meu pedido');
		assert.equal(message.type, 'incoming');
		assert.equal(message.private, false);
		assert.equal((item.json.conversation as { id: number }).id, conversation());
		assert.equal((item.json.sender as { type: string }).type, 'contact');
		assert.equal((item.json.raw as { id: number }).id, incoming.id);

		const withAttachment = withId(withFile.id);
		assert.ok(withAttachment);
		assert.equal((withAttachment.json.message as { id: number }).id, withFile.id);
		assert.equal((withAttachment.json.message as { attachments: unknown[] }).attachments.length, 1);
		// The sandbox stores no file bytes: the download fails, is reported on the item, and the execution still runs.
		assert.match(JSON.stringify(withAttachment.json.attachmentErrors), /404/);
		assert.equal((withId(999_001)?.json.message as { content: string }).content, 'Reenviado pelo Chatwoot');
	});

	test('deactivation removes the webhook; activation adopts one already pointing here and recreates a deleted one', async () => {
		await n8n.deactivateWorkflow(trigger.id);
		assert.equal(ours().length, 0);

		const made = await fetch(`${chatwoot.url}/api/v1/accounts/${chatwoot.accountId}/webhooks`, {
			method: 'POST',
			headers: { api_access_token: chatwoot.userToken, 'content-type': 'application/json' },
			body: JSON.stringify({ url: ownUrl(), subscriptions: ['contact_created'] }),
		}).then((response) => response.json() as Promise<{ payload: { webhook: { id: number } } }>);
		await n8n.activateWorkflow(trigger.id);
		const adopted = ours();
		assert.equal(adopted.length, 1);
		assert.equal(adopted[0].id, made.payload.webhook.id);
		assert.deepEqual([...adopted[0].subscriptions].sort(), ['conversation_status_changed', 'message_created']);
		const before = deliveriesTo(ownUrl()).length;
		await postMessage({ content: 'Depois de adotar', message_type: 'incoming' });
		assert.equal((await deliveredTo(ownUrl(), before + 1)).at(-1)?.status, 200);
		await settledExecutions(trigger.id, 4);

		chatwoot.state.webhooks.delete(made.payload.webhook.id);
		await n8n.deactivateWorkflow(trigger.id);
		await n8n.activateWorkflow(trigger.id);
		assert.equal(ours().length, 1);
		assert.notEqual(ours()[0].id, made.payload.webhook.id);
		await n8n.deactivateWorkflow(trigger.id);
		assert.equal(ours().length, 0);
		// File downloads are not API calls: the attachment URL is the only request outside the contract.
		const outsideContract = chatwoot.recorder.invalidRequests().map((r) => `${r.method} ${r.path}`);
		assert.deepEqual(outsideContract, ['GET /rails/active_storage/blobs/proxy/1/foto.gif']);
	});

	test('Konverte Digital Trigger: the same engine with its own credential', async () => {
		const konverteHook = randomUUID();
		const konverte = workflow({
			name: 'Konverte Digital e2e: trigger',
			nodes: [
				{
					name: 'Konverte Trigger',
					type: customNodeType('konverteDigitalTrigger'),
					typeVersion: 1,
					webhookId: konverteHook,
					parameters: { events: ['message_created'], filters: { messageTypes: ['incoming'] }, options: {} },
					credentials: { konverteDigitalApi: KONVERTE_CREDENTIAL },
				},
			],
		});
		await n8n.importWorkflows([konverte]);
		await n8n.activateWorkflow(konverte.id);
		const url = n8n.webhookUrl(`${konverteHook}/webhook`);
		assert.equal([...chatwoot.state.webhooks.values()].filter((w) => w.url === url).length, 1);
		await postMessage({ content: 'Mensagem para a Konverte', message_type: 'incoming' });
		await postMessage({ content: 'Resposta', message_type: 'outgoing' });
		await deliveredTo(url, 2);
		const [run] = await settledExecutions(konverte.id, 1);
		assert.equal((triggerItem(run, 'Konverte Trigger').json.message as { content: string }).content, 'Mensagem para a Konverte');
		await n8n.deactivateWorkflow(konverte.id);
		assert.equal([...chatwoot.state.webhooks.values()].filter((w) => w.url === url).length, 0);
	});
});

describe('Chatwoot Trigger as an agent bot', () => {
	const webhookId = randomUUID();
	const team = () => chatwoot.seed.teamIds[0];
	const agent = () => chatwoot.seed.agentIds[1];
	const botInbox = () => chatwoot.seed.inboxIds.api;
	// Built once the sandbox runs: the inbox, team and agent come from its seed.
	const agentBotWorkflow = () => workflow({
		name: 'Chatwoot e2e: agent bot',
		nodes: [
			chatwootTriggerNode('Agent Bot', { mode: 'agentBot', botInboxIds: [botInbox()], botEvents: ['message_created'], filters: { messageTypes: ['incoming'] }, options: {} }, webhookId),
			{
				name: 'Hand Over',
				type: customNodeType('chatwoot'),
				typeVersion: 1,
				parameters: {
					resource: 'conversation',
					operation: 'handOver',
					conversationId: '={{ $json.conversation.id }}',
					note: '=O cliente pediu um atendente: {{ $json.message.content }}',
					assignTo: { teamId: team(), assigneeId: agent() },
				},
				credentials: { chatwootApi: CHATWOOT_CREDENTIAL },
			},
		],
	});
	let bot: ReturnType<typeof workflow>;
	const ownUrl = () => n8n.webhookUrl(`${webhookId}/webhook`);
	const ours = () => [...chatwoot.state.agentBots.values()].filter((b) => b.outgoing_url === ownUrl());
	const botDeliveries = () => chatwoot.state.agentBotDeliveries.filter((d) => d.url === ownUrl());
	const api = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${chatwoot.url}/api/v1/accounts/${chatwoot.accountId}${path}`, {
			method,
			headers: { api_access_token: chatwoot.userToken, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		assert.equal(response.status, 200, await response.clone().text());
		return (await response.json()) as Record<string, unknown>;
	};

	test('activation creates an agent bot that delivers to the trigger and connects it to the chosen inbox', async () => {
		bot = agentBotWorkflow();
		await n8n.importWorkflows([bot]);
		await n8n.activateWorkflow(bot.id);
		assert.equal(ours().length, 1);
		assert.equal(chatwoot.state.inboxes.get(botInbox())?.agent_bot_id, ours()[0].id);
		assert.deepEqual(chatwoot.recorder.invalidRequests().filter((r) => !r.path.startsWith('/rails/')), []);
	});

	test("a contact's message in a pending conversation starts one execution that hands it over; the same delivery sent three more times starts none", async () => {
		const created = await api('POST', '/conversations', { source_id: chatwoot.seed.apiContacts[0].sourceId, inbox_id: botInbox() });
		assert.equal(created.status, 'pending', 'a conversation of a bot inbox starts pending');
		const displayId = Number(created.id);
		await api('POST', `/conversations/${displayId}/messages`, { content: 'Quero falar com um atendente', message_type: 'incoming' });
		for (let waited = 0; !botDeliveries().some((d) => d.status !== null || d.error !== null); waited += 50) {
			assert.ok(waited < 30_000, 'the sandbox did not deliver to the agent bot');
			await sleep(50);
		}
		const [first] = botDeliveries();
		assert.deepEqual([first.status, first.event, first.agentBotId], [200, 'message_created', ours()[0].id]);
		const [run] = await settledExecutions(bot.id, 1);
		const item = triggerItem(run, 'Agent Bot');
		assert.deepEqual([item.json.deliveryId, (item.json.message as { content: string }).content, (item.json.conversation as { status: string }).status], [first.deliveryId, 'Quero falar com um atendente', 'pending']);
		const handedOver = run.nodes['Hand Over']?.[0]?.outputs[0]?.[0];
		assert.equal(handedOver?.json.status, 'open', JSON.stringify(run.error));

		const conversation = chatwoot.state.conversationByDisplayId(chatwoot.accountId, displayId);
		assert.deepEqual([conversation?.status, conversation?.team_id, conversation?.assignee_id], ['open', team(), agent()]);
		const notes = chatwoot.state.messagePage(conversation?.id ?? 0, {}).filter((m) => m.private).map((m) => m.content);
		assert.deepEqual(notes, ['O cliente pediu um atendente: Quero falar com um atendente']);

		const toggles = chatwoot.recorder.requests({ operationId: 'toggle-status-of-a-conversation' }).length;
		const { event: _event, ...payload } = JSON.parse(first.body) as Record<string, unknown>;
		const resent = await chatwoot.emitAgentBot('message_created', payload, { deliveryId: first.deliveryId, repeat: 3 });
		assert.deepEqual(resent.map((d) => d.status), [200, 200, 200]);
		assert.deepEqual(resent.map((d) => d.deliveryId), [first.deliveryId, first.deliveryId, first.deliveryId]);
		await settledExecutions(bot.id, 1);
		assert.equal(chatwoot.recorder.requests({ operationId: 'toggle-status-of-a-conversation' }).length, toggles);
	});

	test('deactivation disconnects the inbox and deletes the bot', async () => {
		await n8n.deactivateWorkflow(bot.id);
		assert.equal(ours().length, 0);
		assert.equal(chatwoot.state.inboxes.get(botInbox())?.agent_bot_id, null);
	});
});
