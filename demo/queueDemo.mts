/**
 * The demo on n8n's queue mode: the same workflows started through production webhooks, which the webhook
 * processor receives and the workers execute, and two bulk sends to one WTS account on two workers at once.
 * `npm run start:queue` prints it; the queue-mode end-to-end tests assert on it.
 */
import type { RecordedRequest } from '../sandbox/core/recorder.mts';
import type { WtsSandbox } from '../sandbox/wts/server.mts';
import { checkDeliveries, planItems, type DeliveryReport } from '../bench/deliveries.mts';
import { floorMs, type WindowLimit } from '../bench/rateLimitFloor.mts';
import { recipients, wtsItems, wtsTextOf } from '../bench/scenarios/wtsBulkSend.mts';
import type { N8nQueue } from '../test/harness/queue.mts';
import { codeNode, customNodeType, webhookNode, workflow, type Credential, type ExecutionResult, type Workflow } from '../test/harness/n8n.mts';
import type { DemoWorkflow } from './wtsDemo.mts';

/** A WTS credential declaring that two processes send with its key at once (Processes Sending at Once = 2). */
export function sharedWtsCredential(id: string, baseUrl: string, apiKey: string, processes: number): Credential {
	return { id, name: `WTS Chat (${processes} processes)`, type: 'wtsChatApi', data: { apiKey, baseUrl, rateLimitShare: processes } };
}

/** The workflow started by a production webhook on `path` instead of its Manual Trigger (which keeps its name). */
export function viaWebhook(source: Workflow, path: string): Workflow {
	const start = source.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	if (start === undefined) throw new Error(`${source.name} has no Manual Trigger`);
	const webhook = webhookNode(start.name, { path });
	return { ...source, nodes: source.nodes.map((node) => (node === start ? { ...node, ...webhook, parameters: webhook.parameters ?? {} } : node)) };
}

export interface WorkerRun {
	title: string;
	workflowId: string;
	execution: ExecutionResult;
	/** The worker whose log says it ran the execution. */
	worker: string | undefined;
}

