/**
 * WTS Chat node in a real n8n 2.x against the contract-validating WTS sandbox: the demo workflows, a
 * 200-item run with bad items under Continue On Fail, the first node's validation messages, id encoding,
 * and every generated operation called once. All workflows run in one `n8n execute-batch`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { DEMO_PDF, wtsCredential, wtsDemoWorkflows, wtsNode } from '../../demo/wtsDemo.mts';
import { handMadeOperations } from '../../nodes/WtsChat/actions/handMadeOperations.ts';
import { operationTable } from '../../nodes/WtsChat/generated/operationTable.ts';
import type { FieldSpec, OperationSpec } from '../../nodes/shared/engine/operationTable.ts';
import { jsonBodyOf } from '../../sandbox/core/recorder.mts';
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
	type RunItem,
	type Workflow,
} from '../harness/n8n.mts';
import { operationKey, refusalMismatches, walkParameters, type ExpectedRefusal } from './operationWalk.mts';

type Sandbox = Awaited<ReturnType<typeof startWtsSandbox>>;

let sandbox: Sandbox;
let n8n: N8nInstance;
const results = new Map<string, ExecutionResult>();

const BULK = 200;
const BAD_ITEMS: Record<number, { text?: string; to?: string; expected: string }> = {
	17: { text: '   ', expected: 'Write a text to send' },
	99: { to: '', expected: 'Set an Instagram number or username for sending' },
	150: { text: '', expected: 'Write a text to send' },
};

function outputOf(workflowId: string, node: string): RunItem[] {
	const result = results.get(workflowId);
	assert.ok(result, `workflow ${workflowId} did not run`);
	const runs = result.nodes[node];
	assert.ok(runs?.length, `node "${node}" did not run: ${result.error?.message ?? ''}`);
	return runs.flatMap((run) => run.outputs[0] ?? []);
}

function bulkWorkflow(): Workflow {
	const make = codeNode(
		'Make Items',
		`const bad = ${JSON.stringify(BAD_ITEMS)};
return Array.from({ length: ${BULK} }, (_, i) => ({ json: {
	to: bad[i]?.to ?? '+55|1198800' + String(i).padStart(4, '0'),
	text: bad[i]?.text ?? 'Pedido #' + i + ' confirmado',
} }));`,
	);
	return workflow({
		name: 'WTS e2e: bulk with bad items',
		nodes: [
			manualTrigger(),
			make,
			{
				...wtsNode('Send Bulk', { resource: 'message', operation: 'sendText', from: '', to: '={{ $json.to }}', text: '={{ $json.text }}', options: {} }),
				onError: 'continueRegularOutput',
			},
		],
	});
}

const BATCHED = 150;
const BATCH_BAD_ITEM = 7;

/** Template sends with "Use Batch Endpoints": 150 items, one without a recipient. */
function batchedWorkflow(seed: Sandbox['seed']): Workflow {
	const template = seed.templates.find((t) => t.channelId === seed.channels[0].id && t.status === 'Approved' && t.variables.length === 0 && t.fileType === 'UNDEFINED');
	assert.ok(template, 'no approved template without variables on the first channel');
	const make = codeNode(
		'Make Recipients',
		`return Array.from({ length: ${BATCHED} }, (_, i) => ({ json: { to: i === ${BATCH_BAD_ITEM} ? '' : '+55|1197700' + String(i).padStart(4, '0') } }));`,
	);
	return workflow({
		name: 'WTS e2e: template sends through the batch endpoint',
		nodes: [
			manualTrigger(),
			make,
			{
				...wtsNode('Send Batched', {
					resource: 'message',
					operation: 'queueTemplate',
					to: '={{ $json.to }}',
					from: seed.channels[0].id,
					templateId: template.id,
					requestOptions: { useBatchEndpoints: true },
				}),
				onError: 'continueRegularOutput',
			},
		],
	});
}

