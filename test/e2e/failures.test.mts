/**
 * Failed items in a real n8n 2.x against the sandboxes, one n8n instance for the file:
 * - "On Error: Continue (using error output)": failed items go to the error output, the others to the main
 *   output, each paired with its input item (a WTS and a Chatwoot operation).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { byId, chatwootCredentials, chatwootNode } from '../../demo/chatwootDemo.mts';
import { wtsCredential, wtsNode } from '../../demo/wtsDemo.mts';
import { createMessage } from '../../nodes/Chatwoot/actions/message/create.operation.ts';
import { sendText } from '../../nodes/WtsChat/actions/message/sendText.operation.ts';
import type { RecordedRequest } from '../../sandbox/core/recorder.mts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { startWtsSandbox } from '../../sandbox/wts/server.mts';
import {
	codeNode,
	connect,
	manualTrigger,
	N8nInstance,
	prepareExtensions,
	repoRoot,
	workflow,
	type ExecutionResult,
	type NodeSpec,
	type RunItem,
	type Workflow,
} from '../harness/n8n.mts';

type WtsSandbox = Awaited<ReturnType<typeof startWtsSandbox>>;

let wts: WtsSandbox;
let chatwoot: ChatwootSandbox;
let n8n: N8nInstance;
const results = new Map<string, ExecutionResult>();

/** Sandboxes do not limit these runs: the node need not pace itself. */
const requestOptions = { paceToLimits: false, maxRetries: 0 };

function jsonBody(request: RecordedRequest): Record<string, unknown> {
	return request.body.kind === 'json' ? (request.body.value as Record<string, unknown>) : {};
}

const noOp = (name: string): NodeSpec => ({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1 });

/** Start → items made by a Code node → the node under test, whose main output feeds "Sent" and error output "Failed". */
function errorOutputWorkflow(name: string, items: Array<Record<string, unknown>>, node: NodeSpec): Workflow {
	return workflow({
		name,
		nodes: [manualTrigger(), codeNode('Make Items', `return ${JSON.stringify(items)}.map((json) => ({ json }));`), { ...node, onError: 'continueErrorOutput' }, noOp('Sent'), noOp('Failed')],
		connections: connect(['Start', 'Make Items'], ['Make Items', node.name], { from: node.name, to: 'Sent' }, { from: node.name, to: 'Failed', output: 1 }),
	});
}

function runOf(workflowId: string): ExecutionResult {
	const result = results.get(workflowId);
	assert.ok(result, `workflow ${workflowId} did not run`);
	return result;
}

function outputsOf(workflowId: string, node: string): RunItem[][] {
	const result = runOf(workflowId);
	const [run] = result.nodes[node] ?? [];
	assert.ok(run, `node "${node}" did not run: ${result.error?.message ?? ''}`);
	return run.outputs;
}

const pairedIndexes = (items: RunItem[]) => items.map((item) => item.pairedItem?.[0]?.item);

const WTS_ERROR_OUTPUT_REFUSED = '+55|11944000004';
let wtsErrorOutput: Workflow;
let chatwootErrorOutput: Workflow;

