/**
 * Failed items in a real n8n 2.x against the sandboxes, one n8n instance for the file:
 * - "On Error: Continue (using error output)": failed items go to the error output, the others to the main
 *   output, each paired with its input item (a WTS and a Chatwoot operation).
 * - A stopped run never leads to a message sent twice, for WTS Send Text, WTS Send Template through the
 *   batch endpoint and Chatwoot Message Create, 1,000 items each, Continue On Fail off: a bad item at index
 *   600 stops the node before anything is sent; a send refused at item 600 stops the run, and its error
 *   lists exactly the items the sandbox took; running the rest again brings each item to the sandbox once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { byId, chatwootCredentials, chatwootNode } from '../../demo/chatwootDemo.mts';
import { wtsCredential, wtsNode } from '../../demo/wtsDemo.mts';
import { createMessage } from '../../nodes/Chatwoot/actions/message/create.operation.ts';
import { sendText } from '../../nodes/WtsChat/actions/message/sendText.operation.ts';
import type { FaultRuleInput } from '../../sandbox/core/faults.mts';
import { jsonBodyOf, type RecordedRequest } from '../../sandbox/core/recorder.mts';
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

/** Chatwoot Message › Create of each item's content in its conversation. */
const chatwootSend = (): NodeSpec =>
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
	});
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

const BULK = 1000;
const BAD = 600;
const everyIndex = Array.from({ length: BULK }, (_, i) => i);
const pad = (i: number) => String(i).padStart(4, '0');

/** One bulk operation under test: how its items are made and sent, and how the sandbox saw them. */
interface BulkCase {
	title: string;
	/** The input item of an index; `bad` makes it one the node must refuse. */
	item(index: number, bad: boolean): Record<string, unknown>;
	node(): NodeSpec;
	/** A text only the request carrying item `index` holds, for the sandbox to refuse that request. */
	refusal(index: number): FaultRuleInput;
	/** Per accepted request of this case's items, the indexes it carried (several for a batch). */
	accepted(request: RecordedRequest): number[];
	/** Whether a request carries this case's items (the bad-item run and the real run use other values). */
	carries(request: RecordedRequest, run: 'bad' | 'real'): boolean;
}

const indexOfPhone = (prefix: string, phone: unknown) => (typeof phone === 'string' && phone.startsWith(prefix) ? Number(phone.slice(prefix.length)) : undefined);

