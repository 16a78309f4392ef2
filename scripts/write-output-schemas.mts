/**
 * Build step after compilation: writes the output schema of every operation of every action node where n8n
 * looks for it (`dist/nodes/<Node>/__schema__/v<version>/<resource>/<operation>.json`), so the editor offers
 * an operation's fields for mapping before its first run. Each schema describes one output item, taken from
 * the contract's success answer: a list's record for lists, the answer itself otherwise, `{success}` for
 * answers without a body.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';

import type { HandMadeOperation } from '../nodes/shared/engine/executeNode.ts';
import { operationOf, type OperationSpec, type OperationTable } from '../nodes/shared/engine/operationTable.ts';
import { mergeChatwootContract } from './generate/chatwoot.mts';
import { listOperations, makeResolver, type Json, type JsonObject, type Resolver } from './generate/openapiToTable.mts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as JsonObject;

/** Nesting kept in a schema: deeper objects stay `{type: object}`, which the editor still offers to map. */
const MAX_DEPTH = 4;
const SUCCESS = { type: 'object', properties: { success: { type: 'boolean' } } };
/** A text answer (a CSV report) becomes a file: its item says what the file is. */
const FILE = { type: 'object', properties: { fileName: { type: 'string' }, mimeType: { type: 'string' }, bytes: { type: 'number' } } };

/** A JSON Schema without references, cut at MAX_DEPTH. */
function plainSchema(raw: Json | undefined, resolve: Resolver, depth = 0): JsonObject {
	const schema = resolve(raw);
	const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
	if (type === 'array' || schema.items) {
		return depth >= MAX_DEPTH ? { type: 'array' } : { type: 'array', items: plainSchema(schema.items, resolve, depth + 1) };
	}
	if (type === 'object' || schema.properties) {
		if (depth >= MAX_DEPTH || !schema.properties) return { type: 'object' };
		const properties = Object.fromEntries(
			Object.entries(schema.properties as JsonObject).map(([key, value]) => [key, plainSchema(value, resolve, depth + 1)]),
		);
		return { type: 'object', properties };
	}
	return typeof type === 'string' ? { type } : {};
}

/** The success answer's body schema of a contract operation, if it has one. */
function answerSchema(op: JsonObject, resolve: Resolver): JsonObject | undefined {
	const responses = (op.responses ?? {}) as JsonObject;
	const success = Object.keys(responses).filter((code) => /^2\d\d$/.test(code)).sort()[0];
	const content = success ? (resolve(responses[success]).content as JsonObject | undefined) : undefined;
	const json = content?.['application/json'] as JsonObject | undefined;
	if (json?.schema) return plainSchema(json.schema, resolve);
	return Object.keys(content ?? {}).some((type) => type.startsWith('text/')) ? FILE : undefined;
}

/** An item is always an object: a scalar answer or record comes out as `{value}` (see toItems). */
function asItem(schema: JsonObject): JsonObject {
	if (schema.type === 'object') return schema;
	return schema.type === undefined ? { type: 'object' } : { type: 'object', properties: { value: schema } };
}

/** What one output item of `op` looks like, given the answer's schema. */
function itemSchema(op: OperationSpec, answer: JsonObject | undefined): JsonObject {
	return asItem(recordSchema(op, answer));
}

function recordSchema(op: OperationSpec, answer: JsonObject | undefined): JsonObject {
	if (!answer) return SUCCESS;
	if (op.pagination) {
		let list: JsonObject | undefined = answer;
		for (const key of (op.pagination?.itemsPath ?? '').split('.').filter(Boolean)) list = (list?.properties as JsonObject | undefined)?.[key] as JsonObject | undefined;
		const items = list?.items as JsonObject | undefined;
		if (items) return items;
	}
	if (answer.type === 'array') return (answer.items as JsonObject | undefined) ?? { type: 'object' };
	return answer;
}

interface NodeBuild {
	folder: string;
	table: OperationTable;
	handMade: HandMadeOperation[];
	answers: Map<string, JsonObject | undefined>;
}

function answersOf(contract: JsonObject): Map<string, JsonObject | undefined> {
	const resolve = makeResolver(contract);
	return new Map(listOperations(contract).map((entry) => [String(entry.op.operationId), answerSchema(entry.op, resolve)]));
}

const load = <T,>(path: string, name: string) => (require(join(root, 'dist', path)) as Record<string, T>)[name];
const wtsAnswers = answersOf(readJson('specs/wts/openapi.json'));
const chatwootAnswers = answersOf(mergeChatwootContract(readJson('specs/chatwoot/swagger.json'), readJson('specs/chatwoot/supplement.json')));
const wts = { table: load<OperationTable>('nodes/WtsChat/generated/operationTable.js', 'operationTable'), handMade: load<HandMadeOperation[]>('nodes/WtsChat/actions/handMadeOperations.js', 'handMadeOperations'), answers: wtsAnswers };
const chatwoot = { table: load<OperationTable>('nodes/Chatwoot/generated/operationTable.js', 'operationTable'), handMade: load<HandMadeOperation[]>('nodes/Chatwoot/actions/handMadeOperations.js', 'handMadeOperations'), answers: chatwootAnswers };
const nodes: NodeBuild[] = [
	{ folder: 'WtsChat', ...wts },
	...['Chatwoot', 'ChatwootPlatform', 'KonverteDigital', 'KonverteDigitalPlatform'].map((folder) => ({ folder, ...chatwoot })),
];

let written = 0;
for (const node of nodes) {
	const NodeClass = load<new () => INodeType>(`nodes/${node.folder}/${node.folder}.node.js`, node.folder);
	const { version, properties } = new NodeClass().description;
	const versionDir = `v${String(Array.isArray(version) ? Math.max(...version) : version).split('.').concat(['0', '0']).slice(0, 3).join('.')}`;
	const selectors = properties.filter((p): p is INodeProperties => p.name === 'operation' && p.noDataExpression === true);
	for (const selector of selectors) {
		const resource = String(selector.displayOptions?.show?.resource?.[0]);
		for (const option of (selector.options ?? []) as INodePropertyOptions[]) {
			const value = String(option.value);
			const handMade = node.handMade.find((op) => op.resource === resource && op.value === value);
			const answerOf = handMade ? (handMade.replaces[0] ?? handMade.answersLike) : value;
			const op = handMade ? node.table.operations.find((entry) => entry.id === answerOf) : operationOf(node.table, resource, value);
			if (!op) throw new Error(`${node.folder}: no contract operation behind ${resource} › ${value}`);
			const file = join(root, 'dist/nodes', node.folder, '__schema__', versionDir, resource, `${value}.json`);
			mkdirSync(dirname(file), { recursive: true });
			writeFileSync(file, `${JSON.stringify(itemSchema(op, node.answers.get(op.id)))}\n`);
			written++;
		}
	}
}
console.log(`Output schemas: ${String(written)} operations`);
