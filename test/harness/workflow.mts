// Builders for workflow JSON as `n8n import:workflow` takes it, so that test workflows state only what
// matters to the test: node names, types and parameters, and how nodes are connected.
import { randomInt, randomUUID } from 'node:crypto';

export interface CredentialReference {
	id: string;
	name: string;
}

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	/** Per credential type, the imported credential to use. */
	credentials?: Record<string, CredentialReference>;
	/** Required by webhook-based nodes: part of their test URL and their registration key. */
	webhookId?: string;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	disabled?: boolean;
}

/** A node as tests write it: name and type, everything else optional. */
export type NodeSpec = Partial<WorkflowNode> & Pick<WorkflowNode, 'name' | 'type'>;

/** `main` carries items; the `ai_*` types plug sub-nodes (a chat model, tools) into an AI Agent. */
export type ConnectionType = 'main' | 'ai_languageModel' | 'ai_tool' | 'ai_memory';

export interface ConnectionTarget {
	node: string;
	type: ConnectionType;
	index: number;
}

/** Source node name -> per connection type and output index, the inputs it feeds. */
export type Connections = Record<string, Partial<Record<ConnectionType, ConnectionTarget[][]>>>;

export interface Workflow {
	id: string;
	name: string;
	active: boolean;
	nodes: WorkflowNode[];
	connections: Connections;
	settings: Record<string, unknown>;
}

export interface Edge {
	from: string;
	to: string;
	/** Output of `from` (default 0; a node with an error output uses 1 for it). */
	output?: number;
	/** Input of `to` (default 0). */
	input?: number;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A random 16-character workflow id. It always contains a digit: `n8n execute-batch --ids` silently drops
 * ids without one.
 */
export function workflowId(): string {
	const characters = Array.from({ length: 16 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]);
	characters[randomInt(16)] = String(randomInt(10));
	return characters.join('');
}

/** Node type name of a node loaded from N8N_CUSTOM_EXTENSIONS (see prepareExtensions). */
export function customNodeType(nodeName: string): string {
	return `CUSTOM.${nodeName}`;
}

/** Node type name of a node from a community package (see installCommunityPackage). */
export function communityNodeType(packageName: string, nodeName: string): string {
	return `${packageName}.${nodeName}`;
}

/** Connections for the given edges; `[from, to]` pairs connect output 0 to input 0. */
export function connect(...edges: Array<Edge | [string, string]>): Connections {
	const connections: Connections = {};
	for (const edge of edges) {
		const {
			from,
			to,
			output = 0,
			input = 0,
		} = Array.isArray(edge) ? { from: edge[0], to: edge[1] } : edge;
		const outputs = ((connections[from] ??= {}).main ??= []);
		while (outputs.length <= output) outputs.push([]);
		outputs[output].push({ node: to, type: 'main', index: input });
	}
	return connections;
}

/** Connections that run the named nodes one after another. */
export function chain(...names: string[]): Connections {
	return connect(...names.slice(1).map((to, index): [string, string] => [names[index], to]));
}

/**
 * A complete workflow. Nodes get ids, typeVersion 1 and positions left to right unless given; without
 * `connections` the nodes are chained in order. Settings default to execution order v1 (n8n's current one).
 */
export function workflow(definition: {
	name: string;
	nodes: NodeSpec[];
	connections?: Connections;
	id?: string;
	settings?: Record<string, unknown>;
}): Workflow {
	const nodes = definition.nodes.map(
		(spec, index): WorkflowNode => ({
			id: randomUUID(),
			typeVersion: 1,
			position: [index * 220, 0],
			parameters: {},
			...spec,
		}),
	);
	const names = new Set<string>();
	for (const { name } of nodes) {
		if (names.has(name))
			throw new Error(`workflow "${definition.name}" has two nodes named "${name}"`);
		names.add(name);
	}
	return {
		id: definition.id ?? workflowId(),
		name: definition.name,
		active: false,
		nodes,
		connections: definition.connections ?? chain(...nodes.map((node) => node.name)),
		settings: { executionOrder: 'v1', ...definition.settings },
	};
}

/** The Manual Trigger: where `n8n execute` starts a workflow. */
export function manualTrigger(name = 'Start'): NodeSpec {
	return { name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1 };
}

/** A Code node running `jsCode` once for all items (it must return the items, e.g. `[{ json: {} }]`). */
export function codeNode(name: string, jsCode: string): NodeSpec {
	return { name, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode } };
}

/** A Set field: a literal, or an expression ("={{ ... }}") with the type its result should get. */
export type SetField =
	| string
	| number
	| boolean
	| { value: string; type: 'string' | 'number' | 'boolean' | 'object' | 'array' };

/** An Edit Fields (Set) node assigning the given fields. */
export function setNode(
	name: string,
	fields: Record<string, SetField>,
	{ keepOtherFields = true }: { keepOtherFields?: boolean } = {},
): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			mode: 'manual',
			assignments: {
				assignments: Object.entries(fields).map(([field, spec]) => ({
					id: randomUUID(),
					name: field,
					...(typeof spec === 'object' ? spec : { value: spec, type: typeof spec }),
				})),
			},
			includeOtherFields: keepOtherFields,
			options: {},
		},
	};
}

/** n8n's Webhook trigger on `/webhook/<path>` (production URL, once the workflow is active). */
export function webhookNode(
	name: string,
	{ path, method = 'POST' }: { path: string; method?: string },
): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		webhookId: randomUUID(),
		parameters: { httpMethod: method, path, options: {} },
	};
}

/** A Wait node pausing each execution for `seconds` inside the process (n8n keeps waits under 65 s running). */
export function waitNode(name: string, seconds: number): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		webhookId: randomUUID(),
		parameters: { resume: 'timeInterval', amount: seconds, unit: 'seconds' },
	};
}
