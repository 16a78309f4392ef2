/**
 * The package in n8n's editor, used in Chromium as a person would, against the sandboxes: every node and
 * trigger opens without a console error or a failed request and its pickers load, every credential passes its
 * connection test when opened, a task word typed into the node creator finds its action among the first three,
 * and a demo workflow runs from the editor's Execute button.
 * OMNICHAT_SCREENSHOTS=<folder> also saves what the editor showed (the README's pictures come from here).
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import type { Page } from 'playwright-core';

import {
	CHATWOOT_CREDENTIAL,
	CHATWOOT_PLATFORM_CREDENTIAL,
	KONVERTE_CREDENTIAL,
	KONVERTE_PLATFORM_CREDENTIAL,
	chatwootCredentials,
	chatwootDemoWorkflows,
} from '../../demo/chatwootDemo.mts';
import { WTS_CREDENTIAL_ID, wtsCredential, wtsDemoWorkflows } from '../../demo/wtsDemo.mts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import { openEditor, openWorkflow, searchNodeCreator, type EditorSession } from '../harness/browser.mts';
import { customNodeType, N8nInstance, prepareExtensions, repoRoot, workflow, type NodeSpec, type Workflow } from '../harness/n8n.mts';

const WTS = { id: WTS_CREDENTIAL_ID, name: 'WTS Chat (sandbox)' };

/** One node of each type the package adds, on its sandbox credential, as a person drops it on the canvas. */
const EVERY_NODE: NodeSpec[] = [
	{ name: 'WTS Chat', type: customNodeType('wtsChat'), parameters: {}, credentials: { wtsChatApi: WTS } },
	{ name: 'Chatwoot', type: customNodeType('chatwoot'), parameters: {}, credentials: { chatwootApi: CHATWOOT_CREDENTIAL } },
	{ name: 'Chatwoot Platform', type: customNodeType('chatwootPlatform'), parameters: {}, credentials: { chatwootPlatformApi: CHATWOOT_PLATFORM_CREDENTIAL } },
	{ name: 'Konverte Digital', type: customNodeType('konverteDigital'), parameters: {}, credentials: { konverteDigitalApi: KONVERTE_CREDENTIAL } },
	{
		name: 'Konverte Digital Platform',
		type: customNodeType('konverteDigitalPlatform'),
		parameters: {},
		credentials: { konverteDigitalPlatformApi: KONVERTE_PLATFORM_CREDENTIAL },
	},
	{ name: 'WTS Chat Trigger', type: customNodeType('wtsChatTrigger'), webhookId: 'b3a1f0c2-7d4e-4f5a-9b6c-0e1d2c3b4a51', parameters: {}, credentials: { wtsChatApi: WTS } },
	{ name: 'Chatwoot Trigger', type: customNodeType('chatwootTrigger'), webhookId: 'c4b2e1d3-8e5f-4a6b-8c7d-1f2e3d4c5b62', parameters: {}, credentials: { chatwootApi: CHATWOOT_CREDENTIAL } },
	{
		name: 'Konverte Digital Trigger',
		type: customNodeType('konverteDigitalTrigger'),
		webhookId: 'd5c3f2e4-9f6a-4b7c-9d8e-2a3f4e5d6c73',
		parameters: {},
		credentials: { konverteDigitalApi: KONVERTE_CREDENTIAL },
	},
];

const screenshots = process.env.OMNICHAT_SCREENSHOTS;

let wts: WtsSandbox;
let chatwoot: ChatwootSandbox;
let n8n: N8nInstance;
let editor: EditorSession;
let workflows: Workflow[];

before(async () => {
	wts = await startWtsSandbox({});
	chatwoot = await startChatwootSandbox({});
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	await n8n.importCredentials([wtsCredential(wts.url, wts.apiKey), ...chatwootCredentials(chatwoot)]);
	workflows = [
		// Apart on the canvas, so that a node's hover toolbar never covers another node.
		workflow({ name: 'Editor: every node of the package', nodes: EVERY_NODE.map((node, index) => ({ ...node, position: [(index % 4) * 400, Math.floor(index / 4) * 300] })) }),
		...wtsDemoWorkflows(wts.seed).map((demo) => demo.workflow),
		...chatwootDemoWorkflows(chatwoot.seed).map((demo) => demo.workflow),
	];
	await n8n.importWorkflows(workflows);
	await n8n.start();
	await n8n.setupOwner();
	editor = await openEditor(n8n);
	if (screenshots) mkdirSync(screenshots, { recursive: true });
});

after(async () => {
	await editor?.close();
	await n8n?.dispose();
	await wts?.close();
	await chatwoot?.close();
});

const workflowNamed = (name: string) => workflows.find((candidate) => candidate.name === name) as Workflow;

async function snap(page: Page, file: string): Promise<void> {
	if (screenshots) await page.screenshot({ path: join(screenshots, file) });
}

/** Opens a canvas node's panel and waits for the requests it started. */
async function openNode(page: Page, name: string): Promise<void> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	await page.getByTestId('ndv').waitFor();
	await page.waitForLoadState('networkidle');
}

async function closeNode(page: Page): Promise<void> {
	await page.getByTestId('ndv-close-button').click();
	await page.getByTestId('ndv').waitFor({ state: 'hidden' });
}

