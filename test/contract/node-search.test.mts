/**
 * n8n's node search shows an action node and its trigger (same name plus "Trigger") as one entry, with the
 * trigger's description: each pair must describe the action node too.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';

import type { INodeType } from 'n8n-workflow';

import { repoRoot } from '../harness/runtime.mts';

const require = createRequire(import.meta.url);
const descriptionOf = (folder: string) =>
	new (require(join(repoRoot, 'dist/nodes', folder, `${folder}.node.js`)) as Record<string, new () => INodeType>)[folder]().description;

for (const folder of ['WtsChat', 'Chatwoot', 'KonverteDigital']) {
	test(`${folder}: the search entry it shares with its trigger describes the action node`, () => {
		const node = descriptionOf(folder);
		const trigger = descriptionOf(`${folder}Trigger`);
		assert.equal(trigger.name, `${node.name}Trigger`);
		assert.equal(trigger.description, node.description);
		assert.doesNotMatch(node.description, /^Starts the workflow/);
	});
}
