/**
 * The built package ships an output schema for every operation of every action node, where n8n's editor
 * asks for it (`/schemas/<node>/<version>/<resource>/<operation>.json` is served from the node's
 * `__schema__` folder), so fields can be mapped before a first run and no request for one answers 404.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

import type { INodePropertyOptions, INodeType } from 'n8n-workflow';

import { repoRoot } from '../harness/runtime.mts';

const require = createRequire(import.meta.url);
const schemaOf = (folder: string, resource: string, operation: string) => join(repoRoot, 'dist/nodes', folder, '__schema__/v1.0.0', resource, `${operation}.json`);

for (const folder of ['WtsChat', 'Chatwoot', 'ChatwootPlatform', 'KonverteDigital', 'KonverteDigitalPlatform']) {
	test(`${folder}: every operation has an output schema`, () => {
		const NodeClass = (require(join(repoRoot, 'dist/nodes', folder, `${folder}.node.js`)) as Record<string, new () => INodeType>)[folder];
		const missing: string[] = [];
		let count = 0;
		for (const selector of new NodeClass().description.properties.filter((p) => p.name === 'operation')) {
			const resource = String(selector.displayOptions?.show?.resource?.[0]);
			for (const option of (selector.options ?? []) as INodePropertyOptions[]) {
				count++;
				const file = schemaOf(folder, resource, String(option.value));
				if (!existsSync(file)) missing.push(`${resource}/${String(option.value)}`);
				else assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { type?: string }).type, 'object', file);
			}
		}
		assert.ok(count > 10);
		assert.deepEqual(missing, []);
	});
}

test('a schema describes one output item: a list operation gives its record, with the record\'s fields', () => {
	const contact = JSON.parse(readFileSync(schemaOf('WtsChat', 'contact', 'getAll'), 'utf8')) as { properties: Record<string, unknown> };
	assert.ok('id' in contact.properties && 'phoneNumber' in contact.properties, Object.keys(contact.properties).join(', '));
	const conversations = JSON.parse(readFileSync(schemaOf('Chatwoot', 'conversation', 'getAll'), 'utf8')) as { properties: Record<string, unknown> };
	assert.ok('id' in conversations.properties && 'status' in conversations.properties, Object.keys(conversations.properties).join(', '));
});
