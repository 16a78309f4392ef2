/**
 * What the sandbox saw of a bulk run: requests, 429 answers, and for every planned item whether the
 * platform took it exactly once and in its conversation's order.
 */
import type { RecordedRequest } from '../sandbox/core/recorder.mts';

export interface PlannedItem {
	/** Unique text carried by the item's request; `#<index>` in it identifies the item. */
	marker: string;
	/** Items of one conversation must arrive in input order. */
	conversation: string;
}

export interface DeliveryReport {
	requests: number;
	rateLimited: number;
	/** Items the platform never took. */
	lost: number;
	/** Items the platform took more than once. */
	duplicated: number;
	/** Items taken after a later item of the same conversation. */
	orderViolations: number;
	/** From the first to the last request the platform took, by arrival time. */
	spanMs: number | null;
}

const ITEM_INDEX = /#(\d+)\b/;

/** Plans `count` items over `conversations` conversations, round robin, so each conversation gets several. */
export function planItems(count: number, conversations: string[], runLabel: string): PlannedItem[] {
	return Array.from({ length: count }, (_, index) => ({
		marker: `${runLabel} message #${index}`,
		conversation: conversations[index % conversations.length],
	}));
}

/**
 * `markerOf` reads the item's text from a request body. A request counts as taken when the sandbox ran
 * its handler and answered 2xx.
 */
export function checkDeliveries(
	plan: PlannedItem[],
	requests: RecordedRequest[],
	markerOf: (request: RecordedRequest) => string | undefined,
): DeliveryReport {
	const taken = requests
		.filter((request) => request.processed && request.status !== null && request.status < 300)
		.sort((a, b) => a.seq - b.seq);
	const timesTaken = new Array<number>(plan.length).fill(0);
	const highestSoFar = new Map<string, number>();
	let orderViolations = 0;
	for (const request of taken) {
		const marker = markerOf(request);
		const index = Number(ITEM_INDEX.exec(marker ?? '')?.[1] ?? Number.NaN);
		if (!Number.isInteger(index) || plan[index]?.marker !== marker) continue;
		timesTaken[index]++;
		if (timesTaken[index] > 1) continue;
		const { conversation } = plan[index];
		const highest = highestSoFar.get(conversation) ?? -1;
		if (index < highest) orderViolations++;
		else highestSoFar.set(conversation, index);
	}
	const times = taken.map((request) => Date.parse(request.timestamp));
	return {
		requests: requests.length,
		rateLimited: requests.filter((request) => request.status === 429).length,
		lost: timesTaken.filter((n) => n === 0).length,
		duplicated: timesTaken.filter((n) => n > 1).length,
		orderViolations,
		spanMs: times.length > 1 ? Math.max(...times) - Math.min(...times) : null,
	};
}
