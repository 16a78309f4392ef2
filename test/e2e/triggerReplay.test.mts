/**
 * The triggers' delivery log against replays and crashes in a running n8n (one instance on SQLite for the file).
 * Each execution of a Chatwoot trigger's workflow posts its delivery id to a recorder, so what ran is counted
 * per delivery: a delivery replayed after 2,000 others, or after n8n was stopped and started again on its
 * database, starts nothing; n8n killed (SIGKILL) in the middle of a burst, then the platform resending every
 * delivery that got no 2xx, leaves no event lost with Respond = When the Execution Finished, and with
 * Respond = Immediately loses only events whose execution was stored (and was running at the crash). A third
 * workflow replies through the WTS Chat node with Send Once per Key = the delivery id: no reply goes out twice. A
 * fourth has Respond = Each Event Once: every event ends with exactly one execution in n8n.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { incomingMessage, wtsTriggerNode } from '../../demo/triggerDemo.mts';
import { wtsCredential, wtsNode } from '../../demo/wtsDemo.mts';
import { sendText } from '../../nodes/WtsChat/actions/message/sendText.operation.ts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { sentTextCounts, startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import {
	answered,
	chatwootMessageDelivery,
	countBy,
	EffectRecorder,
	pool,
	post,
	replay,
	resend,
	resendUntilAnswered,
	sendFirst,
	timing,
	WEBHOOK_ANSWER_TIMEOUT_MS,
	type Answer,
	type Delivery,
} from '../harness/deliveries.mts';
import { customNodeType, N8nInstance, prepareExtensions, repoRoot, startItemJson, waitNode, workflow, type NodeSpec, type Workflow } from '../harness/n8n.mts';

const CHATWOOT_CREDENTIAL = { id: 'cwReplayCred0001', name: 'Chatwoot (replay sandbox)' };
const KONVERTE_CREDENTIAL = { id: 'kdReplayCred0001', name: 'Konverte Digital (replay sandbox)' };
const CONCURRENCY = 50;
const OTHERS = 2_000;

let chatwoot: ChatwootSandbox;
let wts: WtsSandbox;
let recorder: EffectRecorder;
let n8n: N8nInstance;

/** A Chatwoot trigger whose every execution records its delivery id under `label`, or ends in another `effect`. */
function recordingTrigger(label: string, respond: 'immediately' | 'whenFinished' | 'eachEventOnce', effect?: NodeSpec): { workflow: Workflow; url: () => string; secret: () => string } {
	const webhookId = randomUUID();
	const url = () => n8n.webhookUrl(`${webhookId}/webhook`);
	return {
		workflow: workflow({
			name: `Replay e2e: Chatwoot, respond ${respond}${effect ? `, ${effect.name}` : ''}`,
			nodes: [
				{
					name: 'Chatwoot Trigger',
					type: customNodeType('chatwootTrigger'),
					typeVersion: 1,
					webhookId,
					parameters: { events: ['message_created'], filters: {}, options: { respond, maxDeliveryAgeMinutes: 30 } },
					credentials: { chatwootApi: CHATWOOT_CREDENTIAL },
				},
				// Work before the effect, longer than n8n takes to answer a delivery at this load, and an effect that takes a
				// while (the recorder answers after 200 ms): a crash finds executions before and after their effect.
				waitNode('Work', 3),
				effect ?? recorder.node(label),
			],
		}),
		url,
		secret: () => {
			const hook = [...chatwoot.state.webhooks.values()].find((candidate) => candidate.url === url());
			assert.ok(hook, `no Chatwoot webhook for ${url()}`);
			return hook.secret;
		},
	};
}

