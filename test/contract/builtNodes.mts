/** The package's built nodes and credentials as n8n loads them, and the AI tool variant n8n derives from a node. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type { ICredentialType, INodeTypeDescription } from 'n8n-workflow';

import { ensureRuntime, repoRoot } from '../harness/runtime.mts';

const require = createRequire(import.meta.url);
export const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { n8n: { nodes: string[]; credentials: string[] } };

/** The description of the node class a built file exports. */
export function descriptionOf(file: string): INodeTypeDescription {
	const exported = require(join(repoRoot, file)) as Record<string, new () => { description: INodeTypeDescription }>;
	return new (Object.values(exported)[0])().description;
}

/** The credential type a built file exports. */
export function credentialOf(file: string): ICredentialType {
	const exported = require(join(repoRoot, file)) as Record<string, new () => ICredentialType>;
	return new (Object.values(exported)[0])();
}

/** n8n's own conversion of a node into its AI tool variant, from the pinned runtime. */
export async function toolVariantOf(description: INodeTypeDescription): Promise<INodeTypeDescription> {
	const { root } = await ensureRuntime();
	const file = join(root, 'node_modules/n8n/dist/tool-generation/ai-tools.js');
	assert.ok(existsSync(file), `n8n's tool conversion is missing at ${file}`);
	const { convertNodeToAiTool } = require(file) as { convertNodeToAiTool: (item: { description: INodeTypeDescription }) => { description: INodeTypeDescription } };
	return convertNodeToAiTool({ description: structuredClone(description) }).description;
}
