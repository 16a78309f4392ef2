import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ApiClient, ApiRequest } from '../transport/apiClient';
import { recordsOf } from '../transport/pagination';
import { errorItem, toItems } from './outputItems';
import type { Preparation } from './prepareItems';
import { RunStop } from './runStop';
import { stoppedRunError } from './stoppedRunReport';

/**
 * A single-message operation whose contract also has a batch endpoint: with "Use Batch Endpoints", items
 * are sent up to `size` per request and each result is mapped back to its own item.
 */
export interface BatchRoute {
	path: string;
	size: number;
	/** Body keys that must be equal for items to share one request; they go at the top of the batch body. */
	shared: string[];
	/** Body keys that belong to each message of the batch. */
	perMessage: string[];
	/** Items using one of these keys cannot go into a batch (the batch has no place for them). */
	notBatchable?: string[];
	/** Where the answer lists the results, in the order of the messages. */
	resultsPath: string;
}

type Chunked = { itemIndex: number; request: ApiRequest };
type Outcome = { itemIndex: number; output?: INodeExecutionData[]; error?: unknown };
/** One request's worth of items: a chunk for the batch endpoint, or an item that goes alone. */
type SendUnit = { firstItem: number; send: () => Promise<Outcome[]> };

/**
 * Sends prepared items: the batchable ones in groups of `route.size`, the others one by one, in the order of
 * their first item. Results come back in input order, paired with their items; an item refused when prepared
 * keeps its own error. Without Continue On Fail the first failed request stops the run: no later request is
 * sent, and its error is thrown.
 */
export async function runBatched(
	ctx: IExecuteFunctions,
	client: ApiClient,
	route: BatchRoute,
	preparations: Preparation[],
	stop = new RunStop(),
): Promise<INodeExecutionData[]> {
	const outcomes: Outcome[] = [];
	const units: SendUnit[] = [];
	const groups = new Map<string, Chunked[]>();
	for (const [itemIndex, { item, error }] of preparations.entries()) {
		if (!item) {
			outcomes.push({ itemIndex, error });
			continue;
		}
		const body = (item.request?.body ?? {}) as IDataObject;
		if (!item.request || route.notBatchable?.some((key) => body[key] !== undefined)) {
			units.push({ firstItem: itemIndex, send: async () => [await settle(itemIndex, () => item.send())] });
			continue;
		}
		const key = JSON.stringify(route.shared.map((name) => body[name] ?? null));
		groups.set(key, [...(groups.get(key) ?? []), { itemIndex, request: item.request }]);
	}
	for (const group of groups.values()) {
		for (let start = 0; start < group.length; start += route.size) {
			const chunk = group.slice(start, start + route.size);
			units.push({ firstItem: chunk[0].itemIndex, send: async () => await sendChunk(client, route, chunk) });
		}
	}
	const continueOnFail = ctx.continueOnFail();
	units.sort((a, b) => a.firstItem - b.firstItem);
	for (const unit of units) {
		const sent = await unit.send();
		outcomes.push(...sent);
		const failed = sent.filter((outcome) => outcome.error !== undefined);
		if (failed.length && !continueOnFail) {
			stop.stop();
			const accepted = outcomes.filter((outcome) => outcome.error === undefined).map((outcome) => outcome.itemIndex);
			throw stoppedRunError(ctx, failed[0].error, { total: preparations.length, accepted, failed: failed.map((outcome) => outcome.itemIndex) });
		}
	}
	outcomes.sort((a, b) => a.itemIndex - b.itemIndex);
	return outcomes.flatMap(({ itemIndex, output, error }) =>
		error === undefined ? (output ?? []).map((entry) => ({ ...entry, pairedItem: { item: itemIndex } })) : [errorItem(error, itemIndex)],
	);
}

async function settle(itemIndex: number, run: () => Promise<INodeExecutionData[]>): Promise<Outcome> {
	try {
		return { itemIndex, output: await run() };
	} catch (error) {
		return { itemIndex, error };
	}
}

async function sendChunk(client: ApiClient, route: BatchRoute, chunk: Chunked[]): Promise<Outcome[]> {
	const first = (chunk[0].request.body ?? {}) as IDataObject;
	const body: IDataObject = {};
	for (const key of route.shared) if (first[key] !== undefined) body[key] = first[key];
	body.messages = chunk.map(({ request }) => {
		const single = (request.body ?? {}) as IDataObject;
		return Object.fromEntries(route.perMessage.filter((key) => single[key] !== undefined).map((key) => [key, single[key]]));
	});
	try {
		const answer = await client.request({ method: 'POST', path: route.path, body, itemIndex: chunk[0].itemIndex });
		const results = recordsOf(answer, route.resultsPath);
		return chunk.map(({ itemIndex }, n) =>
			results[n] ? { itemIndex, output: toItems(results[n]) } : { itemIndex, error: new Error(`The batch answer has no result for this message (${n + 1} of ${chunk.length})`) },
		);
	} catch (error) {
		// The whole request failed: every message in it carries that error.
		return chunk.map(({ itemIndex }) => ({ itemIndex, error }));
	}
}