function bulkCases(): BulkCase[] {
	const channel = wts.seed.channels[0].id;
	const template = wts.seed.templates.find((t) => t.channelId === channel && t.status === 'Approved' && t.variables.length === 0 && t.fileType === 'UNDEFINED');
	assert.ok(template, 'no approved template without variables on the first channel');
	const conversations = chatwoot.seed.conversationIds;
	const textPrefix = { bad: '+55|1196610', real: '+55|1196620' };
	const templatePrefix = { bad: '+55|1195510', real: '+55|1195520' };
	const contentPrefix = { bad: 'Lote ruim ', real: 'Lote ' };
	const ok = (request: RecordedRequest) => request.status !== null && request.status >= 200 && request.status < 300;
	return [
		{
			title: 'WTS Send Text',
			item: (index, bad) => ({ to: `${bad ? textPrefix.bad : textPrefix.real}${pad(index)}`, text: bad && index === BAD ? ' ' : `Pedido ${index}` }),
			node: () => wtsNode('Send', { resource: 'message', operation: sendText.value, from: channel, to: '={{ $json.to }}', text: '={{ $json.text }}', options: {}, requestOptions }),
			refusal: (index) => ({ method: 'POST', path: '/chat/v1/message/send', bodyIncludes: `"${textPrefix.real}${pad(index)}"`, fault: { kind: 'status', status: 422 } }),
			accepted: (request) => {
				const index = indexOfPhone(textPrefix.real, jsonBodyOf(request)?.to);
				return ok(request) && index !== undefined ? [index] : [];
			},
			carries: (request, run) => request.path === '/chat/v1/message/send' && indexOfPhone(textPrefix[run], jsonBodyOf(request)?.to) !== undefined,
		},
		{
			title: 'WTS Send Template with Use Batch Endpoints',
			item: (index, bad) => ({ to: bad && index === BAD ? '' : `${bad ? templatePrefix.bad : templatePrefix.real}${pad(index)}` }),
			node: () =>
				wtsNode('Send', { resource: 'message', operation: 'queueTemplate', from: channel, templateId: template.id, to: '={{ $json.to }}', requestOptions: { ...requestOptions, useBatchEndpoints: true } }),
			refusal: (index) => ({ method: 'POST', path: '/chat/v1/send/template/batch', bodyIncludes: `"${templatePrefix.real}${pad(index)}"`, fault: { kind: 'status', status: 422 } }),
			accepted: (request) => {
				if (!ok(request)) return [];
				const messages = (jsonBodyOf(request)?.messages ?? []) as Array<{ to?: string }>;
				return messages.map((m) => indexOfPhone(templatePrefix.real, m.to)).filter((i): i is number => i !== undefined);
			},
			carries: (request, run) =>
				request.path.startsWith('/chat/v1/send/template') &&
				[jsonBodyOf(request)?.to, ...((jsonBodyOf(request)?.messages ?? []) as Array<{ to?: string }>).map((m) => m.to)].some((to) => indexOfPhone(templatePrefix[run], to) !== undefined),
		},
		{
			title: 'Chatwoot Message Create',
			item: (index, bad) => ({
				conversationId: bad && index === BAD ? 'abc' : String(conversations[index % conversations.length]),
				content: `${bad ? contentPrefix.bad : contentPrefix.real}${index}`,
			}),
			node: chatwootSend,
			refusal: (index) => ({ method: 'POST', path: '/api/v1/accounts/', bodyIncludes: `"${contentPrefix.real}${index}"`, fault: { kind: 'status', status: 422 } }),
			accepted: (request) => {
				const content = jsonBodyOf(request)?.content;
				const index = typeof content === 'string' && /^Lote \d+$/.test(content) ? Number(content.slice(contentPrefix.real.length)) : undefined;
				return ok(request) && index !== undefined ? [index] : [];
			},
			carries: (request, run) => {
				const content = jsonBodyOf(request)?.content;
				return typeof content === 'string' && (run === 'bad' ? content.startsWith(contentPrefix.bad) : /^Lote \d+$/.test(content));
			},
		},
	];
}

/** Start → the given items of a case → its node (Continue On Fail off: the node's error stops the run). */
function bulkWorkflow(bulkCase: BulkCase, label: string, indexes: number[], bad: boolean): Workflow {
	const items = indexes.map((index) => bulkCase.item(index, bad));
	return workflow({
		name: `Failures e2e: ${bulkCase.title}, ${label}`,
		nodes: [manualTrigger(), codeNode('Make Items', `return ${JSON.stringify(items)}.map((json) => ({ json }));`), bulkCase.node()],
	});
}

interface StoredError {
	message: string;
	description?: string;
	context: Record<string, unknown>;
}

/** The error that stopped a run, as n8n stored it. */
function runErrorOf(workflowId: string): StoredError | undefined {
	const raw = runOf(workflowId).raw as { resultData?: { error?: Record<string, unknown> } };
	const error = raw.resultData?.error;
	if (!error) return undefined;
	return { message: String(error.message), description: typeof error.description === 'string' ? error.description : undefined, context: (error.context ?? {}) as Record<string, unknown> };
}

/** "0-599, 601" → [0, ..., 599, 601] */
function parseRanges(text: string): number[] {
	if (!text.trim()) return [];
	return text.split(',').flatMap((part) => {
		const [from, to = from] = part.trim().split('-').map(Number);
		return Array.from({ length: to - from + 1 }, (_, i) => from + i);
	});
}

