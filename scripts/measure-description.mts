/**
 * Build step after compilation: prints each node's description size (what every n8n editor downloads)
 * in total and per operation, and fails the build when a node exceeds its budget.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { INodeType } from 'n8n-workflow';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const BUDGET_PER_OPERATION = 0.85 * 1024;

const nodes: Array<[string, string]> = [
	['WtsChat/WtsChat', 'WtsChat'],
	['Chatwoot/Chatwoot', 'Chatwoot'],
	['ChatwootPlatform/ChatwootPlatform', 'ChatwootPlatform'],
	['KonverteDigital/KonverteDigital', 'KonverteDigital'],
	['KonverteDigitalPlatform/KonverteDigitalPlatform', 'KonverteDigitalPlatform'],
];
let over = false;
for (const [file, className] of nodes) {
	const NodeClass = (require(join(root, 'dist/nodes', `${file}.node.js`)) as Record<string, new () => INodeType>)[className];
	const description = new NodeClass().description;
	const bytes = Buffer.byteLength(JSON.stringify(description));
	const operations = description.properties
		.filter((p) => p.name === 'operation' && p.noDataExpression === true)
		.reduce((count, p) => count + (p.options?.length ?? 0), 0);
	const perOperation = bytes / operations;
	console.log(`${description.displayName}: ${operations} operations, description ${(bytes / 1024).toFixed(1)} KB, ${(perOperation / 1024).toFixed(2)} KB per operation`);
	if (className !== 'WtsChat' && perOperation > BUDGET_PER_OPERATION) over = true;
}
if (over) {
	console.error(`A Chatwoot-family description is over ${BUDGET_PER_OPERATION / 1024} KB per operation.`);
	process.exit(1);
}
