import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ServerResponse } from 'node:http';

import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';

import { chatwootListSearch } from '../../nodes/Chatwoot/methods/listSearch.ts';
import { chatwootBrand } from '../../nodes/Chatwoot/brand.ts';
import { TEMPLATE_PAGES, templateQuery } from '../../nodes/WtsChat/actions/message/sendTemplate.operation.ts';
import { getTemplates } from '../../nodes/WtsChat/methods/loadOptions.ts';

import type { PaginationSpec } from '../../nodes/shared/engine/operationTable.ts';
import { ApiClient, DEFAULT_SETTINGS, type ApiRequest } from '../../nodes/shared/transport/apiClient.ts';
import { collectRecords, recordsOf } from '../../nodes/shared/transport/pagination.ts';
import { wtsProfile } from '../../nodes/WtsChat/transport/wtsProfile.ts';
import { createContext, workflow, wtsCredentials } from './fakeContext.mts';
import { reply, withServer, type ReceivedRequest } from './testServer.mts';

/** A client whose answers come from `answer`; every request is recorded. */
function stubClient(answer: (req: ApiRequest, n: number) => unknown) {
	const requests: ApiRequest[] = [];
	const client = {
		async request(req: ApiRequest) {
			requests.push(structuredClone(req));
			return answer(req, requests.length - 1);
		},
		pagingError: (message: string, description: string) => Object.assign(new Error(message), { description }),
	} as unknown as ApiClient;
	return { client, requests };
}

const records = (from: number, count: number): IDataObject[] => Array.from({ length: count }, (_, i) => ({ id: from + i }));

const WTS_PAGES: PaginationSpec = {
	style: 'pageNumber',
	in: 'query',
	pageParam: 'PageNumber',
	sizeParam: 'PageSize',
	pageSize: 100,
	itemsPath: 'items',
	hasMorePath: 'hasMorePages',
};

describe('pagination: pageNumber', () => {
	test('follows hasMorePages across pages and stops when it is false', async () => {
		const { client, requests } = stubClient((req) => {
			const page = Number(req.qs?.PageNumber);
			return { items: records((page - 1) * 100, 100), hasMorePages: page < 3, pageNumber: page };
		});
		const out = await collectRecords(client, { method: 'GET', path: '/core/v1/contact', qs: { Status: 'ACTIVE' } }, WTS_PAGES);
		assert.equal(out.length, 300);
		assert.deepEqual(out.map((r) => r.id), records(0, 300).map((r) => r.id));
		assert.deepEqual(requests.map((r) => r.qs), [1, 2, 3].map((page) => ({ Status: 'ACTIVE', PageNumber: page, PageSize: 100 })));
	});

	test('stops at the limit with fewer requests and asks for no bigger pages than needed', async () => {
		const { client, requests } = stubClient((req) => {
			const page = Number(req.qs?.PageNumber);
			const size = Number(req.qs?.PageSize);
			return { items: records((page - 1) * size, size), hasMorePages: true };
		});
		const out = await collectRecords(client, { method: 'GET', path: '/x' }, WTS_PAGES, 30);
		assert.equal(out.length, 30);
		assert.equal(requests.length, 1);
		assert.equal(requests[0].qs?.PageSize, 30);

		const more = stubClient((req) => ({ items: records((Number(req.qs?.PageNumber) - 1) * 100, 100), hasMorePages: true }));
		const out250 = await collectRecords(more.client, { method: 'GET', path: '/x' }, WTS_PAGES, 250);
		assert.equal(out250.length, 250);
		assert.equal(more.requests.length, 3);
		assert.deepEqual(out250.map((r) => r.id), records(0, 250).map((r) => r.id));
	});

	test('without hasMorePages, totalPages decides', async () => {
		const { client, requests } = stubClient((req) => ({ items: records(Number(req.qs?.page) * 10, 10), totalPages: 2 }));
		const spec: PaginationSpec = { style: 'pageNumber', in: 'query', pageParam: 'page', itemsPath: 'items' };
		const out = await collectRecords(client, { method: 'GET', path: '/x' }, spec);
		assert.equal(out.length, 20);
		assert.equal(requests.length, 2);
	});

	test('stops on an empty page even if the API says there are more', async () => {
		const { client, requests } = stubClient((_req, n) => ({ items: n === 0 ? records(0, 100) : [], hasMorePages: true }));
		const out = await collectRecords(client, { method: 'GET', path: '/x' }, WTS_PAGES);
		assert.equal(out.length, 100);
		assert.equal(requests.length, 2);
	});

	test('a plain-array answer is the whole list: one request', async () => {
		const { client, requests } = stubClient(() => records(0, 7));
		const out = await collectRecords(client, { method: 'GET', path: '/x' }, WTS_PAGES);
		assert.deepEqual(out, records(0, 7));
		assert.equal(requests.length, 1);
	});

	test("body paging (in: 'body') puts page and size into the body, keeping its other fields", async () => {
		const spec: PaginationSpec = { ...WTS_PAGES, in: 'body', pageParam: 'pageNumber', sizeParam: 'pageSize' };
		const { client, requests } = stubClient((req) => {
			const page = Number((req.body as IDataObject).pageNumber);
			return { items: records((page - 1) * 100, 100), hasMorePages: page < 2 };
		});
		const out = await collectRecords(client, { method: 'POST', path: '/crm/v1/panel/card/search', body: { panelId: 'p1' } }, spec);
		assert.equal(out.length, 200);
		assert.deepEqual(requests.map((r) => r.body), [
			{ panelId: 'p1', pageNumber: 1, pageSize: 100 },
			{ panelId: 'p1', pageNumber: 2, pageSize: 100 },
		]);
		assert.ok(requests.every((r) => r.qs === undefined || !('pageNumber' in r.qs)));
	});

	test('the items path may be nested', () => {
		assert.deepEqual(recordsOf({ data: { payload: [{ id: 1 }] } }, 'data.payload'), [{ id: 1 }]);
		assert.deepEqual(recordsOf({ data: {} }, 'data.payload'), []);
		assert.deepEqual(recordsOf([{ id: 2 }], 'anything'), [{ id: 2 }]);
	});
});