test('every node and trigger opens in the editor without a console error or a failed request', { timeout: 10 * 60_000 }, async () => {
	const { page } = editor;
	await openWorkflow(page, n8n, workflowNamed('Editor: every node of the package').id);
	await snap(page, 'canvas-every-node.png');
	const shown: string[] = [];
	for (const node of EVERY_NODE) {
		await openNode(page, node.name);
		const panel = await page.getByTestId('ndv').innerText();
		assert.doesNotMatch(panel, /Error fetching options|Could not load|Issues:/, `${node.name}: ${panel.slice(0, 300)}`);
		shown.push(node.name);
		await closeNode(page);
	}
	assert.deepEqual(shown, EVERY_NODE.map((node) => node.name));
	assert.deepEqual(editor.problems, []);
});

test('a picker loads the account\'s records in the panel', { timeout: 10 * 60_000 }, async () => {
	const { page } = editor;
	await openWorkflow(page, n8n, workflowNamed('WTS demo: send text').id);
	// The panel asks for the channels when it opens or when the list is opened, whichever comes first.
	const answer = page.waitForResponse((response) => response.url().includes('/rest/dynamic-node-parameters/options'));
	await openNode(page, 'Send Text');
	await page.getByTestId('parameter-input-from').click();
	const response = await answer;
	assert.equal(response.status(), 200);
	const { data } = (await response.json()) as { data: Array<{ name: string; value: string }> };
	assert.deepEqual(data.map((option) => option.value).sort(), wts.seed.channels.map((channel) => channel.id).sort());
	// The dropdown lists them all (a long list scrolls, so some are in the page but out of sight).
	for (const option of data) await page.getByText(option.name, { exact: true }).first().waitFor({ state: 'attached' });
	await snap(page, 'wts-send-text.png');
	await page.keyboard.press('Escape');
	await closeNode(page);
	assert.deepEqual(editor.problems, []);
});

test('every credential passes its connection test when opened', { timeout: 10 * 60_000 }, async () => {
	const { page } = editor;
	for (const credential of [WTS, CHATWOOT_CREDENTIAL, CHATWOOT_PLATFORM_CREDENTIAL, KONVERTE_CREDENTIAL, KONVERTE_PLATFORM_CREDENTIAL]) {
		await page.goto(`${n8n.baseUrl}/home/credentials/${credential.id}`);
		await page.getByTestId('editCredential-modal').waitFor();
		await page.getByTestId('credentials-config-container-test-success').waitFor();
		if (credential === WTS) await snap(page, 'wts-credential.png');
	}
	assert.deepEqual(editor.problems, []);
});

/** The first three results once the node creator's list stops changing (it filters as the person types). */
async function settledResults(page: Page): Promise<string[]> {
	const read = async () => (await page.getByTestId('node-creator-item-name').allInnerTexts()).slice(0, 3);
	let last = await read();
	for (let reads = 0; reads < 100; reads++) {
		await new Promise((resolve) => setTimeout(resolve, 300));
		const now = await read();
		if (now.length > 0 && now.join('\n') === last.join('\n')) return now;
		last = now;
	}
	return last;
}

/** Task words a person types into the Chatwoot node's action search, and the actions they mean. */
const TASK_WORDS: Record<string, string[]> = {
	label: ['Add labels to a conversation', 'Add labels to a contact'],
	assign: ['Assign a conversation to an agent or team'],
	resolve: ['Resolve, reopen or snooze a conversation'],
	note: ['Add a note to a conversation'],
	reply: ['Reply in a conversation with a message, private note or attachments'],
	contact: ['Create a contact', 'Get a contact', 'Search contacts'],
	attachment: ['Send attachments'],
};

test('a task word typed into the node creator finds its action among the first three', { timeout: 10 * 60_000 }, async () => {
	const { page } = editor;
	const { id } = await n8n.rest<{ id: string }>('POST', '/workflows', {
		name: 'Editor: task words',
		nodes: [{ id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }],
		connections: {},
		settings: { executionOrder: 'v1' },
	});
	await openWorkflow(page, n8n, id);
	await page.keyboard.press('n');
	await searchNodeCreator(page, 'Chatwoot');
	await page.getByTestId('node-creator-item-name').getByText('Chatwoot', { exact: true }).first().click();
	const found: Record<string, string[]> = {};
	for (const word of Object.keys(TASK_WORDS)) {
		// Without waiting for n8n's filter, two reads of the list on a busy machine could agree on the previous
		// word's results.
		await searchNodeCreator(page, word);
		found[word] = await settledResults(page);
	}
	await page.keyboard.press('Escape');
	const missed = Object.entries(TASK_WORDS)
		.filter(([word, meant]) => !found[word].some((text) => meant.includes(text)))
		.map(([word]) => `"${word}" → ${found[word].join(' | ')}`);
	assert.deepEqual(missed, []);
});

test('a demo workflow runs from the editor', { timeout: 10 * 60_000 }, async () => {
	const { page } = editor;
	const sendText = workflowNamed('WTS demo: send text');
	const before = wts.recorder.requests().length;
	await openWorkflow(page, n8n, sendText.id);
	await page.getByTestId('execute-workflow-button').click();
	const deadline = Date.now() + 120_000;
	let executions = await n8n.listExecutions(sendText.id);
	while (!executions.some((execution) => execution.status === 'success') && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 500));
		executions = await n8n.listExecutions(sendText.id);
	}
	assert.deepEqual(
		executions.map((execution) => execution.status),
		['success'],
	);
	const requests = wts.recorder.requests().slice(before);
	const sent = requests.filter((request) => request.method === 'POST' && request.path === '/chat/v1/message/send');
	assert.equal(sent.length, 1, JSON.stringify(requests.map((request) => `${request.method} ${request.path}`)));
	await snap(page, 'wts-demo-run.png');
	assert.deepEqual(editor.problems, []);
});
