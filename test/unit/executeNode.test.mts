import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { executeNode } from '../../nodes/shared/engine/executeNode.ts';
import { toItems } from '../../nodes/shared/engine/outputItems.ts';
import { DEFAULT_CONCURRENCY, readRequestOptions } from '../../nodes/shared/engine/requestOptions.ts';
import { wtsNode } from '../../nodes/WtsChat/wtsDefinition.ts';
import { WTS_DEFAULT_BASE_URL, wtsBaseUrl, wtsProfile } from '../../nodes/WtsChat/transport/wtsProfile.ts';
import { API_KEY, createContext, everyStringIn, workflow, wtsCredentials, type ParamValue } from './fakeContext.mts';
import { reply, withServer } from './testServer.mts';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('readRequestOptions', () => {
	test('defaults when nothing is set', () => {
		const { transport, runner } = readRequestOptions(createContext());
		assert.deepEqual(transport, { timeoutMs: 60_000, maxRetries: 5, paceToLimits: true, skipSslCertificateValidation: false });
		assert.deepEqual(runner, { concurrency: DEFAULT_CONCURRENCY, useBatchEndpoints: false });
	});

	test('every option maps to the transport and the runner', () => {
		const { transport, runner } = readRequestOptions(
			createContext({
				params: {
					requestOptions: {
						timeout: 1500,
						maxRetries: 0,
						paceToLimits: false,
						allowUnauthorizedCerts: true,
						concurrency: 3,
						useBatchEndpoints: true,
						batching: { batch: { batchSize: 7, batchInterval: 250 } },
						proxy: ' http://user%40corp:p%3Ass@proxy.local:3128 ',
					},
				},
			}),
		);
		assert.deepEqual(transport, {
			timeoutMs: 1500,
			maxRetries: 0,
			paceToLimits: false,
			skipSslCertificateValidation: true,
			proxy: { protocol: 'http', host: 'proxy.local', port: 3128, auth: { username: 'user@corp', password: 'p:ss' } },
		});
		assert.deepEqual(runner, { concurrency: 3, useBatchEndpoints: true, batchSize: 7, batchIntervalMs: 250 });
	});

	test('batching without values uses 50 items per batch and 1000 ms; an https proxy defaults to port 443', () => {
		const { transport, runner } = readRequestOptions(createContext({ params: { requestOptions: { batching: { batch: {} }, proxy: 'https://p.example' } } }));
		assert.deepEqual(runner, { concurrency: DEFAULT_CONCURRENCY, useBatchEndpoints: false, batchSize: 50, batchIntervalMs: 1000 });
		assert.deepEqual(transport.proxy, { protocol: 'https', host: 'p.example', port: 443 });
	});

	test('an invalid proxy URL is refused naming the option', () => {
		assert.throws(
			() => readRequestOptions(createContext({ params: { requestOptions: { proxy: 'not a url' } } })),
			(error: Error) => error instanceof workflow.NodeOperationError && /Proxy/.test(error.message),
		);
	});
});

describe('toItems', () => {
	test('lists become one item per record, empty answers say success, scalars are wrapped', () => {
		assert.deepEqual(toItems([{ a: 1 }, 2]), [{ json: { a: 1 } }, { json: { value: 2 } }]);
		assert.deepEqual(toItems({}), [{ json: { success: true } }]);
		assert.deepEqual(toItems(undefined), [{ json: { success: true } }]);
		assert.deepEqual(toItems('ok'), [{ json: { value: 'ok' } }]);
		assert.deepEqual(toItems({ id: 'x' }), [{ json: { id: 'x' } }]);
	});
});

