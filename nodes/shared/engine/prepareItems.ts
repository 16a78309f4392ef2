import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ApiRequest } from '../transport/apiClient';

/**
 * One input item whose parameters are read and checked; nothing of it has been sent yet. `send` makes its
 * requests (an upload and a message, a page after another...) when the send phase calls it.
 */
export interface PreparedItem {
	send(): Promise<INodeExecutionData[]>;
	/**
	 * Items with the same key (one conversation) are sent one after another, in input order. Made from the
	 * values the item was checked with, so no parameter is read a second time to order the sends.
	 */
	orderKey?: string;
	/** The one JSON request the item consists of, where a batch endpoint may carry it instead. */
	request?: ApiRequest;
}

/** An item ready to send, or the error that refused it. */
export type Preparation = { item: PreparedItem; error?: undefined } | { item?: undefined; error: unknown };

/**
 * The check phase: every item's parameters are resolved and checked before the first request that sends
 * anything. Without Continue On Fail the first refused item stops the node here, so nothing is sent; with it,
 * refused items keep their error and the others go on to the send phase.
 */
export async function prepareItems(
	ctx: IExecuteFunctions,
	count: number,
	prepare: (itemIndex: number) => Promise<PreparedItem>,
): Promise<Preparation[]> {
	const continueOnFail = ctx.continueOnFail();
	const preparations: Preparation[] = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			preparations.push({ item: await prepare(itemIndex) });
		} catch (error) {
			if (!continueOnFail) throw nothingSent(error, count);
			preparations.push({ error });
		}
	}
	return preparations;
}

/** The send phase's handler: sends a prepared item; a refused one (under Continue On Fail) fails with its error. */
export function sendPrepared(preparations: Preparation[]): (itemIndex: number) => Promise<INodeExecutionData[]> {
	return async (itemIndex) => {
		const { item, error } = preparations[itemIndex];
		if (!item) throw error;
		return await item.send();
	};
}

/** The send phase's order: each item's key as its preparation made it; a refused item has none. */
export function orderKeyOf(preparations: Preparation[]): (itemIndex: number) => string | undefined {
	return (itemIndex) => preparations[itemIndex].item?.orderKey;
}

/** Tells a user of a multi-item run that the refusal came before any send, so the whole run can be repeated. */
function nothingSent(error: unknown, count: number): unknown {
	if (count < 2 || !(error instanceof Error)) return error;
	const note = `Nothing was sent: all ${count} items are checked before the first one is sent.`;
	const described = error as Error & { description?: string | null };
	described.description = described.description ? `${described.description}\n${note}` : note;
	return error;
}
