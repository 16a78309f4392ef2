/**
 * Soak: 5,000 WTS sends through real n8n while 5% of requests meet a random fault of a random kind
 * (seeded, so a run can be replayed). Every item must come out, none may be processed twice, and every
 * item that failed must say why; the errors must add up to the faults that forbid a retry.
 */
import type { FaultAction } from '../../sandbox/core/faults.mts';
import { wtsSentText } from '../../sandbox/wts/server.mts';
import type { ExecutionResult, Workflow } from '../harness/n8n.mts';
import { codeNode, manualTrigger, workflow } from '../harness/n8n.mts';
import { brief, outcomesOf, unclearReasons } from './outcomes.mts';
import {
	platformNode,
	startPlatformSandbox,
	wtsSeedOf,
	type PlatformSandbox,
} from './platforms.mts';
import type { SummaryRow } from './summary.mts';

export const SOAK_ITEMS = 5000;
const FAULT_RATE = 0.05;
const FAULT_SEED = 20_261_123;
const NODE = 'Send Text';
const SEND_PATH = '/chat/v1/message/send';

/** The kinds mixed in; a 429 is the only one a POST may be retried after. */
const SOAK_FAULTS: Array<{ label: string; fault: FaultAction }> = [
	{ label: '429 Retry-After 0', fault: { kind: 'status', status: 429, retryAfter: 0 } },
	{ label: '429', fault: { kind: 'status', status: 429 } },
	{ label: '500', fault: { kind: 'status', status: 500 } },
	{ label: '502', fault: { kind: 'status', status: 502 } },
	{ label: '503', fault: { kind: 'status', status: 503 } },
	{ label: '504', fault: { kind: 'status', status: 504 } },
	{ label: 'reset-before', fault: { kind: 'reset-before' } },
	{ label: 'reset-mid-body', fault: { kind: 'reset-mid-body' } },
	{ label: 'timeout', fault: { kind: 'timeout' } },
	{ label: 'malformed-json', fault: { kind: 'malformed-json' } },
	{ label: 'html', fault: { kind: 'html' } },
];

/** Rules are tried in turn, each with its own draw: this per-rule chance makes the total FAULT_RATE. */
const RULE_PROBABILITY = 1 - (1 - FAULT_RATE) ** (1 / SOAK_FAULTS.length);

/** A failure the item can explain: the API's answer, or what went wrong on the way. */
const SAYS_WHY = /^WTS Chat (answered \d{3}: \S.*|request failed: \S.*)$/;
const MAY_HAVE_ACTED = 'the server may already have acted on it; check before sending again';

export interface PreparedSoak {
	sandbox: PlatformSandbox;
	workflow: Workflow;
	evaluate(results: Map<string, ExecutionResult>): { row: SummaryRow; failures: string[] };
}

export async function prepareSoak(): Promise<PreparedSoak> {
	const sandbox = await startPlatformSandbox('wts', 'soak', { faultSeed: FAULT_SEED });
	const runTag = Math.random().toString(36).slice(2, 10);
	const ruleLabels = new Map<number, string>();
	for (const { label, fault } of SOAK_FAULTS) {
		ruleLabels.set(
			sandbox.faults.add({ method: 'POST', path: SEND_PATH, probability: RULE_PROBABILITY, fault })
				.id,
			label,
		);
	}
	const make = codeNode(
		'Make Items',
		`return Array.from({ length: ${SOAK_ITEMS} }, (_, i) => ({ json: { to: '+55|2198' + String(i).padStart(7, '0'), text: 'soak ' + i + ' ${runTag}' } }));`,
	);
	const send = platformNode(sandbox, NODE, {
		resource: 'message',
		operation: 'sendText',
		from: wtsSeedOf(sandbox).channels[0].id,
		to: '={{ $json.to }}',
		text: '={{ $json.text }}',
		options: {},
		// Pacing off: WTS's published 1,000 requests per 5 minutes would stretch 5,000 sends over 25 minutes.
		// Timeout: one for every request of the node, so it must outlast any stall of a busy n8n (a timeout fired on
		// an answered request makes one error too many), yet keep the ~25 timeout faults, each holding a slot until
		// it fires, within execute-batch's fixed 3 minutes per workflow: at 60 s the soak was cut off after 204 s.
		requestOptions: { concurrency: 20, maxRetries: 3, timeout: 15_000, paceToLimits: false },
	});
	const wf = workflow({
		name: `Reliability soak: ${SOAK_ITEMS} sends with ${FAULT_RATE * 100}% faults`,
		nodes: [manualTrigger(), make, send],
	});
	return {
		sandbox,
		workflow: wf,
		evaluate: (results) => evaluateSoak(sandbox, ruleLabels, runTag, results.get(wf.id)),
	};
}

