/**
 * `npm run bench`: every scenario through a real n8n against the sandboxes, the alternatives side by side
 * in the same run, reported as ratios (absolute times are not comparable across machines or runs).
 *
 *   node --import tsx bench/run.mts [--only=<id,...>] [--items=<n>] [--records=<n>] [--package=<dir>]
 *
 * `--package` measures the build in another checkout of this package (a candidate change) instead of this one.
 * A full run writes bench/results/<date>.json, latest.md and latest.svg; a run with options writes to
 * bench/results/tmp/ (not committed), so trial runs never replace the published figures.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { prepareExtensions, repoRoot } from '../test/harness/n8n.mts';
import { ratioChart } from './chart.mts';
import { describeThisMachine } from './machine.mts';
import { describeMachine, describeMachineBriefly, toMarkdown, type BenchRun, type Revision, type ScenarioResult } from './report.mts';
import { chatwootMessages } from './scenarios/chatwootMessages.mts';
import { perItemCost } from './scenarios/perItemCost.mts';
import { returnAll } from './scenarios/returnAll.mts';
import { startup } from './scenarios/startup.mts';
import { uploadMemory } from './scenarios/uploadMemory.mts';
import { wtsBulkSend } from './scenarios/wtsBulkSend.mts';
import { wtsQueueSend } from './scenarios/wtsQueueSend.mts';

interface Settings {
	items: number;
	records: number;
	/** N8N_CUSTOM_EXTENSIONS folder holding a copy of this package's build. */
	extension: string;
}

const SCENARIOS: Record<string, (settings: Settings) => Promise<ScenarioResult>> = {
	'wts-bulk-send': wtsBulkSend,
	'wts-queue-send': wtsQueueSend,
	'chatwoot-messages': chatwootMessages,
	'per-item-cost': perItemCost,
	startup,
	'return-all': returnAll,
	'upload-memory': uploadMemory,
};

const DEFAULTS = { items: 1000, records: 100_000 };

const { values } = parseArgs({
	options: { only: { type: 'string' }, items: { type: 'string' }, records: { type: 'string' }, package: { type: 'string' } },
});
const selected = values.only?.split(',').map((id) => id.trim()) ?? Object.keys(SCENARIOS);
const unknown = selected.filter((id) => !(id in SCENARIOS));
if (unknown.length > 0) {
	console.error(`Unknown scenario ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
	process.exit(2);
}
const items = Number(values.items ?? DEFAULTS.items);
const records = Number(values.records ?? DEFAULTS.records);
const variant = [
	values.only ? `only ${selected.join(', ')}` : '',
	items !== DEFAULTS.items ? `${items} items` : '',
	records !== DEFAULTS.records ? `${records} records` : '',
	values.package ? `package built in ${values.package}` : '',
]
	.filter(Boolean)
	.join(', ');

/** What the package's sources were when the build was taken. */
function revisionOf(packageRoot: string): Revision {
	const git = (...args: string[]) =>
		execFileSync('git', ['-C', packageRoot, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	try {
		return {
			commit: git('rev-parse', '--short', 'HEAD'),
			uncommittedChanges: git('status', '--porcelain', '--', 'nodes', 'credentials', 'package.json') !== '',
		};
	} catch {
		return { commit: 'unknown (not a git checkout)', uncommittedChanges: false };
	}
}

const startedAt = new Date();
const machine = await describeThisMachine(startedAt);
console.log(`[bench] ${describeMachine(machine)}`);
// One copy of the build for the whole run, taken now: a rebuild during the run cannot change what is measured.
const packageRoot = values.package ?? repoRoot;
const revision = revisionOf(packageRoot);
const settings: Settings = { items, records, extension: await prepareExtensions(packageRoot) };

const scenarios: ScenarioResult[] = [];
const failures: string[] = [];
for (const id of selected) {
	const scenarioStart = performance.now();
	console.log(`[bench] ${id} ...`);
	try {
		const result = await SCENARIOS[id](settings);
		scenarios.push(result);
		console.log(`[bench] ${id} done in ${((performance.now() - scenarioStart) / 1000).toFixed(0)} s`);
		console.log(toMarkdown({ machine, revision, durationS: 0, variant, scenarios: [result] }).split('\n').slice(2).join('\n'));
	} catch (error) {
		failures.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
		console.error(`[bench] ${id} failed:`, error);
	}
}

const run: BenchRun = { machine, revision, durationS: Math.round((Date.now() - startedAt.getTime()) / 1000), variant, scenarios };
const folder = join(repoRoot, 'bench/results', variant ? 'tmp' : '');
mkdirSync(folder, { recursive: true });
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
writeFileSync(join(folder, `${stamp}.json`), `${JSON.stringify({ ...run, failures }, null, 2)}\n`);
const failureNote = failures.length ? `\n\nDid not complete:\n\n${failures.map((failure) => `- ${failure}`).join('\n')}` : '';
writeFileSync(join(folder, 'latest.md'), `# Benchmark results\n\n${toMarkdown(run)}${failureNote}\n`);
writeFileSync(
	join(folder, 'latest.svg'),
	ratioChart(
		scenarios.flatMap((scenario) => scenario.ratios),
		'n8n-nodes-omnichat benchmarks: ratios (lower is better)',
		describeMachineBriefly(machine),
	),
);
console.log(`[bench] results in ${folder} (${run.durationS} s)`);
process.exit(failures.length ? 1 : 0);
