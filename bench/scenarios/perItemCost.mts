/**
 * Per-item cost without any limit: our Send Text (pacing off, since nothing is limited) against the HTTP
 * Request node making the same request, alternating in one `n8n execute-batch` process over several rounds;
 * and our Send Text with Send Once per Key, which records every item's key in n8n's deduplication store.
 */
import { startWtsSandbox } from '../../sandbox/wts/server.mts';
import { N8nInstance } from '../../test/harness/n8n.mts';
import { ALTERNATIVE, bulkWorkflow, credentialId, headerAuthCredential, httpWtsSendText, ourWtsSendText, wtsCredential } from '../alternatives.mts';
import { measureBulk, type BulkMeasure, type BulkSubject } from '../bulkRun.mts';
import { planItems, type PlannedItem } from '../deliveries.mts';
import { median, ratio, seconds, type ScenarioResult } from '../report.mts';
import { recipients, wtsItems, wtsTextOf } from './wtsBulkSend.mts';

const ROUNDS = 5;
const SEND_ONCE = `${ALTERNATIVE.ours}, Send Once per Key`;

interface Round {
	subject: BulkSubject;
	plan: PlannedItem[];
}

interface AlternativeSummary {
	alternative: string;
	settings: string;
	medianNodeMs: number;
	medianExecutionMs: number;
	/** Node time per item, median round. */
	microsecondsPerItem: number;
	rounds: BulkMeasure[];
}

export async function perItemCost({ items, extension }: { items: number; extension: string }): Promise<ScenarioResult> {
	const sandbox = await startWtsSandbox({ rateLimits: 'off' });
	let n8n: N8nInstance | undefined;
	try {
		const channel = sandbox.seed.channels[0].id;
		const ourCredential = wtsCredential(credentialId(), sandbox.url, sandbox.apiKey);
		const httpCredential = headerAuthCredential(credentialId(), 'Authorization', `Bearer ${sandbox.apiKey}`);
		const conversations = recipients(items);
		const rounds: Round[] = [];
		for (let round = 1; round <= ROUNDS; round++) {
			const ourPlan = planItems(items, conversations, `per-item-ours-${round}`);
			rounds.push({
				plan: ourPlan,
				subject: {
					alternative: ALTERNATIVE.ours,
					settings: 'Message › Send Text, Pace to API Rate Limits off, otherwise defaults (10 in parallel)',
					workflow: bulkWorkflow(`Bench: per item, ours ${round}`, wtsItems(ourPlan), ourWtsSendText(ourCredential, channel, { paceToLimits: false })),
				},
			});
			const oncePlan = planItems(items, conversations, `per-item-once-${round}`);
			rounds.push({
				plan: oncePlan,
				subject: {
					alternative: SEND_ONCE,
					settings: 'the same, with Send Once per Key = the item\'s text (unique)',
					workflow: bulkWorkflow(
						`Bench: per item, ours with Send Once per Key ${round}`,
						wtsItems(oncePlan),
						ourWtsSendText(ourCredential, channel, { paceToLimits: false, sendOnceKey: '={{ $json.text }}' }),
					),
				},
			});
			const httpPlan = planItems(items, conversations, `per-item-http-${round}`);
			rounds.push({
				plan: httpPlan,
				subject: {
					alternative: ALTERNATIVE.http,
					settings: 'defaults (every item at once)',
					workflow: bulkWorkflow(`Bench: per item, HTTP Request ${round}`, wtsItems(httpPlan), httpWtsSendText(sandbox.url, httpCredential, channel)),
				},
			});
		}
		n8n = await N8nInstance.create({ extensions: [extension] });
		await n8n.importCredentials([ourCredential, httpCredential]);
		await n8n.importWorkflows(rounds.map((round) => round.subject.workflow));
		const executions = await n8n.executeMany(rounds.map((round) => round.subject.workflow.id));
		const sends = sandbox.recorder.requests({ path: '/chat/v1/message/send' });
		const measures = rounds.map(({ subject, plan }) => {
			const result = executions.get(subject.workflow.id);
			if (!result) throw new Error(`${subject.workflow.name} did not run`);
			const prefix = plan[0].marker.replace(/#\d+$/, '');
			const own = sends.filter((request) => wtsTextOf(request)?.startsWith(prefix));
			return measureBulk(subject, result, plan, own, wtsTextOf);
		});
		return report(items, [ALTERNATIVE.ours, ALTERNATIVE.http, SEND_ONCE].map((name) => summarize(items, measures.filter((m) => m.alternative === name))));
	} finally {
		await n8n?.dispose();
		await sandbox.close();
	}
}

function summarize(items: number, rounds: BulkMeasure[]): AlternativeSummary {
	const medianNodeMs = median(rounds.map((m) => m.nodeMs));
	return {
		alternative: rounds[0].alternative,
		settings: rounds[0].settings,
		medianNodeMs,
		medianExecutionMs: median(rounds.map((m) => m.executionMs ?? Number.NaN)),
		microsecondsPerItem: (medianNodeMs * 1000) / items,
		rounds,
	};
}

function report(items: number, [ours, http, once]: AlternativeSummary[]): ScenarioResult {
	const problems = (summary: AlternativeSummary) =>
		summary.rounds.map((m) => m.delivery.lost + m.delivery.duplicated + (m.failed ? 1 : 0)).reduce((a, b) => a + b, 0);
	return {
		id: 'per-item-cost',
		title: `3. Per-item cost without limits, ${items.toLocaleString('en')} items`,
		setup: [
			`POST /chat/v1/message/send, one recipient per item, sandbox without limits; ${ROUNDS} rounds, the alternatives taking turns in one \`n8n execute-batch\` process.`,
			'Node time is n8n\'s `executionTime` of the sending node; execution time is the whole workflow (trigger, Code node making the items, sending node). Medians of the rounds.',
		],
		columns: ['Alternative', 'Settings', 'Node time', 'Per item', 'Execution time', 'Ours ÷ this (node)', 'Ours ÷ this (execution)', 'Lost + duplicated + failed runs'],
		rows: [ours, http, once].map((s) => [
			s.alternative,
			s.settings,
			seconds(s.medianNodeMs),
			`${s.microsecondsPerItem.toFixed(0)} µs`,
			seconds(s.medianExecutionMs),
			ratio(ours.medianNodeMs / s.medianNodeMs),
			ratio(ours.medianExecutionMs / s.medianExecutionMs),
			String(problems(s)),
		]),
		ratios: [
			{ scenario: 'Per-item cost', label: `${ours.alternative} ÷ ${http.alternative}, node time`, value: ours.medianNodeMs / http.medianNodeMs, goal: 1 },
			{ scenario: 'Per-item cost', label: `${ours.alternative} ÷ ${http.alternative}, execution time`, value: ours.medianExecutionMs / http.medianExecutionMs },
			{ scenario: 'Per-item cost', label: `${once.alternative} ÷ ${ours.alternative}, node time`, value: once.medianNodeMs / ours.medianNodeMs },
		],
		notes: [`Node times of each round: ${[ours, http, once].map((s) => `${s.alternative} ${s.rounds.map((m) => seconds(m.nodeMs)).join(', ')}`).join('; ')}.`],
		data: { ours, http, once },
	};
}
