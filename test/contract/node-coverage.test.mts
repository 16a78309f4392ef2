/**
 * The built nodes against their contracts: every contract operation is offered by the node (generated or by a
 * hand-made operation that replaces it), and the node offers nothing the contract lacks. Operation values are
 * the curated names of specs/<platform>/naming.mts, so the generated table says which contract operation each is.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import type { INodeType } from 'n8n-workflow';

import type { OperationTable } from '../../nodes/shared/engine/operationTable.ts';

import { mergeChatwootContract } from '../../scripts/generate/chatwoot.mts';
import { listOperations, type JsonObject } from '../../scripts/generate/openapiToTable.mts';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as JsonObject;

interface Offered {
	/** Contract operations behind the node's selectors (through the generated table's values). */
	ids: Set<string>;
	/** Contract operations reached through hand-made operations. */
	replaced: Set<string>;
	/** Selector entries that are neither a table operation nor a hand-made one. */
	unknown: string[];
}

/**
 * What a built node offers, as contract operations: each `resource/operation` of its selectors is looked up in
 * the generated table (values are curated names, not operationIds); hand-made operations count by `replaces`.
 */
function offered(distFile: string, className: string, folder: 'WtsChat' | 'Chatwoot'): Offered {
	const NodeClass = (require(new URL(distFile, root).pathname) as Record<string, new () => INodeType>)[className];
	const { operationTable } = require(new URL(`dist/nodes/${folder}/generated/operationTable.js`, root).pathname) as { operationTable: OperationTable };
	const { handMadeOperations } = require(new URL(`dist/nodes/${folder}/actions/handMadeOperations.js`, root).pathname) as {
		handMadeOperations: Array<{ resource: string; value: string; replaces: string[] }>;
	};
	const ids = new Set<string>();
	const unknown: string[] = [];
	for (const property of new NodeClass().description.properties) {
		if (property.name !== 'operation' || !property.noDataExpression) continue;
		const resource = String(property.displayOptions?.show?.resource?.[0]);
		for (const option of property.options ?? []) {
			const value = String((option as { value: string }).value);
			if (handMadeOperations.some((op) => op.resource === resource && op.value === value)) continue;
			const op = operationTable.operations.find((entry) => entry.resource === resource && entry.value === value);
			if (op) ids.add(op.id);
			else unknown.push(`${resource}/${value}`);
		}
	}
	const present = new Set(operationTable.resources.map((r) => r.value));
	const replaced = new Set(handMadeOperations.filter((op) => present.has(op.resource)).flatMap((op) => op.replaces));
	return { ids, replaced, unknown };
}

function compare(contractIds: string[], node: Offered): { missing: string[]; extra: string[] } {
	const contract = new Set(contractIds);
	const covered = new Set([...node.ids, ...node.replaced]);
	return {
		missing: contractIds.filter((id) => !covered.has(id)),
		extra: [...[...node.ids].filter((id) => !contract.has(id)), ...node.unknown],
	};
}

test('WTS Chat offers every non-deprecated contract operation and nothing else', () => {
	const ids = listOperations(readJson('specs/wts/openapi.json'))
		.filter((o) => o.op.deprecated !== true)
		.map((o) => String(o.op.operationId));
	assert.ok(ids.length >= 100, `${ids.length} operations`);
	const result = compare(ids, offered('dist/nodes/WtsChat/WtsChat.node.js', 'WtsChat', 'WtsChat'));
	assert.deepEqual(result, { missing: [], extra: [] });
});

/** Both values of a brand's nodes: the Application/Client node and the Platform node share the contract. */
function offeredByBoth(first: Offered, second: Offered): Offered {
	const overlap = [...first.ids].filter((id) => second.ids.has(id));
	assert.deepEqual(overlap, [], 'an operation is offered by both nodes');
	return { ids: new Set([...first.ids, ...second.ids]), replaced: new Set([...first.replaced, ...second.replaced]), unknown: [...first.unknown, ...second.unknown] };
}

for (const [name, folder] of [
	['Chatwoot', 'Chatwoot'],
	['KonverteDigital', 'KonverteDigital'],
] as const) {
	test(`${name} and ${name} Platform together offer every operation of the Chatwoot contract (spec + supplement) and nothing else`, () => {
		const contract = mergeChatwootContract(readJson('specs/chatwoot/swagger.json'), readJson('specs/chatwoot/supplement.json'));
		const ids = listOperations(contract).map((o) => String(o.op.operationId));
		assert.ok(ids.length >= 400, `${ids.length} operations`);
		const application = offered(`dist/nodes/${folder}/${folder}.node.js`, name, 'Chatwoot');
		const platform = offered(`dist/nodes/${folder}Platform/${folder}Platform.node.js`, `${name}Platform`, 'Chatwoot');
		assert.ok(platform.ids.size > 0 && application.ids.size > platform.ids.size);
		const result = compare(ids, offeredByBoth(application, platform));
		assert.deepEqual(result, { missing: [], extra: [] });
	});
}
