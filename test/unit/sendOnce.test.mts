// "Send Once per Key" (Request Options): an item whose key the node already sent is skipped, in this run or a
// later one; a refused send gives its key back, an ambiguous failure keeps it. The store stands in for n8n's
// deduplication store as n8n 2.40.7 implements it (`deduplication-helper.js`): each call reads the node's key
// list, changes it and writes it back, with an await between, so overlapping calls lose keys; and a key given twice
// in one call is new both times, since each is checked against the list as it was read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as yieldTurn } from 'node:timers/promises';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { executeNode } from '../../nodes/shared/engine/executeNode.ts';
import { SendOnce } from '../../nodes/shared/engine/sendOnce.ts';
import { ApiClient, DEFAULT_SETTINGS } from '../../nodes/shared/transport/apiClient.ts';
import { sendText } from '../../nodes/WtsChat/actions/message/sendText.operation.ts';
import { wtsProfile } from '../../nodes/WtsChat/transport/wtsProfile.ts';
import { wtsNode } from '../../nodes/WtsChat/wtsDefinition.ts';
import { mockClock, settle } from './mockClock.mts';
import { createContext, workflow, wtsCredentials, type FakeContext, type ParamValue } from './fakeContext.mts';
import { reply, withServer, type TestServer } from './testServer.mts';

const phone = (i: number) => `+55|1190000${String(i).padStart(4, '0')}`;
const recipientOf = (body: string) => (JSON.parse(body) as { to: string }).to;

/** n8n's store for one node: a list of keys, read and written whole. */
class KeyStore {
	keys: string[] = [];
	calls = 0;
	/** How many keys each call to check and record carried. */
	batches: number[] = [];
	/** Stale writes to come: another n8n process that read the list before a call writes it back just after it. */
	staleWrites = 0;

	async checkAndRecord(items: Array<string | number>): Promise<{ new: Array<string | number>; processed: Array<string | number> }> {
		this.calls++;
		this.batches.push(items.length);
		const list = [...this.keys];
		const known = new Set(list);
		await yieldTurn();
		const result = { new: [] as Array<string | number>, processed: [] as Array<string | number> };
		for (const item of items) {
			if (known.has(String(item))) result.processed.push(item);
			else {
				result.new.push(item);
				list.push(String(item));
			}
		}
		await yieldTurn();
		this.keys = list;
		if (this.staleWrites > 0) {
			this.staleWrites--;
			this.keys = [...known];
		}
		return result;
	}

	async remove(items: Array<string | number>): Promise<void> {
		const list = [...this.keys];
		await yieldTurn();
		this.keys = list.filter((key) => !items.map(String).includes(key));
	}
}

function context(
	server: TestServer,
	store: KeyStore,
	key: ParamValue,
	count: number,
	extra: { continueOnFail?: boolean; concurrency?: number; paceToLimits?: boolean } = {},
): FakeContext {
	const ctx = createContext({
		credentials: wtsCredentials(server.baseUrl),
		continueOnFail: extra.continueOnFail,
		items: Array.from({ length: count }, (_, i): INodeExecutionData => ({ json: { i } })),
		params: {
			resource: 'message',
			operation: sendText.value,
			from: 'channel-1',
			to: (i: number) => phone(i),
			text: 'oi',
			options: {},
			requestOptions: { paceToLimits: extra.paceToLimits ?? false, maxRetries: 0, timeout: 5000, concurrency: extra.concurrency ?? 10 },
			'requestOptions.sendOnceKey': key,
		},
	});
	Object.assign(ctx, { getWorkflow: () => ({ id: 'workflow-1', name: 'Campaign', active: true }) });
	Object.assign(ctx.helpers, {
		checkProcessedAndRecord: async (items: Array<string | number>, scope: string, options: IDataObject) => {
			assert.equal(scope, 'node');
			assert.deepEqual(options, { mode: 'entries', maxEntries: 10_000 });
			return await store.checkAndRecord(items);
		},
		removeProcessed: async (items: Array<string | number>) => await store.remove(items),
	});
	return ctx;
}

const accepted = (server: TestServer) => server.requests.map((request) => recipientOf(request.body));

