/**
 * The frozen interface (interface.json): the built nodes still offer every recorded parameter and value, and
 * the check catches a rename or removal unless the node's version goes up.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

import type { INodePropertyOptions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { interfaceOf, latestVersion, problemsOf, type InterfaceManifest } from '../../scripts/interface/manifest.mts';
import { repoRoot } from '../harness/runtime.mts';

const require = createRequire(import.meta.url);
const recorded = JSON.parse(readFileSync(join(repoRoot, 'interface.json'), 'utf8')) as InterfaceManifest;
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };

function builtDescriptions(): INodeTypeDescription[] {
	return packageJson.n8n.nodes.map((file) => {
		const module = require(join(repoRoot, file)) as Record<string, new () => INodeType>;
		return new (Object.values(module)[0])().description;
	});
}

const manifestOf = (descriptions: INodeTypeDescription[]): InterfaceManifest =>
	Object.fromEntries(descriptions.map((d) => [d.name, { version: latestVersion(d), parameters: interfaceOf(d) }]));

test('every node records its interface, and the build still offers all of it', () => {
	const descriptions = builtDescriptions();
	assert.deepEqual(Object.keys(recorded).sort(), descriptions.map((d) => d.name).sort());
	assert.deepEqual(problemsOf(recorded, manifestOf(descriptions)), []);
});

function chatwootWith(change: (description: INodeTypeDescription) => void): InterfaceManifest {
	const descriptions = builtDescriptions().map((d) => structuredClone(d));
	change(descriptions.find((d) => d.name === 'chatwoot') as INodeTypeDescription);
	return manifestOf(descriptions);
}

const firstOperationSelector = (d: INodeTypeDescription) => d.properties.find((p) => p.name === 'operation') as { options: INodePropertyOptions[] };

test('renaming an operation value, renaming a parameter or changing its type fails without a version change', () => {
	const renamedOperation = chatwootWith((d) => {
		firstOperationSelector(d).options[0].value = 'renamedOperation';
	});
	assert.match(problemsOf(recorded, renamedOperation).join('\n'), /chatwoot v1: .* operation no longer offers/);
	const renamedParameter = chatwootWith((d) => {
		const field = d.properties.find((p) => p.displayOptions?.show?.operation && p.name !== 'operation') as { name: string };
		field.name = `${field.name}Renamed`;
	});
	assert.match(problemsOf(recorded, renamedParameter).join('\n'), /was removed or renamed/);
	const retyped = chatwootWith((d) => {
		(d.properties.find((p) => p.name === 'requestOptions') as { type: string }).type = 'json';
	});
	assert.match(problemsOf(recorded, retyped).join('\n'), /changed type from collection to json/);
});

test('adding an operation is no break, and a rename passes once the node version goes up', () => {
	const added = chatwootWith((d) => {
		firstOperationSelector(d).options.push({ name: 'New', value: 'newOperation' });
	});
	assert.deepEqual(problemsOf(recorded, added), []);
	const renamedInV2 = chatwootWith((d) => {
		firstOperationSelector(d).options[0].value = 'renamedOperation';
		d.version = [1, 2];
	});
	assert.deepEqual(problemsOf(recorded, renamedInV2), []);
});
