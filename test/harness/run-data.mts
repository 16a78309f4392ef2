// n8n's run data (what `n8n execute`, the database and the REST API return for one execution), reduced to
// what tests assert on: per node and run, the output items with their json, binary metadata, item errors
// and pairing; the run's status and error.

export interface RunError {
	message: string;
	description?: string;
	/** The node that raised it, when n8n recorded one. */
	node?: string;
	httpCode?: string;
}

/** A binary property without its payload. */
export interface BinaryMeta {
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
	fileType?: string;
	fileSize?: string;
	/** Where n8n stored the payload (binary data mode other than in-memory). */
	id?: string;
}

export interface PairedItem {
	item: number;
	input?: number;
}

export interface RunItem {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryMeta>;
	/** Set when a node that continues on fail put an error on this item. */
	error?: RunError;
	pairedItem?: PairedItem[];
}

export interface NodeRun {
	status?: string;
	startTime?: number;
	/** Milliseconds the node took, as measured by n8n. */
	executionTime?: number;
	error?: RunError;
	/** Items per `main` output (index 0 is the first output; an output that emitted nothing is empty). */
	outputs: RunItem[][];
}

export interface ExecutionResult {
	id?: string;
	workflowId?: string;
	mode?: string;
	status: string;
	failed: boolean;
	error?: RunError;
	lastNodeExecuted?: string;
	startedAt?: string;
	stoppedAt?: string;
	/** Runs per node name (a node inside a loop runs several times). */
	nodes: Record<string, NodeRun[]>;
	/** n8n's execution data (IRunExecutionData) as it came. */
	raw: unknown;
}

export interface ExecutionMeta {
	id?: string;
	workflowId?: string;
	mode?: string;
	status?: string;
	startedAt?: string;
	stoppedAt?: string;
}

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json | undefined =>
	typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Json)
		: undefined;
const asString = (value: unknown): string | undefined =>
	typeof value === 'string' ? value : undefined;
const asNumber = (value: unknown): number | undefined =>
	typeof value === 'number' ? value : undefined;

