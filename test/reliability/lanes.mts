/**
 * Items in parallel, conversations in order: items for different conversations are sent at once (up to
 * "Items in Parallel"), items for one conversation one after another in input order. For parallel items the
 * sandbox holds every answer until all the items' requests have arrived (up to BARRIER_MS), so all arrive
 * before the first answer; sent one after another they would not. Ordered items are each held HOLD_MS, so
 * they arrive at least HOLD_MS apart.
 */
import { jsonBodyOf, type RecordedRequest } from '../../sandbox/core/recorder.mts';
import { wtsSentText } from '../../sandbox/wts/server.mts';
import type { ExecutionResult, Workflow } from '../harness/n8n.mts';
import { matrixOperation, type Method } from './faultMatrix.mts';
import { outcomesOf } from './outcomes.mts';
import {
	chatwootSeedOf,
	itemsWorkflow,
	platformNode,
	startPlatformSandbox,
	type Platform,
	type PlatformSandbox,
} from './platforms.mts';
import type { SummaryRow } from './summary.mts';

const HOLD_MS = 600;
/** How long the sandbox holds parallel items' answers waiting for the rest: far beyond any pause of a busy machine, and below the request timeout so a late arrival shows as such. */
const BARRIER_MS = 30_000;
const NODE = 'Node Under Test';

export interface LaneScenario {
	name: string;
	platform: Platform;
	method: Method;
	/** 'parallel': different conversations; 'ordered': every item to the same conversation. */
	expect: 'parallel' | 'ordered';
	count: number;
}

export const LANE_SCENARIOS: LaneScenario[] = [
	{
		name: 'WTS Chat Send Text, 4 recipients',
		platform: 'wts',
		method: 'POST',
		expect: 'parallel',
		count: 4,
	},
	{
		name: 'WTS Chat Send Text, 3 messages to one recipient',
		platform: 'wts',
		method: 'POST',
		expect: 'ordered',
		count: 3,
	},
	{
		name: 'Chatwoot Create Message, 4 conversations',
		platform: 'chatwoot',
		method: 'POST',
		expect: 'parallel',
		count: 4,
	},
	{
		name: 'Chatwoot Create Message, 3 messages to one conversation',
		platform: 'chatwoot',
		method: 'POST',
		expect: 'ordered',
		count: 3,
	},
	{
		name: 'Chatwoot Get Conversation, 4 conversations',
		platform: 'chatwoot',
		method: 'GET',
		expect: 'parallel',
		count: 4,
	},
];

function inputsFor(
	scenario: LaneScenario,
	sandbox: PlatformSandbox,
): Array<Record<string, unknown>> {
	const marker = (i: number) => `lane item ${i} ${Math.random().toString(36).slice(2)}`;
	const target = (i: number) => (scenario.expect === 'ordered' ? 0 : i);
	return Array.from({ length: scenario.count }, (_, i) =>
		sandbox.platform === 'wts'
			? { to: `+55|119600000${target(i)}`, text: marker(i) }
			: { conversation: chatwootSeedOf(sandbox).conversationIds[target(i)], content: marker(i) },
	);
}

/** The input item a request carries: its text or content, or for a read, its conversation in the path. */
function itemOf(request: RecordedRequest, inputs: Array<Record<string, unknown>>): number {
	return inputs.findIndex((input) =>
		request.method === 'GET'
			? request.path.endsWith(`/conversations/${String(input.conversation)}`)
			: (input.text ?? input.content) === (wtsSentText(request) ?? jsonBodyOf(request)?.content),
	);
}

interface PreparedLane {
	scenario: LaneScenario;
	sandbox: PlatformSandbox;
	inputs: Array<Record<string, unknown>>;
	workflow: Workflow;
}

export interface PreparedLanes {
	sandboxes: PlatformSandbox[];
	workflows: Workflow[];
	evaluate(
		scenario: LaneScenario,
		results: Map<string, ExecutionResult>,
	): { row: SummaryRow; failures: string[] };
}