describe('executeNode with the WTS node definition, over a real server', () => {
	const fastOptions = { paceToLimits: false, maxRetries: 0, timeout: 2000 };

	test('List Contacts with Return All follows the pages; every record is paired with the item', async () => {
		await withServer(
			(req, res) => {
				const page = Number(req.query.get('PageNumber'));
				reply(res, 200, { items: [{ id: `c${page}a` }, { id: `c${page}b` }], hasMorePages: page < 3, pageNumber: page });
			},
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					params: { resource: 'contact', operation: 'getAll', returnAll: true, filters: { status: 'ACTIVE' }, requestOptions: fastOptions },
				});
				const [out] = await executeNode(ctx, wtsNode);
				assert.deepEqual(out.map((entry) => entry.json.id), ['c1a', 'c1b', 'c2a', 'c2b', 'c3a', 'c3b']);
				assert.ok(out.every((entry) => JSON.stringify(entry.pairedItem) === JSON.stringify({ item: 0 })));
				assert.deepEqual(server.lines, [1, 2, 3].map((page) => `GET /core/v1/contact?Status=ACTIVE&PageNumber=${page}&PageSize=100`));
			},
		);
	});

	test('List Contacts with a limit asks for that page size and stops', async () => {
		await withServer(
			(req, res) => {
				const size = Number(req.query.get('PageSize'));
				reply(res, 200, { items: Array.from({ length: size }, (_, i) => ({ id: i })), hasMorePages: true });
			},
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					params: { resource: 'contact', operation: 'getAll', returnAll: false, limit: 5, requestOptions: fastOptions },
				});
				const [out] = await executeNode(ctx, wtsNode);
				assert.equal(out.length, 5);
				assert.equal(server.requests.length, 1);
				assert.equal(server.requests[0].query.get('PageSize'), '5');
			},
		);
	});

	test('Get Contact per item under Continue On Fail: the failed item carries the error, the others their contact', async () => {
		await withServer(
			(req, res) => {
				if (req.path.endsWith(uuid(2))) reply(res, 404, { text: 'Contact not found', key: 'NOT_FOUND', id: { shortValue: 'R1' } });
				else reply(res, 200, { id: req.path.split('/').pop() });
			},
			async (server) => {
				const params: Record<string, ParamValue> = { resource: 'contact', operation: 'get', contactId: (i: number) => uuid(i + 1), requestOptions: fastOptions };
				const ctx = createContext({ credentials: wtsCredentials(server.baseUrl), continueOnFail: true, params, items: [{ json: {} }, { json: {} }, { json: {} }] });
				const [out] = await executeNode(ctx, wtsNode);
				assert.equal(out.length, 3);
				assert.deepEqual(out[0].json, { id: uuid(1) });
				assert.equal(out[1].json.error, 'WTS Chat answered 404: Contact not found');
				assert.match(String(out[1].json.details), /Error key: NOT_FOUND/);
				assert.deepEqual(out[2].json, { id: uuid(3) });
				assert.deepEqual(out.map((entry) => entry.pairedItem), [{ item: 0 }, { item: 1 }, { item: 2 }]);
				assert.ok(!everyStringIn(out).some((text) => text.includes(API_KEY)));
			},
		);
	});

	test('a refused input never reaches the server, and names the item', async () => {
		await withServer(
			(_req, res) => reply(res, 200, {}),
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					params: { resource: 'contact', operation: 'get', contactId: '', requestOptions: fastOptions },
				});
				await assert.rejects(executeNode(ctx, wtsNode), (error: Error & { context?: IDataObject }) => {
					assert.ok(error instanceof workflow.NodeOperationError);
					assert.equal(error.message, '"Contact ID" is required');
					assert.equal(error.context?.itemIndex, 0);
					return true;
				});
				assert.equal(server.requests.length, 0);
			},
		);
	});

	test('an unknown operation is a NodeOperationError', async () => {
		const ctx = createContext({ credentials: wtsCredentials('http://127.0.0.1:9'), params: { resource: 'contact', operation: 'nope' } });
		await assert.rejects(executeNode(ctx, wtsNode), (error: Error) => error instanceof workflow.NodeOperationError && /Unknown operation "nope"/.test(error.message));
	});
});

describe('wtsProfile', () => {
	test('reads the WTS envelope', () => {
		assert.deepEqual(wtsProfile.readError({ text: 'Sem permissão', key: 'FORBIDDEN', id: { shortValue: 'AB12', value: 'long' } }), {
			text: 'Sem permissão',
			key: 'FORBIDDEN',
			reference: 'AB12',
			fieldErrors: [],
		});
	});

	test('reads ProblemDetails: title, detail, field errors given as arrays or strings', () => {
		const details = wtsProfile.readError({ title: 'Validation failed', detail: 'see errors', errors: { Name: ['required', 'too short'], Phone: 'invalid' } });
		assert.equal(details.text, 'Validation failed');
		assert.deepEqual(details.fieldErrors, ['Name: required, too short', 'Phone: invalid']);
		assert.equal(wtsProfile.readError({ text: '   ', detail: 'the detail' }).text, 'the detail');
		assert.equal(wtsProfile.readError({ error: 'invalid_token' }).text, 'invalid_token');
	});

	test('anything that is not an object gives no details', () => {
		for (const body of [undefined, null, 'text', 42]) assert.deepEqual(wtsProfile.readError(body), {});
	});

	test('base URL: trailing slashes trimmed, default when empty', () => {
		assert.equal(wtsBaseUrl(' https://api.helena.run/// '), 'https://api.helena.run');
		assert.equal(wtsBaseUrl(''), WTS_DEFAULT_BASE_URL);
		assert.equal(wtsBaseUrl(undefined), WTS_DEFAULT_BASE_URL);
		assert.equal(wtsProfile.baseUrl({ baseUrl: 'http://x/' }), 'http://x');
	});

	test('the key is a secret; the limiter key names the account without holding the key', () => {
		assert.deepEqual(wtsProfile.secrets({ apiKey: API_KEY }), [API_KEY]);
		assert.deepEqual(wtsProfile.secrets({}), []);
		const a = wtsProfile.accountKey({ apiKey: API_KEY, baseUrl: 'https://api.wts.chat' });
		const b = wtsProfile.accountKey({ apiKey: `${API_KEY}x`, baseUrl: 'https://api.wts.chat' });
		assert.ok(!a.includes(API_KEY));
		assert.ok(a.startsWith('https://api.wts.chat#'));
		assert.notEqual(a, b);
		assert.equal(a, wtsProfile.accountKey({ apiKey: API_KEY, baseUrl: 'https://api.wts.chat/' }));
	});
});
