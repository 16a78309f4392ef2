/**
 * The package on n8n's queue mode: a main process, two workers and two webhook processors on PostgreSQL and
 * Redis (one setup for the whole file). Demo workflows of the three nodes and the three triggers run on the
 * workers, with deliveries received by a webhook processor; a delivery resent to the other webhook processor
 * starts nothing; two workers sending 500 WTS messages each at once stay within WTS's limits together.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { CHATWOOT_CREDENTIAL, chatwootCredentials, chatwootDemoWorkflows, KONVERTE_CREDENTIAL } from '../../demo/chatwootDemo.mts';
import { runDemosOnWorkers, runPacingPair, sharedWtsCredential, type WorkerRun } from '../../demo/queueDemo.mts';
import { incomingMessage, runTriggerDemo, wtsTriggerNode } from '../../demo/triggerDemo.mts';
import { wtsCredential, wtsDemoWorkflows, wtsNode } from '../../demo/wtsDemo.mts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import type { WebhookDelivery as ChatwootDelivery } from '../../sandbox/chatwoot/state.mts';
import { toFile } from '../../sandbox/wts/dto.mts';
import { sentTextCounts, startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import {
	answered,
	chatwootMessageDelivery,
	countBy,
	EffectRecorder,
	pool,
	resendUntilAnswered,
	sendFirst,
	WEBHOOK_ANSWER_TIMEOUT_MS,
	type Delivery,
} from '../harness/deliveries.mts';
import { codeNode, customNodeType, prepareExtensions, repoRoot, waitNode, webhookNode, workflow, type ExecutionResult, type NodeSpec, type Workflow } from '../harness/n8n.mts';
import { N8nQueue } from '../harness/queue.mts';

let wts: WtsSandbox;
let wtsPaced: WtsSandbox;
let chatwoot: ChatwootSandbox;
let queue: N8nQueue;
const PACED_CREDENTIAL = { id: 'wtsPacedCred001', name: 'WTS Chat (2 processes)' };

before(async () => {
	[wts, wtsPaced, chatwoot] = await Promise.all([
		startWtsSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS }),
		startWtsSandbox({ rateLimits: 'wts' }),
		startChatwootSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS }),
	]);
	// One execution per worker at a time: two executions started together go to the two workers.
	queue = await N8nQueue.create({ extensions: [await prepareExtensions(repoRoot)], workers: 2, workerConcurrency: 1, webhookProcessors: 2 });
	await queue.main.importCredentials([
		wtsCredential(wts.url, wts.apiKey),
		...chatwootCredentials(chatwoot),
		{ ...sharedWtsCredential(PACED_CREDENTIAL.id, wtsPaced.url, wtsPaced.apiKey, 2), name: PACED_CREDENTIAL.name },
	]);
	await queue.main.setupOwner();
});

after(async () => {
	await queue?.dispose();
	await Promise.all([wts?.close(), wtsPaced?.close(), chatwoot?.close()]);
});

const WORKERS = ['n8n worker 1', 'n8n worker 2'];

/** Fails with the processes' logs when an execution did not run on a worker. */
function assertRanOnWorker(execution: ExecutionResult, what: string): string {
	const worker = queue.workerOf(execution.id ?? '');
	assert.ok(worker !== undefined && WORKERS.includes(worker), `${what}: execution ${execution.id} ran on no worker\n${queue.main.logs().slice(-4000)}`);
	assert.equal(execution.mode, 'webhook', `${what} was not started by a webhook`);
	assert.equal(execution.status, 'success', `${what}: ${JSON.stringify(execution.error)}`);
	return worker;
}

/** Deliveries the Chatwoot sandbox made to a URL, once `count` of them were answered. */
async function chatwootDeliveriesTo(url: string, count: number): Promise<ChatwootDelivery[]> {
	for (let waited = 0; ; waited += 50) {
		const answered = chatwoot.state.webhookDeliveries.filter((d) => d.url === url && (d.status !== null || d.error !== null));
		if (answered.length >= count) return answered;
		assert.ok(waited < 30_000, `only ${answered.length} of ${count} deliveries reached ${url}`);
		await sleep(50);
	}
}

