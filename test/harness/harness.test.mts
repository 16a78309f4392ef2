// Proves the harness against a real n8n: CLI runs of built-in and custom nodes, execute-batch, and a server
// with an activated Webhook workflow. One instance serves all sub-tests (each n8n process costs seconds).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	codeNode,
	customNodeType,
	ensureRuntime,
	items,
	jsonOf,
	manualTrigger,
	N8nInstance,
	prepareExtensions,
	repoRoot,
	setNode,
	webhookNode,
	workflow,
} from './n8n.mts';

/**
 * A minimal community-node package as a build leaves it: package.json with the `n8n` field and a compiled
 * node that copies its input items and adds `field: <its parameter>`. It also reports which n8n-workflow it
 * loaded, so the test can check that it shares n8n's copy.
 */
function writeNodePackage(root: string, className: string, field: string): void {
	const nodeName = className.charAt(0).toLowerCase() + className.slice(1);
	const nodeFile = `dist/nodes/${className}/${className}.node.js`;
	mkdirSync(join(root, `dist/nodes/${className}`), { recursive: true });
	writeFileSync(
		join(root, 'package.json'),
		JSON.stringify({
			name: `n8n-nodes-${nodeName.toLowerCase()}`,
			version: '0.0.1',
			n8n: { n8nNodesApiVersion: 1, nodes: [nodeFile], credentials: [] },
			peerDependencies: { 'n8n-workflow': '*' },
		}),
	);
	writeFileSync(
		join(root, nodeFile),
		`"use strict";
const { NodeConnectionTypes } = require("n8n-workflow");
class ${className} {
	constructor() {
		this.description = {
			displayName: "${className}", name: "${nodeName}", group: ["transform"], version: 1,
			description: "Adds a field", defaults: { name: "${className}" },
			inputs: [NodeConnectionTypes.Main], outputs: [NodeConnectionTypes.Main],
			properties: [{ displayName: "Value", name: "value", type: "string", default: "" }],
		};
	}
	async execute() {
		const n8nWorkflow = require.resolve("n8n-workflow");
		return [this.getInputData().map((item, index) => ({
			json: { ...item.json, ${field}: this.getNodeParameter("value", index), ${field}Workflow: n8nWorkflow },
			pairedItem: { item: index },
		}))];
	}
}
exports.${className} = ${className};
`,
	);
	// Like a real package checkout: its own dev copy of n8n-workflow, which must NOT be the one loaded.
	const devCopy = join(repoRoot, 'node_modules/n8n-workflow');
	if (existsSync(devCopy)) {
		mkdirSync(join(root, 'node_modules'));
		symlinkSync(devCopy, join(root, 'node_modules/n8n-workflow'));
	}
}

