/**
 * The compatibility matrix: the same smoke suite on every n8n version of scripts/n8n-versions.json ("smoke"),
 * each in its own runtime from the per-user cache. Per version, against fresh sandboxes: the package loads
 * (every node and credential type), each credential's test passes with the right key and fails with a wrong
 * one, each action node runs one write and one read, two Return All lists page to the end, a send with Send Once
 * per Key goes out once in two runs (n8n's deduplication store), and each trigger
 * activates, registers its webhook, starts one execution on a delivery and removes the webhook when
 * deactivated. OMNICHAT_N8N_VERSIONS (comma-separated) runs it on other versions.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import {
	byId,
	CHATWOOT_CREDENTIAL,
	CHATWOOT_PLATFORM_CREDENTIAL,
	chatwootCredentials,
	chatwootNode,
	KONVERTE_CREDENTIAL,
	KONVERTE_PLATFORM_CREDENTIAL,
	konverteNode,
} from '../../demo/chatwootDemo.mts';
import { incomingMessage, wtsTriggerNode } from '../../demo/triggerDemo.mts';
import { WTS_CREDENTIAL_ID, wtsCredential, wtsNode } from '../../demo/wtsDemo.mts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import { WEBHOOK_ANSWER_TIMEOUT_MS } from '../harness/deliveries.mts';
import {
	customNodeType,
	jsonOf,
	manualTrigger,
	N8nInstance,
	prepareExtensions,
	repoRoot,
	SMOKE_VERSIONS,
	workflow,
	type CredentialReference,
	type ExecutionResult,
	type NodeSpec,
	type Workflow,
} from '../harness/n8n.mts';

const versions = process.env.OMNICHAT_N8N_VERSIONS?.split(',').map((v) => v.trim()) ?? SMOKE_VERSIONS;

const ACTION_NODES = ['wtsChat', 'chatwoot', 'chatwootPlatform', 'konverteDigital', 'konverteDigitalPlatform'];
const TRIGGER_NODES = ['wtsChatTrigger', 'chatwootTrigger', 'konverteDigitalTrigger'];
const CREDENTIAL_TYPES = ['wtsChatApi', 'chatwootApi', 'chatwootPlatformApi', 'konverteDigitalApi', 'konverteDigitalPlatformApi'];

function platformNode(name: string, type: 'chatwootPlatform' | 'konverteDigitalPlatform', parameters: Record<string, unknown>): NodeSpec {
	const credentials: Record<string, CredentialReference> =
		type === 'chatwootPlatform' ? { chatwootPlatformApi: CHATWOOT_PLATFORM_CREDENTIAL } : { konverteDigitalPlatformApi: KONVERTE_PLATFORM_CREDENTIAL };
	return { name, type: customNodeType(type), typeVersion: 1, parameters, credentials };
}

const SEND_ONCE_TEXT = 'Uma vez só';

/** The text of a WTS classic send as the sandbox received it. */
const textOf = (request: { body: unknown }): string | undefined => (request.body as { value?: { body?: { text?: string } } }).value?.body?.text;

