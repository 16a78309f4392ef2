/**
 * The fault matrix: every fault kind the sandboxes inject, against a POST and a GET operation of each node,
 * three items per run. Each fault fires once per item (on its first attempt) or, for the "every attempt"
 * rows, on every attempt. Expected: failures the server certainly did not act on (429) or that are safe to
 * repeat (any failure of a GET) are retried and succeed; a POST the server may have taken is never sent
 * again and its item carries a clear error; 4xx answers are never retried. No item is lost.
 */
import type { FaultAction } from '../../sandbox/core/faults.mts';
import type { RecordedRequest } from '../../sandbox/core/recorder.mts';
import { wtsSentText } from '../../sandbox/wts/server.mts';
import type { ExecutionResult, Workflow } from '../harness/n8n.mts';
import { brief, outcomesOf, singleOutcome, unclearReasons } from './outcomes.mts';
import {
	chatwootSeedOf,
	itemsWorkflow,
	locatorById,
	platformNode,
	PLATFORM_NAME,
	startPlatformSandbox,
	wtsSeedOf,
	type Platform,
	type PlatformSandbox,
} from './platforms.mts';
import type { SummaryRow } from './summary.mts';

export type Method = 'POST' | 'GET';

const ITEMS = 3;
const MAX_RETRIES = 2;
/**
 * Request Options → Timeout. Rows that withhold no answer wait far longer than any pause of a busy n8n: a
 * timeout fired while an answer sat unread would add an attempt or fail a POST. The timeout rows must wait
 * for theirs; they run beside the others, which take longer anyway when a retry waits for the next minute.
 */
const TIMEOUT_MS = 60_000;
const TIMEOUT_ROW_MS = 15_000;
const NODE = 'Node Under Test';

type Expectation =
	| {
			outcome: 'success';
			attempts: number;
			processed: number;
			minRetryDelayMs?: number;
			/** The retry waits for the next whole minute, when rack-attack's window turns (Chatwoot's 429 says nothing). */
			retryAtNextMinute?: boolean;
	  }
	| {
			outcome: 'error';
			attempts: number;
			processed: number;
			/** Pattern of the message after "<platform> ". */
			message: string;
			/** Pattern the description must match (the hint users act on). */
			hint?: RegExp;
	  };

interface FaultCase {
	label: string;
	fault(sandbox: PlatformSandbox): FaultAction;
	/** Request Options → Timeout for the row, when not TIMEOUT_MS. */
	timeoutMs?: number;
	/** Fires on every attempt instead of once per item. */
	persistent?: boolean;
	expect(method: Method, platform: Platform): Expectation;
}

const NOT_RETRIED =
	'\\(not retried: the server may already have acted on it; check before sending again\\)';

const retriedGet = (processed: number): Expectation => ({
	outcome: 'success',
	attempts: 2,
	processed,
});

function serverError(status: number): FaultCase {
	return {
		label: `${status}`,
		fault: () => ({ kind: 'status', status }),
		expect: (method) =>
			method === 'GET'
				? retriedGet(1)
				: {
						outcome: 'error',
						attempts: 1,
						processed: 0,
						message: `answered ${status}: Injected fault \\(rule \\d+\\)$`,
					},
	};
}

function clientError(
	status: number,
	hint: RegExp,
	body?: (sandbox: PlatformSandbox) => string,
	text = 'Injected fault \\(rule \\d+\\)',
): FaultCase {
	return {
		label: `${status}`,
		fault: (sandbox) => ({
			kind: 'status',
			status,
			...(body ? { body: body(sandbox), contentType: 'application/json' } : {}),
		}),
		expect: () => ({
			outcome: 'error',
			attempts: 1,
			processed: 0,
			message: `answered ${status}: ${text}$`,
			hint,
		}),
	};
}

