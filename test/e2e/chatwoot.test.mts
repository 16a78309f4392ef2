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
import type { RecordedRequest } from '../../sandbox/core/recorder.mts';
import { startChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { codeNode, connect, manualTrigger, N8nInstance, prepareExtensions, repoRoot, workflow, type ExecutionResult, type RunItem, type Workflow } from '../harness/n8n.mts';
import { walkParameters } from './operationWalk.mts';

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
function seededValue(seed: Sandbox['seed']) {
	const byResource: Record<string, number | undefined> = {
		contacts: seed.contactIds[1],
		conversations: seed.conversationIds[1],
		inboxes: seed.inboxIds.website,
		teams: seed.teamIds[0],
		agents: seed.agentIds[1],
		labels: seed.labelIds[0],
		cannedResponses: seed.cannedResponseIds[0],
		notifications: seed.notificationIds[0],
	};
	return (op: OperationSpec, field: FieldSpec, nested: boolean): unknown => {
		const locatorValue = (value: unknown) => (value === undefined ? undefined : nested ? value : byId(String(value)));
		if (field.in === 'path') {
			if (field.key === 'conversation_id') return op.api === 'application' ? locatorValue(seed.conversationIds[1]) : undefined;
			if (field.key === 'contact_id') return locatorValue(seed.contactIds[1]);
			if (field.key === 'inbox_id') return locatorValue(seed.inboxIds.website);
			if (field.key === 'team_id') return locatorValue(seed.teamIds[0]);
			if (field.key === 'inbox_identifier') return seed.apiInboxIdentifier;
			if (field.key === 'contact_identifier') return seed.apiContacts[0].sourceId;
			if (field.key === 'id' && op.api === 'application' && byResource[op.resource] !== undefined) {
				const value = byResource[op.resource];
				return ['conversations', 'contacts', 'inboxes', 'teams', 'agents', 'labels'].includes(op.resource) ? locatorValue(value) : value;
			}
			return undefined;
		}
		if (field.key === 'inbox_id' && field.required) return locatorValue(seed.inboxIds.api);
		// Three levels down the contract's CSAT answer becomes a JSON field, which the walk cannot fill alone.
		if (field.key === 'csat_survey_response') return '{"rating": 5}';
		if (field.key === 'migrations') return '[{"email": "suporte@exemplo.com.br"}]';
		return undefined;
	};
}

function walkWorkflows(seed: Sandbox['seed']): Workflow[] {
	const lookup = seededValue(seed);
	const replaced = new Set(handMadeOperations.flatMap((op) => op.replaces));
	const ops = operationTable.operations.filter((op) => !replaced.has(op.id));
	// Rotating the caller's own token and deleting records run last, so they do not break the other calls.
	const last = (op: OperationSpec) => op.method === 'DELETE' || op.id === 'reset-profile-access-token';
	const groups = [ops.filter((op) => !last(op)), ops.filter(last)];
	return groups.map((group, n) => {
		const nodes = group.map((op) => ({ ...chatwootNode(op.id, walkParameters(op, lookup)), onError: 'continueRegularOutput' as const }));
		// Multipart operations upload the binary property `data` of the item they receive.
		const file = codeNode('Make File', `return [{ json: {}, binary: { data: await this.helpers.prepareBinaryData(Buffer.from('name,email\\nAna,ana@example.com\\n'), 'walk.csv', 'text/csv') } }];`);
		return workflow({
			name: `Chatwoot e2e: every operation (${n === 0 ? 'all but deletions' : 'deletions'})`,
			nodes: [manualTrigger(), file, ...nodes],
			connections: connect(['Start', 'Make File'], ...nodes.map((node): [string, string] => ['Make File', node.name])),
		});
	});
}

const jsonBody = (r: RecordedRequest) => (r.body.kind === 'json' ? (r.body.value as Record<string, unknown>) : undefined);

before(async () => {
	sandbox = await startChatwootSandbox({});
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	await n8n.importCredentials(chatwootCredentials(sandbox));
	demos = chatwootDemoWorkflows(sandbox.seed);
	walks = walkWorkflows(sandbox.seed);
	await n8n.importWorkflows([...demos.map((d) => d.workflow), ...walks]);
	// The demos run first, alone, so the walk's writes do not change what they count.
	// `n8n execute-batch` does not keep the order of its ids: groups that must run in order are separate batches.
	for (const group of [demos.map((d) => d.workflow), walks.slice(0, 1), walks.slice(1)]) {
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
		assert.equal(jsonBody(conversationCall as RecordedRequest)?.contact_id, made.contact.id);
		assert.equal(jsonBody(conversationCall as RecordedRequest)?.source_id, made.contact_inbox.source_id);
		assert.deepEqual((jsonBody(conversationCall as RecordedRequest)?.message as { content?: string })?.content, 'Olá Maria! Recebemos seu pedido.');
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

	test('every generated operation reaches the sandbox with a request the contract accepts', () => {
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
		const failures: string[] = [];
		let succeeded = 0;
		let calls = 0;
		for (const wf of walks) {
			for (const node of wf.nodes.filter((n) => n.name !== 'Start' && n.name !== 'Make File')) {
				calls++;
				const [item] = outputOf(wf.id, node.name);
				const message = String(item?.json.error ?? '');
				if (!message) succeeded++;
				// Minimal values can break the sandbox's rules about state (4xx); a refusal by the node itself,
				// a 5xx or a transport failure is a defect.
				else if (!/answered 4\d\d/.test(message)) failures.push(`${node.name}: ${message}`);
			}
		}
		assert.deepEqual(failures, []);
		const reasons = new Map<string, number>();
		for (const wf of walks) for (const [, runs] of Object.entries(results.get(wf.id)?.nodes ?? {})) {
			const error = String(runs[0]?.outputs[0]?.[0]?.json.error ?? '');
			if (error) reasons.set(error.slice(0, 60), (reasons.get(error.slice(0, 60)) ?? 0) + 1);
		}
		const top = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([r, n]) => `${n}× ${r}`);
		assert.ok(succeeded / calls >= 0.7, `only ${succeeded} of ${calls} operations succeeded; most common: ${top.join(' | ')}`);
		const slow = walks.flatMap((wf) => Object.entries(results.get(wf.id)?.nodes ?? {}).map(([name, runs]) => [name, runs[0]?.executionTime ?? 0] as const)).filter(([, ms]) => ms > 2000);
		assert.deepEqual(slow, [], 'operations that took over 2 s against a local sandbox');
		const csv = walks.map((wf) => results.get(wf.id)?.nodes['download-agents-report']?.[0]?.outputs[0]?.[0]).find(Boolean);
		assert.equal(csv?.binary?.data?.mimeType, 'text/csv', 'a CSV report comes out as a file');
	});

	test('no token appears in any output or n8n log line', () => {
		// The Platform API returns a user's access token when asked for that user (its purpose: acting on the
		// user's behalf); the sandbox's user is the owner of the user token. Nothing else may show a token.
		const returnsUserTokens = new Set(['get-details-of-a-user', 'update-a-user', 'create-a-user', 'get-platform-user-token']);
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
