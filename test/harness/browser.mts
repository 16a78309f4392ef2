// Debian's Chromium driven by playwright-core, logged into a harness n8n as its owner: the editor a person
// sees, for browser tests and README screenshots. scripts/test.sh installs Chromium where it is missing.
import { existsSync } from 'node:fs';

import { chromium, selectors, type Browser, type Page } from 'playwright-core';

import type { N8nInstance } from './n8n.mts';

export const CHROMIUM = '/usr/bin/chromium';

// n8n marks its elements with data-test-id, not Playwright's default data-testid.
selectors.setTestIdAttribute('data-test-id');

export interface EditorSession {
	browser: Browser;
	page: Page;
	/** Console errors and failed requests seen since the page opened. */
	problems: string[];
	close(): Promise<void>;
}

/** CSS that ends every transition and animation at once, for pages whose frames nobody looks at. */
const NO_MOTION = '*, *::before, *::after { transition: none !important; animation: none !important; }';

/**
 * Opens the editor of `n8n` (started, owner set up) in headless Chromium, logged in as the owner.
 * `motion: false` turns transitions and animations off, so that Playwright's waits for a steady element
 * (panels sliding in) end at once; screenshots keep them on.
 */
export async function openEditor(n8n: N8nInstance, { motion = true }: { motion?: boolean } = {}): Promise<EditorSession> {
	if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (scripts/test.sh does it)`);
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
	const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
	await context.addCookies([{ ...n8n.ownerSessionCookie, url: n8n.baseUrl }]);
	if (!motion) {
		const script = `document.addEventListener('DOMContentLoaded', () => { const style = document.createElement('style'); style.textContent = ${JSON.stringify(NO_MOTION)}; document.head.append(style); });`;
		await context.addInitScript({ content: script });
	}
	const page = await context.newPage();
	// A busy 2-core machine renders a 400-action panel slowly: waits are generous, nothing asserts on speed.
	page.setDefaultTimeout(120_000);
	const problems: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') problems.push(`console: ${message.text()}`);
	});
	page.on('response', (response) => {
		if (response.status() >= 400) problems.push(`HTTP ${String(response.status())} ${response.request().method()} ${response.url()}`);
	});
	return { browser, page, problems, close: async () => await browser.close() };
}

/** Opens a workflow in the editor and dismisses the one-time shortcut hint. */
export async function openWorkflow(page: Page, n8n: N8nInstance, workflowId: string): Promise<void> {
	await page.goto(`${n8n.baseUrl}/workflow/${workflowId}`);
	await page.getByTestId('canvas-wrapper').or(page.locator('.vue-flow')).first().waitFor({ timeout: 60_000 });
	await page.getByText('Got it', { exact: true }).click({ timeout: 5_000 }).catch(() => undefined);
}

/**
 * Types into the node creator's search. n8n filters the list 300 ms after the last keystroke, on a timer in
 * the page, and until then shows the previous list, where a click can land on an item the filtering is about
 * to move. A timer the page sets now for later runs after n8n's, however late both run on a busy machine.
 */
export async function searchNodeCreator(page: Page, text: string): Promise<void> {
	await page.getByTestId('node-creator-search-bar').fill(text);
	await page.evaluate(async () => await new Promise((resolve) => setTimeout(resolve, 400)));
}
