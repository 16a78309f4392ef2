/**
 * What each README picture of the editor shows, as a fingerprint: the example workflow it opens and, for every
 * node of this package in it, what the editor draws from the built node (its name, subtitle, icon and the fields
 * its panel shows for the node's parameters). `npm run screenshots` records the fingerprints beside the PNGs
 * (docs/images/screenshots.json); test/contract/screenshots.test.mts fails when a picture's inputs changed since
 * it was taken, so a renamed field or operation cannot leave an outdated picture in the README.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { EXAMPLES } from '../demo/aiAgentDemo.mts';
import { descriptionOf, packageJson } from '../test/contract/builtNodes.mts';
import { repoRoot } from '../test/harness/n8n.mts';

const PACKAGE_PREFIX = 'n8n-nodes-omnichat.';

/** The pictures of each example, as scripts/screenshots.mts takes them. */
export const PICTURES: Record<keyof typeof EXAMPLES, string[]> = {
	wts: ['ai-agent-wts-workflow.png', 'ai-agent-wts-tool.png'],
	chatwoot: ['ai-agent-chatwoot-workflow.png', 'ai-agent-chatwoot-tool.png', 'ai-agent-chatwoot-trigger.png', 'ai-agent-chatwoot-execution.png'],
};

export const FINGERPRINTS_FILE = join(repoRoot, 'docs/images/screenshots.json');

/** The package's built node descriptions by node name. */
export function builtDescriptions(): Map<string, INodeTypeDescription> {
	return new Map(packageJson.n8n.nodes.map((file) => descriptionOf(file)).map((description) => [description.name, description]));
}

/** Whether the panel shows a top-level property for these parameters, defaults included (displayOptions over plain values). */
function shown(property: INodeProperties, parameters: Record<string, unknown>): boolean {
	const matches = (rule: Record<string, unknown[] | undefined> | undefined, wanted: boolean) =>
		Object.entries(rule ?? {}).every(([name, values]) => name.startsWith('@') || (values ?? []).includes(parameters[name]) === wanted);
	return matches(property.displayOptions?.show, true) && matches(property.displayOptions?.hide, false);
}

/** What the editor draws of one node: its type's name, subtitle and icon, and the fields its panel shows. */
function drawnNode(description: INodeTypeDescription, parameters: Record<string, unknown>): unknown {
	const withDefaults = { ...Object.fromEntries(description.properties.map((p) => [p.name, p.default])), ...parameters };
	return {
		displayName: description.displayName,
		subtitle: description.subtitle,
		icon: description.icon,
		fields: description.properties
			.filter((property) => shown(property, withDefaults))
			.map((property) => ({
				displayName: property.displayName,
				name: property.name,
				type: property.type,
				options: (property.options ?? []).map((option) => ('name' in option ? option.name : '') + ('displayName' in option ? option.displayName : '')),
			})),
	};
}

/** The fingerprint of every picture, by file name in docs/images/. */
export function pictureFingerprints(descriptions = builtDescriptions()): Record<string, string> {
	const fingerprints: Record<string, string> = {};
	for (const [platform, file] of Object.entries(EXAMPLES) as Array<[keyof typeof EXAMPLES, string]>) {
		const text = readFileSync(join(repoRoot, 'examples', file), 'utf8');
		const example = JSON.parse(text) as { nodes: Array<{ type: string; parameters: Record<string, unknown> }> };
		const drawn = example.nodes
			.filter((node) => node.type.startsWith(PACKAGE_PREFIX))
			.map((node) => {
				const name = node.type.slice(PACKAGE_PREFIX.length).replace(/Tool$/, '');
				const description = descriptions.get(name);
				if (!description) throw new Error(`examples/${file} uses ${node.type}, which the package does not build`);
				return drawnNode(description, node.parameters);
			});
		const fingerprint = createHash('sha256').update(text).update(JSON.stringify(drawn)).digest('hex');
		for (const picture of PICTURES[platform]) fingerprints[picture] = fingerprint;
	}
	return fingerprints;
}
