/**
 * The built nodes against their contracts: every contract operation is offered by the node (generated or by a
 * hand-made operation that replaces it), and the node offers nothing the contract lacks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import type { INodeType } from 'n8n-workflow';

import { mergeChatwootContract } from '../../scripts/generate/chatwoot.mts';
import { listOperations, type JsonObject } from '../../scripts/generate/openapiToTable.mts';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as JsonObject;

interface Offered {
	/** Operation values in the node's selectors. */
	values: Set<string>;
	/** Contract operations reached through hand-made operations. */
	replaced: Set<string>;
}

function offered(distFile: string, className: string, handMadeFile: string): Offered {
	const NodeClass = (require(new URL(distFile, root).pathname) as Record<string, new () => INodeType>)[className];
	const values = new Set<string>();
	for (const property of new NodeClass().description.properties) {
		if (property.name === 'operation' && property.noDataExpression) {
			for (const option of property.options ?? []) values.add(String((option as { value: string }).value));
		}
	}
	const { handMadeOperations } = require(new URL(handMadeFile, root).pathname) as {
		handMadeOperations: Array<{ value: string; replaces: string[] }>;
	};
	const replaced = new Set(handMadeOperations.flatMap((op) => op.replaces));
	// A hand-made operation's own value is not a contract operation unless it took over a replaced one.
	for (const op of handMadeOperations) if (!replaced.has(op.value)) values.delete(op.value);
	return { values, replaced };
}

function compare(contractIds: string[], node: Offered): { missing: string[]; extra: string[] } {
	const contract = new Set(contractIds);
	const covered = new Set([...node.values, ...node.replaced]);
	return {
		missing: contractIds.filter((id) => !covered.has(id)),
		extra: [...node.values].filter((id) => !contract.has(id)),
	};
}

test('WTS Chat offers every non-deprecated contract operation and nothing else', () => {
	const ids = listOperations(readJson('specs/wts/openapi.json'))
		.filter((o) => o.op.deprecated !== true)
		.map((o) => String(o.op.operationId));
	assert.ok(ids.length >= 100, `${ids.length} operations`);
	const result = compare(ids, offered('dist/nodes/WtsChat/WtsChat.node.js', 'WtsChat', 'dist/nodes/WtsChat/actions/handMadeOperations.js'));
	assert.deepEqual(result, { missing: [], extra: [] });
});

/** Both values of a brand's nodes: the Application/Client node and the Platform node share the contract. */
function offeredByBoth(first: Offered, second: Offered): Offered {
	const overlap = [...first.values].filter((value) => second.values.has(value));
	assert.deepEqual(overlap, [], 'an operation is offered by both nodes');
	return { values: new Set([...first.values, ...second.values]), replaced: new Set([...first.replaced, ...second.replaced]) };
}

for (const [name, folder] of [
	['Chatwoot', 'Chatwoot'],
	['KonverteDigital', 'KonverteDigital'],
] as const) {
	test(`${name} and ${name} Platform together offer every operation of the Chatwoot contract (spec + supplement) and nothing else`, () => {
		const contract = mergeChatwootContract(readJson('specs/chatwoot/swagger.json'), readJson('specs/chatwoot/supplement.json'));
		const ids = listOperations(contract).map((o) => String(o.op.operationId));
		assert.ok(ids.length >= 400, `${ids.length} operations`);
		const handMade = 'dist/nodes/Chatwoot/actions/handMadeOperations.js';
		const application = offered(`dist/nodes/${folder}/${folder}.node.js`, name, handMade);
		const platform = offered(`dist/nodes/${folder}Platform/${folder}Platform.node.js`, `${name}Platform`, handMade);
		assert.ok(platform.values.size > 0 && application.values.size > platform.values.size);
		const result = compare(ids, offeredByBoth(application, platform));
		assert.deepEqual(result, { missing: [], extra: [] });
	});
}