/** A 401 whose body echoes the key, as some gateways do: the error must still not show it. */
const keyEchoingBody = (sandbox: PlatformSandbox) =>
	JSON.stringify(
		sandbox.platform === 'wts'
			? {
					httpStatusCode: 401,
					error: true,
					key: 'ERROR_UNAUTHORIZED',
					text: `Acesso negado: token inválido ${sandbox.secret}`,
				}
			: { error: `Invalid access token ${sandbox.secret}` },
	);

/** A validation refusal in each platform's own shape, with the field it names. */
const validationBody = (sandbox: PlatformSandbox) =>
	JSON.stringify(
		sandbox.platform === 'wts'
			? {
					title: 'One or more validation errors occurred.',
					status: 422,
					errors: { Text: ['The Text field is required.'] },
				}
			: { message: "Validation failed: Content can't be blank", attributes: ['content'] },
	);

export const FAULT_CASES: FaultCase[] = [
	{
		label: '429 with Retry-After: 1',
		fault: () => ({ kind: 'status', status: 429, retryAfter: 1 }),
		expect: () => ({ outcome: 'success', attempts: 2, processed: 1, minRetryDelayMs: 1000 }),
	},
	{
		label: '429 without Retry-After',
		fault: () => ({ kind: 'status', status: 429 }),
		// WTS: back-off of the first retry, 250 to 500 ms. Chatwoot: the whole instance waits for rack-attack's next window.
		expect: (_, platform) =>
			platform === 'wts'
				? { outcome: 'success', attempts: 2, processed: 1, minRetryDelayMs: 250 }
				: { outcome: 'success', attempts: 2, processed: 1, retryAtNextMinute: true },
	},
	serverError(500),
	serverError(502),
	serverError(503),
	serverError(504),
	{
		label: 'reset before the response',
		fault: () => ({ kind: 'reset-before' }),
		expect: (method) =>
			method === 'GET'
				? retriedGet(1)
				: {
						outcome: 'error',
						attempts: 1,
						processed: 0,
						message: `request failed: the connection was closed before the answer was complete ${NOT_RETRIED}$`,
					},
	},
	{
		label: 'reset mid-body',
		fault: () => ({ kind: 'reset-mid-body' }),
		expect: (method) =>
			method === 'GET'
				? retriedGet(2)
				: {
						outcome: 'error',
						attempts: 1,
						processed: 1,
						message: `request failed: the connection was closed before the answer was complete ${NOT_RETRIED}$`,
					},
	},
	{
		label: 'timeout',
		fault: () => ({ kind: 'timeout' }),
		timeoutMs: TIMEOUT_ROW_MS,
		expect: (method) =>
			method === 'GET'
				? retriedGet(2)
				: {
						outcome: 'error',
						attempts: 1,
						processed: 1,
						message: `request failed: no answer before the timeout ${NOT_RETRIED}$`,
					},
	},
	{
		label: 'malformed JSON',
		fault: () => ({ kind: 'malformed-json' }),
		expect: (method) =>
			method === 'GET'
				? retriedGet(2)
				: {
						outcome: 'error',
						attempts: 1,
						processed: 1,
						message: `request failed: answered 200 with a body that is not valid JSON ${NOT_RETRIED}$`,
					},
	},
	{
		label: 'HTML error page (502)',
		fault: () => ({ kind: 'html' }),
		expect: (method) =>
			method === 'GET'
				? retriedGet(1)
				: {
						outcome: 'error',
						attempts: 1,
						processed: 0,
						message: 'answered 502: 502 Bad Gateway$',
					},
	},
	clientError(401, /The API key was refused/, keyEchoingBody, '.*\\*\\*\\*'),
	clientError(403, /no permission/),
	clientError(404, /Nothing exists under this ID/),
	clientError(
		422,
		/could not process the values/,
		validationBody,
		"(One or more validation errors occurred\\.|Validation failed: Content can't be blank)",
	),
	{
		label: '429 on every attempt',
		fault: () => ({ kind: 'status', status: 429, retryAfter: 0 }),
		persistent: true,
		expect: () => ({
			outcome: 'error',
			attempts: MAX_RETRIES + 1,
			processed: 0,
			message: 'answered 429: Injected fault \\(rule \\d+\\)$',
			hint: /still exceeded after retrying/,
		}),
	},
	{
		label: '503 on every attempt',
		fault: () => ({ kind: 'status', status: 503 }),
		persistent: true,
		expect: (method) => ({
			outcome: 'error',
			attempts: method === 'GET' ? MAX_RETRIES + 1 : 1,
			processed: 0,
			message: 'answered 503: Injected fault \\(rule \\d+\\)$',
		}),
	},
];