async function postChatwootMessage(content: string): Promise<void> {
	const conversation = chatwoot.seed.conversationIds[0];
	const response = await fetch(`${chatwoot.url}/api/v1/accounts/${chatwoot.accountId}/conversations/${conversation}/messages`, {
		method: 'POST',
		headers: { api_access_token: chatwoot.userToken, 'content-type': 'application/json' },
		body: JSON.stringify({ content, message_type: 'incoming' }),
	});
	assert.equal(response.status, 200, await response.text());
}

/** Sends a recorded Chatwoot delivery again, byte for byte with its headers, to `url`. */
/** A Chatwoot Trigger on new messages, with the sandbox's credential and these options. */
function chatwootTriggerNode(webhookId: string, options: Record<string, unknown> = {}): NodeSpec {
	return {
		name: 'Chatwoot Trigger',
		type: customNodeType('chatwootTrigger'),
		typeVersion: 1,
		webhookId,
		parameters: { events: ['message_created'], filters: {}, options },
		credentials: { chatwootApi: CHATWOOT_CREDENTIAL },
	};
}

async function resend(delivery: ChatwootDelivery, url: string): Promise<Response> {
	return await fetch(url, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'x-chatwoot-timestamp': String(delivery.timestamp),
			'x-chatwoot-signature': delivery.signature ?? '',
			'x-chatwoot-delivery': delivery.deliveryId,
		},
		body: delivery.body,
	});
}