before(async () => {
	[wts, chatwoot] = await Promise.all([startWtsSandbox({}), startChatwootSandbox({ autoWebhooks: false })]);
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	await n8n.importCredentials([wtsCredential(wts.url, wts.apiKey), ...chatwootCredentials(chatwoot)]);

	wtsErrorOutput = errorOutputWorkflow(
		'Failures e2e: WTS Send Text with an error output',
		[0, 1, 2, 3, 4, 5].map((i) => ({ to: `+55|1194400000${i}`, text: i === 1 ? ' ' : `Pedido ${i}` })),
		wtsNode('Send', { resource: 'message', operation: sendText.value, from: wts.seed.channels[0].id, to: '={{ $json.to }}', text: '={{ $json.text }}', options: {}, requestOptions }),
	);
	const conversation = chatwoot.seed.conversationIds[0];
	chatwootErrorOutput = errorOutputWorkflow(
		'Failures e2e: Chatwoot Message Create with an error output',
		[conversation, 'abc', 999_999, conversation].map((conversationId, i) => ({ conversationId: String(conversationId), content: `Saída de erro ${i}` })),
		chatwootNode('Send', {
			api: 'application',
			resource: createMessage.resource,
			operation: createMessage.value,
			accountId: byId(chatwoot.accountId),
			conversationId: '={{ $json.conversationId }}',
			content: '={{ $json.content }}',
			messageType: 'outgoing',
			private: false,
			attachments: '',
			options: {},
			requestOptions,
		}),
	);
	// Item 4 of the WTS run is refused by the API, as a real refusal would be.
	wts.faults.add({ method: 'POST', path: '/chat/v1/message/send', bodyIncludes: WTS_ERROR_OUTPUT_REFUSED, fault: { kind: 'status', status: 422 } });
	const first = [wtsErrorOutput, chatwootErrorOutput];
	await n8n.importWorkflows(first);
	for (const [id, result] of await n8n.executeMany(first.map((wf) => wf.id))) results.set(id, result);
});

after(async () => {
	await n8n?.dispose();
	await Promise.all([wts?.close(), chatwoot?.close()]);
});

describe('On Error: Continue (using error output)', () => {
	test('WTS Send Text: the refused and the failed item go to the error output, the others to the main output, each paired', () => {
		const [sent, failed] = outputsOf(wtsErrorOutput.id, 'Send');
		assert.deepEqual(pairedIndexes(sent), [0, 2, 3, 5]);
		assert.ok(sent.every((item) => typeof item.json.id === 'string'), JSON.stringify(sent.map((item) => item.json)));
		assert.deepEqual(pairedIndexes(failed), [1, 4]);
		assert.equal(failed[0].json.error, 'Write a text to send');
		assert.match(String(failed[1].json.error), /^WTS Chat answered 422/);
		assert.match(String(failed[1].json.details), /Request: POST \/chat\/v1\/message\/send/);
		// n8n adds the failed item's input fields to its error item.
		assert.deepEqual([failed[0].json.to, failed[1].json.to], ['+55|11944000001', WTS_ERROR_OUTPUT_REFUSED]);
		assert.deepEqual(pairedIndexes(outputsOf(wtsErrorOutput.id, 'Sent')[0]), [0, 1, 2, 3]);
		assert.equal(outputsOf(wtsErrorOutput.id, 'Failed')[0].length, 2);
		const sends = wts.recorder.requests().filter((r) => r.path === '/chat/v1/message/send' && String(jsonBody(r).to).startsWith('+55|119440000'));
		assert.deepEqual(sends.map((r) => [jsonBody(r).to, r.status]).sort(), [0, 2, 3, 4, 5].map((i) => [`+55|1194400000${i}`, i === 4 ? 422 : 200]));
	});

	test('Chatwoot Message Create: the refused and the failed item go to the error output, the others to the main output, each paired', () => {
		const [sent, failed] = outputsOf(chatwootErrorOutput.id, 'Send');
		assert.deepEqual(pairedIndexes(sent), [0, 3]);
		assert.deepEqual(sent.map((item) => item.json.content), ['Saída de erro 0', 'Saída de erro 3']);
		assert.deepEqual(pairedIndexes(failed), [1, 2]);
		assert.equal(failed[0].json.error, 'Conversation ID must be a number');
		assert.match(String(failed[1].json.error), /^Chatwoot answered 404/);
		assert.deepEqual([failed[0].json.conversationId, failed[1].json.conversationId], ['abc', '999999']);
		assert.equal(outputsOf(chatwootErrorOutput.id, 'Sent')[0].length, 2);
		assert.equal(outputsOf(chatwootErrorOutput.id, 'Failed')[0].length, 2);
		const creates = chatwoot.recorder.requests({ method: 'POST' }).filter((r) => String(jsonBody(r).content).startsWith('Saída de erro'));
		assert.deepEqual(creates.map((r) => jsonBody(r).content).sort(), ['Saída de erro 0', 'Saída de erro 2', 'Saída de erro 3']);
	});
});