export async function prepareLanes(): Promise<PreparedLanes> {
	const prepared = new Map<LaneScenario, PreparedLane>();
	for (const scenario of LANE_SCENARIOS) {
		const sandbox = await startPlatformSandbox(scenario.platform, `lanes ${scenario.name}`);
		const operation = matrixOperation(scenario.platform, scenario.method);
		sandbox.faults.add({
			method: scenario.method,
			path: operation.path,
			fault:
				scenario.expect === 'parallel'
					? { kind: 'barrier', count: scenario.count, ms: BARRIER_MS }
					: { kind: 'delay', ms: HOLD_MS },
		});
		const inputs = inputsFor(scenario, sandbox);
		const node = platformNode(sandbox, NODE, operation.parameters(sandbox));
		prepared.set(scenario, {
			scenario,
			sandbox,
			inputs,
			workflow: itemsWorkflow(`Reliability lanes: ${scenario.name}`, inputs, node),
		});
	}
	return {
		sandboxes: [...prepared.values()].map((entry) => entry.sandbox),
		workflows: [...prepared.values()].map((entry) => entry.workflow),
		evaluate: (scenario, results) => {
			const entry = prepared.get(scenario);
			if (!entry) throw new Error(`lane scenario "${scenario.name}" was not prepared`);
			return evaluateLane(entry, results.get(entry.workflow.id));
		},
	};
}

function evaluateLane(
	entry: PreparedLane,
	result: ExecutionResult | undefined,
): { row: SummaryRow; failures: string[] } {
	const { scenario, sandbox, inputs } = entry;
	const failures: string[] = [];
	const outcomes = outcomesOf(result, NODE, inputs.length);
	outcomes.byItem.forEach((outputs, index) => {
		if (outputs.length !== 1 || outputs[0].error !== undefined)
			failures.push(
				`item ${index}: ${outputs.length} output(s) ${outputs.map((o) => o.error ?? 'ok').join(', ')}`,
			);
	});
	const requests = sandbox.recorder.requests({ method: scenario.method });
	const arrivals = requests
		.map((request) => ({ item: itemOf(request, inputs), at: Date.parse(request.timestamp) }))
		.sort((a, b) => a.at - b.at);
	if (arrivals.length !== inputs.length || arrivals.some((arrival) => arrival.item < 0)) {
		failures.push(`the sandbox received ${arrivals.length} requests for ${inputs.length} items`);
	}
	const offsets = arrivals.map((arrival) => arrival.at - (arrivals[0]?.at ?? 0));
	let answeredNote = '';
	if (scenario.expect === 'parallel') {
		const firstAnswer = Math.min(...requests.map((request) => request.answeredAfterSeq ?? Infinity));
		const late = requests.filter((request) => request.seq > firstAnswer).length;
		answeredNote = `; ${late} after the first answer`;
		if (late > 0)
			failures.push(
				`${late} request(s) arrived after the first answer: items of different conversations did not run in parallel`,
			);
	} else {
		const order = arrivals.map((arrival) => arrival.item);
		if (order.join() !== inputs.map((_, i) => i).join())
			failures.push(`arrival order ${order.join(',')}, expected input order`);
		offsets.slice(1).forEach((offset, n) => {
			if (offset - offsets[n] < HOLD_MS - 50)
				failures.push(
					`item ${n + 1} was sent ${offset - offsets[n]} ms after item ${n}, before that one was answered`,
				);
		});
	}
	return {
		row: {
			group: 'Lanes',
			scenario:
				scenario.expect === 'parallel'
					? `${scenario.name} (answers held until all ${scenario.count} arrived)`
					: `${scenario.name} (each held ${HOLD_MS} ms)`,
			expected:
				scenario.expect === 'parallel'
					? 'all sent at once (every request arrives before the first answer)'
					: `one at a time, in input order (≥${HOLD_MS} ms apart)`,
			observed: `arrivals at +${offsets.join(', +')} ms, items ${arrivals.map((a) => a.item).join(',')}${answeredNote}`,
			passed: failures.length === 0,
		},
		failures,
	};
}
