import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';

import type { INodeExecutionData } from 'n8n-workflow';

import { AdaptiveConcurrency, runItems } from '../../nodes/shared/engine/itemRunner.ts';
import { createContext, testNode, workflow } from './fakeContext.mts';

/** Records when each item starts and ends, and how many ran at once. */
function tracker() {
	const events: Array<{ item: number; kind: 'start' | 'end'; at: number }> = [];
	let active = 0;
	let maxActive = 0;
	return {
		events,
		get maxActive() {
			return maxActive;
		},
		async run(item: number, ms: number): Promise<void> {
			active++;
			maxActive = Math.max(maxActive, active);
			events.push({ item, kind: 'start', at: Date.now() });
			await delay(ms);
			events.push({ item, kind: 'end', at: Date.now() });
			active--;
		},
		startOrder(): number[] {
			return events.filter((e) => e.kind === 'start').map((e) => e.item);
		},
		interval(item: number): [number, number] {
			const start = events.findIndex((e) => e.item === item && e.kind === 'start');
			const end = events.findIndex((e) => e.item === item && e.kind === 'end');
			return [start, end];
		},
	};
}

const json = (value: number): INodeExecutionData => ({ json: { value } });

describe('runItems: output', () => {
	test('output order is input order, each entry paired with its item, whatever order items finish in', async () => {
		const ctx = createContext();
		const durations = [40, 5, 25, 0, 15, 30, 1];
		const out = await runItems(
			ctx,
			durations.length,
			async (i) => {
				await delay(durations[i]);
				return i === 3 ? [json(30), json(31)] : [json(i * 10)];
			},
			{ concurrency: 10 },
		);
		assert.deepEqual(
			out.map((entry) => [entry.json.value, entry.pairedItem]),
			[[0, { item: 0 }], [10, { item: 1 }], [20, { item: 2 }], [30, { item: 3 }], [31, { item: 3 }], [40, { item: 4 }], [50, { item: 5 }], [60, { item: 6 }]],
		);
	});

	test('no items: no output, no calls', async () => {
		let calls = 0;
		assert.deepEqual(await runItems(createContext(), 0, async () => [json(calls++)], { concurrency: 3 }), []);
		assert.equal(calls, 0);
	});
});

describe('runItems: concurrency and per-conversation order', () => {
	test('concurrency is bounded by the setting', async () => {
		const t = tracker();
		await runItems(createContext(), 12, async (i) => (await t.run(i, 15), [json(i)]), { concurrency: 3 });
		assert.equal(t.maxActive, 3);
	});

	test('same orderKey runs strictly one after another in input order; different keys run in parallel', async () => {
		const keys = ['a', 'b', 'a', 'c', 'a', 'b', 'c', 'd', 'a'];
		// Earlier items of a key take longer: any overlap or reordering would show.
		const durations = [40, 10, 30, 20, 20, 5, 5, 1, 1];
		const t = tracker();
		const out = await runItems(createContext(), keys.length, async (i) => (await t.run(i, durations[i]), [json(i)]), {
			concurrency: 4,
			orderKey: (i) => keys[i],
		});
		assert.deepEqual(out.map((entry) => entry.json.value), keys.map((_, i) => i));
		for (const key of new Set(keys)) {
			const items = keys.map((k, i) => (k === key ? i : -1)).filter((i) => i >= 0);
			const starts = t.startOrder().filter((i) => items.includes(i));
			assert.deepEqual(starts, items, `key ${key} started out of input order`);
			for (let n = 1; n < items.length; n++) {
				const [, previousEnd] = t.interval(items[n - 1]);
				const [nextStart] = t.interval(items[n]);
				assert.ok(previousEnd < nextStart, `item ${items[n]} started before item ${items[n - 1]} (same key ${key}) ended`);
			}
		}
		assert.ok(t.maxActive > 1, 'different keys never ran at the same time');
		assert.ok(t.maxActive <= 4);
	});

	test('items without a key run in parallel beside keyed lanes', async () => {
		const t = tracker();
		await runItems(createContext(), 6, async (i) => (await t.run(i, 20), [json(i)]), {
			concurrency: 10,
			orderKey: (i) => (i % 2 === 0 ? 'same' : undefined),
		});
		const [, end0] = t.interval(0);
		const [start2] = t.interval(2);
		assert.ok(end0 < start2, 'keyed items 0 and 2 overlapped');
		assert.ok(t.maxActive >= 4, `only ${t.maxActive} at once: unkeyed items were serialized`);
	});
});