describe('n8n queue mode: main, two workers, two webhook processors, PostgreSQL and Redis', () => {
	test('the demo workflows of WTS Chat, Chatwoot and Konverte Digital run on the workers; the send-file demo uploads its binary data', async () => {
		const demos = [...wtsDemoWorkflows(wts.seed), ...chatwootDemoWorkflows(chatwoot.seed)];
		const runs: WorkerRun[] = await runDemosOnWorkers(queue, demos);
		const workers = new Set(runs.map((run) => assertRanOnWorker(run.execution, run.title)));
		assert.deepEqual([...workers].sort(), WORKERS, 'both workers took demo executions');
		for (const [run, demo] of runs.map((r, index) => [r, demos[index]] as const)) {
			const items = run.execution.nodes[demo.resultNode]?.flatMap((nodeRun) => nodeRun.outputs[0] ?? []) ?? [];
			assert.ok(items.length > 0, `${run.title}: no output`);
		}
		const upload = wts.recorder.requests().find((request) => request.method === 'PUT' && request.rawRoute === 'upload');
		assert.ok(upload?.body.kind === 'raw', 'no presigned upload of the file');
		assert.match(upload.body.bytes.toString('latin1'), /^%PDF-1\.4/);
	});

	const chatwootHook = randomUUID();
	let firstChatwootDelivery: ChatwootDelivery | undefined;
	let chatwootTrigger: Workflow | undefined;

	test('each trigger is activated from the main process; its deliveries reach a webhook processor and run on a worker', async () => {
		// WTS: the auto-reply demo, and a message with media whose bytes a later node reads on the worker.
		const autoReply = await runTriggerDemo(queue.main, wts, { timeoutMs: 60_000 });
		assert.ok(autoReply.reply, `no reply to the incoming message within ${autoReply.elapsedMs} ms`);

		const mediaHook = randomUUID();
		const media = workflow({
			name: 'Queue e2e: WTS media',
			nodes: [
				wtsTriggerNode('WTS Trigger', { events: ['MESSAGE_RECEIVED'], filters: {}, options: { downloadMedia: true } }, mediaHook),
				codeNode('Read Media', `const bytes = await this.helpers.getBinaryDataBuffer(0, 'attachment_0');\nreturn [{ json: { size: bytes.length } }];`),
			],
		});
		chatwootTrigger = workflow({
			name: 'Queue e2e: Chatwoot trigger',
			nodes: [
				chatwootTriggerNode(chatwootHook),
			],
		});
		const konverteHook = randomUUID();
		const konverte = workflow({
			name: 'Queue e2e: Konverte Digital trigger',
			nodes: [
				{
					name: 'Konverte Trigger',
					type: customNodeType('konverteDigitalTrigger'),
					typeVersion: 1,
					webhookId: konverteHook,
					parameters: { events: ['message_created'], filters: {}, options: {} },
					credentials: { konverteDigitalApi: KONVERTE_CREDENTIAL },
				},
			],
		});
		await queue.main.importWorkflows([media, chatwootTrigger, konverte]);
		for (const wf of [media, chatwootTrigger, konverte]) await queue.main.activateWorkflow(wf.id);

		// Registered on the platforms with the webhook processor's URL, not the main process's.
		const processorUrl = queue.webhookProcessors[0].webhookUrl('');
		const wtsUrls = [...wts.state.webhookSubscriptions.values()].map((subscription) => subscription.url);
		assert.ok(wtsUrls.some((url) => url.startsWith(`${processorUrl}${mediaHook}/webhook`)), `WTS subscriptions: ${wtsUrls.join(', ')}`);
		const chatwootUrl = queue.webhookUrl(`${chatwootHook}/webhook`);
		const konverteUrl = queue.webhookUrl(`${konverteHook}/webhook`);
		const chatwootUrls = [...chatwoot.state.webhooks.values()].map((hook) => hook.url);
		assert.ok(chatwootUrls.includes(chatwootUrl) && chatwootUrls.includes(konverteUrl), `Chatwoot webhooks: ${chatwootUrls.join(', ')}`);
		assert.ok(chatwootUrl.startsWith(processorUrl));

		const file = wts.state.files.get(wts.seed.files[0].id);
		assert.ok(file);
		const [mediaDelivery] = await wts.emitWebhook(
			'MESSAGE_RECEIVED',
			incomingMessage(wts.seed.sessions[0].id, 'Segue o comprovante', { type: 'IMAGE', fileId: file.id, details: { file: toFile(wts.state, file) } }),
		);
		assert.equal(mediaDelivery.status, 200);
		await postChatwootMessage('Olá do modo fila');
		const [delivery] = await chatwootDeliveriesTo(chatwootUrl, 1);
		await chatwootDeliveriesTo(konverteUrl, 1);
		assert.equal(delivery.status, 200);
		firstChatwootDelivery = delivery;

		const [mediaRun] = await queue.main.waitForExecutions(media.id, 1, 60_000);
		assertRanOnWorker(mediaRun, 'WTS media');
		const size = mediaRun.nodes['Read Media']?.[0]?.outputs[0]?.[0]?.json.size;
		assert.ok(typeof size === 'number' && size > 0, `the worker read ${String(size)} bytes of the media the webhook processor downloaded`);
		const [chatwootRun] = await queue.main.waitForExecutions(chatwootTrigger.id, 1, 60_000);
		assertRanOnWorker(chatwootRun, 'Chatwoot Trigger');
		const [konverteRun] = await queue.main.waitForExecutions(konverte.id, 1, 60_000);
		assertRanOnWorker(konverteRun, 'Konverte Digital Trigger');
		const message = chatwootRun.nodes['Chatwoot Trigger']?.[0]?.outputs[0]?.[0]?.json.message as { content?: string } | undefined;
		assert.equal(message?.content, 'Olá do modo fila');
		// Only the webhook processors serve production webhooks.
		const onMain = await fetch(`${queue.main.baseUrl}/webhook/${chatwootHook}/webhook`, { method: 'POST', body: delivery.body });
		assert.equal(onMain.status, 404);
	});

	test('a delivery resent to the other webhook processor, or to the same one, after its execution was stored starts nothing', async (t) => {
		assert.ok(firstChatwootDelivery && chatwootTrigger, 'the trigger test ran first');
		const path = `${chatwootHook}/webhook`;
		const [other, same] = [queue.webhookProcessors[1].webhookUrl(path), queue.webhookProcessors[0].webhookUrl(path)];
		for (const url of [other, same, other]) {
			const answer = await resend(firstChatwootDelivery, url);
			assert.equal(answer.status, 200, `${url}: ${await answer.text()}`);
		}
		await sleep(1_500);
		assert.equal((await queue.main.listExecutions(chatwootTrigger.id)).length, 1, 'a resent delivery started a second execution');

		// A new delivery, signed as Chatwoot signs, through the other processor starts its execution.
		const hook = [...chatwoot.state.webhooks.values()].find((candidate) => candidate.url === queue.webhookUrl(path));
		assert.ok(hook);
		const timestamp = Math.floor(Date.now() / 1000);
		const body = JSON.stringify({ ...(JSON.parse(firstChatwootDelivery.body) as Record<string, unknown>), id: 987_654, content: 'Nova mensagem' });
		const signature = `sha256=${createHmac('sha256', hook.secret).update(`${timestamp}.${body}`).digest('hex')}`;
		const sentAt = performance.now();
		const answer = await resend({ ...firstChatwootDelivery, deliveryId: randomUUID(), timestamp, signature, body }, other);
		assert.equal(answer.status, 200, await answer.text());
		// How long the platform's call took: the time in which a copy on another process could still start a second execution.
		t.diagnostic(`a new delivery was answered after ${Math.round(performance.now() - sentAt)} ms`);
		const runs = await queue.main.waitForExecutions(chatwootTrigger.id, 2, 60_000);
		assertRanOnWorker(runs[1], 'a new delivery through the second webhook processor');
	});

	test('Respond = Each Event Once: a webhook processor, which has no trigger running, answers 429 and starts nothing', async () => {
		assert.ok(firstChatwootDelivery, 'the trigger test ran first');
		const webhookId = randomUUID();
		const eachOnce = workflow({
			name: 'Queue e2e: Chatwoot trigger, each event once',
			nodes: [
				chatwootTriggerNode(webhookId, { respond: 'eachEventOnce' }),
			],
		});
		await queue.main.importWorkflows([eachOnce]);
		await queue.main.activateWorkflow(eachOnce.id);
		const url = queue.webhookUrl(`${webhookId}/webhook`);
		const hook = [...chatwoot.state.webhooks.values()].find((candidate) => candidate.url === url);
		assert.ok(hook, `no Chatwoot webhook for ${url}`);
		const timestamp = Math.floor(Date.now() / 1000);
		const body = JSON.stringify({ ...(JSON.parse(firstChatwootDelivery.body) as Record<string, unknown>), id: 987_655 });
		const signature = `sha256=${createHmac('sha256', hook.secret).update(`${timestamp}.${body}`).digest('hex')}`;
		for (const processor of queue.webhookProcessors) {
			const answer = await resend({ ...firstChatwootDelivery, deliveryId: randomUUID(), timestamp, signature, body }, processor.webhookUrl(`${webhookId}/webhook`));
			assert.equal(answer.status, 429);
			assert.equal(answer.headers.get('retry-after'), '5');
			assert.match(((await answer.json()) as { reason: string }).reason, /not active in this n8n process/);
		}
		await queue.main.deactivateWorkflow(eachOnce.id);
		assert.equal((await queue.main.listExecutions(eachOnce.id)).length, 0);
	});

	test('two workers sending 500 WTS messages each to one account at once: nothing lost, doubled or reordered, no 429', async (t) => {
		const pair = await runPacingPair(queue, wtsPaced, PACED_CREDENTIAL);
		const workers = pair.runs.map((run) => assertRanOnWorker(run.execution, 'bulk send'));
		assert.deepEqual([...workers].sort(), WORKERS, 'the two sends ran on the two workers');
		for (const run of pair.runs) {
			assert.equal(run.outputItems, 500);
			assert.deepEqual(
				{ lost: run.delivery.lost, duplicated: run.delivery.duplicated, orderViolations: run.delivery.orderViolations },
				{ lost: 0, duplicated: 0, orderViolations: 0 },
			);
		}
		assert.equal(pair.rateLimited, 0, 'each worker paces to its share of the limit, so WTS refuses nothing');
		t.diagnostic(`pair took ${(pair.pairMs / 1000).toFixed(1)} s; floor ${(pair.floorMs / 1000).toFixed(1)} s; ratio ${(pair.pairMs / pair.floorMs).toFixed(2)}`);
	});

	test('two workers sending with Send Once per Key into one node at once, then the same items again: every key went out once', async (t) => {
		// The workers write the node's key list in n8n's store at the same moments; a key one of them overwrote is
		// recorded again once its message was sent, so the second round finds every key.
		const PER_RUN = 150;
		const path = `send-once-${randomUUID()}`;
		const wf = workflow({
			name: 'Queue e2e: Send Once per Key on two workers',
			nodes: [
				webhookNode('Start', { path }),
				codeNode('Make Items', `const batch = $input.first().json.body.batch;\nreturn Array.from({ length: ${PER_RUN} }, (_, i) => ({ json: { key: batch + '-' + i } }));`),
				wtsNode('Send Once', {
					resource: 'message',
					operation: 'sendText',
					from: wts.seed.channels[0].id,
					to: '+55|11946000009',
					text: '={{ $json.key }}',
					options: {},
					requestOptions: { sendOnceKey: '={{ $json.key }}' },
				}),
			],
		});
		await queue.main.importWorkflows([wf]);
		await queue.main.activateWorkflow(wf.id);
		const keys = ['a', 'b'].flatMap((batch) => Array.from({ length: PER_RUN }, (_, i) => `${batch}-${i}`));
		const sentCounts = () => {
			const counts = sentTextCounts(wts.recorder);
			return keys.map((key) => counts.get(key) ?? 0);
		};
		const rounds = [];
		for (const round of [1, 2]) {
			await Promise.all(
				['a', 'b'].map(async (batch) => {
					const response = await fetch(queue.webhookUrl(path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
					assert.equal(response.status, 200, await response.text());
				}),
			);
			const runs = (await queue.main.waitForExecutions(wf.id, 2 * round, 5 * 60_000)).slice(-2);
			const workers = runs.map((run) => assertRanOnWorker(run, `round ${round}`));
			const outputs = runs.flatMap((run) => run.nodes['Send Once']?.[0]?.outputs[0] ?? []);
			rounds.push({ workers, outputs, counts: sentCounts() });
		}
		const [first, second] = rounds;
		t.diagnostic(`round 1 on ${first.workers.join(' and ')}; after round 2: ${second.counts.filter((n) => n === 1).length} keys sent once, ${second.counts.filter((n) => n > 1).length} twice or more`);
		assert.deepEqual([...first.workers].sort(), WORKERS, 'the two runs of round 1 ran on the two workers at once');
		assert.deepEqual(first.counts.filter((n) => n !== 1), [], 'round 1 sent every key once');
		assert.equal(second.outputs.filter((item) => item.json.skipped === true).length, 2 * PER_RUN, 'round 2 skipped every item');
		assert.deepEqual(second.counts.filter((n) => n !== 1), [], 'a key went out twice');
	});

	test('a worker killed in the middle of a burst, then the platform resends what got no 2xx: When the Execution Finished loses nothing, Immediately only acknowledged events', async (t) => {
		const recorder = await EffectRecorder.start({ answerAfterMs: 300 });
		t.after(async () => await recorder.close());
		// Bull fails a job whose worker stopped renewing its lock once the lock has expired (n8n sets maxStalledCount 0):
		// a short lock shows that within seconds instead of n8n's 60 s.
		const shortLock = { QUEUE_WORKER_LOCK_DURATION: '10000', QUEUE_WORKER_LOCK_RENEW_TIME: '2000', QUEUE_WORKER_STALLED_INTERVAL: '5000', N8N_CONCURRENCY_PRODUCTION_LIMIT: '5' };
		const doomed = await queue.addWorker('n8n worker 3', shortLock);
		const PER_MODE = 100;
		const modes = (['whenFinished', 'immediately'] as const).map((respond, index) => {
			const webhookId = randomUUID();
			const trigger = workflow({
				name: `Queue e2e: a worker killed, respond ${respond}`,
				nodes: [
					chatwootTriggerNode(webhookId, { respond }),
					waitNode('Work', 0.3),
					recorder.node(respond),
				],
			});
			const deliveries = Array.from({ length: PER_MODE }, (_, i): Delivery => chatwootMessageDelivery(50_000 * (index + 1) + i));
			return { respond, trigger, deliveries, url: queue.webhookUrl(`${webhookId}/webhook`), secret: '' };
		});
		await queue.main.importWorkflows(modes.map((mode) => mode.trigger));
		for (const mode of modes) {
			await queue.main.activateWorkflow(mode.trigger.id);
			mode.secret = [...chatwoot.state.webhooks.values()].find((hook) => hook.url === mode.url)?.secret ?? '';
		}
		const sends = modes[0].deliveries.flatMap((delivery, i) => [{ mode: modes[0], delivery }, { mode: modes[1], delivery: modes[1].deliveries[i] }]);
		const sending = pool(sends, 20, async ({ mode, delivery }) => await sendFirst(mode.url, mode.secret, delivery));
		await recorder.waitFor('whenFinished', PER_MODE / 4);
		await doomed.kill();
		await queue.addWorker('n8n worker 4', shortLock);
		await sending;
		const firstAnswered = modes.map((mode) => new Set(mode.deliveries.filter(answered).map((delivery) => delivery.id)));
		try {
			await Promise.all(modes.map(async (mode) => await resendUntilAnswered(mode.url, mode.secret, mode.deliveries, { what: `${mode.respond} deliveries` })));
		} catch (error) {
			const trouble = queue.main.logs().split('\n').filter((line) => /stall|fail|error|warn/i.test(line) && !/Python|UNVERIFIED/.test(line));
			throw new Error(`${String(error)}\n${trouble.slice(-40).join('\n')}`);
		}

		const lost = [];
		for (const [index, mode] of modes.entries()) {
			const executions = await queue.main.settledExecutions(mode.trigger.id);
			const counts = recorder.counts(mode.respond);
			const notRun = mode.deliveries.filter((delivery) => !counts.has(delivery.id));
			const twice = mode.deliveries.filter((delivery) => (counts.get(delivery.id) ?? 0) > 1);
			t.diagnostic(
				`${mode.respond}: ${PER_MODE} sent; lost ${notRun.length}, ran twice ${twice.length}; answers ${JSON.stringify(countBy(mode.deliveries.map((d) => d.statuses.join('/'))))}; ` +
					`executions ${JSON.stringify(countBy(executions.map(({ status }) => status)))}`,
			);
			// A lost event is one the platform had a 2xx for; one answered 2xx at once never runs twice.
			assert.deepEqual(notRun.filter((delivery) => !firstAnswered[index].has(delivery.id)).map((d) => d.id), [], `${mode.respond}: unacknowledged events lost`);
			assert.deepEqual(twice.filter((delivery) => firstAnswered[index].has(delivery.id)).map((d) => d.id), [], `${mode.respond}: acknowledged events ran twice`);
			lost.push(notRun.length);
		}
		assert.equal(lost[0], 0, 'an event answered only once it had run was lost');
	});
});