describe('pagination: page (ends on a short page)', () => {
	const spec: PaginationSpec = { style: 'page', pageParam: 'page', pageSize: 25, itemsPath: 'data.payload' };

	test('stops on a short page', async () => {
		const sizes = [25, 25, 7];
		const { client, requests } = stubClient((_req, n) => ({ data: { payload: records(n * 25, sizes[n]) } }));
		const out = await collectRecords(client, { method: 'GET', path: '/contacts', qs: { sort: 'name' } }, spec);
		assert.equal(out.length, 57);
		assert.deepEqual(requests.map((r) => r.qs), [1, 2, 3].map((page) => ({ sort: 'name', page })));
	});

	test('stops on an empty page after full ones, and at the limit', async () => {
		const full = stubClient((_req, n) => ({ data: { payload: n < 2 ? records(n * 25, 25) : [] } }));
		assert.equal((await collectRecords(full.client, { method: 'GET', path: '/x' }, spec)).length, 50);
		assert.equal(full.requests.length, 3);

		const limited = stubClient((_req, n) => ({ data: { payload: records(n * 25, 25) } }));
		assert.equal((await collectRecords(limited.client, { method: 'GET', path: '/x' }, spec, 40)).length, 40);
		assert.equal(limited.requests.length, 2);
	});
});

describe('pagination: page with a total, keyed answers', () => {
	test('stops once totalPath records are in, without a page size', async () => {
		const spec: PaginationSpec = { style: 'page', pageParam: 'page', itemsPath: 'data.payload', totalPath: 'data.meta.count' };
		const { client, requests } = stubClient((_req, n) => ({ data: { payload: records(n * 10, n < 2 ? 10 : 3), meta: { count: 23 } } }));
		const out = await collectRecords(client, { method: 'GET', path: '/x' }, spec);
		assert.equal(out.length, 23);
		assert.equal(requests.length, 3);
	});

	test('keyed answers flatten every array found at the items path, in order', () => {
		assert.deepEqual(recordsOf({ payload: { contacts: [{ id: 1 }], messages: [{ id: 2 }, { id: 3 }], meta: 'x' } }, 'payload', true), [{ id: 1 }, { id: 2 }, { id: 3 }]);
		assert.deepEqual(recordsOf({ payload: { contacts: [{ id: 1 }] } }, 'payload'), [], 'not keyed: an object is no list');
	});
});