describe('n8n harness', () => {
	let n8n: N8nInstance;
	let n8nWorkflowDir: string;
	const scratch = mkdtempSync(join(tmpdir(), 'harness-test-'));

	const builtIn = workflow({
		name: 'Built-in nodes',
		nodes: [
			manualTrigger(),
			codeNode('Three items', 'return [1, 2, 3].map((i) => ({ json: { i } }));'),
			setNode('Fields', {
				double: { value: '={{ $json.i * 2 }}', type: 'number' },
				label: 'fixed',
			}),
		],
	});
	const failing = workflow({
		name: 'Failing',
		nodes: [manualTrigger(), codeNode('Explode', "throw new Error('harness failure');")],
	});
	const custom = workflow({
		name: 'Custom nodes',
		nodes: [
			manualTrigger(),
			codeNode('Two items', 'return [{ json: { n: 1 } }, { json: { n: 2 } }];'),
			{ name: 'Probe', type: customNodeType('probe'), parameters: { value: 'probed' } },
			{ name: 'Stamp', type: customNodeType('stamp'), parameters: { value: 'stamped' } },
		],
	});
	const hookPath = `harness-${Date.now()}`;
	const hook = workflow({
		name: 'Webhook',
		nodes: [
			webhookNode('Webhook', { path: hookPath }),
			setNode('Seen', { message: { value: '={{ $json.body.message }}', type: 'string' } }),
		],
	});

	before(async () => {
		({ n8nWorkflowDir } = await ensureRuntime());
		writeNodePackage(join(scratch, 'probe'), 'Probe', 'probe');
		writeNodePackage(join(scratch, 'stamp'), 'Stamp', 'stamp');
		const extensions = [
			await prepareExtensions(join(scratch, 'probe')),
			await prepareExtensions(join(scratch, 'stamp')),
		];
		n8n = await N8nInstance.create({ extensions });
		await n8n.importWorkflows([builtIn, failing, custom, hook]);
	});

	after(async () => {
		await n8n?.dispose();
		rmSync(scratch, { recursive: true, force: true });
	});

	test('execute: built-in nodes, parsed per node', async (t) => {
		const result = await n8n.execute(builtIn.id);
		t.diagnostic(`n8n execute took ${result.cli.durationMs} ms`);
		assert.equal(result.failed, false, n8n.logs());
		assert.equal(result.status, 'success');
		assert.deepEqual(jsonOf(result, 'Fields'), [
			{ i: 1, double: 2, label: 'fixed' },
			{ i: 2, double: 4, label: 'fixed' },
			{ i: 3, double: 6, label: 'fixed' },
		]);
		assert.deepEqual(
			items(result, 'Fields').map((item) => item.pairedItem),
			[[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]],
		);
		assert.equal(result.nodes['Three items'][0].status, 'success');
		assert.equal(typeof result.nodes.Fields[0].executionTime, 'number');
	});

	test('execute: a failing run is parsed, not thrown', async () => {
		const result = await n8n.execute(failing.id);
		assert.equal(result.failed, true);
		assert.notEqual(result.cli.exitCode, 0);
		assert.match(result.error?.message ?? '', /harness failure/);
		assert.equal(result.lastNodeExecuted, 'Explode');
		assert.match(result.nodes.Explode[0].error?.message ?? '', /harness failure/);
		assert.match(n8n.logs(), /harness failure/);
	});

	test('executeMany: custom nodes from two extension folders, and a failure, in one process', async (t) => {
		const startedAt = performance.now();
		const results = await n8n.executeMany([custom.id, failing.id]);
		t.diagnostic(
			`n8n execute-batch of 2 workflows took ${Math.round(performance.now() - startedAt)} ms`,
		);
		const customRun = results.get(custom.id);
		assert.ok(customRun !== undefined);
		assert.equal(customRun.failed, false, n8n.logs());
		const output = jsonOf(customRun, 'Stamp');
		assert.deepEqual(
			output.map(({ n, probe, stamp }) => ({ n, probe, stamp })),
			[
				{ n: 1, probe: 'probed', stamp: 'stamped' },
				{ n: 2, probe: 'probed', stamp: 'stamped' },
			],
		);
		for (const item of output) {
			// Both packages share n8n's own n8n-workflow, not the package's dev copy.
			assert.ok(String(item.probeWorkflow).startsWith(n8nWorkflowDir), String(item.probeWorkflow));
			assert.ok(String(item.stampWorkflow).startsWith(n8nWorkflowDir), String(item.stampWorkflow));
		}
		const failedRun = results.get(failing.id);
		assert.equal(failedRun?.failed, true);
		assert.match(failedRun?.error?.message ?? '', /harness failure/);
	});

	test('server: owner, webhook activation, execution data, deactivation', async (t) => {
		const startedAt = performance.now();
		await n8n.start();
		t.diagnostic(`n8n start took ${Math.round(performance.now() - startedAt)} ms`);
		await n8n.setupOwner();
		await n8n.activateWorkflow(hook.id);

		const body = { message: 'hello from the harness', list: [1, 2] };
		const response = await fetch(n8n.webhookUrl(hookPath), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		assert.equal(response.status, 200, await response.text());

		const [execution, ...others] = await n8n.waitForExecutions(hook.id, 1);
		assert.equal(others.length, 0);
		assert.equal(execution.status, 'success');
		assert.equal(execution.mode, 'webhook');
		assert.deepEqual(jsonOf(execution, 'Webhook')[0].body, body);
		assert.equal(jsonOf(execution, 'Seen')[0].message, body.message);

		await n8n.deactivateWorkflow(hook.id);
		const afterDeactivation = await fetch(n8n.webhookUrl(hookPath), { method: 'POST', body: '{}' });
		assert.equal(afterDeactivation.status, 404);

		assert.match(n8n.logs(), /Editor is now accessible/);
		await n8n.stop();
	});
});
