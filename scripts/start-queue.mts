/**
 * `npm run start:queue`: the demo on n8n's queue mode, on this machine's PostgreSQL and Redis (a database and
 * Redis key prefix of its own, removed at the end): a main process, two workers and a webhook processor run the
 * demo workflows, the trigger demo and two bulk sends at once, and it prints which process ran what. The
 * editor stays up on http://localhost:5678 until Ctrl-C (`--once` stops at the end).
 */
import { parseArgs } from 'node:util';

import { chatwootCredentials, chatwootDemoWorkflows } from '../demo/chatwootDemo.mts';
import { runDemosOnWorkers, runPacingPair, sharedWtsCredential } from '../demo/queueDemo.mts';
import { runTriggerDemo } from '../demo/triggerDemo.mts';
import { wtsCredential, wtsDemoWorkflows } from '../demo/wtsDemo.mts';
import { startChatwootSandbox } from '../sandbox/chatwoot/server.mts';
import { startWtsSandbox } from '../sandbox/wts/server.mts';
import { DEFAULT_OWNER, prepareExtensions, repoRoot } from '../test/harness/n8n.mts';
import { N8nQueue } from '../test/harness/queue.mts';

const { values } = parseArgs({ options: { once: { type: 'boolean', default: false } } });
const EDITOR_PORT = Number(process.env.N8N_PORT ?? 5678);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const [wts, wtsLimited, chatwoot] = await Promise.all([startWtsSandbox({}), startWtsSandbox({ rateLimits: 'wts' }), startChatwootSandbox({})]);
console.log(`WTS Chat sandbox on ${wts.url}; a second one enforcing WTS's published limits on ${wtsLimited.url}; Chatwoot sandbox on ${chatwoot.url}`);
console.log('Starting n8n in queue mode: a main process, 2 workers and a webhook processor on PostgreSQL and Redis...');
const startedAt = Date.now();
const queue = await N8nQueue.create({ extensions: [await prepareExtensions(repoRoot)], port: EDITOR_PORT, workers: 2, workerConcurrency: 1 });
let stopping = false;
const shutdown = async (code: number): Promise<never> => {
	if (!stopping) {
		stopping = true;
		await queue.dispose();
		await Promise.all([wts.close(), wtsLimited.close(), chatwoot.close()]);
	}
	process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
	console.log(
		`Ready in ${seconds(Date.now() - startedAt)}: main on :${queue.main.port} (database ${queue.database}), ${queue.workers.map((worker) => worker.label).join(' and ')}, ` +
			`n8n webhook 1 on :${queue.webhookProcessors[0].port} (serves the production webhooks)`,
	);
	const limited = sharedWtsCredential('wtsQueueLimited1', wtsLimited.url, wtsLimited.apiKey, 2);
	await queue.main.importCredentials([wtsCredential(wts.url, wts.apiKey), ...chatwootCredentials(chatwoot), limited]);
	await queue.main.setupOwner();

	console.log('\nDemo workflows, each started by a call to its production webhook');
	for (const run of await runDemosOnWorkers(queue, [...wtsDemoWorkflows(wts.seed), ...chatwootDemoWorkflows(chatwoot.seed)])) {
		const mark = run.execution.status === 'success' ? '✓' : '✗';
		console.log(`  ${mark} ${run.title}: execution ${run.execution.id} ${run.execution.status} on ${run.worker ?? 'no worker'}`);
	}

	console.log('\nTrigger');
	const autoReply = await runTriggerDemo(queue.main, wts, { timeoutMs: 60_000 });
	const triggerRuns = await queue.main.listExecutions((await queue.main.rest<Array<{ id: string; name: string }>>('GET', '/workflows')).find((wf) => wf.name === 'WTS demo: answer incoming messages')?.id ?? '');
	const triggerWorker = triggerRuns[0] === undefined ? 'no worker' : (queue.workerOf(triggerRuns[0].id) ?? 'no worker');
	console.log(
		autoReply.reply
			? `  ✓ An incoming WTS message, received by n8n webhook 1, answered in its session by execution ${triggerRuns[0]?.id} on ${triggerWorker} in ${autoReply.elapsedMs} ms`
			: `  ✗ No reply to an incoming WTS message within ${autoReply.elapsedMs} ms`,
	);

	console.log('\nTwo bulk sends of 500 WTS messages each to one account at once (credential: Processes Sending at Once = 2)');
	const pair = await runPacingPair(queue, wtsLimited, limited);
	for (const [index, run] of pair.runs.entries()) {
		const { lost, duplicated, orderViolations } = run.delivery;
		console.log(
			`  ${String.fromCharCode(65 + index)}: execution ${run.execution.id} on ${run.worker ?? 'no worker'}, ${run.outputItems} sent in ${seconds(run.nodeEnd - run.nodeStart)}; lost ${lost}, doubled ${duplicated}, out of order ${orderViolations}`,
		);
	}
	console.log(`  Together: ${seconds(pair.pairMs)} for 1,000 messages (the limits allow no less than ${seconds(pair.floorMs)}: ${(pair.pairMs / pair.floorMs).toFixed(2)}×), ${pair.rateLimited} answered 429`);
} catch (error) {
	console.error(error);
	await shutdown(1);
}

if (values.once) await shutdown(0);
console.log(`\nn8n editor: http://localhost:${queue.main.port}  (login ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password})`);
console.log('Press Ctrl-C to stop; the database and the Redis keys of this run are removed then.');