let immediately: ReturnType<typeof recordingTrigger>;
let whenFinished: ReturnType<typeof recordingTrigger>;
/** Respond = Each Event Once: executions started through the trigger with n8n's deduplication key. */
let eachOnce: ReturnType<typeof recordingTrigger>;
/** Respond = When the Execution Finished; its effect is a WTS reply carrying the delivery id, sent once per delivery id. */
let repliesOnce: ReturnType<typeof recordingTrigger>;
const REPLY_TO = '+55|11946000000';
const wtsHook = randomUUID();
const konverteHook = randomUUID();
const wtsWorkflow = workflow({ name: 'Replay e2e: WTS', nodes: [wtsTriggerNode('WTS Trigger', { events: ['MESSAGE_RECEIVED'], filters: {}, options: {} }, wtsHook)] });
const konverteWorkflow = workflow({
	name: 'Replay e2e: Konverte Digital',
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

before(async () => {
	[chatwoot, wts, recorder] = await Promise.all([
		startChatwootSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS }),
		startWtsSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS }),
		EffectRecorder.start({ answerAfterMs: 200 }),
	]);
	// n8n 2.40.7's default expression engine ("vm") builds an isolate bridge for every webhook call and every
	// execution, one at a time: about ten times the cost per delivery, whatever the concurrency. The delivery log does
	// not depend on the engine; the classic one keeps 2,000 deliveries within a minute or so.
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)], env: { N8N_EXPRESSION_ENGINE: 'legacy' } });
	const data = { url: chatwoot.url, accessToken: chatwoot.userToken, accountId: String(chatwoot.accountId) };
	await n8n.importCredentials([
		{ ...CHATWOOT_CREDENTIAL, type: 'chatwootApi', data },
		{ ...KONVERTE_CREDENTIAL, type: 'konverteDigitalApi', data },
		wtsCredential(wts.url, wts.apiKey),
	]);
	immediately = recordingTrigger('immediately', 'immediately');
	whenFinished = recordingTrigger('finished', 'whenFinished');
	eachOnce = recordingTrigger('each', 'eachEventOnce');
	repliesOnce = recordingTrigger(
		'once',
		'whenFinished',
		wtsNode('Reply Once', {
			resource: 'message',
			operation: sendText.value,
			from: wts.seed.channels[0].id,
			to: REPLY_TO,
			text: '={{ $json.deliveryId }}',
			options: {},
			requestOptions: { sendOnceKey: '={{ $json.deliveryId }}' },
		}),
	);
	await n8n.importWorkflows([immediately.workflow, whenFinished.workflow, repliesOnce.workflow, eachOnce.workflow, wtsWorkflow, konverteWorkflow]);
	await n8n.start();
	await n8n.setupOwner();
	for (const wf of [immediately.workflow, whenFinished.workflow, repliesOnce.workflow, eachOnce.workflow, wtsWorkflow, konverteWorkflow]) await n8n.activateWorkflow(wf.id);
});

after(async () => {
	await n8n?.dispose();
	await Promise.all([chatwoot?.close(), wts?.close(), recorder?.close()]);
});

/** Sends each delivery's first attempt, CONCURRENCY at a time, and says how long that took. */
async function burst(url: string, deliveries: Delivery[], send: (url: string, delivery: Delivery) => Promise<Answer>): Promise<{ answers: Answer[]; wallMs: number }> {
	const startedAt = performance.now();
	const answers = await pool(deliveries, CONCURRENCY, async (delivery) => await send(url, delivery));
	return { answers, wallMs: performance.now() - startedAt };
}

/** The kinds of answers; one that is not 2xx says why, so a failed run tells what n8n or the trigger answered. */
const statusesOf = (answers: Answer[]) =>
	[...new Set(answers.map((answer) => `${answer.status} started=${String(answer.started)}${answer.failure === undefined ? '' : ` (${answer.failure})`}`))];

/** How many WTS replies carrying each delivery's id the sandbox took. */
function repliesOf(deliveries: Delivery[]): Map<string, number> {
	const ids = new Set(deliveries.map((delivery) => delivery.id));
	return new Map([...sentTextCounts(wts.recorder)].filter(([text]) => ids.has(text)));
}