interface BulkRuns {
	bulkCase: BulkCase;
	badRun: Workflow;
	stoppedRun: Workflow;
	/** Requests of the case's items the sandbox received during the stopped run. */
	duringStoppedRun: RecordedRequest[];
	rerun?: Workflow;
}

const bulk: BulkRuns[] = [];

const WTS_ERROR_OUTPUT_REFUSED = '+55|11944000004';
let wtsErrorOutput: Workflow;
let chatwootErrorOutput: Workflow;

/** Send Once per Key: 10 orders, run twice; in the first run order 3 is refused (422) and order 7 answered 500. */
const ORDERS = 10;
const orderPhone = (order: number) => `+55|1194500000${order}`;
let sendOnce: Workflow;
let sendOnceFirstRun: ExecutionResult | undefined;

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
		chatwootSend(),
	);
	sendOnce = workflow({
		name: 'Failures e2e: WTS Send Text, Send Once per Key',
		nodes: [
			manualTrigger(),
			codeNode('Make Items', `return ${JSON.stringify(Array.from({ length: ORDERS }, (_, order) => ({ order: `pedido-${order}`, to: orderPhone(order) })))}.map((json) => ({ json }));`),
			{
				...wtsNode('Send', {
					resource: 'message',
					operation: sendText.value,
					from: wts.seed.channels[0].id,
					to: '={{ $json.to }}',
					text: 'Seu pedido saiu para entrega',
					options: {},
					requestOptions: { ...requestOptions, sendOnceKey: '={{ $json.order }}' },
				}),
				onError: 'continueRegularOutput',
			},
		],
	});
	for (const bulkCase of bulkCases()) {
		bulk.push({
			bulkCase,
			badRun: bulkWorkflow(bulkCase, `a bad item at ${BAD}`, everyIndex, true),
			stoppedRun: bulkWorkflow(bulkCase, `a send refused at ${BAD}`, everyIndex, false),
			duringStoppedRun: [],
		});
	}
	const run = async (workflows: Workflow[]) => {
		for (const [id, result] of await n8n.executeMany(workflows.map((wf) => wf.id))) results.set(id, result);
	};
	await n8n.importWorkflows([wtsErrorOutput, chatwootErrorOutput, sendOnce, ...bulk.flatMap((b) => [b.badRun, b.stoppedRun])]);

	// Item 4 of the WTS error-output run is refused by the API, as a real refusal would be.
	wts.faults.add({ method: 'POST', path: '/chat/v1/message/send', bodyIncludes: WTS_ERROR_OUTPUT_REFUSED, fault: { kind: 'status', status: 422 } });
	wts.faults.add({ method: 'POST', path: '/chat/v1/message/send', bodyIncludes: orderPhone(3), fault: { kind: 'status', status: 422 } });
	wts.faults.add({ method: 'POST', path: '/chat/v1/message/send', bodyIncludes: orderPhone(7), fault: { kind: 'status', status: 500 } });
	await run([wtsErrorOutput, chatwootErrorOutput, sendOnce, ...bulk.map((b) => b.badRun)]);
	sendOnceFirstRun = results.get(sendOnce.id);
	wts.faults.clear();

	// The sandbox refuses the request carrying item 600 of each case.
	const sinceWts = wts.recorder.requests().length;
	const sinceChatwoot = chatwoot.recorder.requests().length;
	for (const { bulkCase } of bulk) (bulkCase.title.startsWith('WTS') ? wts : chatwoot).faults.add(bulkCase.refusal(BAD));
	await run(bulk.map((b) => b.stoppedRun));
	wts.faults.clear();
	chatwoot.faults.clear();
	const during = [...wts.recorder.requests().slice(sinceWts), ...chatwoot.recorder.requests().slice(sinceChatwoot)];
	for (const b of bulk) b.duringStoppedRun = during.filter((request) => b.bulkCase.carries(request, 'real'));

	// With the refusal gone, each case runs again with only the items its error did not list as accepted.
	for (const b of bulk) {
		const accepted = new Set(parseRanges(String(runErrorOf(b.stoppedRun.id)?.context.acceptedItems ?? '')));
		b.rerun = bulkWorkflow(b.bulkCase, 'the rest run again', everyIndex.filter((i) => !accepted.has(i)), false);
	}
	const reruns = bulk.map((b) => b.rerun as Workflow);
	await n8n.importWorkflows(reruns);
	// Send Once per Key: the same workflow once more, as after a crash or a re-run by hand.
	await run([...reruns, sendOnce]);
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
		const sends = wts.recorder.requests().filter((r) => r.path === '/chat/v1/message/send' && String(jsonBodyOf(r)?.to).startsWith('+55|119440000'));
		assert.deepEqual(sends.map((r) => [jsonBodyOf(r)?.to, r.status]).sort(), [0, 2, 3, 4, 5].map((i) => [`+55|1194400000${i}`, i === 4 ? 422 : 200]));
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
		const creates = chatwoot.recorder.requests({ method: 'POST' }).filter((r) => String(jsonBodyOf(r)?.content).startsWith('Saída de erro'));
		assert.deepEqual(creates.map((r) => jsonBodyOf(r)?.content).sort(), ['Saída de erro 0', 'Saída de erro 2', 'Saída de erro 3']);
	});
});

