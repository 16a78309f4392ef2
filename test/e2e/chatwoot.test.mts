/**
 * Chatwoot and Konverte Digital nodes in a real n8n 2.x against the contract-validating Chatwoot sandbox:
 * the demo flows (contact → conversation → message with two attachments → resolve; Return All over several
 * pages; the Client API flow; the Konverte node), and every generated operation called once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { byId, chatwootCredentials, chatwootDemoWorkflows, chatwootNode } from '../../demo/chatwootDemo.mts';
import { handMadeOperations } from '../../nodes/Chatwoot/actions/handMadeOperations.ts';
import { operationTable } from '../../nodes/Chatwoot/generated/operationTable.ts';
import type { FieldSpec, OperationSpec } from '../../nodes/shared/engine/operationTable.ts';
import { jsonBodyOf, type RecordedRequest } from '../../sandbox/core/recorder.mts';
import { startChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { codeNode, connect, manualTrigger, N8nInstance, prepareExtensions, repoRoot, workflow, type ExecutionResult, type RunItem, type Workflow } from '../harness/n8n.mts';
import { operationKey, refusalMismatches, walkParameters, type ExpectedRefusal } from './operationWalk.mts';

type Sandbox = Awaited<ReturnType<typeof startChatwootSandbox>>;

let sandbox: Sandbox;
let n8n: N8nInstance;
const results = new Map<string, ExecutionResult>();
let demos: ReturnType<typeof chatwootDemoWorkflows> = [];
let walks: Workflow[] = [];

function outputOf(workflowId: string, node: string): RunItem[] {
	const result = results.get(workflowId);
	assert.ok(result, `workflow ${workflowId} did not run`);
	const runs = result.nodes[node];
	assert.ok(runs?.length, `node "${node}" did not run: ${result.error?.message ?? ''}`);
	return runs.flatMap((run) => run.outputs[0] ?? []);
}

const demo = (title: string) => {
	const found = demos.find((d) => d.title.startsWith(title));
	assert.ok(found, title);
	return found;
};

/** Real ids where the walk can use them, so calls reach records that exist. */
function seededValue(sb: Sandbox) {
	const seed = sb.seed;
	const byResource: Record<string, number | undefined> = {
		contact: seed.contactIds[1],
		conversation: seed.conversationIds[1],
		inbox: seed.inboxIds.website,
		team: seed.teamIds[0],
		agent: seed.agentIds[1],
		label: seed.labelIds[0],
		cannedResponse: seed.cannedResponseIds[0],
		notification: seed.notificationIds[0],
	};
	const conversation = sb.state.conversationByDisplayId(seed.accountId, seed.conversationIds[1]);
	assert.ok(conversation, 'no seeded conversation to walk');
	const messageId = sb.state.messagesOf(conversation.id)[0]?.id;
	// For the walk to delete: a conversation no notification points to (the first 20 have one), of a contact
	// the walk does not delete.
	const spareConversation = seed.conversationIds.slice(20).find((id) => {
		const contactId = sb.state.conversationByDisplayId(seed.accountId, id)?.contact_id;
		return contactId !== undefined && ![1, 38, 39].some((i) => seed.contactIds[i] === contactId);
	});
	// Records the sandbox keeps generically (notes, portals, apps, CSAT surveys, sessions) are seeded once,
	// with id 1, under the first contact and the first portal.
	const GENERIC_ID = 1;
	const generic = (path: string) => ['/notes/', '/integrations/apps/', '/portals/', '/csat_survey/', '/profile/sessions/'].some((part) => path.includes(part));
	return (op: OperationSpec, field: FieldSpec, nested: boolean): unknown => {
		const locatorValue = (value: unknown) => (value === undefined ? undefined : nested ? value : byId(String(value)));
		if (field.in === 'path') {
			if (field.key === 'conversation_id' && op.method === 'DELETE' && op.path.endsWith('/conversations/{conversation_id}')) return locatorValue(spareConversation);
			if (field.key === 'conversation_id') return op.api === 'application' ? locatorValue(seed.conversationIds[1]) : undefined;
			if (field.key === 'contact_id') return locatorValue(op.path.includes('/notes') ? seed.contactIds[0] : seed.contactIds[1]);
			if (field.key === 'inbox_id') return locatorValue(seed.inboxIds.website);
			if (field.key === 'team_id') return locatorValue(seed.teamIds[0]);
			if (field.key === 'inbox_identifier') return seed.apiInboxIdentifier;
			if (field.key === 'contact_identifier') return seed.apiContacts[0].sourceId;
			if (field.key === 'message_id') return op.api === 'application' ? messageId : undefined;
			if (field.key === 'portal_id') return GENERIC_ID;
			if (field.key === 'id' && op.path.startsWith('/platform/api/v1/agent_bots/')) return seed.platformBotId;
			if (field.key === 'id' && generic(op.path)) return GENERIC_ID;
			if (field.key === 'id' && op.api === 'application' && byResource[op.resource] !== undefined) {
				const value = byResource[op.resource];
				return ['conversation', 'contact', 'inbox', 'team', 'agent', 'label'].includes(op.resource) ? locatorValue(value) : value;
			}
			return undefined;
		}
		if (field.key === 'inbox_id' && field.required) return locatorValue(seed.inboxIds.api);
		// A conversation starts on a contact inbox the API inbox knows.
		if (field.key === 'source_id' && op.method === 'POST' && op.path === '/api/v1/accounts/{account_id}/conversations') return seed.apiContacts[1].sourceId;
		// A merge removes the mergee: two contacts no other call of the walk uses.
		if (field.key === 'base_contact_id') return seed.contactIds[38];
		if (field.key === 'mergee_contact_id') return seed.contactIds[39];
		if (field.key === 'snoozed_until' && op.path.endsWith('/notifications/{id}/snooze')) return '2030-01-01T09:00:00Z';
		// Three levels down the contract's CSAT answer becomes a JSON field, which the walk cannot fill alone.
		if (field.key === 'csat_survey_response') return '{"rating": 5}';
		if (field.key === 'migrations') return '[{"email": "suporte@exemplo.com.br"}]';
		return undefined;
	};
}