/** One write, then one read of what it wrote or of a list (Return All where the node pages), per action node. */
function readWriteWorkflows(wts: WtsSandbox, chatwoot: ChatwootSandbox): Record<string, Workflow> {
	const channel = wts.seed.channels[0].id;
	const contact = wts.seed.contacts[0];
	const platform = (type: 'chatwootPlatform' | 'konverteDigitalPlatform', name: string) =>
		workflow({
			name: `Smoke: ${type}`,
			nodes: [
				manualTrigger(),
				platformNode('Write', type, { resource: 'platformAccount', operation: 'create', additionalFields: { name } }),
				platformNode('Read', type, { resource: 'platformAccount', operation: 'get', accountIdField: '={{ $json.id }}' }),
			],
		});
	return {
		wtsChat: workflow({
			name: 'Smoke: wtsChat',
			nodes: [
				manualTrigger(),
				wtsNode('Write', { resource: 'message', operation: 'sendText', from: channel, to: contact.phoneNumber, text: 'Olá da matriz', options: {} }),
				wtsNode('Read', { resource: 'contact', operation: 'getAll', returnAll: true }),
			],
		}),
		chatwoot: workflow({
			name: 'Smoke: chatwoot',
			nodes: [
				manualTrigger(),
				chatwootNode('Write', { resource: 'contact', operation: 'create', additionalFields: { inboxId: chatwoot.seed.inboxIds.api, name: 'Matriz Chatwoot' } }),
				chatwootNode('Read', { resource: 'conversation', operation: 'getAll', returnAll: true, filters: { status: 'all' } }),
			],
		}),
		chatwootPlatform: platform('chatwootPlatform', 'Matriz Chatwoot Platform'),
		konverteDigital: workflow({
			name: 'Smoke: konverteDigital',
			nodes: [
				manualTrigger(),
				konverteNode('Write', { resource: 'contact', operation: 'create', additionalFields: { inboxId: chatwoot.seed.inboxIds.api, name: 'Matriz Konverte' } }),
				konverteNode('Read', { resource: 'contact', operation: 'get', contactId: byId('={{ $json.payload.contact.id }}') }),
			],
		}),
		konverteDigitalPlatform: platform('konverteDigitalPlatform', 'Matriz Konverte Platform'),
		// Run again by its own test: the second run must skip the send.
		sendOnce: workflow({
			name: 'Smoke: Send Once per Key',
			nodes: [
				manualTrigger(),
				wtsNode('Send', {
					resource: 'message',
					operation: 'sendText',
					from: channel,
					to: wts.seed.contacts[1].phoneNumber,
					text: SEND_ONCE_TEXT,
					options: {},
					requestOptions: { sendOnceKey: 'smoke-once' },
				}),
			],
		}),
	};
}