/** Konverte Digital runs the Chatwoot engine: a few rows prove the brand's node and messages. */
const KONVERTE_CASES = new Set(['429 with Retry-After: 1', '500', 'malformed JSON']);

/** One operation the matrix drives, and how its requests and answers are told apart per item. */
export interface MatrixOperation {
	method: Method;
	label: string;
	inputs(sandbox: PlatformSandbox): Array<Record<string, unknown>>;
	parameters(sandbox: PlatformSandbox, timeoutMs?: number): Record<string, unknown>;
	/** The operation's path, for picking its requests out of the recording. */
	path: RegExp;
	/** The path of one item's request, when the path tells items apart: faults then fire per item. */
	itemPath?(input: Record<string, unknown>): RegExp;
	/** The input item a recorded request belongs to, when the request shows it. */
	itemOf(request: RecordedRequest, inputs: Array<Record<string, unknown>>): number | undefined;
	/** Why a successful output does not answer its input, or undefined. */
	wrongAnswer(json: Record<string, unknown>, input: Record<string, unknown>): string | undefined;
}

const requestOptions = (timeout = TIMEOUT_MS) => ({ maxRetries: MAX_RETRIES, timeout });

const indexWhere = (
	inputs: Array<Record<string, unknown>>,
	matches: (input: Record<string, unknown>) => boolean,
) => {
	const index = inputs.findIndex(matches);
	return index < 0 ? undefined : index;
};

