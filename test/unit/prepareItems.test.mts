// The check phase: with Continue On Fail off, one bad item anywhere in a run stops the node before anything
// is sent; with it on, bad items become error items and the others are sent. Each operation kind is run
// through executeNode against a real local server, so "nothing was sent" is what the server saw.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { executeNode } from '../../nodes/shared/engine/executeNode.ts';
import { chatwootBrand } from '../../nodes/Chatwoot/brand.ts';
import { chatwootDefinition } from '../../nodes/Chatwoot/chatwootFamily.ts';
import { createMessage } from '../../nodes/Chatwoot/actions/message/create.operation.ts';
import { wtsNode } from '../../nodes/WtsChat/wtsDefinition.ts';
import { sendText } from '../../nodes/WtsChat/actions/message/sendText.operation.ts';
import { sendFile } from '../../nodes/WtsChat/actions/message/sendFile.operation.ts';
import { sendTemplate } from '../../nodes/WtsChat/actions/message/sendTemplate.operation.ts';
import { updateContact } from '../../nodes/WtsChat/actions/contact/update.operation.ts';
import { createContext, workflow, wtsCredentials, type FakeContext, type ParamValue } from './fakeContext.mts';
import { reply, waitUntil, withServer, type TestServer } from './testServer.mts';

const fastOptions = { paceToLimits: false, maxRetries: 0, timeout: 5000 };
const items = (count: number, extra: (i: number) => Partial<INodeExecutionData> = () => ({})): INodeExecutionData[] =>
	Array.from({ length: count }, (_, i) => ({ json: { i }, ...extra(i) }));
const file = (bytes: Buffer, meta: Partial<IBinaryData> = {}): IBinaryData => ({
	data: bytes.toString('base64'),
	mimeType: 'application/pdf',
	fileName: 'boleto.pdf',
	bytes: bytes.length,
	...meta,
});

type RefusalCheck = { message: string | RegExp; itemIndex: number };

async function refusesBeforeSending(ctx: FakeContext, run: Promise<unknown>, server: TestServer, expected: RefusalCheck): Promise<void> {
	await assert.rejects(run, (error: Error & { context?: IDataObject; description?: string }) => {
		assert.ok(error instanceof workflow.NodeOperationError, `not a NodeOperationError: ${error.message}`);
		if (typeof expected.message === 'string') assert.equal(error.message, expected.message);
		else assert.match(error.message, expected.message);
		assert.equal(error.context?.itemIndex, expected.itemIndex);
		assert.match(String(error.description), /Nothing was sent: all \d+ items are checked before the first one is sent\./);
		return true;
	});
	assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), [], 'a request went out before every item was checked');
	assert.equal(ctx.plainRequests.length, 0);
}

const wtsText = (text: ParamValue): Record<string, ParamValue> => ({
	resource: 'message',
	operation: sendText.value,
	from: 'channel-1',
	to: (i: number) => `+55|1190000${String(i).padStart(4, '0')}`,
	text,
	options: {},
	requestOptions: fastOptions,
});

