/**
 * What n8n made of each input item: its output (success or the error Continue On Fail put on it), found
 * through n8n's item pairing so that a lost, duplicated or mispaired item shows up as such.
 */
import type { ExecutionResult, RunItem } from '../harness/n8n.mts';

export interface ItemOutcome {
	/** The input item this output is paired with. */
	index: number;
	json: Record<string, unknown>;
	/** Set when the item failed (Continue On Fail). */
	error?: string;
	description?: string;
}

export interface NodeOutcomes {
	/** Per input item, the outputs paired with it (one each when nothing is lost or repeated). */
	byItem: ItemOutcome[][];
	/** Output items paired with no input item, or with one out of range. */
	unpaired: number;
	/** The node's own error when the whole node failed (no Continue On Fail). */
	nodeError?: string;
}

function errorOf(item: RunItem): { error?: string; description?: string } {
	if (typeof item.json.error === 'string') {
		const description = item.json.details;
		return {
			error: item.json.error,
			description: typeof description === 'string' ? description : undefined,
		};
	}
	if (item.error) return { error: item.error.message, description: item.error.description };
	return {};
}

export function outcomesOf(
	result: ExecutionResult | undefined,
	node: string,
	inputCount: number,
): NodeOutcomes {
	const byItem: ItemOutcome[][] = Array.from({ length: inputCount }, () => []);
	const runs = result?.nodes[node] ?? [];
	let unpaired = 0;
	for (const item of runs.flatMap((run) => run.outputs[0] ?? [])) {
		const index = item.pairedItem?.[0]?.item;
		if (index === undefined || index < 0 || index >= inputCount) {
			unpaired++;
			continue;
		}
		byItem[index].push({ index, json: item.json, ...errorOf(item) });
	}
	// Why items may be missing: the node's error, else the execution's, else how the execution ended.
	const nodeError =
		runs.find((run) => run.error)?.error?.message ??
		result?.error?.message ??
		(result === undefined ? 'no execution' : `execution ${result.status ?? 'of unknown status'}, last node ${result.lastNodeExecuted ?? 'none'}, ${runs.length} run(s) of ${node}`);
	return { byItem, unpaired, nodeError };
}

/** The single outcome of an item, or a reason why there is not exactly one. */
export function singleOutcome(outcomes: NodeOutcomes, index: number): ItemOutcome | string {
	const outputs = outcomes.byItem[index] ?? [];
	if (outputs.length === 1) return outputs[0];
	if (outputs.length === 0)
		return `item ${index} is lost (no output paired with it${outcomes.nodeError ? `; node failed: ${outcomes.nodeError}` : ''})`;
	return `item ${index} came out ${outputs.length} times`;
}

/** The error that stopped a run (no Continue On Fail), as n8n stored it. */
export interface RunFailure {
	/** The error class, e.g. NodeOperationError. */
	name?: string;
	message: string;
	description?: string;
	/** The item n8n names in the error ("item 1" in the editor). */
	itemIndex?: number;
	node?: string;
}

export function runFailureOf(result: ExecutionResult | undefined): RunFailure | undefined {
	const raw = result?.raw as { resultData?: { error?: Record<string, unknown> } } | undefined;
	const error = raw?.resultData?.error;
	if (!error) return undefined;
	const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
	const context = (error.context ?? {}) as Record<string, unknown>;
	return {
		name: text(error.name),
		message: text(error.message) ?? JSON.stringify(error),
		description: text(error.description),
		itemIndex: typeof context.itemIndex === 'number' ? context.itemIndex : undefined,
		node: text((error.node as Record<string, unknown> | undefined)?.name),
	};
}

const STACK_FRAME = /\n\s*at \S.*:\d+:\d+\)?/;
const BARE_STATUS =
	/^(Request failed with status code \d{3}|\d{3}|Error|Bad Request|Internal Server Error|undefined|null)$/i;
const MARKUP = /<\/?(html|head|body|title|center|h1|hr)\b[^>]*>/i;

/** Why an error text would not tell a user what happened; empty when it is clear. */
export function unclearReasons(error: string | undefined, description?: string): string[] {
	if (!error?.trim()) return ['no error text'];
	const reasons: string[] = [];
	const text = `${error}\n${description ?? ''}`;
	if (STACK_FRAME.test(text)) reasons.push('contains a stack trace');
	if (BARE_STATUS.test(error.trim())) reasons.push(`is a bare status ("${error}")`);
	if (MARKUP.test(text)) reasons.push('contains HTML markup');
	if (text.includes('[object Object]')) reasons.push('contains "[object Object]"');
	return reasons;
}

/** Shortens a message for the summary table. */
export function brief(text: string, max = 90): string {
	const oneLine = text.replace(/\s+/g, ' ').trim();
	return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
