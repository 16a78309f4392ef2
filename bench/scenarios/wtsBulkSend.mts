/**
 * WTS bulk send under WTS's real published limits: our Send Text against the HTTP Request node set up
 * the way a careful user would, each against a sandbox of its own so both start with a full budget.
 */
import type { RecordedRequest } from '../../sandbox/core/recorder.mts';
import { startWtsSandbox, wtsSentText, type WtsSandbox } from '../../sandbox/wts/server.mts';
import { N8nInstance } from '../../test/harness/n8n.mts';
import {
	ALTERNATIVE,
	bulkWorkflow,
	credentialId,
	describeBatching,
	headerAuthCredential,
	httpWtsSendText,
	ourWtsSendText,
	wtsCredential,
	type Batching,
} from '../alternatives.mts';
import { runBulk, type BulkMeasure, type BulkSubject } from '../bulkRun.mts';
import { planItems, type PlannedItem } from '../deliveries.mts';
import { describeLimits, floorMs, type WindowLimit } from '../rateLimitFloor.mts';
import { ratio, seconds, type ScenarioResult } from '../report.mts';

/** WTS's published per-account limits that `/chat/v1/message/send` counts against (the sandbox's `wts`). */
const MESSAGE_SEND_LIMITS: WindowLimit[] = [
	{ limit: 200, windowMs: 5_000 },
	{ limit: 1_000, windowMs: 300_000 },
];

/** The burst limit read straight off the documentation. */
const CAREFUL_BATCHING: Batching = { batchSize: 200, batchIntervalMs: 5_000 };

const RECIPIENTS = 100;

/** The item's text in a classic send body: `{ from, to, body: { text } }`. */
export function wtsTextOf(request: RecordedRequest): string | undefined {
	const text = wtsSentText(request);
	return typeof text === 'string' ? text : undefined;
}

/** Items for WTS sends: `to` and `text` per item, several messages per recipient. */
export function wtsItems(plan: PlannedItem[]): Array<Record<string, unknown>> {
	return plan.map((item) => ({ to: item.conversation, text: item.marker }));
}

export function recipients(count: number): string[] {
	return Array.from({ length: count }, (_, index) => `+55|11977${String(index).padStart(6, '0')}`);
}

export async function wtsBulkSend({ items, extension }: { items: number; extension: string }): Promise<ScenarioResult> {
	const floor = floorMs(items, MESSAGE_SEND_LIMITS);
	const sandboxes: WtsSandbox[] = [];
	let n8n: N8nInstance | undefined;
	try {
		const ourSandbox = await startWtsSandbox({ rateLimits: 'wts' });
		sandboxes.push(ourSandbox);
		const httpSandbox = await startWtsSandbox({ rateLimits: 'wts' });
		sandboxes.push(httpSandbox);
		const channel = ourSandbox.seed.channels[0].id;
		const conversations = recipients(RECIPIENTS);
		const ourCredential = wtsCredential(credentialId(), ourSandbox.url, ourSandbox.apiKey);
		const httpCredential = headerAuthCredential(credentialId(), 'Authorization', `Bearer ${httpSandbox.apiKey}`);
		const runs: Array<{ subject: BulkSubject; sandbox: WtsSandbox; plan: PlannedItem[] }> = [
			{ label: 'ours', sandbox: ourSandbox },
			{ label: 'http', sandbox: httpSandbox },
		].map(({ label, sandbox }) => {
			const plan = planItems(items, conversations, `wts-bulk-${label}`);
			const subject: BulkSubject =
				label === 'ours'
					? {
							alternative: ALTERNATIVE.ours,
							settings: 'Message › Send Text, default options (paced to the published limits)',
							workflow: bulkWorkflow('Bench: WTS bulk send (ours)', wtsItems(plan), ourWtsSendText(ourCredential, channel)),
						}
					: {
							alternative: ALTERNATIVE.http,
							settings: describeBatching(CAREFUL_BATCHING),
							workflow: bulkWorkflow(
								'Bench: WTS bulk send (HTTP Request)',
								wtsItems(plan),
								httpWtsSendText(httpSandbox.url, httpCredential, channel, CAREFUL_BATCHING),
							),
						};
			return { subject, sandbox, plan };
		});
		n8n = await N8nInstance.create({ extensions: [extension] });
		await n8n.importCredentials([ourCredential, httpCredential]);
		await n8n.importWorkflows(runs.map((run) => run.subject.workflow));
		const measures: BulkMeasure[] = [];
		for (const { subject, sandbox, plan } of runs) {
			const sends = () => sandbox.recorder.requests({ path: '/chat/v1/message/send' });
			measures.push(await runBulk(n8n, subject, plan, sends, wtsTextOf));
		}
		return report(items, floor, measures);
	} finally {
		await n8n?.dispose();
		await Promise.all(sandboxes.map((sandbox) => sandbox.close()));
	}
}

function report(items: number, floor: number, measures: BulkMeasure[]): ScenarioResult {
	return {
		id: 'wts-bulk-send',
		title: `1. WTS bulk send, ${items.toLocaleString('en')} items, real WTS limits`,
		setup: [
			`POST /chat/v1/message/send (Message › Send Text) to ${RECIPIENTS} recipients, ${items / RECIPIENTS} messages each, every text unique.`,
			`Sandbox enforces WTS's published limits (${describeLimits(MESSAGE_SEND_LIMITS)} per account for this path); a fresh sandbox per alternative.`,
			`Floor: the earliest the last of ${items} requests may be sent under those limits = ${seconds(floor)}.`,
			'Node time is n8n\'s own `executionTime` of the sending node (all Retry On Fail tries included).',
		],
		columns: ['Alternative', 'Settings', 'Node time', '÷ floor', '429s', 'Lost', 'Duplicated', 'Order violations', 'Output items', 'Run'],
		rows: measures.map((m) => [
			m.alternative,
			m.settings,
			seconds(m.nodeMs),
			ratio(m.nodeMs / floor),
			String(m.delivery.rateLimited),
			String(m.delivery.lost),
			String(m.delivery.duplicated),
			String(m.delivery.orderViolations),
			String(m.outputItems),
			m.failed ? `failed: ${m.error ?? ''}` : 'succeeded',
		]),
		ratios: measures.map((m) => ({
			scenario: 'WTS bulk send',
			label: `${m.alternative}: time ÷ limit floor`,
			value: m.nodeMs / floor,
			...(m.alternative === ALTERNATIVE.ours ? { goal: 1.1 } : {}),
		})),
		notes: [
			'Lost, duplicated and order violations are counted by the sandbox: each unique text taken (2xx) exactly once, and within a recipient in input order.',
		],
		data: { floorMs: floor, limits: MESSAGE_SEND_LIMITS, measures },
	};
}
