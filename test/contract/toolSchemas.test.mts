/**
 * What an AI Agent's model sees of this package's tools, built by n8n 2.40.7's own code from the cached
 * runtime: n8n's conversion of a node usable as a tool into its tool variant, n8n-core's createNodeAsTool
 * (tool name, description and argument schema from the node and its `$fromAI` parameters) and LangChain's
 * conversion into the OpenAI function definition the model receives.
 *
 * - Every operation of every action node: with its required parameters left to the model the way the
 *   editor's "let the model define this" button writes them, the tool is described by the operation's own
 *   action text, has one argument per required parameter (none merged or dropped), and stays small.
 * - Every tool of the example workflows: each argument carries a description.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import type { INode, INodeProperties, INodePropertyOptions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { loadExample } from '../../demo/aiAgentDemo.mts';
import { ensureRuntime, repoRoot } from '../harness/runtime.mts';

const require = createRequire(import.meta.url);

interface OpenAiFunction {
	type: 'function';
	function: { name: string; description: string; parameters: { properties: Record<string, { type?: string; description?: string }>; required?: string[] } };
}

interface N8nCode {
	createNodeAsTool(options: { node: INode; nodeType: INodeType; handleToolInvocation: (args: unknown) => Promise<unknown> }): { response: unknown };
	convertToOpenAITool(tool: unknown): OpenAiFunction;
	convertNodeToAiTool(item: { description: INodeTypeDescription }): { description: INodeTypeDescription };
	NodeHelpers: {
		getNodeParameters(properties: INodeProperties[], values: object, returnDefaults: boolean, returnNoneDisplayed: boolean, node: object | null, description: INodeTypeDescription): Record<string, unknown> | null;
		displayParameter(values: object, parameter: INodeProperties, node: object | null, description: INodeTypeDescription): boolean;
	};
}

let n8n: N8nCode;

before(async () => {
	const { root } = await ensureRuntime();
	const modules = join(root, 'node_modules');
	const load = <T,>(path: string) => require(join(modules, path)) as T;
	n8n = {
		...load<Pick<N8nCode, 'createNodeAsTool'>>('n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool.js'),
		...load<Pick<N8nCode, 'convertToOpenAITool'>>('@langchain/core/dist/utils/function_calling.cjs'),
		...load<Pick<N8nCode, 'convertNodeToAiTool'>>('n8n/dist/tool-generation/ai-tools.js'),
		NodeHelpers: load<{ NodeHelpers: N8nCode['NodeHelpers'] }>('n8n-workflow').NodeHelpers,
	};
});

/** The built nodes n8n offers as tools (package.json lists them), by node name. */
function toolNodes(): Map<string, INodeType> {
	const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	const nodes = new Map<string, INodeType>();
	for (const file of manifest.n8n.nodes) {
		const exported = require(join(repoRoot, file)) as Record<string, new () => INodeType>;
		const nodeType = new (Object.values(exported)[0])();
		if (nodeType.description.usableAsTool) nodes.set(nodeType.description.name, nodeType);
	}
	return nodes;
}

/** The argument name the editor's "let the model define this" button gives a top-level parameter (n8n 2.40.7). */
const editorKey = (parameter: INodeProperties) => parameter.displayName.replace(/[^a-zA-Z0-9-]/g, '_').slice(0, 63);

/** The `$fromAI` type the editor uses for a parameter type. */
const editorType = (type: string) => (['boolean', 'number', 'json'].includes(type) ? type : 'string');

/** Every resource and operation of a node, with the operation's action text. */
function operationsOf(description: INodeTypeDescription): Array<{ resource: string; operation: INodePropertyOptions }> {
	const resources = description.properties.find(({ name }) => name === 'resource')?.options as INodePropertyOptions[];
	return resources.flatMap(({ value }) =>
		description.properties
			.filter(({ name, displayOptions }) => name === 'operation' && displayOptions?.show?.resource?.includes(value))
			.flatMap((property) => (property.options as INodePropertyOptions[]).map((operation) => ({ resource: String(value), operation }))),
	);
}

/** The tool n8n builds for a node, as the OpenAI function the model receives. */
function buildTool(nodeType: INodeType, name: string, parameters: Record<string, unknown>): OpenAiFunction {
	const node = { id: 'tool', name, type: `CUSTOM.${nodeType.description.name}Tool`, typeVersion: 1, position: [0, 0], parameters } as INode;
	const { response } = n8n.createNodeAsTool({ node, nodeType, handleToolInvocation: async () => await Promise.resolve('') });
	return n8n.convertToOpenAITool(response);
}

/**
 * Largest tool definition (name, description and arguments as JSON), in characters: about 150 tokens, so an
 * agent with a dozen of these tools spends under 2,000 tokens of every model call on them.
 */
const MAX_TOOL_JSON = 600;
/** Longest tool description: one line a model reads in a list of tools. */
const MAX_DESCRIPTION = 90;