/** Drops keys whose value is undefined, so results compare cleanly with assert.deepStrictEqual. */
function defined<T extends object>(object: T): T {
	return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

function toRunError(value: unknown): RunError | undefined {
	const error = asRecord(value);
	if (error === undefined) return undefined;
	const node = asRecord(error.node);
	const httpCode = error.httpCode;
	return defined({
		message: asString(error.message) ?? JSON.stringify(error),
		description: asString(error.description),
		node: asString(node?.name),
		httpCode: typeof httpCode === 'number' ? String(httpCode) : asString(httpCode),
	});
}

function toPairedItems(value: unknown): PairedItem[] | undefined {
	if (value === undefined || value === null) return undefined;
	const entries = Array.isArray(value) ? value : [value];
	return entries.map((entry): PairedItem => {
		if (typeof entry === 'number') return { item: entry };
		const record = asRecord(entry) ?? {};
		return defined({ item: asNumber(record.item) ?? 0, input: asNumber(record.input) });
	});
}

function toBinaryMeta(value: unknown): Record<string, BinaryMeta> | undefined {
	const binary = asRecord(value);
	if (binary === undefined) return undefined;
	const meta: Record<string, BinaryMeta> = {};
	for (const [property, data] of Object.entries(binary)) {
		const record = asRecord(data) ?? {};
		meta[property] = defined({
			mimeType: asString(record.mimeType),
			fileName: asString(record.fileName),
			fileExtension: asString(record.fileExtension),
			fileType: asString(record.fileType),
			fileSize: asString(record.fileSize),
			id: asString(record.id),
		});
	}
	return meta;
}

function toRunItem(value: unknown): RunItem {
	const item = asRecord(value) ?? {};
	return defined({
		json: asRecord(item.json) ?? {},
		binary: toBinaryMeta(item.binary),
		error: toRunError(item.error),
		pairedItem: toPairedItems(item.pairedItem),
	});
}

function toNodeRun(value: unknown): NodeRun {
	const task = asRecord(value) ?? {};
	const main = asRecord(task.data)?.main;
	const outputs = Array.isArray(main)
		? main.map((output: unknown) => (Array.isArray(output) ? output.map(toRunItem) : []))
		: [];
	return defined({
		status: asString(task.executionStatus),
		startTime: asNumber(task.startTime),
		executionTime: asNumber(task.executionTime),
		error: toRunError(task.error),
		outputs,
	});
}

/** Reduces n8n's IRunExecutionData (`executionData`) plus the execution's own fields to an ExecutionResult. */
export function toExecutionResult(
	executionData: unknown,
	meta: ExecutionMeta = {},
): ExecutionResult {
	const resultData = asRecord(asRecord(executionData)?.resultData) ?? {};
	const nodes: Record<string, NodeRun[]> = {};
	for (const [name, runs] of Object.entries(asRecord(resultData.runData) ?? {})) {
		nodes[name] = Array.isArray(runs) ? runs.map(toNodeRun) : [];
	}
	const error = toRunError(resultData.error);
	const status = meta.status ?? (error === undefined ? 'success' : 'error');
	return defined({
		...meta,
		status,
		failed: status !== 'success' || error !== undefined,
		error,
		lastNodeExecuted: asString(resultData.lastNodeExecuted),
		nodes,
		raw: executionData,
	});
}

/**
 * Finds the run printed by `n8n execute --rawOutput`: on success the only output besides log lines, on
 * failure logged after "Execution was NOT successful". n8n prints it with JSON.stringify(run, null, 2), so it
 * starts with a line "{" and ends with the next line "}"; the last such block that parses as a run wins.
 */
export function parseExecuteOutput(stdout: string): ExecutionResult | undefined {
	const lines = stdout.split('\n').map((line) => line.trimEnd());
	for (let start = lines.lastIndexOf('{'); start >= 0; start = lines.lastIndexOf('{', start - 1)) {
		const end = lines.indexOf('}', start + 1);
		if (end < 0) continue;
		let run: Json | undefined;
		try {
			run = asRecord(JSON.parse(lines.slice(start, end + 1).join('\n')));
		} catch {
			continue;
		}
		const data = asRecord(run?.data);
		if (run === undefined || data?.resultData === undefined) continue;
		return toExecutionResult(data, {
			mode: asString(run.mode),
			status: asString(run.status),
			startedAt: asString(run.startedAt),
			stoppedAt: asString(run.stoppedAt),
		});
	}
	return undefined;
}

/** The items of one node's output, e.g. `items(result, 'Set')`; throws when the node did not run. */
export function items(
	result: ExecutionResult,
	nodeName: string,
	{ run = 0, output = 0 }: { run?: number; output?: number } = {},
): RunItem[] {
	const nodeRun = result.nodes[nodeName]?.[run];
	if (nodeRun === undefined) {
		const ran = Object.keys(result.nodes).join(', ') || 'none';
		throw new Error(`node "${nodeName}" has no run ${run} (nodes that ran: ${ran})`);
	}
	return nodeRun.outputs[output] ?? [];
}

/** The json of one node's output items. */
export function jsonOf(
	result: ExecutionResult,
	nodeName: string,
	options: { run?: number; output?: number } = {},
): Array<Record<string, unknown>> {
	return items(result, nodeName, options).map((item) => item.json);
}

/**
 * The json of the first item an execution started with: the item n8n stored to start it with while that is still
 * on its stack (an execution a crash cut short, whose trigger output n8n's recovery replaces with a placeholder),
 * else the trigger's output.
 */
export function startItemJson(result: ExecutionResult, triggerName: string): Record<string, unknown> | undefined {
	const stack = asRecord(asRecord(result.raw)?.executionData)?.nodeExecutionStack;
	const first = Array.isArray(stack) ? asRecord(stack[0]) : undefined;
	if (asRecord(first?.node)?.name === triggerName) {
		const main = asRecord(first?.data)?.main;
		const item = Array.isArray(main) && Array.isArray(main[0]) ? asRecord(main[0][0]) : undefined;
		return asRecord(item?.json);
	}
	return result.nodes[triggerName]?.[0]?.outputs[0]?.[0]?.json;
}
