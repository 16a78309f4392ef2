import { sleep, type IExecuteFunctions } from 'n8n-workflow';

/** Keys kept per node in n8n's deduplication store; older ones are dropped first (n8n's Remove Duplicates keeps as many). */
const SEND_ONCE_HISTORY = 10_000;
const STORE_OPTIONS = { mode: 'entries', maxEntries: SEND_ONCE_HISTORY } as const;

/**
 * How long after its last write a key is read back (see `NodeKeys.keep`): longer than another n8n process takes
 * between reading the node's key list and writing it back, so every write that could still drop the key is done.
 */
const KEEP_AFTER_MS = 1_000;
/** How many times keys found dropped are recorded again and read back. */
const KEEP_ROUNDS = 3;

/**
 * n8n's store reads a node's whole key list, changes it and writes it back, with no lock: two calls that
 * overlap lose one of their keys. Every call for one node of one workflow in this n8n process goes through
 * one queue, so parallel items and executions running side by side cannot overlap.
 */
const storeQueues = new Map<string, Promise<unknown>>();

function queued<T>(queueKey: string, call: () => Promise<T>): Promise<T> {
	const result = (storeQueues.get(queueKey) ?? Promise.resolve()).then(call, call);
	const tail = result.catch(() => undefined);
	storeQueues.set(queueKey, tail);
	void tail.then(() => {
		if (storeQueues.get(queueKey) === tail) storeQueues.delete(queueKey);
	});
	return result;
}

/**
 * Keys waiting for their turn in the queue, per node: keys recorded while an earlier store call runs go together
 * into the next one, so items in flight at once cost one read and one write of the key list, not one each.
 */
const waitingKeys = new Map<string, { keys: Set<string>; fresh: Promise<Set<string>> }>();

/**
 * The keys Send Once per Key recorded for one node of one workflow, in n8n's deduplication store (scope node, the
 * latest 10,000 keys).
 */
export class NodeKeys {
	constructor(private readonly ctx: IExecuteFunctions) {}

	/** The node's queue and batch in this process; read when a key is first used, so a run without keys asks nothing. */
	private get queueKey(): string {
		return `${this.ctx.getWorkflow().id ?? ''}:${this.ctx.getNode().id}`;
	}

	/** Records `key`; true when it was not recorded before (the item may be sent). */
	async claim(key: string): Promise<boolean> {
		const { fresh, sharedCall } = await this.record(key);
		// Two executions claiming one key in the same call: n8n's store would call both new, so the second is refused here.
		return fresh && !sharedCall;
	}

	/**
	 * Reads back the keys of sent items, `KEEP_AFTER_MS` after they were recorded (`recordedAt`, the latest).
	 * Another n8n process writing the same node's list at the same moments (queue-mode workers) can write back a
	 * list it read before a key was added: keys found dropped are recorded again and read back once more.
	 */
	async keep(keys: string[], recordedAt: number): Promise<void> {
		let pending = keys;
		let lastWrite = recordedAt;
		for (let round = 0; round < KEEP_ROUNDS && pending.length > 0; round++) {
			const waitMs = lastWrite + KEEP_AFTER_MS - Date.now();
			if (waitMs > 0) await sleep(waitMs);
			lastWrite = Date.now();
			const results = await Promise.all(pending.map(async (key) => ({ key, dropped: (await this.record(key)).fresh })));
			pending = results.filter((result) => result.dropped).map((result) => result.key);
		}
	}

	/** Gives a key back, so the item is sent again by the next run. */
	async release(key: string): Promise<void> {
		await queued(this.queueKey, async () => await this.ctx.helpers.removeProcessed([key], 'node', STORE_OPTIONS));
	}

	/** Records `key` with the keys waiting beside it: whether it was new to the store, and whether another caller gave it in the same call. */
	private async record(key: string): Promise<{ fresh: boolean; sharedCall: boolean }> {
		const { queueKey } = this;
		let batch = waitingKeys.get(queueKey);
		if (!batch) {
			const keys = new Set<string>();
			const fresh = queued(queueKey, async () => {
				waitingKeys.delete(queueKey);
				const call = async () => await this.ctx.helpers.checkProcessedAndRecord([...keys], 'node', STORE_OPTIONS);
				// The node's first keys: n8n inserts its row, and a second n8n process inserting at the same moment
				// fails on the row's unique key. The row is there then, so the call goes through when made again.
				const recorded = await call().catch(call);
				return new Set(recorded.new.map(String));
			});
			batch = { keys, fresh };
			waitingKeys.set(queueKey, batch);
		}
		const sharedCall = batch.keys.has(key);
		batch.keys.add(key);
		return { fresh: (await batch.fresh).has(key), sharedCall };
	}
}