for (const version of versions) {
	describe(`n8n ${version}`, { timeout: 10 * 60_000 }, () => {
		let wts: WtsSandbox;
		let chatwoot: ChatwootSandbox;
		let n8n: N8nInstance;
		let readWrite: { workflows: Record<string, Workflow>; results: Map<string, ExecutionResult> } | undefined;

		before(async () => {
			wts = await startWtsSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS });
			wts.state.seedContacts(150); // the contact list pages by 100
			chatwoot = await startChatwootSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS });
			n8n = await N8nInstance.create({ n8nVersion: version, extensions: [await prepareExtensions(repoRoot, version)] });
			await n8n.importCredentials([wtsCredential(wts.url, wts.apiKey), ...chatwootCredentials(chatwoot)]);
			await n8n.start();
			await n8n.setupOwner();
		});

		after(async () => {
			await n8n?.dispose();
			await wts?.close();
			await chatwoot?.close();
		});

		test('the package loads: every node, its tool variant and every credential type', async () => {
			const nodeTypes = new Set((await n8n.loadedTypes('nodes')).map(({ name }) => name));
			for (const node of [...ACTION_NODES, ...TRIGGER_NODES]) assert.ok(nodeTypes.has(customNodeType(node)), `${node} is not loaded`);
			for (const node of ACTION_NODES) assert.ok(nodeTypes.has(customNodeType(`${node}Tool`)), `${node}Tool is not loaded`);
			const credentialTypes = new Set((await n8n.loadedTypes('credentials')).map(({ name }) => name));
			for (const type of CREDENTIAL_TYPES) assert.ok(credentialTypes.has(type), `${type} is not loaded`);
		});

		test('each credential test passes with the right key and fails with a wrong one', async () => {
			const cases = [
				{ id: WTS_CREDENTIAL_ID, type: 'wtsChatApi', right: { apiKey: wts.apiKey, baseUrl: wts.url }, wrong: { apiKey: 'pn_wrong_key_123456', baseUrl: wts.url } },
				...[CHATWOOT_CREDENTIAL, KONVERTE_CREDENTIAL].map((credential, index) => ({
					id: credential.id,
					type: index === 0 ? 'chatwootApi' : 'konverteDigitalApi',
					right: { url: chatwoot.url, accessToken: chatwoot.userToken, accountId: String(chatwoot.accountId) },
					wrong: { url: chatwoot.url, accessToken: 'not-a-real-token', accountId: String(chatwoot.accountId) },
				})),
				...[CHATWOOT_PLATFORM_CREDENTIAL, KONVERTE_PLATFORM_CREDENTIAL].map((credential, index) => ({
					id: credential.id,
					type: index === 0 ? 'chatwootPlatformApi' : 'konverteDigitalPlatformApi',
					right: { url: chatwoot.url, platformToken: chatwoot.platformToken },
					wrong: { url: chatwoot.url, platformToken: 'not-a-real-token' },
				})),
			];
			for (const { id, type, right, wrong } of cases) {
				const check = async (data: Record<string, string>) =>
					await n8n.rest<{ status: string; message?: string }>('POST', '/credentials/test', { credentials: { id, name: type, type, data } });
				assert.deepEqual(await check(right), { status: 'OK', message: 'Connection successful!' }, type);
				assert.equal((await check(wrong)).status, 'Error', type);
			}
			// The tests reached the platforms with the keys they were given.
			assert.equal(wts.recorder.requests({ method: 'GET', path: '/chat/v1/channel', credential: wts.apiKey, status: 200 }).length, 1);
			assert.equal(chatwoot.recorder.requests({ method: 'GET', path: '/api/v1/profile', credential: chatwoot.userToken, status: 200 }).length, 2);
			assert.equal(chatwoot.recorder.requests({ method: 'GET', path: '/platform/api/v1/accounts', credential: chatwoot.platformToken, status: 200 }).length, 2);
		});

		test('each action node writes and reads; Return All pages to the end', async () => {
			const workflows = readWriteWorkflows(wts, chatwoot);
			await n8n.importWorkflows(Object.values(workflows));
			const results = await n8n.executeMany(Object.values(workflows).map(({ id }) => id));
			readWrite = { workflows, results };
			const run = (node: string): ExecutionResult => {
				const result = results.get(workflows[node].id);
				assert.ok(result);
				assert.equal(result.failed, false, `${node}: ${JSON.stringify(result.error)}`);
				return result;
			};

			const sent = jsonOf(run('wtsChat'), 'Write');
			assert.equal(sent.length, 1);
			const sendRequests = wts.recorder.requests({ method: 'POST', path: '/chat/v1/message/send', status: 200 }).filter((request) => textOf(request) === 'Olá da matriz');
			assert.equal(sendRequests.length, 1);
			assert.equal(sent[0].id, wts.state.messages.get(String(sent[0].id))?.id);
			// Return All: every active contact (the list's default status), over two pages of 100.
			const contacts = jsonOf(run('wtsChat'), 'Read');
			const active = [...wts.state.contacts.values()].filter(({ status }) => status === 'ACTIVE');
			assert.ok(active.length > 100);
			assert.deepEqual(contacts.map(({ id }) => id).sort(), active.map(({ id }) => id).sort());
			assert.equal(wts.recorder.requests({ operationId: 'listContacts', status: 200 }).length, 2);

			const contact = jsonOf(run('chatwoot'), 'Write')[0] as { payload: { contact: { id: number; name: string } } };
			assert.equal(contact.payload.contact.name, 'Matriz Chatwoot');
			const conversations = jsonOf(run('chatwoot'), 'Read');
			assert.equal(conversations.length, chatwoot.seed.conversationIds.length);
			assert.ok(
				chatwoot.recorder.requests({ method: 'GET', path: `/api/v1/accounts/${chatwoot.accountId}/conversations` }).length > 1,
				'Return All read one page only',
			);

			const konverteContact = jsonOf(run('konverteDigital'), 'Read')[0] as { payload: { name: string } };
			assert.equal(konverteContact.payload.name, 'Matriz Konverte');

			for (const [node, name] of [
				['chatwootPlatform', 'Matriz Chatwoot Platform'],
				['konverteDigitalPlatform', 'Matriz Konverte Platform'],
			] as const) {
				const [created] = jsonOf(run(node), 'Write');
				const [read] = jsonOf(run(node), 'Read');
				assert.equal(created.name, name, node);
				assert.deepEqual([read.id, read.name], [created.id, name], node);
			}
			assert.deepEqual(wts.recorder.invalidRequests(), []);
			assert.deepEqual(chatwoot.recorder.invalidRequests(), []);
		});

		test('Send Once per Key: the second run of a keyed send sends nothing', async () => {
			assert.ok(readWrite, 'the write-and-read workflows did not run');
			const keyed = readWrite.workflows.sendOnce;
			const first = readWrite.results.get(keyed.id);
			const second = (await n8n.executeMany([keyed.id])).get(keyed.id);
			const outputs = [first, second].map((result) => {
				assert.ok(result);
				assert.equal(result.failed, false, JSON.stringify(result.error));
				return jsonOf(result, 'Send');
			});
			assert.equal(typeof outputs[0][0]?.id, 'string', JSON.stringify(outputs[0]));
			assert.deepEqual(outputs[1], [{ skipped: true, sendOnceKey: 'smoke-once' }]);
			assert.equal(wts.recorder.requests({ method: 'POST', path: '/chat/v1/message/send' }).filter((request) => textOf(request) === SEND_ONCE_TEXT).length, 1);
		});

		test('each trigger activates, registers its webhook, starts one execution on a delivery and unregisters', async () => {
			const wtsHook = randomUUID();
			const chatwootHook = randomUUID();
			const konverteHook = randomUUID();
			const wtsTrigger = workflow({ name: 'Smoke: WTS trigger', nodes: [wtsTriggerNode('Trigger', { events: ['MESSAGE_RECEIVED'], options: {} }, wtsHook)] });
			const chatwootTrigger = workflow({
				name: 'Smoke: Chatwoot trigger',
				nodes: [
					{
						name: 'Trigger',
						type: customNodeType('chatwootTrigger'),
						typeVersion: 1,
						webhookId: chatwootHook,
						parameters: { events: ['message_created'], options: {} },
						credentials: { chatwootApi: CHATWOOT_CREDENTIAL },
					},
				],
			});
			const konverteTrigger = workflow({
				name: 'Smoke: Konverte trigger',
				nodes: [
					{
						name: 'Trigger',
						type: customNodeType('konverteDigitalTrigger'),
						typeVersion: 1,
						webhookId: konverteHook,
						parameters: { events: ['message_created'], options: {} },
						credentials: { konverteDigitalApi: KONVERTE_CREDENTIAL },
					},
				],
			});
			await n8n.importWorkflows([wtsTrigger, chatwootTrigger, konverteTrigger]);
			const wtsUrl = n8n.webhookUrl(`${wtsHook}/webhook`);
			const wtsRegistered = () => [...wts.state.webhookSubscriptions.values()].filter((s) => s.url.split('?')[0] === wtsUrl);
			const chatwootRegistered = (hook: string) => [...chatwoot.state.webhooks.values()].filter((w) => w.url === n8n.webhookUrl(`${hook}/webhook`));

			for (const { id } of [wtsTrigger, chatwootTrigger, konverteTrigger]) await n8n.activateWorkflow(id);
			assert.equal(wtsRegistered().length, 1);
			assert.equal(chatwootRegistered(chatwootHook).length, 1);
			assert.equal(chatwootRegistered(konverteHook).length, 1);

			const session = wts.seed.sessions[0].id;
			// Sent twice, as a platform retries: the trigger recognises the copy and starts nothing for it.
			const delivered = await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session, 'Olá do WTS'), { repeat: 2 });
			assert.deepEqual(delivered.map((d) => d.status), [200, 200]);
			const conversation = chatwoot.seed.conversationIds[0];
			const response = await fetch(`${chatwoot.url}/api/v1/accounts/${chatwoot.accountId}/conversations/${conversation}/messages`, {
				method: 'POST',
				headers: { api_access_token: chatwoot.userToken, 'content-type': 'application/json' },
				body: JSON.stringify({ content: 'Olá do Chatwoot', message_type: 'incoming' }),
			});
			assert.equal(response.status, 200, await response.text());

			const [wtsRun] = await n8n.waitForExecutions(wtsTrigger.id, 1);
			assert.equal((jsonOf(wtsRun, 'Trigger')[0].content as { text: string }).text, 'Olá do WTS');
			for (const trigger of [chatwootTrigger, konverteTrigger]) {
				const [run] = await n8n.waitForExecutions(trigger.id, 1);
				assert.equal((jsonOf(run, 'Trigger')[0].message as { content: string }).content, 'Olá do Chatwoot');
			}
			// One execution per message, nothing more (n8n registers an execution before it answers).
			await sleep(300);
			for (const { id } of [wtsTrigger, chatwootTrigger, konverteTrigger]) assert.equal((await n8n.listExecutions(id)).length, 1);

			for (const { id } of [wtsTrigger, chatwootTrigger, konverteTrigger]) await n8n.deactivateWorkflow(id);
			assert.equal(wtsRegistered().length, 0);
			assert.equal(chatwootRegistered(chatwootHook).length, 0);
			assert.equal(chatwootRegistered(konverteHook).length, 0);
		});
	});
}
