/**
 * n8n's node creator, used as a person would in Chromium: for each action node, the first action of every
 * group (resource) and a seeded random sample of 30 others are picked from the "+" panel; each must add a node
 * on exactly the API, resource and operation of the action, titled with the action's text, whatever
 * credentials the instance holds (a Chatwoot and a Chatwoot Platform credential are both present). Every
 * action is checked the same way without a browser in test/contract/node-creator-actions.test.mts; this test
 * shows that the editor behaves as that test assumes.
 * Seed: OMNICHAT_PICK_SEED (printed, replays a sample); random picks per node: OMNICHAT_RANDOM_PICKS (30).
 * Two nodes are picked at a time, each in its own browser: a pick costs the browser's main thread most of
 * its time (searching and rendering some 400 actions), and the machine has two cores.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';

import { NodeHelpers, type INodeParameters, type INodeProperties, type INodePropertyOptions, type INodeType } from 'n8n-workflow';

import { chatwootCredentials } from '../../demo/chatwootDemo.mts';
import { wtsCredential } from '../../demo/wtsDemo.mts';
import { openEditor, openWorkflow, searchNodeCreator, type EditorSession } from '../harness/browser.mts';
import { N8nInstance, prepareExtensions, repoRoot } from '../harness/n8n.mts';

const require = createRequire(import.meta.url);

/** An action as the node creator lists it, and the parameters its node must open with. */
interface Action {
	text: string;
	group: string;
	expected: { api?: string; resource: string; operation: string };
}

interface ActionNode {
	displayName: string;
	type: string;
	description: INodeType['description'];
}

function loadNode(folder: string): ActionNode {
	const module = require(`${repoRoot}/dist/nodes/${folder}/${folder}.node.js`) as Record<string, new () => INodeType>;
	const description = new module[folder]().description;
	return { displayName: description.displayName, type: `CUSTOM.${description.name}`, description };
}

/** Every action of a node, grouped by resource, from its operation selectors (one per resource). */
function actionsOf(node: ActionNode): Action[] {
	const properties = node.description.properties;
	const actions: Action[] = [];
	for (const resourceProperty of properties.filter((p) => p.name === 'resource')) {
		for (const resource of (resourceProperty.options ?? []) as INodePropertyOptions[]) {
			const selector = properties.find(
				(p): p is INodeProperties => p.name === 'operation' && (p.displayOptions?.show?.resource ?? []).includes(resource.value),
			);
			assert.ok(selector, `${node.displayName}: no operation selector for resource ${String(resource.value)}`);
			const api = selector.displayOptions?.show?.api?.[0];
			for (const option of (selector.options ?? []) as INodePropertyOptions[]) {
				actions.push({
					text: option.action ?? option.name,
					group: resource.name,
					expected: { ...(api === undefined ? {} : { api: String(api) }), resource: String(resource.value), operation: String(option.value) },
				});
			}
		}
	}
	return actions;
}

/** mulberry32: a small seeded generator, so a failing sample can be replayed. */
function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const seed = Number(process.env.OMNICHAT_PICK_SEED ?? Math.floor(Math.random() * 1e9));
const randomPicks = Number(process.env.OMNICHAT_RANDOM_PICKS ?? 30);

/** The first action of each group, then `count` others at random: every action text is unique in its node. */
function sample(actions: Action[], random: () => number, count: number): Action[] {
	const picks: Action[] = [];
	for (const group of new Set(actions.map((action) => action.group))) picks.push(actions.find((action) => action.group === group) as Action);
	const rest = actions.filter((action) => !picks.includes(action));
	for (let i = 0; i < count && rest.length > 0; i++) picks.push(...rest.splice(Math.floor(random() * rest.length), 1));
	return picks;
}

const NODES = ['WtsChat', 'Chatwoot', 'ChatwootPlatform', 'KonverteDigital', 'KonverteDigitalPlatform'];

let n8n: N8nInstance;
const editors: EditorSession[] = [];

before(async () => {
	console.log(`node creator picks: seed ${String(seed)}, the first action of each group and ${String(randomPicks)} at random per node`);
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	const sandboxUrl = 'http://127.0.0.1:9';
	await n8n.importCredentials([
		...chatwootCredentials({ url: sandboxUrl, userToken: 'user-token', platformToken: 'platform-token', accountId: 1 }),
		wtsCredential(sandboxUrl, 'pn_browser-test-key'),
	]);
	await n8n.start();
	await n8n.setupOwner();
});

after(async () => {
	for (const editor of editors) await editor.close();
	await n8n?.dispose();
});

interface SavedNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: INodeParameters;
}

async function savedNodes(workflowId: string, count: number): Promise<SavedNode[]> {
	const deadline = Date.now() + 120_000;
	for (;;) {
		const { nodes } = await n8n.rest<{ nodes: SavedNode[] }>('GET', `/workflows/${workflowId}`);
		if (nodes.length >= count || Date.now() > deadline) return nodes;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

describe('actions picked in the node creator', { concurrency: 2 }, () => {
	for (const folder of NODES) test(`${folder}: each opens on its own API, resource and operation, titled with its text`, { timeout: 20 * 60_000 }, async () => {
		const node = loadNode(folder);
		const actions = actionsOf(node);
		assert.equal(new Set(actions.map((a) => a.text)).size, actions.length, 'two actions share a text: the node creator could not tell them apart');
		const picks = sample(actions, seeded(seed + NODES.indexOf(folder)), randomPicks);
		console.log(`${node.displayName}: ${String(actions.length)} actions, ${String(picks.length)} picked`);
		const { id } = await n8n.rest<{ id: string }>('POST', '/workflows', {
			name: `Node creator: ${node.displayName}`,
			nodes: [{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const editor = await openEditor(n8n, { motion: false });
		editors.push(editor);
		const { page } = editor;
		await openWorkflow(page, n8n, id);
		const item = (text: string) => page.getByTestId('node-creator-item-name').getByText(text, { exact: true }).first();
		for (const action of picks) {
			await page.keyboard.press('n');
			await searchNodeCreator(page, node.displayName);
			await item(node.displayName).click();
			await searchNodeCreator(page, action.text);
			await item(action.text).click();
			await page.getByTestId('ndv').waitFor();
			await page.keyboard.press('Escape');
			await page.getByTestId('ndv').waitFor({ state: 'hidden' });
		}
		const nodes = await savedNodes(id, picks.length + 1);
		const added = nodes.filter((saved) => saved.type === node.type);
		assert.equal(added.length, picks.length, 'every pick added one node');
		const wrong: string[] = [];
		for (const action of picks) {
			const saved = added.find((candidate) => candidate.name === action.text);
			if (!saved) {
				wrong.push(`"${action.text}" (${action.group}): no node titled so; titles: ${added.map((a) => a.name).join(', ')}`);
				continue;
			}
			const effective = NodeHelpers.getNodeParameters(node.description.properties, saved.parameters, true, false, saved, node.description) ?? {};
			const opened = { ...(action.expected.api === undefined ? {} : { api: effective.api }), resource: effective.resource, operation: effective.operation };
			if (JSON.stringify(opened) !== JSON.stringify(action.expected)) {
				wrong.push(`"${action.text}" (${action.group}): opened ${JSON.stringify(opened)}, expected ${JSON.stringify(action.expected)}`);
			}
		}
		assert.deepEqual(wrong, []);
	});
});