/** Every delivery's effects under `label`: how many ran once, not at all, more than once. */
function tally(label: string, deliveries: Delivery[]): { once: number; lost: Delivery[]; doubled: Delivery[] } {
	const counts = recorder.counts(label);
	const lost = deliveries.filter((delivery) => (counts.get(delivery.id) ?? 0) === 0);
	const doubled = deliveries.filter((delivery) => (counts.get(delivery.id) ?? 0) > 1);
	return { once: deliveries.length - lost.length - doubled.length, lost, doubled };
}

describe('Chatwoot Trigger: replays after many deliveries and after a restart', () => {
	let first: Delivery;
	let others: Delivery[];

	test(`a delivery replayed after ${OTHERS} others starts nothing; each of them ran exactly once`, async (t) => {
		const secret = immediately.secret();
		const url = immediately.url();
		first = chatwootMessageDelivery(0);
		assert.deepEqual(await sendFirst(url, secret, first).then(({ status, started }) => ({ status, started })), { status: 200, started: true });

		others = Array.from({ length: OTHERS }, (_, index) => chatwootMessageDelivery(index + 1));
		const { answers, wallMs } = await burst(url, others, async (u, delivery) => await sendFirst(u, secret, delivery));
		t.diagnostic(`Respond = Immediately, concurrency ${CONCURRENCY}: ${timing(answers, wallMs)}`);
		assert.deepEqual(statusesOf(answers), ['200 started=true']);

		// The first delivery again: byte for byte, re-signed under its id as Chatwoot retries, and its signature under another id.
		assert.equal((await replay(url, first)).started, false);
		assert.equal((await resend(url, secret, first)).started, false);
		assert.ok(first.first);
		assert.equal((await post(url, first, { ...first.first, 'x-chatwoot-delivery': randomUUID() })).started, false);

		await recorder.waitFor('immediately', OTHERS + 1);
		const { once, lost, doubled } = tally('immediately', [first, ...others]);
		assert.deepEqual({ once, lost: lost.length, doubled: doubled.length }, { once: OTHERS + 1, lost: 0, doubled: 0 });

		// Every one of them replayed: each is answered without starting anything.
		const replays = await burst(url, [first, ...others], replay);
		t.diagnostic(`replays of known deliveries: ${timing(replays.answers, replays.wallMs)}`);
		assert.deepEqual(statusesOf(replays.answers), ['200 started=false']);
		assert.equal(recorder.count('immediately'), OTHERS + 1);
	});

	test('after n8n is stopped and started again on the same database, replays of all of them start nothing; WTS and Konverte Digital too', async () => {
		const wtsMessage = incomingMessage(wts.seed.sessions[0].id, 'Antes de reiniciar');
		assert.deepEqual((await wts.emitWebhook('MESSAGE_RECEIVED', wtsMessage)).map((delivery) => delivery.status), [200]);
		const konverteUrl = n8n.webhookUrl(`${konverteHook}/webhook`);
		const konverteSecret = [...chatwoot.state.webhooks.values()].find((hook) => hook.url === konverteUrl)?.secret ?? '';
		const konverteDelivery = chatwootMessageDelivery(1);
		assert.equal((await sendFirst(konverteUrl, konverteSecret, konverteDelivery)).started, true);
		await n8n.waitForExecutions(wtsWorkflow.id, 1);
		await n8n.waitForExecutions(konverteWorkflow.id, 1);

		await n8n.stop();
		await n8n.start();

		const url = immediately.url();
		const replays = await burst(url, [first, ...others], replay);
		assert.deepEqual(statusesOf(replays.answers), ['200 started=false']);
		assert.equal((await resend(url, immediately.secret(), first)).started, false);
		assert.equal((await replay(konverteUrl, konverteDelivery)).started, false);
		assert.equal((await resend(konverteUrl, konverteSecret, konverteDelivery)).started, false);
		// WTS sends no id: the same event and content with a new date is the same delivery.
		assert.deepEqual((await wts.emitWebhook('MESSAGE_RECEIVED', wtsMessage)).map((delivery) => delivery.status), [200]);

		assert.equal(recorder.count('immediately'), OTHERS + 1);
		assert.equal((await n8n.settledExecutions(immediately.workflow.id)).length, OTHERS + 1);
		assert.equal((await n8n.settledExecutions(wtsWorkflow.id)).length, 1);
		assert.equal((await n8n.settledExecutions(konverteWorkflow.id)).length, 1);
	});
});

