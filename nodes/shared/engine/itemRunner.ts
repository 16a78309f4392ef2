import { sleep, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { isNotSent } from '../transport/apiClient';
import { errorItem } from './outputItems';
import { RunStop } from './runStop';
import { stoppedRunError } from './stoppedRunReport';

export interface RunnerOptions {
	/** Items in flight at once at most. */
	concurrency: number;
	/** With batching: items per batch and the pause after each batch. */
	batchSize?: number;
	batchIntervalMs?: number;
	/** Items with the same key run one after another, in input order; others run in parallel. */
	orderKey?: (itemIndex: number) => string | undefined;
	/** Send items through the contract's batch endpoint where an operation has one. */
	useBatchEndpoints?: boolean;
}

/**
 * Concurrency that halves on a 429 and grows back by one slot per window of successes
 * (additive increase, multiplicative decrease), never above the configured maximum.
 */
export class AdaptiveConcurrency {
	private current: number;
	private successes = 0;

	constructor(private readonly max: number) {
		this.current = max;
	}

	get limit(): number {
		return this.current;
	}

	onRateLimited(): void {
		this.current = Math.max(1, Math.floor(this.current / 2));
		this.successes = 0;
	}

	onSuccess(): void {
		if (this.current >= this.max) return;
		this.successes++;
		if (this.successes >= this.current) {
			this.current++;
			this.successes = 0;
		}
	}
}

type ItemHandler = (itemIndex: number) => Promise<INodeExecutionData[]>;

/**
 * Runs every input item through `handler` and returns the outputs in input order, each paired with its
 * item. A failed item becomes an error item under Continue On Fail; otherwise the first failure stops the
 * run (`stop`): no item is taken up after it, the items already in flight finish, and the failure is thrown.
 */
export async function runItems(
	ctx: IExecuteFunctions,
	count: number,
	handler: ItemHandler,
	options: RunnerOptions,
	gate = new AdaptiveConcurrency(options.concurrency),
	stop = new RunStop(),
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = new Array<INodeExecutionData[]>(count);
	const continueOnFail = ctx.continueOnFail();
	let failure: unknown;
	const failed: number[] = [];

	const runOne = async (itemIndex: number) => {
		try {
			const output = await handler(itemIndex);
			results[itemIndex] = output.map((entry) => ({ ...entry, pairedItem: { item: itemIndex } }));
		} catch (error) {
			if (!continueOnFail) {
				// An item the client refused to start after the stop was not sent: it did not fail.
				if (isNotSent(error)) return;
				failure ??= error;
				failed.push(itemIndex);
				stop.stop();
				return;
			}
			results[itemIndex] = [errorItem(error, itemIndex)];
		}
	};

	const batchSize = options.batchSize && options.batchSize > 0 ? options.batchSize : count;
	for (let start = 0; start < count && !stop.stopped; start += batchSize) {
		const end = Math.min(count, start + batchSize);
		await runBatch(start, end, runOne, gate, options.orderKey, () => stop.stopped);
		if (end < count && !stop.stopped && options.batchIntervalMs) await sleep(options.batchIntervalMs);
	}
	if (failure !== undefined) {
		const accepted = results.flatMap((output, itemIndex) => (output ? [itemIndex] : []));
		throw stoppedRunError(ctx, failure, { total: count, accepted, failed });
	}
	return results.flat();
}

async function runBatch(
	start: number,
	end: number,
	runOne: (itemIndex: number) => Promise<void>,
	gate: AdaptiveConcurrency,
	orderKey: RunnerOptions['orderKey'],
	stopped: () => boolean,
): Promise<void> {
	// Items sharing a key form one lane that runs in order; a lane is one unit of concurrency.
	const lanes: number[][] = [];
	const laneOfKey = new Map<string, number[]>();
	for (let i = start; i < end; i++) {
		const key = orderKey?.(i);
		if (key === undefined) {
			lanes.push([i]);
			continue;
		}
		let lane = laneOfKey.get(key);
		if (!lane) {
			lane = [];
			laneOfKey.set(key, lane);
			lanes.push(lane);
		}
		lane.push(i);
	}
	let next = 0;
	let active = 0;
	await new Promise<void>((resolve) => {
		const pump = () => {
			while (active < gate.limit && next < lanes.length && !stopped()) {
				const lane = lanes[next++];
				active++;
				void (async () => {
					for (const itemIndex of lane) {
						if (stopped()) break;
						await runOne(itemIndex);
					}
				})().finally(() => {
					active--;
					pump();
				});
			}
			if (active === 0 && (next >= lanes.length || stopped())) resolve();
		};
		pump();
	});
}
