/** One bulk workflow run through `n8n execute` and what n8n and the sandbox say about it. */
import type { RecordedRequest } from '../sandbox/core/recorder.mts';
import type { ExecutionResult, N8nInstance, Workflow } from '../test/harness/n8n.mts';
import { TARGET_NODE } from './alternatives.mts';
import { checkDeliveries, type DeliveryReport, type PlannedItem } from './deliveries.mts';

export interface BulkMeasure {
	alternative: string;
	settings: string;
	/** The target node's own time as n8n measured it (`executionTime`), all of its tries included. */
	nodeMs: number;
	/** When the target node started (Unix ms, n8n's `startTime`), where n8n recorded it. */
	nodeStartMs?: number;
	/** Start to end of the whole execution (trigger, item maker and target node). */
	executionMs: number | null;
	/** Items the target node handed to the next node (none when it failed). */
	outputItems: number;
	failed: boolean;
	/** The run was stopped after `nodeMs` without finishing: its node time is more than that. */
	timedOut?: boolean;
	error?: string;
	delivery: DeliveryReport;
}

export interface BulkSubject {
	alternative: string;
	settings: string;
	workflow: Workflow;
}

/** Reads one finished execution of a bulk workflow; `requests` are the sandbox's records of it. */
export function measureBulk(
	subject: BulkSubject,
	result: ExecutionResult,
	plan: PlannedItem[],
	requests: RecordedRequest[],
	markerOf: (request: RecordedRequest) => string | undefined,
): BulkMeasure {
	const run = result.nodes[TARGET_NODE]?.[0];
	if (run?.executionTime === undefined) {
		throw new Error(`${subject.alternative}: the target node did not run (${result.error?.message ?? 'no error recorded'})`);
	}
	const executionMs =
		result.startedAt !== undefined && result.stoppedAt !== undefined ? Date.parse(result.stoppedAt) - Date.parse(result.startedAt) : null;
	const failed = result.failed || run.error !== undefined;
	return {
		alternative: subject.alternative,
		settings: subject.settings,
		nodeMs: run.executionTime,
		...(run.startTime === undefined ? {} : { nodeStartMs: run.startTime }),
		executionMs,
		outputItems: failed ? 0 : (run.outputs[0] ?? []).filter((item) => item.error === undefined).length,
		failed,
		...(failed ? { error: (run.error ?? result.error)?.message ?? 'failed' } : {}),
		delivery: checkDeliveries(plan, requests, markerOf),
	};
}

/**
 * Runs one bulk workflow in its own `n8n execute` process. One that has not finished after `timeoutMs` is
 * stopped and reported as such, with what the sandbox had seen by then.
 */
export async function runBulk(
	n8n: N8nInstance,
	subject: BulkSubject,
	plan: PlannedItem[],
	requests: () => RecordedRequest[],
	markerOf: (request: RecordedRequest) => string | undefined,
	timeoutMs = 10 * 60_000,
): Promise<BulkMeasure> {
	let result: ExecutionResult;
	try {
		result = await n8n.execute(subject.workflow.id, { timeoutMs });
	} catch (error) {
		if (!(error instanceof Error) || !error.message.startsWith('timed out after')) throw error;
		return {
			alternative: subject.alternative,
			settings: subject.settings,
			nodeMs: timeoutMs,
			executionMs: null,
			outputItems: 0,
			failed: true,
			timedOut: true,
			error: `not finished after ${Math.round(timeoutMs / 60_000)} min, stopped`,
			delivery: checkDeliveries(plan, requests(), markerOf),
		};
	}
	return measureBulk(subject, result, plan, requests(), markerOf);
}
