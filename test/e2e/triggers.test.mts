/**
 * The trigger nodes in a running n8n against the sandboxes: activation registers the platform webhook (and
 * adopts one that already points here), the sandbox delivers events, and the executions n8n started are
 * counted and read back. Forged, replayed and malformed deliveries must start nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { incomingMessage, runTriggerDemo, wtsTriggerNode } from '../../demo/triggerDemo.mts';
import { wtsCredential } from '../../demo/wtsDemo.mts';
import { toFile } from '../../sandbox/wts/dto.mts';
import { startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import { N8nInstance, prepareExtensions, repoRoot, workflow, type ExecutionResult, type RunItem } from '../harness/n8n.mts';

let wts: WtsSandbox;
let n8n: N8nInstance;

before(async () => {
	wts = await startWtsSandbox({});
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	await n8n.importCredentials([wtsCredential(wts.url, wts.apiKey)]);
	await n8n.start();
	await n8n.setupOwner();
});

after(async () => {
	await n8n?.dispose();
	await wts?.close();
});

/** The single item a trigger node emitted in an execution. */
function triggerItem(execution: ExecutionResult, node: string): RunItem {
	const items = execution.nodes[node]?.flatMap((run) => run.outputs[0] ?? []) ?? [];
	assert.equal(items.length, 1, `expected one item from ${node}: ${JSON.stringify(execution.error)}`);
	return items[0];
}

/** Executions a workflow has once every delivery made so far has been answered (n8n registers them first). */
async function settledExecutions(workflowId: string, expected: number): Promise<ExecutionResult[]> {
	const executions = await n8n.waitForExecutions(workflowId, expected);
	await sleep(300);
	assert.equal((await n8n.listExecutions(workflowId)).length, expected, 'more executions than deliveries that should start one');
	return executions;
}

describe('WTS Chat Trigger', () => {
	const webhookId = randomUUID();
	const trigger = workflow({
		name: 'WTS e2e: trigger',
		nodes: [
			wtsTriggerNode(
				'WTS Trigger',
				{ events: ['MESSAGE_RECEIVED', 'MESSAGE_SENT'], filters: { ignoreApiMessages: true }, options: { downloadMedia: true } },
				webhookId,
			),
		],
	});
	const ownUrl = () => n8n.webhookUrl(`${webhookId}/webhook`);
	const ours = () => [...wts.state.webhookSubscriptions.values()].filter((s) => s.url.split('?')[0] === ownUrl());
	const session = () => wts.seed.sessions[0].id;

	test('activation registers exactly one subscription, for the chosen events, with a secret in its URL', async () => {
		await n8n.importWorkflows([trigger]);
		await n8n.activateWorkflow(trigger.id);
		const registered = ours();
		assert.equal(registered.length, 1);
		assert.deepEqual(registered[0].events, ['MESSAGE_RECEIVED', 'MESSAGE_SENT']);
		assert.equal(registered[0].enabled, true);
		assert.match(new URL(registered[0].url).searchParams.get('secret') ?? '', /^[0-9a-f]{64}$/);
		assert.equal(wts.recorder.invalidRequests().length, 0);
	});

	test('a message starts one execution with its media; retries, forged, unsigned, filtered and malformed deliveries start none', async () => {
		const file = wts.state.files.get(wts.seed.files[0].id);
		assert.ok(file);
		const withMedia = incomingMessage(session(), 'Segue o comprovante', { type: 'IMAGE', fileId: file.id, details: { file: toFile(wts.state, file) } });
		const [first] = await wts.emitWebhook('MESSAGE_RECEIVED', withMedia);
		assert.equal(first.status, 200);

		const retried = await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'Alguém aí?'), { repeat: 3 });
		assert.deepEqual(retried.map((d) => d.status), [200, 200, 200]);

		const withoutSecret = await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'sem segredo'), { removeQueryParams: ['secret'] });
		assert.deepEqual(withoutSecret.map((d) => d.status), [401]);
		const forged = await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'forjada'), {
			alterUrl: (url) => {
				url.searchParams.set('secret', 'f'.repeat(64));
				return url;
			},
		});
		assert.deepEqual(forged.map((d) => d.status), [401]);

		const ownReply = await wts.emitWebhook('MESSAGE_SENT', incomingMessage(session(), 'resposta do fluxo', { origin: 'API' }));
		assert.deepEqual(ownReply.map((d) => d.status), [200]);

		const url = ours()[0].url;
		const post = (body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
		const malformed = await post('{"eventType": "MESSAGE_RECEIVED", "content": ');
		assert.ok(malformed.status >= 400 && malformed.status < 500, `malformed JSON answered ${malformed.status}`);
		const notAPayload = await post('{"hello": "world"}');
		assert.equal(notAPayload.status, 400);

		const [withMediaRun, retriedRun] = await settledExecutions(trigger.id, 2);
		const item = triggerItem(withMediaRun, 'WTS Trigger');
		assert.equal(item.json.event, 'MESSAGE_RECEIVED');
		assert.equal((item.json.content as { id: string }).id, withMedia.id);
		assert.ok(typeof item.json.date === 'string');
		assert.equal(item.binary?.attachment_0?.mimeType, 'image/png');
		assert.equal(item.json.attachmentErrors, undefined);
		assert.equal((triggerItem(retriedRun, 'WTS Trigger').json.content as { text: string }).text, 'Alguém aí?');
	});

	test('deactivation removes the subscription; activation adopts one already pointing here and recreates a deleted one', async () => {
		await n8n.deactivateWorkflow(trigger.id);
		assert.equal(ours().length, 0);

		// Made by hand in WTS: no secret, other events, disabled.
		const manual = await fetch(`${wts.url}/core/v1/webhook/subscription`, {
			method: 'POST',
			headers: { authorization: `Bearer ${wts.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'by hand', url: ownUrl(), enabled: false, events: ['SESSION_NEW'] }),
		}).then((response) => response.json() as Promise<{ id: string }>);
		await n8n.activateWorkflow(trigger.id);
		const adopted = ours();
		assert.equal(adopted.length, 1);
		assert.equal(adopted[0].id, manual.id);
		assert.deepEqual(adopted[0].events, ['MESSAGE_RECEIVED', 'MESSAGE_SENT']);
		assert.equal(adopted[0].enabled, true);
		assert.match(new URL(adopted[0].url).searchParams.get('secret') ?? '', /^[0-9a-f]{64}$/);
		assert.deepEqual((await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session(), 'depois de adotar'))).map((d) => d.status), [200]);
		await settledExecutions(trigger.id, 3);

		// Deleted on the platform while active: deactivation copes, the next activation creates it again.
		wts.state.webhookSubscriptions.delete(manual.id);
		await n8n.deactivateWorkflow(trigger.id);
		await n8n.activateWorkflow(trigger.id);
		assert.equal(ours().length, 1);
		assert.notEqual(ours()[0].id, manual.id);
		await n8n.deactivateWorkflow(trigger.id);
		assert.equal(ours().length, 0);
		assert.equal(wts.recorder.invalidRequests().length, 0);
	});

	test('demo: an incoming message is answered in its session by the workflow', async () => {
		const result = await runTriggerDemo(n8n, wts);
		assert.ok(result.reply, `no reply within ${result.elapsedMs} ms`);
	});
});