describe('tool variants of the action nodes', () => {
	test('n8n derives a tool variant from each action node, described automatically per operation', () => {
		const nodes = toolNodes();
		assert.deepEqual([...nodes.keys()].sort(), ['chatwoot', 'chatwootPlatform', 'konverteDigital', 'konverteDigitalPlatform', 'wtsChat']);
		for (const [name, nodeType] of nodes) {
			const tool = n8n.convertNodeToAiTool({ description: structuredClone(nodeType.description) }).description;
			assert.equal(tool.name, `${name}Tool`);
			const descriptionType = tool.properties.find((property) => property.name === 'descriptionType');
			assert.equal(descriptionType?.default, 'auto', `${name}: the tool's description follows the chosen operation`);
		}
	});

	for (const [name, nodeType] of toolNodes()) {
		test(`${nodeType.description.displayName}: every operation's tool has its own action text, one argument per required parameter, and a small schema`, (t) => {
			const description = nodeType.description;
			const problems: string[] = [];
			let largest = { size: 0, operation: '' };
			let longest = '';
			const operations = operationsOf(description);
			for (const { resource, operation } of operations) {
				const where = `${resource} › ${String(operation.value)}`;
				const chosen = { resource, operation: operation.value };
				const values = n8n.NodeHelpers.getNodeParameters(description.properties, chosen, true, false, null, description) ?? {};
				const required = description.properties.filter(
					(property) => property.required && !['resource', 'operation'].includes(property.name) && n8n.NodeHelpers.displayParameter(values, property, null, description),
				);
				const parameters: Record<string, unknown> = { ...chosen };
				for (const property of required) {
					const expression = `={{ $fromAI('${editorKey(property)}', '', '${editorType(property.type)}') }}`;
					parameters[property.name] = property.type === 'resourceLocator' ? { __rl: true, mode: 'id', value: expression } : expression;
				}
				let tool: OpenAiFunction;
				try {
					tool = buildTool(nodeType, 'Tool', parameters);
				} catch (error) {
					problems.push(`${where}: n8n cannot build the tool: ${(error as Error).message}`);
					continue;
				}
				const { description: text, parameters: schema } = tool.function;
				if (!operation.action) problems.push(`${where}: no action text, the model reads "${text}"`);
				else if (text !== `${operation.action} in ${description.defaults.name}`) problems.push(`${where}: described as "${text}"`);
				if (text.length > MAX_DESCRIPTION) problems.push(`${where}: description of ${text.length} characters`);
				if (text.length > longest.length) longest = text;
				const keys = Object.keys(schema.properties).sort();
				const expected = required.map(editorKey).sort();
				if (JSON.stringify(keys) !== JSON.stringify(expected)) problems.push(`${where}: arguments ${keys.join(', ')} for the required parameters ${expected.join(', ')}`);
				const size = JSON.stringify(tool).length;
				if (size > largest.size) largest = { size, operation: where };
				if (size > MAX_TOOL_JSON) problems.push(`${where}: tool definition of ${size} characters`);
			}
			t.diagnostic(`${operations.length} operations; longest description ${longest.length} characters ("${longest}"); largest tool ${largest.size} characters (${largest.operation})`);
			assert.deepEqual(problems, [], `${name}: ${problems.length} problems`);
			assert.ok(operations.length > 0);
		});
	}
});

describe('tools of the example workflows', () => {
	const files = readdirSync(join(repoRoot, 'examples')).filter((file) => file.endsWith('.json'));

	test('there are examples with tools', () => assert.ok(files.length >= 2));

	for (const file of files) {
		test(`${file}: each tool and each of its arguments is described, in a small definition`, () => {
			const nodes = toolNodes();
			const example = loadExample(file);
			const tools = example.nodes.filter((node) => node.type.startsWith('CUSTOM.') && node.type.endsWith('Tool'));
			assert.ok(tools.length > 0, `${file} has tools`);
			for (const node of tools) {
				const nodeType = nodes.get(node.type.slice('CUSTOM.'.length, -'Tool'.length));
				assert.ok(nodeType, `${node.name}: ${node.type} is one of the package's tools`);
				const tool = buildTool(nodeType, node.name, node.parameters);
				assert.equal(tool.function.name, node.name.replace(/ /g, '_'));
				assert.ok(tool.function.description.length <= MAX_DESCRIPTION, `${node.name}: "${tool.function.description}"`);
				const argumentsOf = Object.entries(tool.function.parameters.properties);
				assert.ok(argumentsOf.length > 0, `${node.name} lets the model fill something`);
				for (const [key, argument] of argumentsOf) assert.ok(argument.description?.trim(), `${node.name}: argument ${key} has no description`);
				assert.ok(JSON.stringify(tool).length <= MAX_TOOL_JSON, `${node.name}: ${JSON.stringify(tool).length} characters`);
			}
		});
	}
});