describe('pagination: cursorBefore', () => {
	const spec: PaginationSpec = { style: 'cursorBefore', param: 'before', idField: 'id', itemsPath: 'payload' };

	/** Messages 1..n, newest first pages of 20 below the cursor (like Chatwoot's message list). */
	const messagesApi = (total: number, pageSize = 20) => (req: ApiRequest) => {
		const before = req.qs?.before === undefined ? total + 1 : Number(req.qs.before);
		const ids = [];
		for (let id = before - 1; id >= 1 && ids.length < pageSize; id--) ids.push(id);
		return { payload: ids.reverse().map((id) => ({ id })) };
	};

	test('passes the OLDEST id of each page as the cursor and returns every record once', async () => {
		const { client, requests } = stubClient(messagesApi(50));
		const out = await collectRecords(client, { method: 'GET', path: '/messages', qs: { x: 1 } }, spec);
		const ids = out.map((r) => Number(r.id));
		assert.equal(ids.length, 50);
		assert.equal(new Set(ids).size, 50, 'duplicates');
		assert.deepEqual(requests.map((r) => r.qs), [{ x: 1 }, { x: 1, before: 31 }, { x: 1, before: 11 }, { x: 1, before: 1 }]);
	});

	test('an API that ignores the cursor is stopped with an error; an inclusive cursor gives every record once', async () => {
		const ignoring = stubClient(() => ({ payload: records(10, 5) }));
		await assert.rejects(collectRecords(ignoring.client, { method: 'GET', path: '/messages' }, spec), /^Error: Page 2 repeats page 1$/);
		assert.equal(ignoring.requests.length, 2);

		// `before` honoured but inclusive: ids <= cursor, 20 per page, ids 1..50.
		const inclusive = stubClient((req) => {
			const top = req.qs?.before === undefined ? 50 : Number(req.qs.before);
			return { payload: records(Math.max(1, top - 19), Math.min(20, top)) };
		});
		const inclusiveIds = (await collectRecords(inclusive.client, { method: 'GET', path: '/messages' }, spec)).map((r) => Number(r.id));
		assert.deepEqual([...inclusiveIds].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
	});

	test('stops at the limit', async () => {
		const { client, requests } = stubClient(messagesApi(100));
		const out = await collectRecords(client, { method: 'GET', path: '/messages' }, spec, 30);
		assert.equal(out.length, 30);
		assert.equal(requests.length, 2);
	});
});

describe('pagination always ends', () => {
	test('a server that answers the same page with hasMorePages true forever is stopped at page 2', async () => {
		const { client, requests } = stubClient(() => ({ items: records(0, 100), hasMorePages: true }));
		await assert.rejects(collectRecords(client, { method: 'GET', path: '/chat/v1/template' }, WTS_PAGES), (error: Error) => {
			assert.equal(error.message, 'Page 2 repeats page 1');
			assert.match(String((error as Error & { description?: string }).description), /would never end/);
			return true;
		});
		assert.equal(requests.length, 2);
	});

	test('a page of records already received (in another order) stops the listing', async () => {
		const spec: PaginationSpec = { style: 'page', pageParam: 'page', pageSize: 3, itemsPath: 'payload' };
		const { client, requests } = stubClient((_req, n) => ({ payload: n % 2 === 0 ? records(1, 3) : records(1, 3).reverse() }));
		await assert.rejects(collectRecords(client, { method: 'GET', path: '/x' }, spec), /^Error: Page 2 brought no new records$/);
		assert.equal(requests.length, 2);
	});

	test('a server that keeps announcing more, with new records every time, is stopped past the page bound', async () => {
		const { client, requests } = stubClient((req) => ({ items: records(Number(req.qs?.PageNumber) * 100, 100), hasMorePages: true }));
		await assert.rejects(collectRecords(client, { method: 'GET', path: '/x' }, WTS_PAGES, undefined, 7), /^Error: The API still announced more records after 7 pages \(700 records\)$/);
		assert.equal(requests.length, 7);
	});

	test('a page that overlaps the previous one but brings new records goes on', async () => {
		const spec: PaginationSpec = { style: 'page', pageParam: 'page', pageSize: 3, itemsPath: 'payload' };
		const pages = [records(1, 3), records(3, 3), records(6, 1)];
		const { client } = stubClient((_req, n) => ({ payload: pages[n] }));
		assert.deepEqual((await collectRecords(client, { method: 'GET', path: '/x' }, spec)).map((r) => r.id), [1, 2, 3, 3, 4, 5, 6]);
	});
});

describe('pagination: none', () => {
	test('one request, cut to the limit', async () => {
		const { client, requests } = stubClient(() => ({ list: records(0, 10) }));
		const out = await collectRecords(client, { method: 'GET', path: '/x' }, { style: 'none', itemsPath: 'list' }, 4);
		assert.deepEqual(out, records(0, 4));
		assert.equal(requests.length, 1);
	});
});

/** The fake context as a picker's context: no other parameter of the node is set. */
const pickerContext = (ctx: ReturnType<typeof createContext>) => Object.assign(ctx, { getCurrentNodeParameter: () => undefined }) as unknown as ILoadOptionsFunctions;

describe('paging always ends, over real sockets', () => {
	/** A WTS that answers every page with the same templates and hasMorePages: true. */
	const endlessTemplates = (req: ReceivedRequest, res: ServerResponse) =>
		reply(res, 200, { items: [{ id: 't1', name: 'boas_vindas', status: 'Approved' }, { id: 't2', name: 'pedido', status: 'Approved' }], hasMorePages: true, pageNumber: Number(req.query.get('PageNumber')) });

	test('the WTS template picker stops at page 2 with an error naming the repeat', async () => {
		await withServer(endlessTemplates, async (server) => {
			const ctx = pickerContext(createContext({ credentials: wtsCredentials(server.baseUrl) }));
			await assert.rejects(getTemplates.call(ctx), (error: Error) => error instanceof workflow.NodeOperationError && /^WTS Chat: Page 2 repeats page 1 \(GET \/chat\/v1\/template\)$/.test(error.message));
			assert.equal(server.requests.length, 2);
		});
	});

	test("Send Template's template lookup stops at page 2 too, on the item that asked", async () => {
		await withServer(endlessTemplates, async (server) => {
			const ctx = createContext({ credentials: wtsCredentials(server.baseUrl) });
			const client = new ApiClient(ctx, wtsProfile, { ...DEFAULT_SETTINGS, paceToLimits: false });
			await assert.rejects(
				collectRecords(client, { method: 'GET', path: '/chat/v1/template', qs: templateQuery('channel-1'), itemIndex: 3 }, TEMPLATE_PAGES),
				(error: Error & { context?: { itemIndex?: number } }) => error instanceof workflow.NodeOperationError && error.context?.itemIndex === 3 && /repeats page 1/.test(error.message),
			);
			assert.equal(server.requests.length, 2);
		});
	});

	test('the Chatwoot conversation picker refuses a page the server answered again', async () => {
		await withServer(
			(_req, res) => reply(res, 200, { data: { meta: {}, payload: [{ id: 1, status: 'open', meta: { sender: { name: 'Ana' } } }] } }),
			async (server) => {
				const ctx = pickerContext(createContext({ credentials: { chatwootApi: { url: server.baseUrl, accessToken: 'token', accountId: '1' } } }));
				const search = chatwootListSearch(chatwootBrand).searchConversations;
				const first = await search.call(ctx);
				assert.equal(first.results.length, 1);
				assert.match(String(first.paginationToken), /^2:[0-9a-f]{16}$/);
				await assert.rejects(search.call(ctx, undefined, first.paginationToken), /page 2 of conversations repeats page 1/);
				assert.deepEqual(server.requests.map((r) => r.query.get('page')), ['1', '2']);
			},
		);
	});
});

describe('pagination over the real client', () => {
	test('pageNumber query paging reaches the server as PageNumber / PageSize', async () => {
		await withServer(
			(req, res) => {
				const page = Number(req.query.get('PageNumber'));
				reply(res, 200, { items: records((page - 1) * 2, 2), hasMorePages: page < 2, totalPages: 2 });
			},
			async (server) => {
				const client = new ApiClient(createContext({ credentials: wtsCredentials(server.baseUrl) }), wtsProfile, { ...DEFAULT_SETTINGS, paceToLimits: false });
				const out = await collectRecords(client, { method: 'GET', path: '/core/v1/contact' }, WTS_PAGES);
				assert.deepEqual(out.map((r) => r.id), [0, 1, 2, 3]);
				assert.deepEqual(server.lines, ['GET /core/v1/contact?PageNumber=1&PageSize=100', 'GET /core/v1/contact?PageNumber=2&PageSize=100']);
			},
		);
	});
});
