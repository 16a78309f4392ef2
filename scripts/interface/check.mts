/**
 * Build step: compares every built node with interface.json. A removal or rename fails the build unless the
 * node's version went up. `--accept` records the current interface (after a version bump, or while nothing
 * is published); README's "Versioning" section says when that is right.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { INodeType } from 'n8n-workflow';

import { interfaceOf, latestVersion, problemsOf, type InterfaceManifest } from './manifest.mts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const manifestFile = join(root, 'interface.json');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };

const current: InterfaceManifest = {};
for (const file of manifest.n8n.nodes) {
	const module = require(join(root, file)) as Record<string, new () => INodeType>;
	const description = new (Object.values(module)[0])().description;
	current[description.name] = { version: latestVersion(description), parameters: interfaceOf(description) };
}

if (process.argv.includes('--accept') || !existsSync(manifestFile)) {
	writeFileSync(manifestFile, `${JSON.stringify(current, null, '\t')}\n`);
	console.log(`Interface recorded in interface.json: ${Object.keys(current).length} nodes`);
} else {
	const recorded = JSON.parse(readFileSync(manifestFile, 'utf8')) as InterfaceManifest;
	const problems = problemsOf(recorded, current);
	if (problems.length) {
		console.error(
			[
				'The nodes no longer offer what saved workflows use (interface.json):',
				...problems.slice(0, 40).map((p) => `  ${p}`),
				...(problems.length > 40 ? [`  … and ${String(problems.length - 40)} more`] : []),
				'Keep the old names and values, or raise the node version and keep the old version working (n8n versioned nodes),',
				'then record the new interface with `npm run interface:accept`.',
			].join('\n'),
		);
		process.exit(1);
	}
	console.log(`Interface: every recorded parameter and value is still offered (${Object.keys(recorded).length} nodes)`);
}