/** Activates each demo behind a webhook, calls the webhooks on the webhook processor and reads back each execution. */
export async function runDemosOnWorkers(queue: N8nQueue, demos: DemoWorkflow[]): Promise<WorkerRun[]> {
	const started = demos.map((demo, index) => ({ demo, path: `demo-${index}-${demo.workflow.id}`, workflow: viaWebhook(demo.workflow, `demo-${index}-${demo.workflow.id}`) }));
	await queue.main.importWorkflows(started.map(({ workflow: wf }) => wf));
	for (const { workflow: wf } of started) await queue.main.activateWorkflow(wf.id);
	await Promise.all(
		started.map(async ({ path }) => {
			const response = await fetch(queue.webhookUrl(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			if (!response.ok) throw new Error(`POST ${queue.webhookUrl(path)} answered ${response.status}: ${await response.text()}`);
		}),
	);
	return await Promise.all(
		started.map(async ({ demo, workflow: wf }) => {
			const [execution] = await queue.main.waitForExecutions(wf.id, 1, 60_000);
			return { title: demo.title, workflowId: wf.id, execution, worker: queue.workerOf(execution.id ?? '') };
		}),
	);
}

/** WTS's published per-account limits that `/chat/v1/message/send` counts against. */
export const MESSAGE_SEND_LIMITS: WindowLimit[] = [
	{ limit: 200, windowMs: 5_000 },
	{ limit: 1_000, windowMs: 300_000 },
];

export const PACING_TARGET = 'Send Text';

export interface PacingRun {
	workflowId: string;
	execution: ExecutionResult;
	worker: string | undefined;
	delivery: DeliveryReport;
	/** The sending node's start and end (epoch ms), as n8n recorded them. */
	nodeStart: number;
	nodeEnd: number;
	outputItems: number;
}

export interface PacingPair {
	runs: PacingRun[];
	/** 429 answers the sandbox gave to either run. */
	rateLimited: number;
	/** From the first send node's start to the last one's end. */
	pairMs: number;
	/** From the first request WTS took to the last, by arrival at the sandbox. */
	sendSpanMs: number;
	/** The earliest the last of all the pair's requests may be sent under WTS's limits. */
	floorMs: number;
}

/**
 * Two workflows, each sending `itemsPerRun` texts to one WTS account with `credential`, started at the same time
 * through their webhooks (so each goes to a worker as it is free), and what the sandbox saw of them.
 */
export async function runPacingPair(
	queue: N8nQueue,
	sandbox: WtsSandbox,
	credential: Pick<Credential, 'id' | 'name'>,
	{ itemsPerRun = 500, recipientCount = 100 }: { itemsPerRun?: number; recipientCount?: number } = {},
): Promise<PacingPair> {
	const channel = sandbox.seed.channels[0].id;
	const people = recipients(recipientCount);
	const pairs = ['a', 'b'].map((label) => {
		const plan = planItems(itemsPerRun, people, `queue-pacing-${label}-${Date.now()}`);
		const path = `pacing-${label}-${Date.now()}`;
		const wf = workflow({
			name: `Queue demo: bulk send ${label.toUpperCase()}`,
			nodes: [
				webhookNode('Start', { path }),
				codeNode('Make Items', `return ${JSON.stringify(wtsItems(plan))}.map((json) => ({ json }));`),
				{
					name: PACING_TARGET,
					type: customNodeType('wtsChat'),
					typeVersion: 1,
					parameters: { resource: 'message', operation: 'sendText', from: channel, to: '={{ $json.to }}', text: '={{ $json.text }}', options: {} },
					credentials: { wtsChatApi: { id: credential.id, name: credential.name } },
				},
			],
		});
		return { plan, path, workflow: wf };
	});
	await queue.main.importWorkflows(pairs.map((pair) => pair.workflow));
	for (const pair of pairs) await queue.main.activateWorkflow(pair.workflow.id);
	const sendsBefore = sandbox.recorder.requests({ path: '/chat/v1/message/send' }).length;
	await Promise.all(
		pairs.map(async ({ path }) => {
			const response = await fetch(queue.webhookUrl(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			if (!response.ok) throw new Error(`POST ${queue.webhookUrl(path)} answered ${response.status}`);
		}),
	);
	const sends = (): RecordedRequest[] => sandbox.recorder.requests({ path: '/chat/v1/message/send' }).slice(sendsBefore);
	const runs = await Promise.all(
		pairs.map(async ({ plan, workflow: wf }): Promise<PacingRun> => {
			const [execution] = await queue.main.waitForExecutions(wf.id, 1, 5 * 60_000);
			const node = execution.nodes[PACING_TARGET]?.[0];
			if (node?.startTime === undefined || node.executionTime === undefined) {
				throw new Error(`${wf.name}: ${PACING_TARGET} did not run (${execution.error?.message ?? 'no error recorded'})`);
			}
			return {
				workflowId: wf.id,
				execution,
				worker: queue.workerOf(execution.id ?? ''),
				delivery: checkDeliveries(plan, sends(), wtsTextOf),
				nodeStart: node.startTime,
				nodeEnd: node.startTime + node.executionTime,
				outputItems: (node.outputs[0] ?? []).filter((item) => item.error === undefined).length,
			};
		}),
	);
	const arrivals = sends()
		.filter((request) => request.status !== null && request.status < 300)
		.map((request) => Date.parse(request.timestamp));
	return {
		runs,
		rateLimited: sends().filter((request) => request.status === 429).length,
		sendSpanMs: Math.max(...arrivals) - Math.min(...arrivals),
		pairMs: Math.max(...runs.map((run) => run.nodeEnd)) - Math.min(...runs.map((run) => run.nodeStart)),
		floorMs: floorMs(itemsPerRun * pairs.length, MESSAGE_SEND_LIMITS),
	};
}