const OPERATIONS: Record<'wts' | 'chatwoot', Record<Method, MatrixOperation>> = {
	wts: {
		POST: {
			method: 'POST',
			label: 'Send Text',
			// Each item its own recipient, so items run in parallel and every first attempt meets the fault.
			inputs: () =>
				Array.from({ length: ITEMS }, (_, i) => ({
					to: `+55|119700000${i}`,
					text: `matrix item ${i} ${Math.random().toString(36).slice(2)}`,
				})),
			parameters: (sandbox, timeoutMs) => ({
				resource: 'message',
				operation: 'sendText',
				from: wtsSeedOf(sandbox).channels[0].id,
				to: '={{ $json.to }}',
				text: '={{ $json.text }}',
				options: {},
				requestOptions: requestOptions(timeoutMs),
			}),
			path: /^\/chat\/v1\/message\/send$/,
			// Requests refused before the body was read carry no text: they stay unattributed.
			itemOf: (request, inputs) =>
				indexWhere(inputs, (input) => input.text === wtsSentText(request)),
			wrongAnswer: (json) =>
				typeof json.id === 'string' ? undefined : `no message id in ${JSON.stringify(json)}`,
		},
		GET: {
			method: 'GET',
			label: 'Get Contact',
			inputs: (sandbox) =>
				wtsSeedOf(sandbox)
					.contacts.slice(0, ITEMS)
					.map((contact) => ({ id: contact.id })),
			parameters: (_, timeoutMs) => ({
				resource: 'contact',
				operation: 'get',
				contactId: '={{ $json.id }}',
				requestOptions: requestOptions(timeoutMs),
			}),
			path: /^\/core\/v1\/contact\/[^/]+$/,
			itemPath: (input) => new RegExp(`^/core/v1/contact/${String(input.id)}$`),
			itemOf: (request, inputs) =>
				indexWhere(inputs, (input) => request.path === `/core/v1/contact/${String(input.id)}`),
			wrongAnswer: (json, input) =>
				json.id === input.id
					? undefined
					: `answered contact ${String(json.id)} for ${String(input.id)}`,
		},
	},
	chatwoot: {
		POST: {
			method: 'POST',
			label: 'Create Message',
			inputs: (sandbox) =>
				chatwootSeedOf(sandbox)
					.conversationIds.slice(0, ITEMS)
					.map((conversation, i) => ({
						conversation,
						content: `matrix item ${i} ${Math.random().toString(36).slice(2)}`,
					})),
			parameters: (_, timeoutMs) => ({
				api: 'application',
				resource: 'message',
				operation: 'create',
				conversationId: '={{ $json.conversation }}',
				content: '={{ $json.content }}',
				messageType: 'outgoing',
				private: false,
				attachments: '',
				options: {},
				requestOptions: requestOptions(timeoutMs),
			}),
			path: /^\/api\/v1\/accounts\/\d+\/conversations\/\d+\/messages$/,
			itemPath: (input) => new RegExp(`/conversations/${String(input.conversation)}/messages$`),
			itemOf: (request, inputs) =>
				indexWhere(inputs, (input) =>
					request.path.endsWith(`/conversations/${String(input.conversation)}/messages`),
				),
			wrongAnswer: (json, input) =>
				json.content === input.content
					? undefined
					: `answered ${JSON.stringify(json).slice(0, 200)}`,
		},
		GET: {
			method: 'GET',
			label: 'Get Conversation',
			inputs: (sandbox) =>
				chatwootSeedOf(sandbox)
					.conversationIds.slice(0, ITEMS)
					.map((conversation) => ({ conversation })),
			parameters: (_, timeoutMs) => ({
				api: 'application',
				resource: 'conversation',
				operation: 'get',
				conversationId: locatorById('={{ $json.conversation }}'),
				requestOptions: requestOptions(timeoutMs),
			}),
			path: /^\/api\/v1\/accounts\/\d+\/conversations\/\d+$/,
			itemPath: (input) => new RegExp(`/conversations/${String(input.conversation)}$`),
			itemOf: (request, inputs) =>
				indexWhere(inputs, (input) =>
					request.path.endsWith(`/conversations/${String(input.conversation)}`),
				),
			wrongAnswer: (json, input) =>
				Number(json.id) === input.conversation
					? undefined
					: `answered conversation ${String(json.id)} for ${String(input.conversation)}`,
		},
	},
};

/** The operation the matrix drives for a platform and method (the Chatwoot family shares its engine). */
export function matrixOperation(platform: Platform, method: Method): MatrixOperation {
	return OPERATIONS[platform === 'wts' ? 'wts' : 'chatwoot'][method];
}

export interface FaultScenario {
	name: string;
	platform: Platform;
	method: Method;
	fault: FaultCase;
}

/** Every row of the matrix, known before anything starts so each gets a test of its own. */
export const FAULT_SCENARIOS: FaultScenario[] = (['wts', 'chatwoot', 'konverte'] as const).flatMap(
	(platform) =>
		FAULT_CASES.filter(
			(fault) => platform !== 'konverte' || KONVERTE_CASES.has(fault.label),
		).flatMap((fault) =>
			(['POST', 'GET'] as const).map((method) => ({
				name: `${PLATFORM_NAME[platform]} ${method} ${matrixOperation(platform, method).label} · ${fault.label}`,
				platform,
				method,
				fault,
			})),
		),
);

interface PreparedScenario {
	scenario: FaultScenario;
	sandbox: PlatformSandbox;
	operation: MatrixOperation;
	inputs: Array<Record<string, unknown>>;
	workflow: Workflow;
}

export interface PreparedMatrix {
	sandboxes: PlatformSandbox[];
	workflows: Workflow[];
	evaluate(
		scenario: FaultScenario,
		results: Map<string, ExecutionResult>,
	): { row: SummaryRow; failures: string[] };
}

