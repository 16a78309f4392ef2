/**
 * The ratios of a run as an SVG bar chart, drawn here without a chart library. Every ratio reads "lower
 * is better"; bars grow from 1× on a logarithmic axis, so 0.5× and 2× are equally long.
 */
import { ratio, type Ratio } from './report.mts';

const WIDTH = 1000;
const LABEL_WIDTH = 480;
const PLOT_LEFT = LABEL_WIDTH + 10;
const PLOT_RIGHT = WIDTH - 70;
const ROW_HEIGHT = 24;
const GROUP_GAP = 30;
const TOP = 50;
const TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100];

const COLOUR = { met: '#2e7d32', missed: '#c62828', neutral: '#546e7a', grid: '#d0d7de', text: '#1f2328' };

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The axis range: the ticks around every finite value, and never narrower than 0.5× to 2×. */
function axisRange(values: number[]): [number, number] {
	const finite = values.filter((value) => Number.isFinite(value) && value > 0);
	const low = Math.min(0.5, ...finite);
	const high = Math.max(2, ...finite);
	return [TICKS.filter((tick) => tick <= low).pop() ?? TICKS[0], TICKS.find((tick) => tick >= high) ?? TICKS[TICKS.length - 1]];
}

export function ratioChart(ratios: Ratio[], title: string, subtitle: string): string {
	const [low, high] = axisRange(ratios.map((entry) => entry.value));
	const x = (value: number): number => {
		const clamped = Math.min(high, Math.max(low, Number.isFinite(value) ? value : high));
		return PLOT_LEFT + ((Math.log(clamped) - Math.log(low)) / (Math.log(high) - Math.log(low))) * (PLOT_RIGHT - PLOT_LEFT);
	};
	const groups = [...new Set(ratios.map((entry) => entry.scenario))];
	const parts: string[] = [];
	let y = TOP;
	for (const group of groups) {
		y += GROUP_GAP;
		parts.push(`<text x="10" y="${y - 8}" font-weight="bold">${escapeXml(group)}</text>`);
		for (const entry of ratios.filter((candidate) => candidate.scenario === group)) {
			const colour = entry.goal === undefined ? COLOUR.neutral : entry.value <= entry.goal ? COLOUR.met : COLOUR.missed;
			const [from, to] = [x(1), x(entry.value)].sort((a, b) => a - b);
			const middle = y + ROW_HEIGHT / 2;
			parts.push(`<text x="20" y="${middle + 4}">${escapeXml(entry.label)}</text>`);
			parts.push(`<rect x="${from.toFixed(1)}" y="${y + 4}" width="${Math.max(1, to - from).toFixed(1)}" height="${ROW_HEIGHT - 8}" fill="${colour}"/>`);
			// Right of the goal mark when the bar ends near it, so the two do not overlap.
			const goalEdge = entry.goal === undefined ? 0 : x(entry.goal) + 2;
			const valueX = entry.value >= 1 ? Math.max(to, goalEdge) + 4 : from - 4;
			parts.push(`<text x="${valueX.toFixed(1)}" y="${middle + 4}" text-anchor="${entry.value >= 1 ? 'start' : 'end'}">${escapeXml(ratio(entry.value))}</text>`);
			if (entry.goal !== undefined) {
				const goalX = x(entry.goal).toFixed(1);
				parts.push(`<line x1="${goalX}" x2="${goalX}" y1="${y + 1}" y2="${y + ROW_HEIGHT - 1}" stroke="${COLOUR.text}" stroke-width="2" stroke-dasharray="3 2"/>`);
			}
			y += ROW_HEIGHT;
		}
	}
	const bottom = y + 10;
	const grid = TICKS.filter((tick) => tick >= low && tick <= high).flatMap((tick) => [
		`<line x1="${x(tick).toFixed(1)}" x2="${x(tick).toFixed(1)}" y1="${TOP}" y2="${bottom}" stroke="${tick === 1 ? COLOUR.text : COLOUR.grid}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`,
		`<text x="${x(tick).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${tick}×</text>`,
	]);
	const legendY = bottom + 40;
	const legend = [
		[COLOUR.met, 'meets its goal'],
		[COLOUR.missed, 'misses its goal'],
		[COLOUR.neutral, 'no goal set'],
	].map(([colour, text], index) => {
		const left = 20 + index * 170;
		return `<rect x="${left}" y="${legendY - 10}" width="12" height="12" fill="${colour}"/><text x="${left + 18}" y="${legendY}">${text}</text>`;
	});
	const height = legendY + 30;
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13" fill="${COLOUR.text}">`,
		`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
		`<text x="10" y="22" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
		`<text x="10" y="40" font-size="12">${escapeXml(subtitle)}</text>`,
		...grid,
		...parts,
		...legend,
		`<text x="${WIDTH - 10}" y="${legendY}" text-anchor="end" font-size="12">dashed mark: goal · lower is better</text>`,
		'</svg>',
		'',
	].join('\n');
}