describe('a stopped run never leads to a message sent twice (1,000 items, Continue On Fail off)', () => {
	const each = (check: (b: BulkRuns) => string | undefined) => (t: { diagnostic(message: string): void }) => {
		assert.equal(bulk.length, 3);
		for (const b of bulk) {
			const note = check(b);
			if (note) t.diagnostic(`${b.bulkCase.title}: ${note}`);
		}
	};

	test(
		'a bad item at index 600 stops the node with its error, naming the item, and the sandbox receives no message',
		each(({ bulkCase, badRun }) => {
			const error = runErrorOf(badRun.id);
			assert.ok(error, `${bulkCase.title}: the run did not fail`);
			assert.equal(error.context.itemIndex, BAD, bulkCase.title);
			assert.match(error.message, /^(Write a text to send|"To" is required|Conversation ID must be a number)$/, bulkCase.title);
			assert.match(String(error.description), /Nothing was sent: all 1000 items are checked before the first one is sent\./, bulkCase.title);
			const received = [...wts.recorder.requests(), ...chatwoot.recorder.requests()].filter((request) => bulkCase.carries(request, 'bad'));
			assert.equal(received.length, 0, `${bulkCase.title}: the sandbox received ${received.length} requests`);
			return undefined;
		}),
	);

	test(
		'a send refused at item 600 stops the run; the sandbox took exactly the items the error lists as accepted',
		each(({ bulkCase, stoppedRun, duringStoppedRun }) => {
			const error = runErrorOf(stoppedRun.id);
			assert.ok(error, `${bulkCase.title}: the run did not fail`);
			const accepted = parseRanges(String(error.context.acceptedItems));
			const taken = duringStoppedRun.flatMap((request) => bulkCase.accepted(request)).sort((a, b) => a - b);
			assert.deepEqual(taken, accepted, `${bulkCase.title}: the sandbox took other items than the error lists`);
			assert.ok(accepted.length >= BAD && !accepted.includes(BAD), `${bulkCase.title}: accepted ${String(error.context.acceptedItems)}`);
			assert.equal(error.context.acceptedCount, accepted.length);
			assert.ok(error.message.includes(`${accepted.length} of ${BULK} items had already been accepted (${String(error.context.acceptedItems)})`), error.message);
			assert.ok(String(error.description).includes(`Accepted by the API before the run stopped: ${accepted.length} items: ${String(error.context.acceptedItems)}.`), error.description);
			// Besides the accepted requests, the sandbox received only the refused one.
			const refused = duringStoppedRun.filter((request) => request.status === 422);
			assert.equal(refused.length, 1, `${bulkCase.title}: ${refused.length} refused requests`);
			assert.equal(duringStoppedRun.filter((request) => request.status !== 422 && bulkCase.accepted(request).length === 0).length, 0);
			assert.match(error.message, bulkCase.title.includes('Batch') ? /^Items 600-699 failed: WTS Chat answered 422/ : /^Item 600 failed: (WTS Chat|Chatwoot) answered 422/);
			return `accepted ${String(error.context.acceptedItems)}; ${duringStoppedRun.length} requests reached the sandbox`;
		}),
	);

	test(
		'running the rest again after the fix brings each of the 1,000 items to the sandbox exactly once',
		each(({ bulkCase, stoppedRun, rerun }) => {
			assert.ok(rerun);
			assert.equal(runErrorOf(rerun.id), undefined, `${bulkCase.title}: the rerun failed: ${runErrorOf(rerun.id)?.message ?? ''}`);
			const accepted = new Set(parseRanges(String(runErrorOf(stoppedRun.id)?.context.acceptedItems)));
			assert.equal(outputsOf(rerun.id, 'Send')[0].length, BULK - accepted.size);
			const received = [...wts.recorder.requests(), ...chatwoot.recorder.requests()].flatMap((request) => (bulkCase.carries(request, 'real') ? bulkCase.accepted(request) : []));
			const times = new Map<number, number>();
			for (const index of received) times.set(index, (times.get(index) ?? 0) + 1);
			const wrong = everyIndex.filter((index) => times.get(index) !== 1).map((index) => `${index}×${times.get(index) ?? 0}`);
			assert.deepEqual(wrong, [], `${bulkCase.title}: items not received exactly once`);
			return `rerun of ${BULK - accepted.size} items`;
		}),
	);
});