interface Refusal {
	node: string;
	parameters: Record<string, unknown>;
	expected: RegExp;
}

function refusals(seed: Sandbox['seed']): Refusal[] {
	const channel = seed.channels[0].id;
	const contact = seed.contacts[0];
	return [
		{ node: 'No Channel', parameters: { resource: 'message', operation: 'sendText', from: '={{ "" }}', to: contact.phoneNumber, text: 'oi', options: {} }, expected: /^Choose channel$/ },
		{ node: 'Empty To', parameters: { resource: 'message', operation: 'sendText', from: channel, to: ' ', text: 'oi', options: {} }, expected: /^Set an Instagram number or username for sending$/ },
		{ node: 'Blank Text', parameters: { resource: 'message', operation: 'sendText', from: channel, to: contact.phoneNumber, text: '  ', options: {} }, expected: /^Write a text to send$/ },
		{ node: 'Empty Contact ID', parameters: { resource: 'contact', operation: 'update', contactId: '={{ "" }}', updateFields: { name: 'x' } }, expected: /^Contact ID is empty$/ },
		{ node: 'Invalid Email', parameters: { resource: 'contact', operation: 'update', contactId: contact.id, updateFields: { email: 'maria empresa.com' } }, expected: /Invalid email "maria empresa\.com"/ },
		{ node: 'Invalid JSON', parameters: { resource: 'contact', operation: 'update', contactId: contact.id, updateFields: { metadata: '{"a": }' } }, expected: /Invalid JSON in "Metadata \(JSON\)"/ },
		{ node: 'Invalid ID', parameters: { resource: 'contact', operation: 'get', contactId: '../x' }, expected: /"Contact ID" is not a valid ID/ },
		{ node: 'Missing Binary', parameters: { resource: 'message', operation: 'sendFile', from: channel, to: contact.phoneNumber, fileSource: 'binary', binaryPropertyName: 'nope', options: {} }, expected: /No binary property "nope" on item 0/ },
	];
}

function refusalWorkflow(seed: Sandbox['seed']): Workflow {
	const cases = refusals(seed);
	return workflow({
		name: 'WTS e2e: refused input',
		nodes: [manualTrigger(), ...cases.map((c) => ({ ...wtsNode(c.node, c.parameters), onError: 'continueRegularOutput' as const }))],
		connections: connect(...cases.map((c): [string, string] => ['Start', c.node])),
	});
}

/** Records the walk reads that only exist once made: an uploaded temporary file, a chatbot dispatch, an OTP send. */
interface Prepared {
	tempFileId: string;
	chatbotDispatchId: string;
	otpId: string;
}

