/** The table the suite prints at the end: one row per scenario, what was expected and what happened. */
import { brief } from './outcomes.mts';

/** Cell widths that keep a row on a wide terminal; the test's own failure message has the full text. */
const EXPECTED_WIDTH = 110;
const OBSERVED_WIDTH = 150;

export interface SummaryRow {
	group: string;
	scenario: string;
	expected: string;
	observed: string;
	passed: boolean;
}

export class Summary {
	private readonly rows: SummaryRow[] = [];

	add(row: SummaryRow): void {
		this.rows.push(row);
	}

	render(): string {
		if (this.rows.length === 0) return 'Reliability summary: no scenario was evaluated.\n';
		const header: SummaryRow = {
			group: 'Group',
			scenario: 'Scenario',
			expected: 'Expected',
			observed: 'Observed',
			passed: true,
		};
		// A "|" inside a cell would split it: shown as "¦".
		const cells = (row: SummaryRow) =>
			[
				row.group,
				row.scenario,
				brief(row.expected, EXPECTED_WIDTH),
				brief(row.observed, OBSERVED_WIDTH),
				row === header ? 'OK?' : row.passed ? 'yes' : 'NO',
			].map((cell) => cell.replace(/\|/g, '¦'));
		const all = [header, ...this.rows];
		const widths = cells(header).map((_, column) =>
			Math.max(...all.map((row) => cells(row)[column].length)),
		);
		const line = (row: SummaryRow) =>
			`| ${cells(row)
				.map((cell, column) => cell.padEnd(widths[column]))
				.join(' | ')} |`;
		const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
		const failed = this.rows.filter((row) => !row.passed).length;
		return [
			`Reliability summary: ${this.rows.length} scenarios, ${this.rows.length - failed} as expected, ${failed} not`,
			line(header),
			rule,
			...this.rows.map(line),
			'',
		].join('\n');
	}
}