describe('Send Once per Key, the same 10 orders run twice', () => {
	const sendsOf = (order: number) =>
		wts.recorder.requests().filter((request) => request.path === '/chat/v1/message/send' && jsonBodyOf(request)?.to === orderPhone(order));

	test('the first run sends every order; a refused one and a failed one carry their errors', () => {
		assert.ok(sendOnceFirstRun, 'the first run did not run');
		const [run] = sendOnceFirstRun.nodes.Send ?? [];
		assert.ok(run, `node "Send" did not run: ${sendOnceFirstRun.error?.message ?? ''}`);
		const [sent] = run.outputs;
		assert.deepEqual(pairedIndexes(sent), Array.from({ length: ORDERS }, (_, order) => order));
		assert.match(String(sent[3].json.error), /^WTS Chat answered 422/);
		assert.match(String(sent[7].json.error), /^WTS Chat answered 500/);
		assert.match(String(sent[7].json.details), /Its key "pedido-7" stays recorded/);
		assert.ok(sent.every((item, order) => order === 3 || order === 7 || typeof item.json.id === 'string'), JSON.stringify(sent.map((item) => item.json)));
	});

	test('the second run sends only the refused order; every other one is skipped with its key', () => {
		const [sent] = outputsOf(sendOnce.id, 'Send');
		assert.deepEqual(pairedIndexes(sent), Array.from({ length: ORDERS }, (_, order) => order));
		assert.equal(typeof sent[3].json.id, 'string', JSON.stringify(sent[3].json));
		for (const [order, item] of sent.entries()) {
			if (order !== 3) assert.deepEqual(item.json, { skipped: true, sendOnceKey: `pedido-${order}` });
		}
	});

	test('the sandbox took each order once: order 3 twice asked (422, then 200), order 7 once (500), the others once (200)', () => {
		for (let order = 0; order < ORDERS; order++) {
			const statuses = sendsOf(order).map((request) => request.status);
			assert.deepEqual(statuses, order === 3 ? [422, 200] : order === 7 ? [500] : [200], `order ${order}`);
		}
	});
});
