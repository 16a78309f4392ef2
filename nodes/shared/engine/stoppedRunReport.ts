import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

/** Item indexes as ranges, e.g. [0, 1, 2, 5, 7, 8] → "0-2, 5, 7-8". */
export function indexRanges(indexes: number[]): string {
	const sorted = [...new Set(indexes)].sort((a, b) => a - b);
	const ranges: string[] = [];
	for (let start = 0; start < sorted.length; ) {
		let end = start;
		while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
		ranges.push(start === end ? String(sorted[start]) : `${sorted[start]}-${sorted[end]}`);
		start = end + 1;
	}
	return ranges.join(', ');
}

export interface StoppedRun {
	/** Items in the run. */
	total: number;
	/** Items whose requests the API accepted before the run stopped. */
	accepted: number[];
	/** Items whose send failed (the first failure, and any other that was in flight with it). */
	failed: number[];
}

const items = (count: number) => `${count} item${count === 1 ? '' : 's'}`;
const named = (indexes: number[]) => `${indexes.length === 1 ? 'Item' : 'Items'} ${indexRanges(indexes)}`;

/**
 * The error of a run that stopped at a failed send, saying which items the API had accepted before, so the
 * user can run again with only the others. n8n keeps no output of a node that throws, so the error is the one
 * place to say it: in its message, its description, and as data in its context (`acceptedItems`...).
 */
export function stoppedRunError(ctx: IExecuteFunctions, failure: unknown, run: StoppedRun): unknown {
	if (run.total < 2) return failure;
	const error = isNodeError(failure) ? failure : asNodeError(ctx, failure, run.failed[0]);
	const acceptedSet = new Set(run.accepted);
	const failedSet = new Set(run.failed);
	const notSent = Array.from({ length: run.total }, (_, i) => i).filter((i) => !acceptedSet.has(i) && !failedSet.has(i));
	const accepted = run.accepted.length
		? `${run.accepted.length} of ${run.total} items had already been accepted (${indexRanges(run.accepted)})`
		: `none of the ${run.total} items had been accepted`;
	const rest = [...run.failed, ...notSent];
	const report = [
		`Accepted by the API before the run stopped: ${run.accepted.length ? `${items(run.accepted.length)}: ${indexRanges(run.accepted)}` : 'none'}.`,
		`Failed: ${items(run.failed.length)}: ${indexRanges(run.failed)}.`,
		`Not sent: ${notSent.length ? `${items(notSent.length)}: ${indexRanges(notSent)}` : 'none'}.`,
		`To finish the run, send only items ${indexRanges(rest)} again.`,
	].join('\n');
	error.message = `${named(run.failed)} failed: ${error.message.replace(/\.$/, '')}. ${capitalize(accepted)}`;
	error.description = error.description ? `${error.description}\n\n${report}` : report;
	const details: IDataObject = {
		itemCount: run.total,
		acceptedCount: run.accepted.length,
		acceptedItems: indexRanges(run.accepted),
		failedItems: indexRanges(run.failed),
		notSentItems: indexRanges(notSent),
	};
	Object.assign(error.context, details);
	return error;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

type NodeErrorLike = Error & { description?: string | null; context: IDataObject };

function isNodeError(error: unknown): error is NodeErrorLike {
	return error instanceof Error && typeof (error as Partial<NodeErrorLike>).context === 'object' && (error as Partial<NodeErrorLike>).context !== null;
}

function asNodeError(ctx: IExecuteFunctions, failure: unknown, itemIndex: number | undefined): NodeErrorLike {
	const message = failure instanceof Error ? failure.message : String(failure);
	return new NodeOperationError(ctx.getNode(), message, { itemIndex }) as NodeErrorLike;
}
