/**
 * WTS bulk send on n8n's queue mode: two executions on two workers send 500 messages each to one account at
 * the same time, against a sandbox enforcing WTS's published limits. The credential declares two processes
 * (Processes Sending at Once = 2), so each worker paces to half of every limit.
 */
import { MESSAGE_SEND_LIMITS, runPacingPair, sharedWtsCredential } from '../../demo/queueDemo.mts';
import { startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import { N8nQueue } from '../../test/harness/queue.mts';
import { describeLimits } from '../rateLimitFloor.mts';
import { ratio, seconds, type ScenarioResult } from '../report.mts';

const WORKERS = 2;

export async function wtsQueueSend({ items, extension }: { items: number; extension: string }): Promise<ScenarioResult> {
	const itemsPerRun = Math.floor(items / WORKERS);
	let sandbox: WtsSandbox | undefined;
	let queue: N8nQueue | undefined;
	try {
		sandbox = await startWtsSandbox({ rateLimits: 'wts' });
		queue = await N8nQueue.create({ extensions: [extension], workers: WORKERS, workerConcurrency: 1 });
		const credential = sharedWtsCredential('wtsQueueBench01', sandbox.url, sandbox.apiKey, WORKERS);
		await queue.main.importCredentials([credential]);
		await queue.main.setupOwner();
		const pair = await runPacingPair(queue, sandbox, credential, { itemsPerRun });
		const total = itemsPerRun * WORKERS;
		const start = Math.min(...pair.runs.map((run) => run.nodeStart));
		return {
			id: 'wts-queue-send',
			title: `1b. WTS bulk send on queue mode, ${WORKERS} workers × ${itemsPerRun.toLocaleString('en')} items at once, one account`,
			setup: [
				`n8n queue mode (PostgreSQL, Redis): a main process, ${WORKERS} workers running one execution each, a webhook processor.`,
				`Two workflows started together through their webhooks, each sending ${itemsPerRun} texts with Message › Send Text to 100 recipients, one WTS account.`,
				`The credential sets Processes Sending at Once = ${WORKERS}: each worker paces to 1/${WORKERS} of WTS's published limits (${describeLimits(MESSAGE_SEND_LIMITS)} per account).`,
				`Floor: the earliest the last of the pair's ${total} requests may be sent under those limits = ${seconds(pair.floorMs)}.`,
				'Pair time: from the first sending node\'s start to the last one\'s end, as n8n recorded them.',
			],
			columns: ['Execution', 'Worker', 'Starts after the first', 'Node time', '429s (both)', 'Lost', 'Duplicated', 'Order violations', 'Output items'],
			rows: [
				...pair.runs.map((run, index) => [
					String.fromCharCode(65 + index),
					run.worker ?? 'unknown',
					seconds(run.nodeStart - start),
					seconds(run.nodeEnd - run.nodeStart),
					String(pair.rateLimited),
					String(run.delivery.lost),
					String(run.delivery.duplicated),
					String(run.delivery.orderViolations),
					String(run.outputItems),
				]),
				['Pair', '', '', `${seconds(pair.pairMs)} (${ratio(pair.pairMs / pair.floorMs)} of the floor; first to last request at WTS ${seconds(pair.sendSpanMs)})`, '', '', '', '', ''],
			],
			ratios: [{ scenario: 'WTS bulk send, 2 workers', label: 'pair time ÷ limit floor', value: pair.pairMs / pair.floorMs, goal: 1.2 }],
			notes: ['Lost, duplicated and order violations are counted by the sandbox per execution: each unique text taken exactly once, and within a recipient in input order.'],
			data: { floorMs: pair.floorMs, pairMs: pair.pairMs, sendSpanMs: pair.sendSpanMs, rateLimited: pair.rateLimited, runs: pair.runs.map(({ execution: _execution, ...run }) => run) },
		};
	} finally {
		await queue?.dispose();
		await sandbox?.close();
	}
}
