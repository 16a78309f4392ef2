/**
 * A real n8n AI Agent with this package's nodes as its tools, against the platform sandboxes and the model
 * sandbox (scripted answers in the OpenAI wire format, no real model): the example workflows in examples/
 * are imported as users import them, activated, and started by a platform delivery. The tests check what
 * the model was offered and, in order, the requests the platform received with the values the model chose.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { NodeHelpers, type INode, type INodeType } from 'n8n-workflow';

import {
	BILLING_LABEL,
	CHATWOOT_ANSWER,
	chatwootNote,
	EXAMPLES,
	importExamples,
	LATE_ORDER_TAG,
	loadExample,
	supportAgentScript,
	wtsAnswer,
} from '../../demo/aiAgentDemo.mts';
import { incomingMessage } from '../../demo/triggerDemo.mts';
import { Chatwoot } from '../../nodes/Chatwoot/Chatwoot.node.ts';
import { WtsChat } from '../../nodes/WtsChat/WtsChat.node.ts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import type { RecordedRequest } from '../../sandbox/core/recorder.mts';
import { startModelSandbox, type ModelRequest, type ModelSandbox, type OfferedTool } from '../../sandbox/model/server.mts';
import { startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import { WEBHOOK_ANSWER_TIMEOUT_MS } from '../harness/deliveries.mts';
import { N8nInstance, prepareExtensions, repoRoot, type Workflow } from '../harness/n8n.mts';

let n8n: N8nInstance;
let wts: WtsSandbox;
let chatwoot: ChatwootSandbox;
let model: ModelSandbox;
const wtsExample = loadExample(EXAMPLES.wts);
const chatwootExample = loadExample(EXAMPLES.chatwoot);

before(async () => {
	[wts, chatwoot, model] = await Promise.all([
		startWtsSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS }),
		startChatwootSandbox({ webhookTimeoutMs: WEBHOOK_ANSWER_TIMEOUT_MS }),
		startModelSandbox({ script: supportAgentScript }),
	]);
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	await importExamples(n8n, [wtsExample, chatwootExample], { wts, chatwoot, model });
	await n8n.start();
	await n8n.setupOwner();
});

after(async () => {
	await n8n?.dispose();
	await wts?.close();
	await chatwoot?.close();
	await model?.close();
});

/** "METHOD path" and the JSON body of a recorded request. */
function call(request: RecordedRequest): { call: string; body: unknown } {
	return { call: `${request.method} ${request.path}`, body: request.body.kind === 'json' ? request.body.value : undefined };
}

/** The description n8n builds for a tool node of an example (by n8n-workflow's own code). */
function expectedDescription(workflow: Workflow, name: string, nodeType: INodeType): string {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	assert.ok(node, `the example has a node "${name}"`);
	return NodeHelpers.getToolDescriptionForNode(node as unknown as INode, nodeType);
}

/** The model calls of one agent run (its tools are the given ones). */
function callsWithTools(toolName: string): ModelRequest[] {
	return model.requests.filter(({ conversation }) => conversation.tools.some(({ name }) => name === toolName));
}