describe('Send Once per Key', () => {
	test('a second run of the same items sends nothing: each comes out skipped with its key', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				const key = (i: number) => `order-${i}`;
				const [first] = await executeNode(context(server, store, key, 3), wtsNode);
				assert.deepEqual(first.map((item) => item.json.id), [0, 1, 2].map(phone));
				const [second] = await executeNode(context(server, store, key, 3), wtsNode);
				assert.deepEqual(second.map((item) => item.json), [0, 1, 2].map((i) => ({ skipped: true, sendOnceKey: `order-${i}` })));
				assert.deepEqual(second.map((item) => item.pairedItem), [0, 1, 2].map((item) => ({ item })));
				assert.deepEqual(accepted(server), [0, 1, 2].map(phone));
			},
		);
	});

	test('two items of one run with the same key: the first is sent, the second skipped', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				const [out] = await executeNode(context(server, store, (i: number) => (i < 2 ? 'same' : `k${i}`), 3, { concurrency: 1 }), wtsNode);
				assert.deepEqual(out.map((item) => item.json.skipped ?? false), [false, true, false]);
				assert.deepEqual(accepted(server), [phone(0), phone(2)]);
			},
		);
	});

	test('40 items in parallel keep all 40 keys: calls to the store never overlap, and the 20 items started together share one', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				await executeNode(context(server, store, (i: number) => `k${i}`, 40, { concurrency: 20 }), wtsNode);
				assert.equal(server.requests.length, 40);
				assert.deepEqual([...store.keys].sort(), Array.from({ length: 40 }, (_, i) => `k${i}`).sort());
				assert.equal(store.batches[0], 20);
				// Each key twice: recorded as its request leaves, read back once it was sent.
				assert.equal(store.batches.reduce((sum, size) => sum + size, 0), 80);
			},
		);
	});

	test('two executions of the node sending the same keys at the same moment: each key goes out once', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				const key = (i: number) => `delivery-${i}`;
				const outputs = await Promise.all([executeNode(context(server, store, key, 5), wtsNode), executeNode(context(server, store, key, 5), wtsNode)]);
				assert.deepEqual(accepted(server).sort(), [0, 1, 2, 3, 4].map(phone).sort());
				const skipped = outputs.flatMap(([out]) => out.filter((item) => item.json.skipped === true));
				assert.equal(skipped.length, 5);
			},
		);
	});

	test('a send refused with a 4xx gives its key back: the next run sends that item only', async () => {
		let refuse = true;
		await withServer(
			(req, res) => (refuse && recipientOf(req.body) === phone(1) ? reply(res, 422, { text: 'Número inválido' }) : reply(res, 200, { id: recipientOf(req.body) })),
			async (server) => {
				const store = new KeyStore();
				const key = (i: number) => `k${i}`;
				const [first] = await executeNode(context(server, store, key, 3, { continueOnFail: true }), wtsNode);
				assert.match(String(first[1].json.error), /422/);
				assert.deepEqual(store.keys.sort(), ['k0', 'k2']);
				refuse = false;
				const [second] = await executeNode(context(server, store, key, 3, { continueOnFail: true }), wtsNode);
				assert.deepEqual(second.map((item) => item.json.skipped ?? false), [true, false, true]);
				assert.deepEqual(accepted(server).filter((to) => to === phone(1)).length, 2);
				assert.equal(server.requests.length, 4);
			},
		);
	});

	test('after a 5xx the platform may have taken the item: its key stays, and its error says so', async () => {
		await withServer(
			(_req, res) => reply(res, 500, { text: 'upstream' }),
			async (server) => {
				const store = new KeyStore();
				const [out] = await executeNode(context(server, store, () => 'k0', 1, { continueOnFail: true }), wtsNode);
				assert.match(String(out[0].json.details), /Its key "k0" stays recorded/);
				assert.deepEqual(store.keys, ['k0']);
				const [again] = await executeNode(context(server, store, () => 'k0', 1, { continueOnFail: true }), wtsNode);
				assert.deepEqual(again[0].json, { skipped: true, sendOnceKey: 'k0' });
				assert.equal(server.requests.length, 1);
			},
		);
	});

	test('an item waiting for its rate-limit slot holds no key: the key is recorded when its request leaves', async (t) => {
		// WTS Chat allows 200 requests per 5 s; the clock stands still, so the 201st item waits until the test moves it.
		const timers = mockClock(t, Date.UTC(2026, 11, 7, 12));
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				const run = executeNode(context(server, store, (i: number) => `k${i}`, 201, { concurrency: 20, paceToLimits: true }), wtsNode);
				while (server.requests.length < 200) await yieldTurn();
				for (let turn = 0; turn < 100; turn++) await yieldTurn();
				assert.equal(server.requests.length, 200, 'the 201st request waits for the window');
				assert.equal(store.keys.length, 200, 'the waiting item has recorded its key');
				assert.ok(!store.keys.includes('k200'));
				timers.tick(5_000);
				// The run's keys are read back a second after the last was recorded (mocked time too).
				const [out] = await settle(timers, run);
				assert.equal(out.length, 201);
				assert.equal(server.requests.length, 201);
				assert.ok(store.keys.includes('k200'));
			},
		);
	});

	test('an item with one request answered keeps its key when a later one is refused: it was partly taken', async () => {
		await withServer(
			(req, res) => (req.url?.startsWith('/second') ? reply(res, 422, { text: 'refused' }) : reply(res, 200, {})),
			async (server) => {
				const store = new KeyStore();
				const ctx = context(server, store, () => 'k0', 1);
				const client = new ApiClient(ctx, wtsProfile, { ...DEFAULT_SETTINGS, paceToLimits: false, maxRetries: 0 });
				const once = new SendOnce(ctx, client);
				const item = once.wrap(0, {
					send: async () => {
						await client.request({ method: 'POST', path: '/first', body: {}, itemIndex: 0 });
						await client.request({ method: 'POST', path: '/second', body: {}, itemIndex: 0 });
						return [];
					},
				});
				await assert.rejects(item.send(), (error: Error & { description?: string }) => {
					assert.match(String(error.description), /Its key "k0" stays recorded/);
					return true;
				});
				await once.keepSentKeys();
				assert.deepEqual(store.keys, ['k0']);
				assert.deepEqual(store.batches, [1, 1], 'the key was recorded before the first request and read back after the run');
			},
		);
	});

	test('the node\'s first keys, recorded by two n8n processes at once: the call that fails on the new row is made again', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				const record = store.checkAndRecord.bind(store);
				let failures = 1;
				store.checkAndRecord = async (items) => {
					if (failures-- > 0) throw new Error('duplicate key value violates unique constraint "PK_processed_data"');
					return await record(items);
				};
				const [out] = await executeNode(context(server, store, (i: number) => `k${i}`, 2), wtsNode);
				assert.deepEqual(out.map((item) => item.json.id), [phone(0), phone(1)]);
				assert.deepEqual([...store.keys].sort(), ['k0', 'k1']);
			},
		);
	});

	test('when n8n\'s store fails the item is not sent, and its error names the option and the item', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				store.checkAndRecord = async () => await Promise.reject(new Error('SQLITE_BUSY: database is locked'));
				const [out] = await executeNode(context(server, store, (i: number) => `k${i}`, 2, { continueOnFail: true }), wtsNode);
				assert.deepEqual(out.map((item) => item.json.error), ['"Send Once per Key" could not record the key', '"Send Once per Key" could not record the key']);
				assert.match(String(out[1].json.details), /database is locked/);
				assert.equal(server.requests.length, 0);
			},
		);
	});

	test('a key that another n8n process overwrote is recorded again once its item was sent: the next run skips the item', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				store.staleWrites = 1;
				await executeNode(context(server, store, (i: number) => `k${i}`, 3, { concurrency: 3 }), wtsNode);
				assert.deepEqual([...store.keys].sort(), ['k0', 'k1', 'k2']);
				const [again] = await executeNode(context(server, store, (i: number) => `k${i}`, 3, { concurrency: 3 }), wtsNode);
				assert.deepEqual(again.map((item) => item.json.skipped), [true, true, true]);
				assert.equal(server.requests.length, 3);
			},
		);
	});

	test('an empty key sends every time and never asks the store', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				await executeNode(context(server, store, () => ' ', 2), wtsNode);
				await executeNode(context(server, store, () => ' ', 2), wtsNode);
				assert.equal(server.requests.length, 4);
				assert.equal(store.calls, 0);
			},
		);
	});

	test('a key that is not a text or a number is refused naming the field and the item, and nothing is sent', async () => {
		await withServer(
			(req, res) => reply(res, 200, { id: recipientOf(req.body) }),
			async (server) => {
				const store = new KeyStore();
				await assert.rejects(executeNode(context(server, store, (i: number) => (i === 1 ? { id: 1 } : `k${i}`), 3), wtsNode), (error: Error & { context?: IDataObject }) => {
					assert.ok(error instanceof workflow.NodeOperationError);
					assert.match(error.message, /"Send Once per Key" must be a text or a number/);
					assert.equal(error.context?.itemIndex, 1);
					return true;
				});
				assert.equal(server.requests.length, 0);
				assert.equal(store.calls, 0);
			},
		);
	});
});