/**
 * The walk's calls the sandbox refuses, by method and path, with the reason; every other call must succeed.
 */
const EXPECTED_REFUSALS: Record<string, ExpectedRefusal> = {};

function walkWorkflows(sb: Sandbox): Workflow[] {
	const lookup = seededValue(sb);
	const replaced = new Set(handMadeOperations.flatMap((op) => op.replaces));
	const ops = operationTable.operations.filter((op) => !replaced.has(op.id));
	// Calls that remove records run after every other call, a record's parts (avatar, notes, members) before
	// the record and the bulk removals last; then the caller rotates its own token; then the platform app
	// removes the bots, users and accounts, the user token's own among them. n8n runs a workflow's branches in
	// the order of their nodes, so one workflow keeps this order.
	const depth = (op: OperationSpec) => op.path.split('/').length;
	const bulk = (op: OperationSpec) => /\/(destroy_all|bulk_actions\/[^/]+)$/.test(op.path);
	const removes = (op: OperationSpec) => op.method === 'DELETE' || bulk(op);
	const reset = (op: OperationSpec) => op.method === 'POST' && op.path === '/api/v1/profile/reset_access_token';
	const platform = (op: OperationSpec) => op.path.startsWith('/platform/');
	const deepestFirst = (list: OperationSpec[]) => [...list].sort((a, b) => Number(bulk(a)) - Number(bulk(b)) || depth(b) - depth(a));
	const last = [
		...deepestFirst(ops.filter((op) => removes(op) && !platform(op))),
		...ops.filter(reset),
		...deepestFirst(ops.filter((op) => removes(op) && platform(op))),
	];
	const groups = [ops.filter((op) => !last.includes(op)), last];
	return groups.map((group, n) => {
		const nodes = group.map((op) => ({ ...chatwootNode(op.id, walkParameters(op, lookup)), onError: 'continueRegularOutput' as const }));
		// Multipart operations upload the binary property `data` of the item they receive.
		const file = codeNode('Make File', `return [{ json: {}, binary: { data: await this.helpers.prepareBinaryData(Buffer.from('name,email\\nAna,ana@example.com\\n'), 'walk.csv', 'text/csv') } }];`);
		return workflow({
			name: `Chatwoot e2e: every operation (${n === 0 ? 'all but removals' : 'removals, then token reset'})`,
			nodes: [manualTrigger(), file, ...nodes],
			connections: connect(['Start', 'Make File'], ...nodes.map((node): [string, string] => ['Make File', node.name])),
		});
	});
}

