/**
 * Reliability of the three nodes in a real n8n 2.40.7 against the sandboxes: the fault matrix, lanes
 * (parallel items, ordered conversations), a 5,000-item soak with random faults, the bad-input table, and a
 * scan of everything n8n wrote for the keys used. All workflows are imported at once and each group runs
 * in one `n8n execute-batch`; a summary table of every scenario is printed at the end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	N8nInstance,
	prepareExtensions,
	repoRoot,
	type ExecutionResult,
	type Workflow,
} from '../harness/n8n.mts';
import { BAD_INPUT_CASES, prepareBadInput, type PreparedBadInput } from './badInput.mts';
import { FAULT_SCENARIOS, prepareFaultMatrix, type PreparedMatrix } from './faultMatrix.mts';
import { LANE_SCENARIOS, prepareLanes, type PreparedLanes } from './lanes.mts';
import type { PlatformSandbox } from './platforms.mts';
import { prepareSoak, SOAK_ITEMS, type PreparedSoak } from './soak.mts';
import { Summary } from './summary.mts';

const summary = new Summary();
const sandboxes: PlatformSandbox[] = [];
const results = new Map<string, ExecutionResult>();
/** Large binaries for the size-limit cases, read by n8n's Read Files node (n8n may read only here). */
const filesFolder = mkdtempSync(join(tmpdir(), 'reliability-files-'));
let n8n: N8nInstance | undefined;
let matrix: PreparedMatrix;
let lanes: PreparedLanes;
let badInput: PreparedBadInput;
let soak: PreparedSoak;
const groupSeconds: Record<string, number> = {};

before(async () => {
	try {
		await setUp();
	} catch (error) {
		// node:test's spec reporter only shows the tests this cancels, not why.
		process.stderr.write(
			`reliability set-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		throw error;
	}
});

async function setUp(): Promise<void> {
	matrix = await prepareFaultMatrix();
	lanes = await prepareLanes();
	badInput = await prepareBadInput(filesFolder);
	soak = await prepareSoak();
	sandboxes.push(...matrix.sandboxes, ...lanes.sandboxes, ...badInput.sandboxes, soak.sandbox);
	n8n = await N8nInstance.create({
		extensions: [await prepareExtensions(repoRoot)],
		// Debug logging gives the secret scan every line n8n can write about a request, not only warnings.
		env: { N8N_RESTRICT_FILE_ACCESS_TO: filesFolder, N8N_LOG_LEVEL: 'debug' },
	});
	// The fault matrix runs its rows side by side: each fault has a sandbox of its own, and a row whose retry
	// waits for rack-attack's next minute then waits once for all instead of once per row.
	const groups: Record<string, { workflows: Workflow[]; concurrency: number }> = {
		'fault matrix': { workflows: matrix.workflows, concurrency: matrix.workflows.length },
		lanes: { workflows: lanes.workflows, concurrency: 1 },
		'bad input': { workflows: badInput.workflows, concurrency: 1 },
		soak: { workflows: [soak.workflow], concurrency: 1 },
	};
	await n8n.importCredentials(sandboxes.map((sandbox) => sandbox.credential));
	await n8n.importWorkflows(Object.values(groups).flatMap((group) => group.workflows));
	for (const [group, { workflows, concurrency }] of Object.entries(groups)) {
		const started = Date.now();
		for (const [id, result] of await n8n.executeMany(
			workflows.map((wf) => wf.id),
			{ concurrency },
		))
			results.set(id, result);
		groupSeconds[group] = Math.round((Date.now() - started) / 1000);
	}
}

after(async () => {
	const timings = Object.entries(groupSeconds)
		.map(([group, seconds]) => `${group} ${seconds} s`)
		.join(', ');
	process.stdout.write(`\n${summary.render()}n8n execute-batch time per group: ${timings}\n`);
	await n8n?.dispose();
	await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
	rmSync(filesFolder, { recursive: true, force: true });
});

describe('fault matrix', () => {
	for (const scenario of FAULT_SCENARIOS) {
		test(scenario.name, () => {
			const { row, failures } = matrix.evaluate(scenario, results);
			summary.add(row);
			assert.deepEqual(failures, []);
		});
	}
});

describe('lanes: items in parallel, one conversation in order', () => {
	for (const scenario of LANE_SCENARIOS) {
		test(scenario.name, () => {
			const { row, failures } = lanes.evaluate(scenario, results);
			summary.add(row);
			assert.deepEqual(failures, []);
		});
	}
});

describe(`soak: ${SOAK_ITEMS} items with random faults`, () => {
	test(`${SOAK_ITEMS} items out, none processed twice, every error says why`, () => {
		const { row, failures } = soak.evaluate(results);
		summary.add(row);
		assert.deepEqual(failures, []);
	});
});

describe('bad input', () => {
	for (const testCase of BAD_INPUT_CASES) {
		test(testCase.name, () => {
			const { row, failures } = badInput.evaluate(testCase, results);
			summary.add(row);
			assert.deepEqual(failures, []);
		});
	}
});

describe('secrets', () => {
	test('no API key or token in any execution output, error or n8n log line of the suite', () => {
		assert.ok(n8n, 'n8n did not start');
		const outputs = [...results.values()].map((result) => JSON.stringify(result.raw));
		const logs = n8n.logs();
		// Headers, not the recorder's credential field: faults answer before the sandbox reads the credential.
		const unused = sandboxes.filter(
			(sandbox) =>
				!badInput.silentSandboxes.includes(sandbox) &&
				!sandbox.recorder
					.requests()
					.some((request) => JSON.stringify(request.headers).includes(sandbox.secret)),
		);
		const leaks = sandboxes.flatMap((sandbox) => [
			...outputs
				.filter((output) => output.includes(sandbox.secret))
				.map(() => `${sandbox.credential.name}: in execution data`),
			...(logs.includes(sandbox.secret) ? [`${sandbox.credential.name}: in n8n logs`] : []),
		]);
		const scanned = `${sandboxes.length} keys over ${outputs.length} executions (${Math.round(outputs.reduce((sum, output) => sum + output.length, 0) / 1024)} KiB) and ${Math.round(logs.length / 1024)} KiB of logs`;
		summary.add({
			group: 'Secrets',
			scenario: 'every key/token of the suite vs. every output, error and log line',
			expected: 'no key anywhere; every key really used',
			observed: `${leaks.length ? `${leaks.length} leak(s)` : 'no key found'} in ${scanned}; ${unused.length} key(s) never sent`,
			passed: leaks.length === 0 && unused.length === 0,
		});
		// Without the keys reaching the sandboxes, finding none would prove nothing.
		assert.deepEqual(
			unused.map((sandbox) => sandbox.credential.name),
			[],
		);
		assert.deepEqual(leaks, []);
	});
});
