/** The shape of a benchmark run's results, and its Markdown rendering. */
import type { Machine } from './machine.mts';

/** A comparison the chart shows: `value` of one alternative over another (or over a floor). */
export interface Ratio {
	scenario: string;
	label: string;
	value: number;
	/** The ratio the project aims at or below, when there is one. */
	goal?: number;
}

export interface ScenarioResult {
	id: string;
	title: string;
	/** How the scenario was run, one line each. */
	setup: string[];
	columns: string[];
	rows: string[][];
	ratios: Ratio[];
	notes: string[];
	/** The raw measurements behind the table. */
	data: object;
}

/** The code a run measured: the checkout's commit, and whether the package's sources differed from it. */
export interface Revision {
	commit: string;
	uncommittedChanges: boolean;
}

export interface BenchRun {
	machine: Machine;
	revision: Revision;
	/** Wall time of the whole benchmark. */
	durationS: number;
	/** Command-line choices (fewer items, a subset of scenarios) that make the run differ from the full one. */
	variant: string;
	scenarios: ScenarioResult[];
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
export const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '∞');
export const mebibytes = (mib: number): string => `${mib.toFixed(0)} MiB`;
export const kilobytes = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Two decimals, or three where two would round a missed goal onto it. */
function ratioAgainstGoal({ value, goal }: Ratio): string {
	const hidesMiss = goal !== undefined && value > goal && Number(value.toFixed(2)) <= goal;
	return hidesMiss ? `${value.toFixed(3)}×` : ratio(value);
}

function table(columns: string[], rows: string[][]): string {
	const line = (cells: string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
	return [line(columns), line(columns.map(() => '---')), ...rows.map(line)].join('\n');
}

/** One line for the chart. */
export function describeMachineBriefly(machine: Machine): string {
	return `${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB RAM, n8n ${machine.n8nVersion}, ${machine.date.slice(0, 10)}`;
}

export function describeMachine(machine: Machine): string {
	return (
		`${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB RAM, ${machine.os}; ` +
		`n8n ${machine.n8nVersion} on Node ${machine.n8nNodeVersion}, benchmark and sandboxes on Node ${machine.benchNodeVersion}; ${machine.date}`
	);
}

/** The ratio summary and every scenario's table. `headingLevel` lets the README embed it under its own heading. */
export function toMarkdown(run: BenchRun, headingLevel = 2): string {
	const heading = '#'.repeat(headingLevel);
	const summary = table(
		['Measured', 'Ratio', 'Value', 'Goal'],
		run.scenarios.flatMap((scenario) =>
			scenario.ratios.map((entry) => [
				entry.scenario,
				entry.label,
				ratioAgainstGoal(entry),
				entry.goal === undefined ? '' : `≤ ${entry.goal.toFixed(1)}× ${entry.value <= entry.goal ? '✓' : '✗'}`,
			]),
		),
	);
	const sections = run.scenarios.map((scenario) =>
		[
			`${heading}# ${scenario.title}`,
			scenario.setup.map((line) => `- ${line}`).join('\n'),
			table(scenario.columns, scenario.rows),
			...scenario.notes,
		].join('\n\n'),
	);
	return [
		`Machine: ${describeMachine(run.machine)}. Code: ${run.revision.commit}${run.revision.uncommittedChanges ? ' with uncommitted changes' : ''}. Whole run: ${seconds(run.durationS * 1000)}${run.variant ? ` (${run.variant})` : ''}.`,
		`${heading}# Ratios`,
		summary,
		...sections,
	].join('\n\n');
}
