/**
 * Every action of every action node, added as n8n 2.40.7's node creator adds it: the node is created with the
 * action's resource and operation and named by n8n's makeNodeName over those parameters (the API, where there
 * is one, still at its default); then every `show` key of the action's operation selector is set to its
 * first value. The node must be titled with the action's text and open on the action's API, resource and
 * operation. test/browser/node-creator.test.mts checks a sample of the same in the real editor.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

import { NodeHelpers, type INodeParameters, type INodeProperties, type INodePropertyOptions, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { repoRoot } from '../harness/runtime.mts';

const require = createRequire(import.meta.url);
const descriptionOf = (folder: string): INodeTypeDescription =>
	new (require(join(repoRoot, 'dist/nodes', folder, `${folder}.node.js`)) as Record<string, new () => INodeType>)[folder]().description;

const resolved = (description: INodeTypeDescription, parameters: INodeParameters) =>
	NodeHelpers.getNodeParameters(description.properties, parameters, true, false, { typeVersion: 1 }, description) ?? {};

for (const folder of ['WtsChat', 'Chatwoot', 'ChatwootPlatform', 'KonverteDigital', 'KonverteDigitalPlatform']) {
	test(`${folder}: every action added from the node creator is titled with its text and opens on its own operation`, () => {
		const description = descriptionOf(folder);
		const selectors = description.properties.filter((p): p is INodeProperties => p.name === 'operation');
		const wrong: string[] = [];
		let actions = 0;
		for (const selector of selectors) {
			const show = selector.displayOptions?.show ?? {};
			const resource = String(show.resource?.[0]);
			for (const option of (selector.options ?? []) as INodePropertyOptions[]) {
				actions++;
				const created: INodeParameters = { resource, operation: String(option.value) };
				const name = NodeHelpers.makeNodeName(resolved(description, created), description);
				if (name !== option.action) wrong.push(`${resource}/${String(option.value)}: titled "${name}", expected "${String(option.action)}"`);
				const opened = resolved(description, { ...created, ...Object.fromEntries(Object.entries(show).map(([key, values]) => [key, values?.[0] as string])) });
				if (opened.resource !== resource || opened.operation !== option.value) {
					wrong.push(`${resource}/${String(option.value)}: opened ${String(opened.resource)}/${String(opened.operation)}`);
				}
				if (show.api && opened.api !== show.api[0]) wrong.push(`${resource}/${String(option.value)}: opened on API ${String(opened.api)}, expected ${String(show.api[0])}`);
			}
		}
		assert.ok(actions > 0, 'the node offers actions');
		assert.deepEqual(wrong, []);
	});
}