describe('runItems: failures', () => {
	const failingOn =
		(bad: Set<number>) =>
		async (i: number): Promise<INodeExecutionData[]> => {
			await delay(5);
			if (bad.has(i)) {
				throw new workflow.NodeApiError(testNode, { text: `item ${i}` }, { message: `WTS Chat answered 400: bad item ${i}`, description: 'Error key: X', itemIndex: i });
			}
			return [json(i)];
		};

	test('Continue On Fail keeps every other item and puts the error on the failed one', async () => {
		const ctx = createContext({ continueOnFail: true });
		const out = await runItems(ctx, 5, failingOn(new Set([1, 3])), { concurrency: 2 });
		assert.equal(out.length, 5);
		assert.deepEqual(out.map((entry) => entry.pairedItem), [0, 1, 2, 3, 4].map((item) => ({ item })));
		assert.deepEqual(out[0].json, { value: 0 });
		assert.deepEqual(out[1].json, { error: 'WTS Chat answered 400: bad item 1', details: 'Error key: X' });
		assert.deepEqual(out[2].json, { value: 2 });
		assert.equal(out[3].json.error, 'WTS Chat answered 400: bad item 3');
		assert.deepEqual(out[4].json, { value: 4 });
	});

	test('Continue On Fail with a non-Error throw still gives an error item', async () => {
		const ctx = createContext({ continueOnFail: true });
		const out = await runItems(
			ctx,
			2,
			async (i) => {
				if (i === 0) throw 'plain string failure';
				return [json(i)];
			},
			{ concurrency: 1 },
		);
		assert.deepEqual(out[0].json, { error: 'plain string failure' });
	});

	test('without Continue On Fail the first error is thrown and no later item is started', async () => {
		const started: number[] = [];
		const handler = failingOn(new Set([1, 3]));
		await assert.rejects(
			runItems(createContext(), 6, async (i) => (started.push(i), await handler(i)), { concurrency: 1 }),
			(error: Error) => error.message === 'Item 1 failed: WTS Chat answered 400: bad item 1. 1 of 6 items had already been accepted (0)',
		);
		assert.deepEqual(started, [0, 1]);
	});

	test('without Continue On Fail, items already in flight finish and the run still fails with the first error', async () => {
		const finished: number[] = [];
		await assert.rejects(
			runItems(
				createContext(),
				4,
				async (i) => {
					if (i === 0) throw new Error('first');
					await delay(20);
					finished.push(i);
					if (i === 1) throw new Error('second');
					return [json(i)];
				},
				{ concurrency: 4 },
			),
			/first/,
		);
		assert.deepEqual(finished.sort(), [1, 2, 3]);
	});

	test('a failure in a keyed lane stops that lane (later items of the conversation are not sent)', async () => {
		const started: number[] = [];
		await assert.rejects(
			runItems(
				createContext(),
				3,
				async (i) => {
					started.push(i);
					if (i === 0) throw new Error('send failed');
					return [json(i)];
				},
				{ concurrency: 5, orderKey: () => 'conversation' },
			),
			/send failed/,
		);
		assert.deepEqual(started, [0]);
	});
});