/** Starts one sandbox per platform and fault (its POST and GET rows share it), adds the rules, builds the workflows. */
export async function prepareFaultMatrix(): Promise<PreparedMatrix> {
	const sandboxByKey = new Map<string, PlatformSandbox>();
	const prepared = new Map<FaultScenario, PreparedScenario>();
	for (const scenario of FAULT_SCENARIOS) {
		const key = `${scenario.platform}|${scenario.fault.label}`;
		let sandbox = sandboxByKey.get(key);
		if (!sandbox) {
			sandbox = await startPlatformSandbox(scenario.platform, `matrix ${scenario.fault.label}`);
			sandboxByKey.set(key, sandbox);
		}
		const operation = matrixOperation(scenario.platform, scenario.method);
		const inputs = operation.inputs(sandbox);
		// Per-item rules where the path tells items apart, so each item meets its fault whatever order
		// the items run in; otherwise one rule for as many requests as there are items, which run in parallel.
		const rules = operation.itemPath
			? inputs.map((input) => ({ path: operation.itemPath?.(input) ?? operation.path, times: 1 }))
			: [{ path: operation.path, times: ITEMS }];
		for (const rule of rules) {
			sandbox.faults.add({
				method: scenario.method,
				path: rule.path,
				...(scenario.fault.persistent ? {} : { times: rule.times }),
				fault: scenario.fault.fault(sandbox),
			});
		}
		const node = platformNode(sandbox, NODE, operation.parameters(sandbox, scenario.fault.timeoutMs));
		prepared.set(scenario, {
			scenario,
			sandbox,
			operation,
			inputs,
			workflow: itemsWorkflow(`Reliability matrix: ${scenario.name}`, inputs, node),
		});
	}
	return {
		sandboxes: [...sandboxByKey.values()],
		workflows: [...prepared.values()].map((entry) => entry.workflow),
		evaluate: (scenario, results) => {
			const entry = prepared.get(scenario);
			if (!entry) throw new Error(`scenario "${scenario.name}" was not prepared`);
			return evaluateScenario(entry, results.get(entry.workflow.id));
		},
	};
}

function describeExpectation(expectation: Expectation, platform: Platform): string {
	const counts = `${expectation.attempts} request(s)/item, ${expectation.processed} processed`;
	if (expectation.outcome === 'success') {
		const wait = expectation.retryAtNextMinute
			? ', retry at the next minute'
			: expectation.minRetryDelayMs
				? `, retry after ≥${expectation.minRetryDelayMs} ms`
				: '';
		return `${expectation.attempts > 1 ? 'retried, ' : ''}all succeed; ${counts}${wait}`;
	}
	// The message pattern as a reader would write it: "(rule n)", "…" for any text.
	const message = expectation.message
		.replace(/\\d\+/g, 'n')
		.replace(/\.\*/g, '…')
		.replace(/\\/g, '')
		.replace(/\$$/, '');
	return `error "${PLATFORM_NAME[platform]} ${message}"; ${counts}`;
}

