/**
 * Through a running n8n server, as the editor does it: credential tests really check the key, and the
 * pickers load the account's records through n8n's dynamic-parameters API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { CHATWOOT_CREDENTIAL, chatwootCredentials } from '../../demo/chatwootDemo.mts';
import { WTS_CREDENTIAL_ID, wtsCredential, wtsDemoWorkflows } from '../../demo/wtsDemo.mts';
import { startChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { startWtsSandbox } from '../../sandbox/wts/server.mts';
import { customNodeType, N8nInstance, prepareExtensions, repoRoot } from '../harness/n8n.mts';

type Sandbox = Awaited<ReturnType<typeof startWtsSandbox>>;
interface Option {
	name: string;
	value: string | number;
}

let wts: Sandbox;
let chatwoot: Awaited<ReturnType<typeof startChatwootSandbox>>;
let n8n: N8nInstance;

before(async () => {
	wts = await startWtsSandbox({});
	chatwoot = await startChatwootSandbox({});
	// The main end-to-end suite runs in n8n's default binary mode (filesystem); this instance keeps binary
	// data in the database, so uploads are proven in both.
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)], env: { N8N_DEFAULT_BINARY_DATA_MODE: 'database' } });
	await n8n.importCredentials([wtsCredential(wts.url, wts.apiKey), ...chatwootCredentials(chatwoot)]);
	await n8n.start();
	await n8n.setupOwner();
});

after(async () => {
	await n8n?.dispose();
	await wts?.close();
	await chatwoot?.close();
});

async function testCredential(apiKey: string): Promise<{ status: string; message?: string }> {
	return await n8n.rest('POST', '/credentials/test', {
		credentials: { id: WTS_CREDENTIAL_ID, name: 'WTS Chat (sandbox)', type: 'wtsChatApi', data: { apiKey, baseUrl: wts.url } },
	});
}

async function wtsOptions(methodName: string, currentNodeParameters: Record<string, unknown>): Promise<Option[]> {
	return await n8n.rest('POST', '/dynamic-node-parameters/options', {
		nodeTypeAndVersion: { name: customNodeType('wtsChat'), version: 1 },
		path: 'parameters.picked',
		methodName,
		currentNodeParameters,
		credentials: { wtsChatApi: { id: WTS_CREDENTIAL_ID, name: 'WTS Chat (sandbox)' } },
	});
}

describe('WTS Chat through a running n8n server', () => {
	test('the credential test accepts the right key and refuses a wrong one without echoing it', async () => {
		assert.equal((await testCredential(wts.apiKey)).status, 'OK');
		const wrong = await testCredential('pn_wrong_key_123456');
		assert.equal(wrong.status, 'Error');
		assert.ok(!JSON.stringify(wrong).includes('pn_wrong_key_123456'));
	});

	test('channel picker lists every channel as "number (platform)"', async () => {
		const options = await wtsOptions('getChannels', { resource: 'message', operation: 'sendText' });
		assert.deepEqual(options.map((o) => o.value).sort(), wts.seed.channels.map((c) => c.id).sort());
		assert.ok(options.every((o) => /\(.+\)$/.test(o.name)), JSON.stringify(options));
	});

	test('template picker shows only approved templates of the chosen channel; variables come from the template', async () => {
		const channel = wts.seed.channels[0].id;
		const options = await wtsOptions('getTemplates', { resource: 'message', operation: 'sendTemplate', from: channel });
		const expected = wts.seed.templates.filter((t) => t.channelId === channel && t.status === 'Approved').map((t) => t.id);
		assert.deepEqual(options.map((o) => o.value).sort(), [...expected].sort());
		const withVariables = wts.seed.templates[0];
		const variables = await wtsOptions('getTemplateVariables', { resource: 'message', operation: 'sendTemplate', from: channel, templateId: withVariables.id });
		assert.deepEqual(variables.map((o) => o.value), withVariables.variables.map((v) => v.replace(/[{}]/g, '')));
	});

	test('user picker follows the chosen department', async () => {
		const all = await wtsOptions('getUsers', { resource: 'message', operation: 'sendText' });
		const department = wts.seed.departments[0].id;
		const some = await wtsOptions('getUsers', { resource: 'message', operation: 'sendText', options: { departmentId: department } });
		assert.ok(some.length > 0 && some.length < all.length, `${some.length} of ${all.length}`);
	});

	test('send file uploads the exact bytes of a binary kept in the database binary mode', async () => {
		const demo = wtsDemoWorkflows(wts.seed).find((d) => d.resultNode === 'Send File');
		assert.ok(demo);
		await n8n.importWorkflows([demo.workflow]);
		const result = await n8n.execute(demo.workflow.id);
		assert.equal(result.failed, false, result.error?.message);
		const upload = wts.recorder.requests().find((r) => r.method === 'PUT' && r.rawRoute === 'upload');
		assert.ok(upload && upload.body.kind === 'raw', 'no raw upload body');
		assert.match(upload.body.bytes.toString('utf8'), /^%PDF-1\.4[\s\S]*%%EOF\n$/);
	});

	test('chatbot picker offers chatbot keys, not ids', async () => {
		const options = await wtsOptions('getChatbots', { resource: 'message', operation: 'sendText' });
		const keys = new Set(wts.seed.chatbots.map((b) => b.key));
		assert.ok(options.length > 0 && options.every((o) => keys.has(String(o.value))));
	});
});

describe('Chatwoot through a running n8n server', () => {
	async function testChatwootCredential(url: string, accessToken: string): Promise<{ status: string; message?: string }> {
		return await n8n.rest('POST', '/credentials/test', {
			credentials: { ...CHATWOOT_CREDENTIAL, type: 'chatwootApi', data: { url, accessToken, accountId: '1' } },
		});
	}

	test('the credential test checks the token, and a pasted /api/v1/ URL still works', async () => {
		assert.equal((await testChatwootCredential(`${chatwoot.url}/api/v1/`, chatwoot.userToken)).status, 'OK');
		const wrong = await testChatwootCredential(chatwoot.url, 'not-a-real-token');
		assert.equal(wrong.status, 'Error');
		assert.ok(!JSON.stringify(wrong).includes('not-a-real-token'));
	});

	async function search(methodName: string, filter?: string): Promise<{ results: Array<{ name: string; value: string; url?: string }>; paginationToken?: string }> {
		return await n8n.rest('POST', '/dynamic-node-parameters/resource-locator-results', {
			nodeTypeAndVersion: { name: customNodeType('chatwoot'), version: 1 },
			path: 'parameters.conversationId',
			methodName,
			filter,
			currentNodeParameters: { api: 'application', resource: 'conversation', operation: 'get', accountId: { __rl: true, mode: 'id', value: '' } },
			credentials: { chatwootApi: CHATWOOT_CREDENTIAL },
		});
	}

	test('the conversation picker pages through the account with links to each conversation', async () => {
		const first = await search('searchConversations');
		assert.ok(first.results.length > 0 && first.paginationToken, JSON.stringify(first).slice(0, 300));
		assert.match(first.results[0].url ?? '', /\/app\/accounts\/1\/conversations\/\d+$/);
	});

	test('the inbox picker filters by what is typed', async () => {
		const all = await search('searchInboxes');
		const some = await search('searchInboxes', 'web');
		assert.ok(all.results.length > some.results.length && some.results.length > 0, `${some.results.length} of ${all.results.length}`);
	});
});

describe('Output schemas through a running n8n server', () => {
	test('the editor finds the schema of an operation (no 404), as it asks for it before a first run', async () => {
		for (const path of ['CUSTOM.wtsChat/1.0.0/contact/getAll.json', 'CUSTOM.chatwoot/1.0.0/conversation/getAll.json', 'CUSTOM.chatwootPlatform/1.0.0/platformAccount/getAll.json']) {
			const response = await fetch(`${n8n.baseUrl}/schemas/${path}`);
			assert.equal(response.status, 200, path);
			assert.equal(((await response.json()) as { type: string }).type, 'object', path);
		}
		assert.equal((await fetch(`${n8n.baseUrl}/schemas/CUSTOM.chatwoot/1.0.0/conversations/noSuchOperation.json`)).status, 404);
	});
});