/** The walk's node of an operation, found by method and path, which outlive a renamed operation value. */
function nodeNameOf(key: string): string {
	const op = operationTable.operations.find((candidate) => operationKey(candidate) === key);
	assert.ok(op, `no operation ${key}`);
	return op.id;
}

before(async () => {
	sandbox = await startChatwootSandbox({});
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	await n8n.importCredentials(chatwootCredentials(sandbox));
	demos = chatwootDemoWorkflows(sandbox.seed);
	walks = walkWorkflows(sandbox);
	await n8n.importWorkflows([...demos.map((d) => d.workflow), ...walks]);
	// The demos run first, alone, so the walk's writes do not change what they count.
	// `n8n execute-batch` does not keep the order of its ids: groups that must run in order are separate batches.
	for (const group of [demos.map((d) => d.workflow), ...walks.map((wf) => [wf])]) {
		for (const [id, result] of await n8n.executeMany(group.map((wf) => wf.id))) results.set(id, result);
	}
});

after(async () => {
	await n8n?.dispose();
	await sandbox?.close();
});

describe('Chatwoot and Konverte Digital in real n8n', () => {
	test('contact → conversation with an initial message → message with two attachments → resolved', () => {
		const flow = demo('Contact → conversation');
		const [contact] = outputOf(flow.workflow.id, 'Create Contact');
		const [conversation] = outputOf(flow.workflow.id, 'Create Conversation');
		// Chatwoot 4.16's contacts/create.json.jbuilder: {payload: {contact, contact_inbox: {inbox, source_id}}}.
		const made = contact.json.payload as { contact: { id: unknown }; contact_inbox: { source_id: unknown } };
		assert.equal(typeof made.contact.id, 'number', JSON.stringify(contact.json));
		const conversationCall = sandbox.recorder.requests().find((r) => r.operationId === 'newConversation');
		assert.equal(jsonBodyOf(conversationCall as RecordedRequest)?.contact_id, made.contact.id);
		assert.equal(jsonBodyOf(conversationCall as RecordedRequest)?.source_id, made.contact_inbox.source_id);
		assert.deepEqual((jsonBodyOf(conversationCall as RecordedRequest)?.message as { content?: string })?.content, 'Olá Maria! Recebemos seu pedido.');
		const [message] = outputOf(flow.workflow.id, 'Send Attachments');
		assert.equal((message.json.attachments as unknown[] | undefined)?.length, 2, JSON.stringify(message.json));
		const upload = sandbox.recorder.requests().find((r) => r.body.kind === 'multipart');
		assert.ok(upload && upload.body.kind === 'multipart');
		const files = upload.body.parts.filter((p) => p.name === 'attachments[]');
		assert.deepEqual(files.map((f) => f.filename).sort(), ['fatura.pdf', 'foto.gif']);
		assert.equal(files.find((f) => f.filename === 'fatura.pdf')?.data.toString('utf8'), '%PDF-1.4\nfatura\n%%EOF\n');
		const [resolved] = outputOf(flow.workflow.id, 'Resolve');
		assert.equal(((resolved.json.payload as Record<string, unknown> | undefined)?.current_status ?? resolved.json.current_status) as string, 'resolved', JSON.stringify(resolved.json));
		assert.equal(conversation.json.id, (resolved.json.payload as Record<string, unknown> | undefined)?.conversation_id ?? conversation.json.id);
	});

	test('Return All lists every conversation of every status across pages of 25, once each', () => {
		const list = demo('List every conversation');
		const items = outputOf(list.workflow.id, list.resultNode);
		const pages = sandbox.recorder.requests().filter((r) => r.operationId === 'conversationList' && r.query.status === 'all');
		assert.ok(pages.length >= 3, `${pages.length} pages`);
		assert.ok(items.length >= sandbox.seed.conversationIds.length, `${items.length} items`);
		assert.equal(new Set(items.map((i) => i.json.id)).size, items.length, 'a conversation came twice');
	});

	test('the Client API flow creates a contact, a conversation and a message by inbox identifier, without a token', () => {
		const flow = demo('Client API');
		const [message] = outputOf(flow.workflow.id, flow.resultNode);
		assert.equal(message.json.content, 'Oi, quero saber do meu pedido');
		const calls = sandbox.recorder.requests().filter((r) => r.path.startsWith('/public/api/v1/'));
		assert.ok(calls.length >= 3);
	});

	test('the Konverte Digital node runs the same operations with its own credential', () => {
		const flow = demo('Konverte Digital');
		const items = outputOf(flow.workflow.id, flow.resultNode);
		assert.equal(items.length, 3, JSON.stringify(items.map((i) => i.json.name)));
	});

	test('every generated operation reaches the sandbox with a request the contract accepts; only the listed ones are refused', () => {
		const invalid = sandbox.recorder.invalidRequests();
		assert.deepEqual(invalid.map((r) => `${r.method} ${r.path}: ${JSON.stringify(r.validationErrors)}`), []);
		// By method and path, not by the sandbox's matched operation: it refuses some calls at authentication,
		// before routing (a platform app reading a bot it did not create), which still shows the call was sent.
		const sent = sandbox.recorder.requests().map((r) => `${r.method} ${decodeURIComponent(r.path)}`);
		const reached = (op: OperationSpec) => {
			const pattern = new RegExp(`^${op.method} ${op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);
			return sent.some((line) => pattern.test(line));
		};
		const called = new Set(operationTable.operations.filter(reached).map((op) => op.id));
		const replaced = new Set(handMadeOperations.flatMap((op) => op.replaces));
		const runErrors = walks.map((wf) => { const r = results.get(wf.id); return `${r?.status} ${r?.error?.message ?? ''} last=${r?.lastNodeExecuted ?? ''} nodes=${Object.keys(r?.nodes ?? {}).length}`; });
		const missing = operationTable.operations.filter((op) => !replaced.has(op.id) && !called.has(op.id)).map((op) => op.id);
		const why = missing.map((id) => { const wf = walks.find((w) => results.get(w.id)?.nodes[id]); const item = wf ? results.get(wf.id)?.nodes[id]?.[0]?.outputs[0]?.[0] : undefined; return `${id}: ${String(item?.json.error ?? 'no error')}`; });
		assert.deepEqual(missing, [], `walk runs: ${runErrors.join(' | ')}\n${why.slice(0, 12).join('\n')}`);
		const opByName = new Map(operationTable.operations.map((op) => [op.id, op]));
		const errors = new Map<string, string>();
		for (const wf of walks) {
			for (const node of wf.nodes.filter((n) => n.name !== 'Start' && n.name !== 'Make File')) {
				const [item] = outputOf(wf.id, node.name);
				const op = opByName.get(node.name);
				if (item?.json.error !== undefined) errors.set(op ? operationKey(op) : node.name, String(item.json.error));
			}
		}
		assert.deepEqual(refusalMismatches(errors, EXPECTED_REFUSALS), []);
		const report = nodeNameOf('GET /api/v2/accounts/{account_id}/reports/agents');
		const csv = walks.map((wf) => results.get(wf.id)?.nodes[report]?.[0]?.outputs[0]?.[0]).find(Boolean);
		assert.equal(csv?.binary?.data?.mimeType, 'text/csv', 'a CSV report comes out as a file');
	});

	test('no token appears in any output or n8n log line', () => {
		// The Platform API returns a user's access token when asked for that user (its purpose: acting on the
		// user's behalf); the sandbox's user is the owner of the user token. Nothing else may show a token.
		const returnsUserTokens = new Set(
			['GET /platform/api/v1/users/{id}', 'PATCH /platform/api/v1/users/{id}', 'POST /platform/api/v1/users', 'POST /platform/api/v1/users/{id}/token'].map(nodeNameOf),
		);
		for (const token of [sandbox.userToken, sandbox.platformToken]) {
			const leaks = [...results.values()].flatMap((r) =>
				Object.entries(r.nodes)
					.filter(([name, runs]) => JSON.stringify(runs).includes(token) && !(returnsUserTokens.has(name) && token === sandbox.userToken))
					.map(([name]) => name),
			);
			const where = leaks.map((name) => { const text = JSON.stringify([...results.values()].find((r) => r.nodes[name])?.nodes[name]); const at = text.indexOf(token); return `${name}: …${text.slice(Math.max(0, at - 200), at + 40)}…`; });
			assert.deepEqual(leaks, [], `token in execution data: ${where.slice(0, 2).join(' || ')}`);
			assert.ok(!n8n.logs().includes(token), 'token in n8n logs');
		}
	});
});