function evaluateScenario(
	entry: PreparedScenario,
	result: ExecutionResult | undefined,
): { row: SummaryRow; failures: string[] } {
	const { scenario, sandbox, operation, inputs } = entry;
	const expectation = scenario.fault.expect(scenario.method, scenario.platform);
	const platformName = PLATFORM_NAME[scenario.platform];
	const failures: string[] = [];
	const requests = sandbox.recorder.requests({ method: scenario.method, path: operation.path });
	const outcomes = outcomesOf(result, NODE, inputs.length);
	if (outcomes.unpaired) failures.push(`${outcomes.unpaired} output item(s) paired with no input`);

	const processedPerItem = inputs.map(() => 0);
	const attributedPerItem = inputs.map(() => 0);
	for (const request of requests) {
		const index = operation.itemOf(request, inputs);
		if (index === undefined) {
			// Only requests refused before their body was read may lack the item's marker.
			if (request.processed)
				failures.push(`processed request #${request.seq} matches no input item`);
			continue;
		}
		attributedPerItem[index]++;
		if (request.processed) processedPerItem[index]++;
	}
	const expectedTotal = inputs.length * expectation.attempts;
	if (requests.length !== expectedTotal)
		failures.push(`the sandbox received ${requests.length} requests, expected ${expectedTotal}`);

	const errors = new Set<string>();
	let succeeded = 0;
	inputs.forEach((input, index) => {
		const outcome = singleOutcome(outcomes, index);
		if (typeof outcome === 'string') {
			failures.push(outcome);
			return;
		}
		if (processedPerItem[index] !== expectation.processed) {
			failures.push(
				`item ${index}: processed ${processedPerItem[index]} times at the sandbox, expected ${expectation.processed}`,
			);
		}
		if (attributedPerItem[index] > expectation.attempts) {
			failures.push(
				`item ${index}: sent ${attributedPerItem[index]} times, expected ${expectation.attempts}`,
			);
		}
		if (expectation.outcome === 'success') {
			if (outcome.error !== undefined)
				failures.push(`item ${index}: expected success, got error "${outcome.error}"`);
			else {
				const wrong = operation.wrongAnswer(outcome.json, input);
				if (wrong) failures.push(`item ${index}: ${wrong}`);
				else succeeded++;
			}
			return;
		}
		if (outcome.error === undefined) {
			failures.push(
				`item ${index}: expected an error, got success ${JSON.stringify(outcome.json).slice(0, 200)}`,
			);
			return;
		}
		errors.add(outcome.error.replace(/rule \d+/, 'rule n'));
		const pattern = new RegExp(`^${platformName} ${expectation.message}`);
		if (!pattern.test(outcome.error))
			failures.push(`item ${index}: error "${outcome.error}" does not match ${String(pattern)}`);
		if (expectation.hint && !expectation.hint.test(outcome.description ?? '')) {
			failures.push(
				`item ${index}: description "${outcome.description ?? ''}" lacks ${String(expectation.hint)}`,
			);
		}
		for (const reason of unclearReasons(outcome.error, outcome.description))
			failures.push(`item ${index}: error ${reason}`);
		if (`${outcome.error}\n${outcome.description ?? ''}`.includes(sandbox.secret))
			failures.push(`item ${index}: the error shows the API key`);
	});

	let retryNote = '';
	if (expectation.outcome === 'success' && expectation.retryAtNextMinute) {
		const time = (request: RecordedRequest) => Date.parse(request.timestamp);
		const faulted = requests.filter((request) => request.fault !== null).map(time);
		const retries = requests.filter((request) => request.fault === null).map(time);
		if (faulted.length && retries.length) {
			const turn = Math.floor(Math.min(...faulted) / 60_000 + 1) * 60_000;
			retryNote = `, first retry ${Math.min(...retries) - turn} ms after the minute turned`;
			if (Math.min(...retries) < turn)
				failures.push(`retried ${turn - Math.min(...retries)} ms before the next minute`);
		}
	}
	if (expectation.outcome === 'success' && expectation.minRetryDelayMs) {
		const time = (request: RecordedRequest) => Date.parse(request.timestamp);
		const faulted = requests.filter((request) => request.fault !== null).map(time);
		const retries = requests.filter((request) => request.fault === null).map(time);
		if (faulted.length && retries.length) {
			const delay = Math.min(...retries) - Math.min(...faulted);
			retryNote = `, first retry after ${delay} ms`;
			if (delay < expectation.minRetryDelayMs - 50)
				failures.push(
					`retried after ${delay} ms, expected at least ${expectation.minRetryDelayMs} ms`,
				);
		}
	}
	const outcomeNote =
		expectation.outcome === 'success'
			? `${succeeded}/${inputs.length} succeeded`
			: `${inputs.length - succeeded}/${inputs.length} errors${errors.size ? ` "${brief([...errors].join(' | '), 110)}"` : ''}`;
	const observed = `${outcomeNote}; ${requests.length} requests, processed per item [${processedPerItem.join(',')}]${retryNote}`;
	return {
		row: {
			group: 'Fault matrix',
			scenario: scenario.name,
			expected: describeExpectation(expectation, scenario.platform),
			observed,
			passed: failures.length === 0,
		},
		failures,
	};
}