describe('check before sending: Continue On Fail off', () => {
	test('WTS Send Text: a blank text at item 4 of 6 stops the node with its error; the server receives nothing', async () => {
		await withServer(
			(_req, res) => reply(res, 200, { id: 'm' }),
			async (server) => {
				const ctx = createContext({ credentials: wtsCredentials(server.baseUrl), items: items(6), params: wtsText((i: number) => (i === 4 ? '  ' : `Pedido ${i}`)) });
				await refusesBeforeSending(ctx, executeNode(ctx, wtsNode), server, { message: 'Write a text to send', itemIndex: 4 });
			},
		);
	});

	test('WTS Send File: a missing binary property on the last item stops the node before the first upload', async () => {
		await withServer(
			(_req, res) => reply(res, 200, {}),
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					items: items(3, (i) => (i < 2 ? { binary: { data: file(Buffer.from(`%PDF ${i}`)) } } : {})),
					params: { resource: 'message', operation: sendFile.value, from: 'channel-1', to: '+55|11900000000', fileSource: 'binary', binaryPropertyName: 'data', options: {}, requestOptions: fastOptions },
				});
				await refusesBeforeSending(ctx, executeNode(ctx, wtsNode), server, { message: 'No binary property "data" on item 2', itemIndex: 2 });
			},
		);
	});

	test('a file over the limit is refused from its recorded size, without reading it', async () => {
		await withServer(
			(_req, res) => reply(res, 200, {}),
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					items: items(2, (i) => ({ binary: { data: file(Buffer.from('%PDF'), i === 1 ? { bytes: 101 * 1024 * 1024 } : {}) } })),
					params: { resource: 'message', operation: sendFile.value, from: 'channel-1', to: '+55|11900000000', fileSource: 'binary', binaryPropertyName: 'data', options: {}, requestOptions: fastOptions },
				});
				let reads = 0;
				const read = ctx.helpers.getBinaryDataBuffer.bind(ctx.helpers);
				ctx.helpers.getBinaryDataBuffer = async (...args: Parameters<typeof read>) => (reads++, await read(...args));
				await refusesBeforeSending(ctx, executeNode(ctx, wtsNode), server, { message: 'File "boleto.pdf" is too large (101 MB)', itemIndex: 1 });
				assert.equal(reads, 0);
			},
		);
	});

	test('WTS Send Template: a missing template variable at item 2 is found by reading the templates, before any send', async () => {
		await withServer(
			(req, res) => {
				if (req.method === 'GET') reply(res, 200, { items: [{ id: 'tpl-1', params: [{ name: 'nome' }], fileType: 'UNDEFINED' }], hasMorePages: false });
				else reply(res, 200, { id: 'm' });
			},
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					items: items(4),
					params: {
						resource: 'message',
						operation: sendTemplate.value,
						from: 'channel-1',
						to: (i: number) => `+55|1190000000${i}`,
						templateId: 'tpl-1',
						parameters: (i: number) => (i === 2 ? {} : { variable: [{ name: 'nome', value: `Ana ${i}` }] }),
						templateHasMedia: false,
						options: {},
						requestOptions: fastOptions,
					},
				});
				await assert.rejects(executeNode(ctx, wtsNode), (error: Error & { context?: IDataObject }) => {
					assert.equal(error.message, 'Template variable {{nome}} has no value');
					assert.equal(error.context?.itemIndex, 2);
					return true;
				});
				// The templates are read once, for every item; nothing is posted.
				assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), ['GET /chat/v1/template']);
			},
		);
	});

	test('WTS Contact Update: an invalid email at item 2 stops the node before the first update', async () => {
		await withServer(
			(_req, res) => reply(res, 200, {}),
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					items: items(3),
					params: { resource: 'contact', operation: updateContact.value, contactId: (i: number) => `c-${i}`, updateFields: (i: number) => ({ email: i === 2 ? 'maria empresa.com' : 'maria@empresa.com' }), requestOptions: fastOptions },
				});
				await refusesBeforeSending(ctx, executeNode(ctx, wtsNode), server, { message: /Invalid email "maria empresa\.com"/, itemIndex: 2 });
			},
		);
	});

	test('WTS generated send with Use Batch Endpoints: an item without a recipient stops the node before any batch', async () => {
		await withServer(
			(_req, res) => reply(res, 200, { results: [] }),
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					items: items(150),
					params: {
						resource: 'message',
						operation: 'queueTemplate',
						from: 'channel-1',
						templateId: 'tpl-1',
						to: (i: number) => (i === 120 ? '' : `+55|1190000${String(i).padStart(4, '0')}`),
						requestOptions: { ...fastOptions, useBatchEndpoints: true },
					},
				});
				await refusesBeforeSending(ctx, executeNode(ctx, wtsNode), server, { message: '"To" is required', itemIndex: 120 });
			},
		);
	});

	test('Chatwoot Message Create: a missing attachment at item 1 stops the node before the first message', async () => {
		await withServer(
			(_req, res) => reply(res, 200, { id: 1 }),
			async (server) => {
				const ctx = createContext({
					credentials: { chatwootApi: { url: server.baseUrl, accessToken: 'cw-token', accountId: '1' } },
					items: items(3, (i) => (i === 1 ? {} : { binary: { invoice: file(Buffer.from('%PDF')) } })),
					params: {
						resource: createMessage.resource,
						api: 'application',
						operation: createMessage.value,
						accountId: '',
						conversationId: '7',
						content: 'Segue a nota',
						messageType: 'outgoing',
						private: false,
						attachments: 'invoice',
						options: {},
						requestOptions: fastOptions,
					},
				});
				const definition = chatwootDefinition(chatwootBrand);
				await refusesBeforeSending(ctx, executeNode(ctx, definition), server, { message: 'No binary property "invoice" on item 1', itemIndex: 1 });
			},
		);
	});

	test('a single-item run keeps the error as it is', async () => {
		await withServer(
			(_req, res) => reply(res, 200, {}),
			async (server) => {
				const ctx = createContext({ credentials: wtsCredentials(server.baseUrl), items: items(1), params: wtsText('') });
				await assert.rejects(executeNode(ctx, wtsNode), (error: Error & { description?: string }) => {
					assert.equal(error.message, 'Write a text to send');
					assert.equal(error.description, 'Fill in "Text" with the message to send.');
					return true;
				});
				assert.equal(server.requests.length, 0);
			},
		);
	});
});

