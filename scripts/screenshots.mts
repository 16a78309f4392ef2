/**
 * `npm run screenshots`: the README tutorial's pictures of the real editor. Starts the sandboxes and an n8n
 * with this package, runs the AI support agent demo (the example workflows in examples/, active, one
 * customer message each), opens the editor in headless Chromium (Debian's chromium, playwright-core) and
 * saves PNGs to docs/images/, so the pictures follow the nodes and the examples as they change.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from 'playwright-core';

import { EXAMPLES, loadExample, runAiAgentDemo, supportAgentScript } from '../demo/aiAgentDemo.mts';
import { startChatwootSandbox } from '../sandbox/chatwoot/server.mts';
import { startModelSandbox } from '../sandbox/model/server.mts';
import { startWtsSandbox } from '../sandbox/wts/server.mts';
import { openEditor, openWorkflow } from '../test/harness/browser.mts';
import { FINGERPRINTS_FILE, PICTURES, pictureFingerprints } from './screenshotInputs.mts';
import { N8nInstance, prepareExtensions, repoRoot } from '../test/harness/n8n.mts';

const folder = join(repoRoot, 'docs/images');
mkdirSync(folder, { recursive: true });

const [wts, chatwoot, model] = await Promise.all([startWtsSandbox({}), startChatwootSandbox({}), startModelSandbox({ script: supportAgentScript })]);
const n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
const saved: string[] = [];
try {
	await n8n.start();
	await n8n.setupOwner();
	const conversations = await runAiAgentDemo(n8n, { wts, chatwoot, model });
	for (const { title, answer } of conversations) if (answer === undefined) throw new Error(`the demo agent did not answer: ${title}`);

	const editor = await openEditor(n8n);
	const { page } = editor;
	const shoot = async (name: string): Promise<void> => {
		await page.waitForTimeout(500); // let the canvas finish its zoom-to-fit animation
		await page.screenshot({ path: join(folder, name) });
		saved.push(`docs/images/${name}`);
	};
	/** Opens a node's panel by double-clicking it on the canvas; Escape closes it. */
	const openNode = async (target: Page, name: string): Promise<void> => {
		await target.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
		await target.getByTestId('ndv').waitFor();
	};
	try {
		for (const [platform, file] of Object.entries(EXAMPLES)) {
			const example = loadExample(file);
			await openWorkflow(page, n8n, example.id);
			await shoot(`ai-agent-${platform}-workflow.png`);
			const tool = platform === 'chatwoot' ? 'Hand Over' : 'Tag Contact';
			await openNode(page, tool);
			await shoot(`ai-agent-${platform}-tool.png`);
			await page.keyboard.press('Escape');
			if (platform === 'chatwoot') {
				await openNode(page, example.nodes[0].name);
				await shoot('ai-agent-chatwoot-trigger.png');
				await page.keyboard.press('Escape');
				const [execution] = await n8n.listExecutions(example.id);
				await page.goto(`${n8n.baseUrl}/workflow/${example.id}/executions/${execution.id}`);
				await page.locator('[data-test-id="canvas-node"]').first().or(page.locator('iframe')).first().waitFor();
				await shoot('ai-agent-chatwoot-execution.png');
			}
		}
	} finally {
		await editor.close();
	}
} finally {
	await n8n.dispose();
	await Promise.all([wts.close(), chatwoot.close(), model.close()]);
}
const expected = Object.values(PICTURES).flat().map((picture) => `docs/images/${picture}`);
if (expected.sort().join() !== [...saved].sort().join()) throw new Error(`took ${saved.join(', ')}; scripts/screenshotInputs.mts lists ${expected.join(', ')}`);
// What each picture shows, so that the test suite notices when the nodes or the examples change under it.
writeFileSync(FINGERPRINTS_FILE, `${JSON.stringify(pictureFingerprints(), null, '\t')}\n`);
console.log(`Saved ${saved.length} screenshots:\n${saved.map((file) => `  ${file}`).join('\n')}`);