/** Per tool: name, description, and its parameters with their description. */
function offered(tools: OfferedTool[]): Array<{ name: string; description: string; parameters: Record<string, string> }> {
	return tools
		.map(({ name, description, parameters }) => ({
			name,
			description,
			parameters: Object.fromEntries(
				Object.entries((parameters as { properties: Record<string, { description?: string }> }).properties).map(([key, property]) => [key, property.description ?? '']),
			),
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** What the model answered on each call: the tools it called, or "reply". */
const answers = (requests: ModelRequest[]) =>
	requests.map(({ answer }) => ('toolCalls' in answer ? answer.toolCalls.map(({ name }) => name).join(',') : 'reply' in answer ? 'reply' : answer.refused));

describe('AI Agent with WTS Chat tools', () => {
	test('an incoming WhatsApp message: the agent looks up the session and its contact, tags the contact (after a refused tag action), and its answer goes to the session', async () => {
		await n8n.activateWorkflow(wtsExample.id);
		const session = wts.seed.sessions[0];
		const contact = wts.seed.contacts.find(({ id }) => id === session.contactId);
		assert.ok(contact);
		const registered = wts.recorder.requests().length;

		await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session.id, 'Oi, meu pedido ainda não chegou!'));
		const [execution] = await n8n.waitForExecutions(wtsExample.id, 1, 60_000);
		assert.equal(execution.status, 'success', execution.error?.message);

		// What the model was offered: the tools with n8n's descriptions, each parameter described.
		const calls = callsWithTools('Get_Session');
		assert.equal(calls[0].api, 'responses', 'the OpenAI Chat Model uses the Responses API by default');
		const description = (name: string) => expectedDescription(wtsExample, name, new WtsChat());
		assert.deepEqual(offered(calls[0].conversation.tools), [
			{ name: 'Get_Contact', description: description('Get Contact'), parameters: { contact_id: 'The contactId of the session' } },
			{ name: 'Get_Session', description: description('Get Session'), parameters: { session_id: 'The id of the WTS session the customer writes in' } },
			{
				name: 'Tag_Contact',
				description: description('Tag Contact'),
				parameters: {
					contact_id: 'The contactId of the session',
					tag_action: 'InsertIfNotExists adds the tags, DeleteIfExists removes them',
					tags: 'Tag names, separated by commas, e.g. pedido-atrasado',
				},
			},
		]);
		assert.deepEqual(answers(calls), ['Get_Session', 'Get_Contact', 'Tag_Contact', 'Tag_Contact', 'reply']);
		// The model's first tag action was not one of the field's options: the node refused it before any request,
		// and the model got the error with the values to use.
		const refused = calls.at(-1)?.conversation.exchanges[2];
		assert.equal(refused?.arguments.tag_action, 'add');
		assert.match(JSON.stringify(refused?.result), /cannot be \\"add\\": use one of InsertIfNotExists, DeleteIfExists, ReplaceAll/);

		// What WTS received after the trigger's registration, in order, with the values the model chose.
		assert.deepEqual(wts.recorder.requests().slice(registered).map(call), [
			{ call: `GET /chat/v2/session/${session.id}`, body: undefined },
			{ call: `GET /core/v1/contact/${contact.id}`, body: undefined },
			{ call: `POST /core/v1/contact/${contact.id}/tags`, body: { tagNames: [LATE_ORDER_TAG], operation: 'InsertIfNotExists' } },
			{ call: `POST /chat/v1/session/${session.id}/message`, body: { text: wtsAnswer(contact.name) } },
		]);
		assert.deepEqual(wts.recorder.invalidRequests(), []);
	});
});

describe('AI Agent with Chatwoot tools', () => {
	test("a customer writes in the agent bot's inbox: the agent labels the conversation, hands it over to a team with a private note, and its answer is the reply", async () => {
		const trigger = chatwootExample.nodes.find(({ type }) => type === 'CUSTOM.chatwootTrigger');
		assert.deepEqual(trigger?.parameters.botInboxIds, [chatwoot.seed.inboxIds.api], 'the example listens as the agent bot of the API inbox');
		await n8n.activateWorkflow(chatwootExample.id);

		// The customer opens a conversation in the bot's inbox (it starts pending) and writes, as Chatwoot's Client API takes it.
		const client = `/public/api/v1/inboxes/${chatwoot.seed.apiInboxIdentifier}/contacts/${chatwoot.seed.apiContacts[0].sourceId}/conversations`;
		const post = async (path: string, body: unknown) => {
			const response = await fetch(`${chatwoot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			assert.equal(response.status, 200, await response.clone().text());
			return (await response.json()) as { id: number };
		};
		const conversation = (await post(client, {})).id;
		assert.equal(chatwoot.state.conversationByDisplayId(chatwoot.accountId, conversation)?.status, 'pending');
		const question = 'Olá, fui cobrado duas vezes na fatura de novembro.';
		await post(`${client}/${conversation}/messages`, { content: question });
		const posted = chatwoot.recorder.requests().length;

		const [execution] = await n8n.waitForExecutions(chatwootExample.id, 1, 60_000);
		assert.equal(execution.status, 'success', execution.error?.message);
		const delivery = chatwoot.state.agentBotDeliveries.find(({ body }) => body.includes(question));
		assert.equal(delivery?.status, 200, "the agent bot's delivery of the customer's message was accepted");

		const calls = callsWithTools('Add_Label');
		assert.equal(calls[0].api, 'chat.completions', 'Use Responses API is off in this example');
		const description = (name: string) => expectedDescription(chatwootExample, name, new Chatwoot());
		const conversationId = 'The conversation id from your instructions';
		assert.deepEqual(offered(calls[0].conversation.tools), [
			{ name: 'Add_Label', description: description('Add Label'), parameters: { conversation_id: conversationId, labels: 'Labels, separated by commas' } },
			{
				name: 'Hand_Over',
				description: description('Hand Over'),
				parameters: {
					conversation_id: conversationId,
					note: 'Private note for the agents: what the customer needs',
					team_id: 'Id of the team that takes over',
				},
			},
		]);
		assert.deepEqual(answers(calls), ['Add_Label', 'Hand_Over', 'reply']);

		const team = chatwoot.seed.teamIds[1];
		const conversationPath = `/api/v1/accounts/${chatwoot.accountId}/conversations/${conversation}`;
		assert.deepEqual(chatwoot.recorder.requests().slice(posted).map(call), [
			{ call: `POST ${conversationPath}/labels`, body: { labels: [BILLING_LABEL] } },
			{ call: `POST ${conversationPath}/messages`, body: { content: chatwootNote(question), message_type: 'outgoing', private: true } },
			{ call: `POST ${conversationPath}/toggle_status`, body: { status: 'open' } },
			{ call: `POST ${conversationPath}/assignments`, body: { team_id: team } },
			{ call: `GET ${conversationPath}`, body: undefined },
			{ call: `POST ${conversationPath}/messages`, body: { content: CHATWOOT_ANSWER, message_type: 'outgoing', private: false } },
		]);
		assert.deepEqual(chatwoot.recorder.invalidRequests(), []);
		const state = chatwoot.state.conversationByDisplayId(chatwoot.accountId, conversation);
		assert.deepEqual({ status: state?.status, team: state?.team_id, labels: state?.labels }, { status: 'open', team, labels: [BILLING_LABEL] });
	});
});