describe('Chatwoot Trigger: n8n killed in the middle of a burst, then the platform resends what got no 2xx', () => {
	const PER_MODE = 200;

	test('Respond = When the Execution Finished loses nothing, Immediately only events whose execution was stored; an event runs twice only when its first run lost its answer or n8n re-ran it at boot; a reply sent once per key never goes out twice; with Each Event Once every event has exactly one execution and no effect happens twice', async (t) => {
		const allModes = [
			{ label: 'finished', trigger: whenFinished, secret: whenFinished.secret(), url: whenFinished.url() },
			{ label: 'immediately', trigger: immediately, secret: immediately.secret(), url: immediately.url() },
			{ label: 'once', trigger: repliesOnce, secret: repliesOnce.secret(), url: repliesOnce.url() },
			{ label: 'each', trigger: eachOnce, secret: eachOnce.secret(), url: eachOnce.url() },
		].map((mode, index) => ({ ...mode, deliveries: Array.from({ length: PER_MODE }, (_, i) => chatwootMessageDelivery(10_000 * (index + 1) + i)) }));
		// The first two record every execution; the third is counted by the replies the WTS sandbox took; the fourth by
		// its executions in n8n.
		const modes = allModes.slice(0, 2);
		const [finished, atOnce, once, each] = allModes;
		const effectsBefore = recorder.effects.length;
		const lastIdBeforeBurst = Math.max(0, ...(await Promise.all(allModes.map(async (mode) => await n8n.listExecutions(mode.trigger.workflow.id)))).flat().map(({ id }) => Number(id)));
		const sends = finished.deliveries.flatMap((delivery, i) => [
			{ mode: finished, delivery },
			{ mode: atOnce, delivery: atOnce.deliveries[i] },
			{ mode: once, delivery: once.deliveries[i] },
			{ mode: each, delivery: each.deliveries[i] },
		]);
		const sending = pool(sends, CONCURRENCY, async ({ mode, delivery }) => await sendFirst(mode.url, mode.secret, delivery));
		await recorder.waitFor('finished', recorder.count('finished') + PER_MODE / 4);
		await n8n.kill();
		const killedAt = new Date().toISOString();
		await sending;
		const effectsBeforeRestart = recorder.effects.length;
		const acknowledged = new Map(allModes.map((mode) => [mode.label, new Set(mode.deliveries.filter(answered).map((delivery) => delivery.id))]));
		const repliesBeforeRestart = repliesOf(once.deliveries);

		await n8n.start();
		const lastIdBeforeResends = new Map<string, number>();
		for (const mode of allModes) {
			lastIdBeforeResends.set(mode.label, Math.max(0, ...(await n8n.listExecutions(mode.trigger.workflow.id)).map(({ id }) => Number(id))));
		}
		// What was answered 2xx before the kill is in the log n8n saved: replaying it starts nothing.
		const acknowledgedReplays = await pool(
			allModes.flatMap((mode) => mode.deliveries.filter((delivery) => acknowledged.get(mode.label)?.has(delivery.id)).map((delivery) => ({ mode, delivery }))),
			CONCURRENCY,
			async ({ mode, delivery }) => await replay(mode.url, delivery),
		);
		const rounds = await Promise.all(allModes.map(async (mode) => await resendUntilAnswered(mode.url, mode.secret, mode.deliveries)));

		const figures = [];
		for (const mode of modes) {
			const executions = (await n8n.settledExecutions(mode.trigger.workflow.id)).filter(({ id }) => Number(id) > lastIdBeforeBurst);
			// Executions stored before the kill that ran after the restart: n8n runs the ones it had not started yet at boot.
			const rerunByN8n = new Set<string>();
			for (const { id } of executions.filter((e) => Number(e.id) <= (lastIdBeforeResends.get(mode.label) ?? 0) && e.status === 'success' && (e.stoppedAt ?? '') > killedAt)) {
				const item = (await n8n.getExecution(id)).nodes['Chatwoot Trigger']?.[0]?.outputs[0]?.[0];
				rerunByN8n.add(String(item?.json.deliveryId));
			}
			const beforeRestart = new Map<string, number>();
			for (const effect of recorder.effects.slice(effectsBefore, effectsBeforeRestart)) {
				if (effect.label === mode.label) beforeRestart.set(effect.deliveryId, (beforeRestart.get(effect.deliveryId) ?? 0) + 1);
			}
			const all = recorder.counts(mode.label);
			const acked = acknowledged.get(mode.label) ?? new Set();
			const { once, lost, doubled } = tally(mode.label, mode.deliveries);
			figures.push({ mode, all, beforeRestart, acked, lost, doubled, rerunByN8n });
			t.diagnostic(
				`${mode.label}: ${PER_MODE} sent, ${acked.size} answered 2xx before the kill; ran once ${once}, lost ${lost.length} (${lost.filter((d) => !acked.has(d.id)).length} of them unanswered but in the log), twice or more ${doubled.length} ` +
					`(${doubled.filter((d) => beforeRestart.has(d.id)).length} had run before the kill without an answer, ${doubled.filter((d) => rerunByN8n.has(d.id)).length} were re-run by n8n at boot); ` +
					`executions ${JSON.stringify(countBy(executions.map(({ status }) => status)))}; resend rounds ${rounds[modes.indexOf(mode)]}`,
			);
		}

		assert.deepEqual(statusesOf(acknowledgedReplays), acknowledgedReplays.length ? ['200 started=false'] : []);
		for (const { mode, all, beforeRestart, acked, lost, rerunByN8n } of figures) {
			// A lost event was acknowledged, or the crash cut its answer after the log had it (its resend started nothing);
			// every event the log did not have ran.
			assert.deepEqual(lost.filter((delivery) => !acked.has(delivery.id) && delivery.started !== false).map((d) => d.id), [], `${mode.label}: events the log did not have were lost`);
			for (const delivery of mode.deliveries) {
				const runs = all.get(delivery.id) ?? 0;
				// At most one run comes from the platform's deliveries after the restart; a second one only from n8n's own re-run at boot.
				const allowed = (beforeRestart.get(delivery.id) ?? 0) + 1 + (rerunByN8n.has(delivery.id) ? 1 : 0);
				assert.ok(runs <= allowed, `${mode.label}: ${delivery.id} ran ${runs} times (before the kill ${beforeRestart.get(delivery.id) ?? 0}, answered ${acked.has(delivery.id)}, re-run by n8n ${rerunByN8n.has(delivery.id)})`);
				// What was acknowledged is never run again by the platform's resends or replays.
				if (acked.has(delivery.id)) assert.ok(runs <= 1, `${mode.label}: acknowledged ${delivery.id} ran ${runs} times`);
			}
		}
		assert.deepEqual(figures[0].lost.map((d) => d.id), [], 'an event answered only once it had run was lost');

		// Send Once per Key: the reply's key is recorded just before its request, so an event whose execution ran
		// again (its answer lost, or re-run by n8n at boot) finds it and skips the reply.
		const replies = repliesOf(once.deliveries);
		const lostReplies = once.deliveries.filter((delivery) => (replies.get(delivery.id) ?? 0) === 0);
		const doubledReplies = once.deliveries.filter((delivery) => (replies.get(delivery.id) ?? 0) > 1);
		const onceExecutions = (await n8n.settledExecutions(once.trigger.workflow.id)).filter(({ id }) => Number(id) > lastIdBeforeBurst);
		// Whether each event's last execution skipped its reply (its key was recorded by an earlier run).
		const skippedAfterRestart = new Set<string>();
		for (const { id } of onceExecutions.filter((e) => Number(e.id) > (lastIdBeforeResends.get('once') ?? 0) && e.status === 'success')) {
			const execution = await n8n.getExecution(id);
			const reply = execution.nodes['Reply Once']?.[0]?.outputs[0]?.[0];
			if (reply?.json.skipped === true) skippedAfterRestart.add(String(reply.json.sendOnceKey));
		}
		t.diagnostic(
			`once: ${PER_MODE} sent, ${acknowledged.get('once')?.size ?? 0} answered 2xx before the kill; replies sent once ${PER_MODE - lostReplies.length - doubledReplies.length}, ` +
				`twice or more ${doubledReplies.length}, none ${lostReplies.length}; ${repliesBeforeRestart.size} replied before the kill, ` +
				`${skippedAfterRestart.size} runs after the restart skipped a reply already sent or claimed; executions ${JSON.stringify(countBy(onceExecutions.map(({ status }) => status)))}`,
		);
		assert.deepEqual(doubledReplies.map((d) => d.id), [], 'a reply sent once per key went out twice');
		// A reply can be missing only where a run had claimed its key and the crash came before the request reached the platform.
		assert.deepEqual(lostReplies.filter((delivery) => !skippedAfterRestart.has(delivery.id)).map((d) => d.id), [], 'a reply is missing whose key was never claimed');

		// Each Event Once: n8n holds exactly one execution per event, whatever was resent and whatever n8n ran again at
		// start; one the crash cut short stays so, and its event's effect is missing rather than doubled.
		const executionsOf = new Map<string, string[]>();
		const eachExecutions = (await n8n.settledExecutions(each.trigger.workflow.id)).filter(({ id }) => Number(id) > lastIdBeforeBurst);
		for (const { id, status } of eachExecutions) {
			const deliveryId = String(startItemJson(await n8n.getExecution(id), 'Chatwoot Trigger')?.deliveryId);
			executionsOf.set(deliveryId, [...(executionsOf.get(deliveryId) ?? []), status]);
		}
		const eachEffects = recorder.counts('each');
		const effectsOf = (delivery: Delivery) => eachEffects.get(delivery.id) ?? 0;
		const cutShort = each.deliveries.filter((delivery) => executionsOf.get(delivery.id)?.[0] !== 'success');
		t.diagnostic(
			`each: ${PER_MODE} sent, ${acknowledged.get('each')?.size ?? 0} answered 2xx before the kill; executions ${JSON.stringify(countBy(eachExecutions.map(({ status }) => status)))}; ` +
				`events with one execution ${each.deliveries.filter((d) => executionsOf.get(d.id)?.length === 1).length}; effects once ${each.deliveries.filter((d) => effectsOf(d) === 1).length}, ` +
				`twice or more ${each.deliveries.filter((d) => effectsOf(d) > 1).length}, none ${each.deliveries.filter((d) => effectsOf(d) === 0).length} (${cutShort.length} executions cut short by the kill); resend rounds ${rounds[3]}`,
		);
		assert.deepEqual(
			each.deliveries.filter((d) => executionsOf.get(d.id)?.length !== 1).map((d) => `${d.id}: ${executionsOf.get(d.id)?.join(', ') ?? 'no execution'}`),
			[],
			'Each Event Once: an event without exactly one execution',
		);
		assert.deepEqual(each.deliveries.filter((d) => effectsOf(d) > 1).map((d) => d.id), [], 'Each Event Once: an effect happened twice');
		assert.deepEqual(
			each.deliveries.filter((d) => effectsOf(d) === 0 && !cutShort.includes(d)).map((d) => d.id),
			[],
			'Each Event Once: an effect is missing whose execution ran to its end',
		);
		assert.deepEqual(
			each.deliveries.filter((d) => acknowledged.get('each')?.has(d.id) && cutShort.includes(d)).map((d) => d.id),
			[],
			'Each Event Once: an event answered 2xx whose execution did not finish',
		);
	});
});
