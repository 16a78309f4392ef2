/**
 * Return All over a large account: WTS contacts list with 100,000 contacts, run by a webhook on a running
 * n8n server (as production runs happen), under WTS's published limits. Memory is the n8n server process's.
 */
import { startWtsSandbox } from '../../sandbox/wts/server.mts';
import { N8nInstance, webhookNode, workflow, type NodeSpec } from '../../test/harness/n8n.mts';
import { credentialId, TARGET_NODE, wtsCredential } from '../alternatives.mts';
import { describeLimits, floorMs, type WindowLimit } from '../rateLimitFloor.mts';
import { mebibytes, ratio, seconds, type ScenarioResult } from '../report.mts';
import { measureWebhookCall } from '../webhookMemory.mts';

/** WTS's published general limits, which every non-send path counts against. */
const GENERAL_LIMITS: WindowLimit[] = [
	{ limit: 200, windowMs: 5_000 },
	{ limit: 1_000, windowMs: 300_000 },
];
const PAGE_SIZE = 100;
const WEBHOOK_PATH = 'bench-return-all';

interface ReturnAllData {
	records: number;
	pages: number;
	floorMs: number;
	/** Webhook call to answer: the whole workflow. */
	wallMs: number;
	/** First to last page request, as the sandbox saw them. */
	pagingSpanMs: number | null;
	requests: number;
	rateLimited: number;
	/** Records the node output, counted by the Summarize node after it. */
	outputRecords: number;
	idleRssMiB: number;
	/** Highest VmRSS sampled every 50 ms during the run. */
	maxRssMiB: number;
	/** VmHWM before and after the run: the kernel's high-water mark of resident memory. */
	peakBeforeMiB: number;
	peakAfterMiB: number;
}

function returnAllWorkflow(credential: { id: string; name: string }): ReturnType<typeof workflow> {
	const trigger: NodeSpec = webhookNode('Webhook', { path: WEBHOOK_PATH });
	trigger.parameters = { ...trigger.parameters, responseMode: 'lastNode', responseData: 'firstEntryJson' };
	return workflow({
		name: 'Bench: WTS contacts, Return All',
		// Run data of 100,000 items is not saved: the measurement is the node's, not the database's.
		settings: { saveDataSuccessExecution: 'none', saveDataErrorExecution: 'all' },
		nodes: [
			trigger,
			{
				name: TARGET_NODE,
				type: 'CUSTOM.wtsChat',
				typeVersion: 1,
				parameters: { resource: 'contact', operation: 'getAll', returnAll: true },
				credentials: { wtsChatApi: credential },
			},
			{
				name: 'Count',
				type: 'n8n-nodes-base.summarize',
				typeVersion: 1.1,
				parameters: { fieldsToSummarize: { values: [{ aggregation: 'count', field: 'id' }] }, options: {} },
			},
		],
	});
}

export async function returnAll({ records, extension }: { records: number; extension: string }): Promise<ScenarioResult> {
	const sandbox = await startWtsSandbox({ rateLimits: 'wts' });
	let n8n: N8nInstance | undefined;
	try {
		// Exactly `records` contacts in the list (it shows ACTIVE ones by default; the seed has a few of
		// each status): one page more than 1,000 would wait out WTS's 5-minute window.
		const listed = () => [...sandbox.state.contacts.values()].filter((contact) => contact.status === 'ACTIVE').length;
		sandbox.state.seedContacts(records - listed());
		if (listed() !== records) throw new Error(`the sandbox lists ${listed()} contacts, not ${records}`);
		const credential = wtsCredential(credentialId(), sandbox.url, sandbox.apiKey);
		const flow = returnAllWorkflow(credential);
		n8n = await N8nInstance.create({ extensions: [extension] });
		await n8n.importCredentials([credential]);
		const { answer, wallMs, before, after, maxRssMiB } = await measureWebhookCall<{ count_id?: number }>(n8n, flow, WEBHOOK_PATH);
		const pages = Math.ceil(records / PAGE_SIZE);
		const requests = sandbox.recorder.requests({ path: '/core/v1/contact' });
		const taken = requests.filter((request) => request.status === 200).map((request) => Date.parse(request.timestamp));
		return report({
			records,
			pages,
			floorMs: floorMs(pages, GENERAL_LIMITS),
			wallMs,
			pagingSpanMs: taken.length > 1 ? taken[taken.length - 1] - taken[0] : null,
			requests: requests.length,
			rateLimited: requests.filter((request) => request.status === 429).length,
			outputRecords: answer.count_id ?? 0,
			idleRssMiB: before.rssMiB,
			maxRssMiB,
			peakBeforeMiB: before.peakMiB,
			peakAfterMiB: after.peakMiB,
		});
	} finally {
		await n8n?.dispose();
		await sandbox.close();
	}
}

function report(data: ReturnAllData): ScenarioResult {
	return {
		id: 'return-all',
		title: `5. Return All over ${data.records.toLocaleString('en')} records`,
		setup: [
			`Contact › List Contacts with Return All, ${data.records.toLocaleString('en')} contacts = ${data.pages} pages of ${PAGE_SIZE}, sandbox enforcing WTS's limits (${describeLimits(GENERAL_LIMITS)}).`,
			`Run by a Webhook on \`n8n start\` (responds when the last node ends; execution data not saved), then a Summarize node counting the records.`,
			`Floor: ${data.pages} requests under those limits = ${seconds(data.floorMs)}.`,
			'Memory: the n8n server process (not its task runner) from /proc: VmRSS sampled every 50 ms during the run, and VmHWM (kernel high-water mark) before and after.',
		],
		columns: ['Records out', 'Wall time', '÷ floor', 'Page requests', '429s', 'RSS idle', 'Max RSS in run', 'VmHWM before → after'],
		rows: [
			[
				data.outputRecords.toLocaleString('en'),
				seconds(data.wallMs),
				ratio(data.wallMs / data.floorMs),
				String(data.requests),
				String(data.rateLimited),
				mebibytes(data.idleRssMiB),
				mebibytes(data.maxRssMiB),
				`${mebibytes(data.peakBeforeMiB)} → ${mebibytes(data.peakAfterMiB)}`,
			],
		],
		ratios: [{ scenario: 'Return All', label: 'time ÷ limit floor', value: data.wallMs / data.floorMs, goal: 1.1 }],
		notes: [`Wall time is the webhook call, from request to answer; the sandbox saw the pages over ${data.pagingSpanMs === null ? 'n/a' : seconds(data.pagingSpanMs)}.`],
		data,
	};
}