async function prepareRecords(sb: Sandbox): Promise<Prepared> {
	const call = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
		const response = await fetch(`${sb.url}${path}`, {
			method,
			headers: { authorization: `Bearer ${sb.apiKey}`, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		assert.equal(response.status, 200, `${method} ${path}: ${await response.clone().text()}`);
		return (await response.json()) as Record<string, unknown>;
	};
	const { seed } = sb;
	const slot = await call('GET', '/core/v2/file?Type=DOCUMENT&Name=walk.txt');
	const upload = await fetch(String(slot.urlUpload), { method: 'PUT', body: 'walk' });
	assert.equal(upload.status, 200, 'the walk file was not uploaded');
	const dispatch = await call('POST', '/chat/v1/send/chatbot', { from: seed.channels[0].id, to: seed.contacts[6].phoneNumber, botKey: seed.chatbots[0].key });
	const otp = await call('POST', '/chat/v1/send/otp', { from: seed.channels[0].id, to: seed.contacts[6].phoneNumber, templateId: seed.templates[3].id, code: '123456' });
	return { tempFileId: String(slot.tempFileId), chatbotDispatchId: String(dispatch.id), otpId: String(otp.id) };
}

/** Real ids for path and body fields, so the walk reaches records that exist. */
function seededValue(seed: Sandbox['seed'], prepared: Prepared) {
	const byResource: Record<string, string | undefined> = {
		user: seed.agents[0]?.id,
		card: seed.cards[0]?.id,
		contact: seed.contacts[1]?.id,
		department: seed.departments[0]?.id,
		message: seed.messages[0],
		panel: seed.panels[0]?.id,
		portfolio: seed.portfolios[0]?.id,
		scheduledMessage: seed.scheduledMessages[0],
		sequence: seed.sequences[0]?.id,
		session: seed.sessions[1]?.id,
		tag: seed.tags[1]?.id,
	};
	// By method and path, which outlive a renamed operation value.
	const pathIds: Record<string, string> = {
		// The account owner and the default department cannot be deleted: the walk deletes others.
		'DELETE /core/v1/agent/{id}': seed.agents[4].id,
		'DELETE /core/v1/department/{id}': seed.departments[2].id,
		'GET /chat/v1/send/chatbot/{id}': prepared.chatbotDispatchId,
		'GET /chat/v1/send/otp/{id}': prepared.otpId,
		// Another call of the walk completes session [1]; a completed session cannot be transferred.
		'PUT /chat/v1/session/{id}/transfer': seed.sessions[2].id,
	};
	return (op: OperationSpec, field: FieldSpec): unknown => {
		const at = `${op.method} ${op.path}`;
		if (field.in === 'path') {
			if (field.key === 'id' && pathIds[at]) return pathIds[at];
			if (field.key === 'phone') return seed.contacts[1].phoneNumber;
			if (field.key === 'subscriptionId') return seed.webhookSubscriptions[0];
			if (field.key === 'cardId') return seed.cards[0].id;
			if (field.key === 'noteId') return seed.cardNotes[0].id;
			if (op.path.startsWith('/chat/v1/session/note/')) return seed.sessionNotes[0];
			if (op.path.startsWith('/crm/v1/panel/{id}')) return seed.panels[0].id;
			return byResource[op.resource];
		}
		if (/^contactIds?$/i.test(field.key)) return seed.contacts[4].id;
		if (/^panelId$/i.test(field.key)) return seed.panels[0].id;
		if (/^stepId$/i.test(field.key)) return seed.panels[0].stepIds[0];
		if (/^sessionId$/i.test(field.key)) return seed.sessions[1].id;
		if (/^departmentId$/i.test(field.key)) return seed.departments[0].id;
		// A transfer to a department (the walk's first type) names the department.
		if (field.key === 'newDepartmentId') return seed.departments[1].id;
		if (field.key === 'userId') return seed.agents[1].id;
		if (field.key === 'tempFileId') return prepared.tempFileId;
		if (field.key === 'from') return seed.channels[0].id;
		if (field.key === 'to') return seed.contacts[1].phoneNumber;
		// An OTP goes out through an AUTHENTICATION template only.
		if (field.key === 'templateId') return at === 'POST /chat/v1/send/otp' ? seed.templates[3].id : seed.templates[4].id;
		if (field.key === 'botKey') return seed.chatbots[0].key;
		// A message is scheduled for a time to come.
		if (field.key === 'scheduling') return '2030-01-01T12:00:00Z';
		if (at === 'POST /core/v1/agent/{id}/status' && field.key === 'status') return 'Active';
		if (at === 'PUT /chat/v1/session/{id}/status' && field.key === 'newStatus') return 'IN_PROGRESS';
		// The walk's mask names the department's name, so the name goes with it.
		if (at === 'PUT /core/v1/department/{id}' && field.key === 'name') return 'Walk department';
		if (at === 'DELETE /core/v1/tag/{id}' && field.key === 'removeFromContacts') return true;
		if (op.path === '/chat/v1/scheduled-message/batch-cancel' && field.key === 'body') return seed.scheduledMessages[1];
		return undefined;
	};
}

function walkWorkflows(seed: Sandbox['seed'], prepared: Prepared): Workflow[] {
	const lookup = seededValue(seed, prepared);
	// Operations replaced by hand-made ones are called through those (the demos and the sync send below).
	const replaced = new Set(handMadeOperations.flatMap((op) => op.replaces));
	const ops = operationTable.operations.filter((op) => !replaced.has(op.id));
	// Deletions run last, in a workflow of their own, so they do not remove what other calls read.
	const [reads, deletes] = [ops.filter((op) => op.method !== 'DELETE'), ops.filter((op) => op.method === 'DELETE')];
	const syncSend = wtsNode('sendMessageSync', {
		resource: 'message',
		operation: 'sendText',
		from: seed.channels[0].id,
		to: seed.contacts[3].phoneNumber,
		text: 'Sync send',
		options: { sync: true },
	});
	return [reads, deletes].map((group, n) => {
		const nodes = group.map((op) => ({ ...wtsNode(op.id, walkParameters(op, lookup)), onError: 'continueRegularOutput' as const }));
		if (n === 0) nodes.push({ ...syncSend, onError: 'continueRegularOutput' as const });
		return workflow({
			name: `WTS e2e: every operation (${n === 0 ? 'all but deletions' : 'deletions'})`,
			nodes: [manualTrigger(), ...nodes],
			connections: connect(...nodes.map((node): [string, string] => ['Start', node.name])),
		});
	});
}

/**
 * The walk's calls the sandbox refuses, by method and path, with the reason; every other call must succeed.
 * With the records prepared before the walk and the values it fills, the sandbox refuses none.
 */
const EXPECTED_REFUSALS: Record<string, ExpectedRefusal> = {};

const demos: ReturnType<typeof wtsDemoWorkflows> = [];
let bulk: Workflow;
let refused: Workflow;
let walks: Workflow[] = [];
let byPhone: Workflow;
let batched: Workflow;

before(async () => {
	sandbox = await startWtsSandbox({});
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	await n8n.importCredentials([wtsCredential(sandbox.url, sandbox.apiKey)]);
	demos.push(...wtsDemoWorkflows(sandbox.seed));
	bulk = bulkWorkflow();
	bulk.nodes.find((node) => node.name === 'Send Bulk')!.parameters.from = sandbox.seed.channels[0].id;
	refused = refusalWorkflow(sandbox.seed);
	walks = walkWorkflows(sandbox.seed, await prepareRecords(sandbox));
	const phone = sandbox.seed.contacts[2].phoneNumber ?? '';
	byPhone = workflow({
		name: 'WTS e2e: contact by phone',
		nodes: [
			manualTrigger(),
			wtsNode('By Phone', { resource: 'contact', operation: 'getByPhone', phone }),
			// As some API docs write it: already URL-encoded.
			wtsNode('By Encoded Phone', { resource: 'contact', operation: 'getByPhone', phone: encodeURIComponent(phone) }),
		],
	});
	batched = batchedWorkflow(sandbox.seed);
	const rest = [bulk, refused, byPhone, batched, ...walks];
	await n8n.importWorkflows([...demos.map((d) => d.workflow), ...rest]);
	// The demos run first, in a batch of their own, so what they count is not changed by the other runs.
	// `n8n execute-batch` does not keep the order of its ids: groups that must run in order are separate batches.
	for (const group of [demos.map((d) => d.workflow), rest.filter((wf) => wf !== walks[1]), [walks[1]]]) {
		for (const [id, result] of await n8n.executeMany(group.map((wf) => wf.id))) results.set(id, result);
	}
});

after(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

describe('WTS Chat in real n8n', () => {
	test('demo: send text posts the classic send and returns the queued message', () => {
		const [text] = demos;
		const [item] = outputOf(text.workflow.id, text.resultNode);
		assert.equal(typeof item.json.id, 'string');
		const sent = sandbox.recorder.requests().filter((r) => r.method === 'POST' && r.path === '/chat/v1/message/send' && (jsonBodyOf(r)?.body as { text?: string } | undefined)?.text === 'Olá! Seu pedido foi confirmado.');
		assert.equal(sent.length, 1);
		assert.deepEqual(jsonBodyOf(sent[0])?.from, sandbox.seed.channels[0].id);
	});

	test('demo: send file uploads the binary through the three-step flow and sends its file id', () => {
		const file = demos[1];
		const [item] = outputOf(file.workflow.id, file.resultNode);
		assert.equal(typeof item.json.id, 'string');
		const upload = sandbox.recorder.requests().find((r) => r.method === 'PUT' && r.rawRoute === 'upload' && r.headers['content-type'] === 'application/pdf');
		assert.ok(upload, 'no presigned upload');
		assert.equal(upload.headers.authorization, undefined, 'the presigned PUT must not carry the API key');
		// n8n keeps the file in its filesystem binary store (its default mode), from where it is streamed.
		assert.ok(upload.body.kind === 'raw');
		const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
		assert.deepEqual([upload.headers['content-length'], sha256(upload.body.bytes)], [String(Buffer.byteLength(DEMO_PDF)), sha256(Buffer.from(DEMO_PDF))]);
		const tempFileId = upload.path.split('/').pop();
		const saved = sandbox.recorder.requests().filter((r) => r.method === 'POST' && r.path === '/core/v2/file' && jsonBodyOf(r)?.tempFileId === tempFileId);
		assert.equal(saved.length, 1);
		const send = sandbox.recorder.requests().find((r) => r.method === 'POST' && r.path === '/chat/v1/message/send' && (jsonBodyOf(r)?.body as { fileId?: string } | undefined)?.fileId);
		assert.ok(send, 'no send with a file id');
	});

	test('demo: contact update sends only the picked fields and their mask', () => {
		const update = demos[2];
		const [item] = outputOf(update.workflow.id, update.resultNode);
		assert.match(String(item.json.name), /\(VIP\)$/);
		const put = sandbox.recorder.requests().find((r) => r.method === 'PUT' && r.path === `/core/v2/contact/${sandbox.seed.contacts[0].id}`);
		assert.ok(put);
		const body = jsonBodyOf(put) ?? {};
		assert.deepEqual([...(body.fields as string[])].sort(), ['Email', 'Name', 'Tags']);
		assert.deepEqual(Object.keys(body).sort(), ['email', 'fields', 'name', 'tagIds']);
	});

	test('demo: list sessions with Return All returns every session, one item each', () => {
		const list = demos[3];
		const items = outputOf(list.workflow.id, list.resultNode);
		assert.equal(items.length, sandbox.seed.sessions.length);
		assert.equal(new Set(items.map((i) => i.json.id)).size, items.length);
	});

	test('200 items with bad ones under Continue On Fail: every good item sent exactly once, bad ones carry their error', () => {
		const items = outputOf(bulk.id, 'Send Bulk');
		assert.equal(items.length, BULK);
		items.forEach((item, index) => {
			assert.deepEqual(item.pairedItem?.[0]?.item, index, `item ${index} out of order`);
			const bad = BAD_ITEMS[index];
			if (bad) assert.equal(item.json.error ?? item.error?.message, bad.expected, `item ${index}`);
			else assert.equal(typeof item.json.id, 'string', `item ${index}: ${JSON.stringify(item.json)}`);
		});
		const sends = sandbox.recorder.requests().filter((r) => r.method === 'POST' && String(jsonBodyOf(r)?.to ?? '').startsWith('+55|1198800'));
		assert.equal(sends.length, BULK - Object.keys(BAD_ITEMS).length);
		assert.equal(new Set(sends.map((r) => jsonBodyOf(r)?.to)).size, sends.length, 'an item was sent twice');
	});

	test('Use Batch Endpoints: 150 template sends go out as 100 + 49 messages, each result back on its own item', () => {
		const items = outputOf(batched.id, 'Send Batched');
		assert.equal(items.length, BATCHED);
		items.forEach((item, index) => {
			assert.equal(item.pairedItem?.[0]?.item, index, `item ${index} out of order`);
			if (index === BATCH_BAD_ITEM) assert.match(String(item.json.error), /"To" is required/);
			else assert.equal(typeof item.json.id, 'string', `item ${index}: ${JSON.stringify(item.json)}`);
		});
		const batches = sandbox.recorder
			.requests()
			.filter((r) => r.path === '/chat/v1/send/template/batch' && (jsonBodyOf(r)?.messages as Array<{ to: string }>).every((m) => m.to.startsWith('+55|11977')));
		assert.deepEqual(batches.map((r) => (jsonBodyOf(r)?.messages as unknown[]).length), [100, 49]);
		const recipients = batches.flatMap((r) => (jsonBodyOf(r)?.messages as Array<{ to: string }>).map((m) => m.to));
		assert.equal(new Set(recipients).size, BATCHED - 1, 'a recipient was sent twice or lost');
		assert.equal(sandbox.recorder.requests().filter((r) => r.path === '/chat/v1/send/template' && String(jsonBodyOf(r)?.to ?? '').startsWith('+55|11977')).length, 0);
	});

	test('bad input is refused before any request, with the message users know, naming the item', () => {
		for (const refusal of refusals(sandbox.seed)) {
			const [item] = outputOf(refused.id, refusal.node);
			assert.match(String(item.json.error ?? item.error?.message), refusal.expected, refusal.node);
		}
	});

	test('a phone with + and | in the path stays one encoded segment, typed plain or already encoded', () => {
		const phone = sandbox.seed.contacts[2].phoneNumber ?? '';
		assert.match(phone, /^\+55\|/);
		for (const node of ['By Phone', 'By Encoded Phone']) {
			const [item] = outputOf(byPhone.id, node);
			assert.equal(item.json.id, sandbox.seed.contacts[2].id, node);
		}
		const requests = sandbox.recorder.requests().filter((r) => r.operationId === 'getContactByPhone' && r.path.includes(encodeURIComponent(phone)));
		assert.equal(requests.length, 2, 'both lookups sent the phone encoded once');
	});

	test('every generated operation reaches the sandbox with a request the contract accepts; only the listed ones are refused', () => {
		const invalid = sandbox.recorder.invalidRequests();
		assert.deepEqual(invalid.map((r) => `${r.method} ${r.path}: ${JSON.stringify(r.validationErrors)}`), []);
		const called = sandbox.recorder.operationsCalled();
		const missing = operationTable.operations.filter((op) => !called.has(op.id)).map((op) => op.id);
		const runErrors = walks.map((wf) => results.get(wf.id)?.error?.message).filter(Boolean);
		assert.deepEqual(missing, [], `walk runs: ${runErrors.join(' | ')}`);
		const opByName = new Map(operationTable.operations.map((op) => [op.id, op]));
		const errors = new Map<string, string>();
		for (const wf of walks) {
			for (const node of wf.nodes.filter((n) => n.name !== 'Start')) {
				const [item] = outputOf(wf.id, node.name);
				const op = opByName.get(node.name);
				if (item?.json.error !== undefined) errors.set(op ? operationKey(op) : node.name, String(item.json.error));
			}
		}
		assert.deepEqual(refusalMismatches(errors, EXPECTED_REFUSALS), []);
	});

	test('the API key appears in no output and no n8n log line', () => {
		const outputs = JSON.stringify([...results.values()].map((r) => r.raw));
		assert.ok(!outputs.includes(sandbox.apiKey), 'API key in execution data');
		assert.ok(!n8n.logs().includes(sandbox.apiKey), 'API key in n8n logs');
	});
});