describe('runItems: batching', () => {
	test('batches run one after another with the interval between them, not after the last', async () => {
		const t = tracker();
		// When the last item ends, a callback is queued for the next turn of the event loop: a run that returns
		// without waiting again returns before it.
		const order: string[] = [];
		const last = async (i: number) => {
			await t.run(i, 10);
			if (i === 4) setImmediate(() => order.push('next turn'));
			return [json(i)];
		};
		await runItems(createContext(), 5, last, { concurrency: 10, batchSize: 2, batchIntervalMs: 200 });
		order.push('returned');
		const at = (item: number, kind: 'start' | 'end') => t.events.find((e) => e.item === item && e.kind === kind)?.at ?? NaN;
		const lastEndOfBatch1 = Math.max(at(0, 'end'), at(1, 'end'));
		const lastEndOfBatch2 = Math.max(at(2, 'end'), at(3, 'end'));
		assert.ok(Math.min(at(2, 'start'), at(3, 'start')) - lastEndOfBatch1 >= 190, 'batch 2 started before the interval');
		assert.ok(at(4, 'start') - lastEndOfBatch2 >= 190, 'batch 3 started before the interval');
		assert.ok(t.maxActive <= 2, 'a batch ran more items than its size');
		await new Promise((resolve) => setImmediate(resolve));
		assert.deepEqual(order, ['returned', 'next turn'], 'the interval was also waited after the last batch');
	});

	test('an order key holds across batches: same-key items still run one at a time, in order', async () => {
		const t = tracker();
		const out = await runItems(createContext(), 4, async (i) => (await t.run(i, 5), [json(i)]), {
			concurrency: 4,
			batchSize: 3,
			batchIntervalMs: 1,
			orderKey: () => 'one',
		});
		assert.deepEqual(t.startOrder(), [0, 1, 2, 3]);
		assert.equal(t.maxActive, 1);
		assert.equal(out.length, 4);
	});
});

describe('AdaptiveConcurrency', () => {
	test('halves on 429, never below 1', () => {
		const gate = new AdaptiveConcurrency(10);
		const limits = [gate.limit];
		for (let i = 0; i < 5; i++) {
			gate.onRateLimited();
			limits.push(gate.limit);
		}
		assert.deepEqual(limits, [10, 5, 2, 1, 1, 1]);
	});

	test('grows back additively: one slot after as many successes as the current limit, up to the maximum', () => {
		const gate = new AdaptiveConcurrency(4);
		gate.onRateLimited();
		gate.onRateLimited();
		assert.equal(gate.limit, 1);
		const limits: number[] = [];
		for (let i = 0; i < 12; i++) {
			gate.onSuccess();
			limits.push(gate.limit);
		}
		// 1 success → 2, 2 more → 3, 3 more → 4 (the max), then it stays.
		assert.deepEqual(limits, [2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4]);
	});

	test('a 429 while growing resets the success count', () => {
		const gate = new AdaptiveConcurrency(8);
		gate.onRateLimited(); // 4
		gate.onSuccess();
		gate.onSuccess();
		gate.onSuccess(); // 3 of 4
		gate.onRateLimited(); // 2
		gate.onSuccess(); // 1 of 2
		assert.equal(gate.limit, 2);
		gate.onSuccess();
		assert.equal(gate.limit, 3);
	});

	test('the runner obeys a shrunken gate: after halving to 1, items run one at a time', async () => {
		const gate = new AdaptiveConcurrency(8);
		const t = tracker();
		await runItems(
			createContext(),
			10,
			async (i) => {
				if (i === 0) for (let n = 0; n < 3; n++) gate.onRateLimited();
				await t.run(i, 10);
				return [json(i)];
			},
			{ concurrency: 8 },
			gate,
		);
		// Items 0-7 started together before the 429s were seen; items 8 and 9 must wait for the one free slot each.
		const [start8] = t.interval(8);
		const [start9] = t.interval(9);
		const ends = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => t.interval(i)[1]);
		assert.ok(ends.filter((end) => end < start8).length >= 7, 'item 8 started while more than one item was in flight');
		assert.ok(t.interval(8)[1] < start9, 'items 8 and 9 overlapped with the limit at 1');
	});
});