function evaluateSoak(
	sandbox: PlatformSandbox,
	ruleLabels: Map<number, string>,
	runTag: string,
	result: ExecutionResult | undefined,
): { row: SummaryRow; failures: string[] } {
	const failures: string[] = [];
	const markerPattern = new RegExp(`^soak (\\d+) ${runTag}$`);
	const processed = new Array<number>(SOAK_ITEMS).fill(0);
	const requests = sandbox.recorder.requests({ method: 'POST', path: SEND_PATH });
	for (const request of requests) {
		const index = Number(markerPattern.exec(String(wtsSentText(request) ?? ''))?.[1] ?? -1);
		if (index < 0) {
			if (request.processed)
				failures.push(`processed request #${request.seq} carries no item marker`);
			continue;
		}
		if (request.processed) processed[index]++;
	}
	const duplicates = processed.flatMap((count, index) => (count > 1 ? [index] : []));
	if (duplicates.length)
		failures.push(
			`${duplicates.length} item(s) processed more than once: ${duplicates.slice(0, 10).join(', ')}`,
		);

	const outcomes = outcomesOf(result, NODE, SOAK_ITEMS);
	const outputCount =
		outcomes.byItem.reduce((sum, outputs) => sum + outputs.length, 0) + outcomes.unpaired;
	if (outputCount !== SOAK_ITEMS)
		failures.push(
			`${outputCount} items came out of ${SOAK_ITEMS}${outcomes.nodeError ? ` (node error: ${outcomes.nodeError})` : ''}`,
		);
	let succeeded = 0;
	let errored = 0;
	let exhausted429 = 0;
	const reasons = new Map<string, number>();
	const problems: string[] = [];
	outcomes.byItem.forEach((outputs, index) => {
		if (outputs.length !== 1) {
			problems.push(`item ${index} came out ${outputs.length} times`);
			return;
		}
		const [outcome] = outputs;
		if (outcome.error === undefined) {
			succeeded++;
			if (processed[index] !== 1)
				problems.push(`item ${index} succeeded but was processed ${processed[index]} times`);
			if (typeof outcome.json.id !== 'string')
				problems.push(`item ${index} succeeded without a message id`);
			return;
		}
		errored++;
		const reason = outcome.error.replace(/\(rule \d+\)/, '(rule n)');
		reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
		if (/^WTS Chat answered 429/.test(outcome.error)) exhausted429++;
		if (!SAYS_WHY.test(outcome.error))
			problems.push(`item ${index}: "${outcome.error}" does not say why`);
		for (const unclear of unclearReasons(outcome.error, outcome.description))
			problems.push(`item ${index}: error ${unclear}`);
		// An item the server took must tell the user to check before sending it again.
		if (processed[index] === 1 && !outcome.error.includes(MAY_HAVE_ACTED))
			problems.push(
				`item ${index} was processed, yet its error does not say so: "${outcome.error}"`,
			);
	});
	failures.push(...problems.slice(0, 20));
	if (problems.length > 20) failures.push(`… and ${problems.length - 20} more`);

	const hitsByKind = sandbox.faults
		.list()
		.map((rule) => ({ label: ruleLabels.get(rule.id) ?? String(rule.id), hits: rule.hits }));
	const faultHits = hitsByKind.reduce((sum, rule) => sum + rule.hits, 0);
	const notRetriable = hitsByKind
		.filter((rule) => !rule.label.startsWith('429'))
		.reduce((sum, rule) => sum + rule.hits, 0);
	// A POST is not repeated after any fault but 429; a 429 fails the item only once Max Retries are used up.
	if (errored !== notRetriable + exhausted429)
		failures.push(
			`${errored} errors, but ${notRetriable} faults forbid a retry and ${exhausted429} items ran out of 429 retries`,
		);
	const rate = faultHits / Math.max(1, requests.length);
	if (rate < FAULT_RATE / 2 || rate > FAULT_RATE * 2)
		failures.push(`fault rate ${(rate * 100).toFixed(1)}%, expected about ${FAULT_RATE * 100}%`);

	const topReasons = [...reasons.entries()]
		.sort((a, b) => b[1] - a[1])
		.map(([reason, count]) => `${count}× ${brief(reason.replace(/^WTS Chat /, ''), 60)}`);
	return {
		row: {
			group: 'Soak',
			scenario: `${SOAK_ITEMS} WTS sends, ${FAULT_RATE * 100}% random faults (seed ${FAULT_SEED})`,
			expected: `${SOAK_ITEMS} out, 0 duplicates, every error says why, errors = faults forbidding a retry`,
			observed: `${outputCount} out (${succeeded} ok, ${errored} errors), ${duplicates.length} duplicates, ${requests.length} requests, ${faultHits} faults [${hitsByKind.map((rule) => `${rule.label} ${rule.hits}`).join(', ')}]; ${brief(topReasons.join('; '), 200)}`,
			passed: failures.length === 0,
		},
		failures,
	};
}