describe('check before sending: Continue On Fail on', () => {
	test('bad items become error items paired with their input; every other item is sent once', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: `m-${String((JSON.parse(req.body) as { to: string }).to)}` }),
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					continueOnFail: true,
					items: items(6),
					params: wtsText((i: number) => (i === 1 || i === 4 ? ' ' : `Pedido ${i}`)),
				});
				const [out] = await executeNode(ctx, wtsNode);
				assert.deepEqual(out.map((entry) => entry.pairedItem), [0, 1, 2, 3, 4, 5].map((item) => ({ item })));
				assert.equal(out[1].json.error, 'Write a text to send');
				assert.equal(out[4].json.error, 'Write a text to send');
				assert.deepEqual([0, 2, 3, 5].map((i) => out[i].json.id), [0, 2, 3, 5].map((i) => `m-+55|1190000${String(i).padStart(4, '0')}`));
				assert.deepEqual(
					server.requests.map((r) => (JSON.parse(r.body) as { to: string }).to).sort(),
					[0, 2, 3, 5].map((i) => `+55|1190000${String(i).padStart(4, '0')}`),
				);
			},
		);
	});
});

describe('the send order comes from the values each item was checked with', () => {
	/** Counts the reads of each parameter per item, on top of the fake context's own. */
	function countReads(ctx: FakeContext): Map<string, number> {
		const reads = new Map<string, number>();
		const read = ctx.getNodeParameter.bind(ctx) as (name: string, itemIndex: number, fallback?: unknown) => unknown;
		(ctx as unknown as { getNodeParameter: typeof read }).getNodeParameter = (name, itemIndex, fallback) => {
			const key = `${name}#${itemIndex}`;
			reads.set(key, (reads.get(key) ?? 0) + 1);
			return read(name, itemIndex, fallback);
		};
		return reads;
	}

	/**
	 * Six items for two conversations (`keyOf` names the one a request is for). The first request of each
	 * conversation is answered only once both conversations have a request at the server (or after 10 s): a
	 * later item of the same conversation must arrive after the answer before it, while the other
	 * conversation's go on beside it.
	 */
	async function sendsInOrder(run: (baseUrl: string) => Promise<{ ctx: FakeContext; reads: Map<string, number> }>, keyOf: (request: { path: string; body: string }) => string, perItem: string[]): Promise<void> {
		// Arrivals and answers in the order they happened: millisecond timestamps from two callbacks can be equal.
		const events: string[] = [];
		const seen = new Set<string>();
		await withServer(
			async (req, res, n) => {
				events.push(`arrive ${n}`);
				const key = keyOf(req);
				const first = !seen.has(key);
				seen.add(key);
				if (first) await waitUntil(() => seen.size >= 2);
				events.push(`answer ${n}`);
				reply(res, 200, { id: `r${n}` });
			},
			async (server) => {
				const { reads } = await run(server.baseUrl);
				assert.equal(server.requests.length, 6);
				const when = (event: string) => {
					const index = events.indexOf(event);
					assert.ok(index >= 0, `no ${event}`);
					return index;
				};
				for (const key of new Set(server.requests.map(keyOf))) {
					const mine = server.requests.map((request, n) => ({ request, n })).filter(({ request }) => keyOf(request) === key);
					for (let i = 1; i < mine.length; i++) {
						assert.ok(when(`arrive ${mine[i].n}`) > when(`answer ${mine[i - 1].n}`), `a request for ${key} went before the previous one was answered`);
					}
				}
				const other = server.requests.findIndex((request) => keyOf(request) !== keyOf(server.requests[0]));
				assert.ok(other > 0 && when(`arrive ${other}`) < when('answer 0'), 'the other conversation waited for the first one');
				for (let item = 0; item < 6; item++) {
					for (const name of perItem) assert.equal(reads.get(`${name}#${item}`), 1, `"${name}" of item ${item} was read ${reads.get(`${name}#${item}`) ?? 0} times`);
				}
			},
		);
	}

	const recipientOf = (i: number) => `+55|1190000000${i % 2}`;

	test('WTS Send Text: per recipient, from the checked To and channel; each parameter read once per item', async () => {
		await sendsInOrder(
			async (baseUrl) => {
				const ctx = createContext({ credentials: wtsCredentials(baseUrl), items: items(6), params: { ...wtsText((i: number) => `Pedido ${i}`), to: recipientOf } });
				const reads = countReads(ctx);
				await executeNode(ctx, wtsNode);
				return { ctx, reads };
			},
			(request) => String((JSON.parse(request.body) as { to: string }).to),
			['from', 'to', 'text', 'options'],
		);
	});

	test('WTS Queue Text (generated): per recipient, from the checked fields; each parameter read once per item', async () => {
		await sendsInOrder(
			async (baseUrl) => {
				const ctx = createContext({
					credentials: wtsCredentials(baseUrl),
					items: items(6),
					params: {
						resource: 'message',
						operation: 'queueText',
						text: (i: number) => `Pedido ${i}`,
						additionalFields: (i: number) => ({ from: 'channel-1', to: recipientOf(i) }),
						requestOptions: fastOptions,
					},
				});
				const reads = countReads(ctx);
				await executeNode(ctx, wtsNode);
				return { ctx, reads };
			},
			(request) => String((JSON.parse(request.body) as { to: string }).to),
			['text', 'additionalFields'],
		);
	});

	test('Chatwoot Conversation › Set Status (generated): per conversation, from the checked path; each parameter read once per item', async () => {
		await sendsInOrder(
			async (baseUrl) => {
				const ctx = createContext({
					credentials: { chatwootApi: { url: baseUrl, accessToken: 'cw-token', accountId: '1' } },
					items: items(6),
					params: {
						api: 'application',
						resource: 'conversation',
						operation: 'setStatus',
						accountId: '',
						conversationId: (i: number) => String(10 + (i % 2)),
						status: (i: number) => (i < 2 ? 'pending' : 'open'),
						additionalFields: {},
						requestOptions: fastOptions,
					},
				});
				const reads = countReads(ctx);
				await executeNode(ctx, chatwootDefinition(chatwootBrand));
				return { ctx, reads };
			},
			(request) => request.path.split('/')[6] ?? '',
			['conversationId', 'status'],
		);
	});
});
