import { NodeApiError, NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { isNotSent, type ApiClient } from '../transport/apiClient';
import { fieldError } from './inputErrors';
import { NodeKeys } from './nodeKeys';
import type { PreparedItem } from './prepareItems';

/** The item's "Send Once per Key" (Request Options), trimmed; undefined when empty. */
function keyOf(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	const value = ctx.getNodeParameter('requestOptions.sendOnceKey', itemIndex, '') as unknown;
	if (value === null || value === undefined) return undefined;
	if (typeof value !== 'string' && typeof value !== 'number') {
		throw fieldError(ctx, itemIndex, '"Send Once per Key" must be a text or a number', `Got ${typeof value}: use an expression that gives one value, e.g. {{ $json.deliveryId }}.`);
	}
	const key = String(value).trim();
	return key === '' ? undefined : key;
}

/** Whether a failed send certainly left nothing on the platform: refused with a 4xx answer, or never started. */
function certainlyNotTaken(error: unknown): boolean {
	if (isNotSent(error)) return true;
	return error instanceof NodeApiError && /^4\d\d$/.test(error.httpCode ?? '');
}

/**
 * "Send Once per Key": an item whose key this node already sent (in any execution of the workflow) is not sent
 * again and comes out as `{ skipped: true, sendOnceKey }`. The key is recorded in n8n's deduplication store when
 * the item's first request is about to leave, after its wait for a rate-limit slot: an item that never left
 * (n8n stopped or crashed while it waited, or the run stopped at another item) holds no key. A send the platform
 * refused (4xx) before any request of the item was answered gives the key back, so running the item again sends
 * it. After a timeout, a reset or a 5xx the platform may have taken the item, and an item with one request
 * answered (an upload before its message) was partly taken: its key stays recorded and its error says so. Items
 * with a key are sent one by one (never through a batch endpoint), since a batch answer can fail for items the
 * platform took.
 */
export class SendOnce {
	/** Keys taken by items of this run: a second item with the same key is skipped without asking the store. */
	private readonly inRun = new Set<string>();
	private readonly keys: NodeKeys;
	/** Keys of items that went out, or may have, in this run; and when the latest was recorded. */
	private readonly kept = new Set<string>();
	private lastRecordedAt = 0;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly client: ApiClient,
	) {
		this.keys = new NodeKeys(ctx);
	}

	/** The prepared item, sent at most once per key when the item has one. Reads and checks the key (prepare phase). */
	wrap(itemIndex: number, item: PreparedItem): PreparedItem {
		const key = keyOf(this.ctx, itemIndex);
		if (key === undefined) return item;
		return { orderKey: item.orderKey, send: async () => await this.sendOnce(itemIndex, key, item) };
	}

	private async sendOnce(itemIndex: number, key: string, item: PreparedItem): Promise<INodeExecutionData[]> {
		const skipped: INodeExecutionData[] = [{ json: { skipped: true, sendOnceKey: key } }];
		if (this.inRun.has(key)) return skipped;
		this.inRun.add(key);
		// Why the first request was held back: the key was recorded before, or the store failed.
		let heldBack: 'recorded before' | NodeOperationError | undefined;
		const requests = this.client.watchItem(itemIndex, async () => {
			try {
				if (await this.keys.claim(key)) {
					this.lastRecordedAt = Date.now();
					return true;
				}
				heldBack = 'recorded before';
			} catch (error) {
				heldBack = new NodeOperationError(this.ctx.getNode(), '"Send Once per Key" could not record the key', {
					itemIndex,
					description: `n8n's deduplication store failed (${error instanceof Error ? error.message : String(error)}), so the item was not sent.`,
				});
			}
			return false;
		});
		const sent = await item.send().then(
			(output) => ({ output }),
			(error: unknown) => ({ error }),
		);
		if ('output' in sent) {
			if (requests.started > 0) this.kept.add(key);
			return sent.output;
		}
		if (heldBack === 'recorded before') return skipped;
		if (heldBack) throw heldBack;
		if (requests.started > 0) {
			if (requests.answered === 0 && certainlyNotTaken(sent.error)) {
				await this.keys.release(key);
			} else {
				noteKeptKey(sent.error, key);
				this.kept.add(key);
			}
		}
		// The item's own error (a NodeApiError or NodeOperationError), now noting what became of its key.
		throw sent.error;
	}

	/**
	 * Once the run's items are done: the keys of the items that went out are read back (see `NodeKeys.keep`). A
	 * store failure here cannot undo a send, so it is nobody's error.
	 */
	async keepSentKeys(): Promise<void> {
		if (this.kept.size === 0) return;
		await this.keys.keep([...this.kept], this.lastRecordedAt).catch(() => undefined);
	}
}

function noteKeptKey(error: unknown, key: string): void {
	if (!(error instanceof Error)) return;
	const note = `Its key "${key}" stays recorded ("Send Once per Key"): the platform may have taken it, so running it again skips it. Check the platform, then send it with another key if it is missing.`;
	const described = error as Error & { description?: string | null };
	described.description = described.description ? `${described.description}\n${note}` : note;
}
