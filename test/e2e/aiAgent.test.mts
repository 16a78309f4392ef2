/**
 * A real n8n AI Agent with this package's nodes as its tools, against the platform sandboxes and the model
 * sandbox (scripted answers in the OpenAI wire format, no real model): the example workflows in examples/
 * are imported as users import them, activated, and started by a platform delivery. The tests check what
 * the model was offered and, in order, the requests the platform received with the values the model chose.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { NodeHelpers, type INode, type INodeType } from 'n8n-workflow';

import { credentialsFor, EXAMPLES, LATE_ORDER_TAG, loadExample, supportAgentScript, wtsAnswer } from '../../demo/aiAgentDemo.mts';
import { incomingMessage } from '../../demo/triggerDemo.mts';
import type { RecordedRequest } from '../../sandbox/core/recorder.mts';
import { startModelSandbox, type ModelSandbox } from '../../sandbox/model/server.mts';
import { startWtsSandbox, type WtsSandbox } from '../../sandbox/wts/server.mts';
import { WtsChat } from '../../nodes/WtsChat/WtsChat.node.ts';
import { N8nInstance, prepareExtensions, repoRoot, type Workflow } from '../harness/n8n.mts';

let n8n: N8nInstance;
let wts: WtsSandbox;
let model: ModelSandbox;

before(async () => {
	[wts, model] = await Promise.all([startWtsSandbox({}), startModelSandbox({ script: supportAgentScript })]);
	n8n = await N8nInstance.create({ extensions: [await prepareExtensions(repoRoot)] });
	await n8n.start();
	await n8n.setupOwner();
});

after(async () => {
	await n8n?.dispose();
	await wts?.close();
	await model?.close();
});

/** "METHOD path" and the JSON body of a recorded request. */
function call(request: RecordedRequest): { call: string; body: unknown } {
	return { call: `${request.method} ${request.path}`, body: request.body.kind === 'json' ? request.body.value : undefined };
}

describe('AI Agent with WTS Chat tools', () => {
	test('an incoming WhatsApp message: the agent looks up the session and its contact, tags the contact, and its answer goes to the session', async () => {
		const example = loadExample(EXAMPLES.wts);
		await n8n.importCredentials(
			credentialsFor(example, {
				wtsChatApi: { apiKey: wts.apiKey, baseUrl: wts.url },
				openAiApi: { apiKey: model.apiKey, url: model.url },
			}),
		);
		await n8n.importWorkflows([example]);
		await n8n.activateWorkflow(example.id);
		const session = wts.seed.sessions[0];
		const contact = wts.seed.contacts.find(({ id }) => id === session.contactId);
		assert.ok(contact);
		const registered = wts.recorder.requests().length;

		await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session.id, 'Oi, meu pedido ainda não chegou!'));
		const [execution] = await n8n.waitForExecutions(example.id, 1, 60_000);
		assert.equal(execution.status, 'success', execution.error?.message);

		// What the model was offered: the three tools, each with n8n's description and described parameters.
		const first = model.requests[0];
		assert.deepEqual(
			first.conversation.tools.map(({ name, description }) => ({ name, description })).sort((a, b) => a.name.localeCompare(b.name)),
			[
				{ name: 'Get_Contact', description: expectedDescription(example, 'Get Contact', new WtsChat()) },
				{ name: 'Get_Session', description: expectedDescription(example, 'Get Session', new WtsChat()) },
				{ name: 'Tag_Contact', description: expectedDescription(example, 'Tag Contact', new WtsChat()) },
			],
		);
		const tagTool = first.conversation.tools.find(({ name }) => name === 'Tag_Contact')?.parameters as { properties: Record<string, { type: string; description?: string }>; required: string[] };
		assert.deepEqual(Object.keys(tagTool.properties).sort(), ['contact_id', 'tag_action', 'tags']);
		for (const [key, property] of Object.entries(tagTool.properties)) assert.ok(property.description, `${key} is described`);
		assert.equal(first.api, 'responses', 'the OpenAI Chat Model uses the Responses API by default');
		assert.deepEqual(
			model.requests.map(({ answer }) => ('toolCalls' in answer ? answer.toolCalls.map(({ name }) => name).join(',') : 'reply' in answer ? 'reply' : answer.refused)),
			['Get_Session', 'Get_Contact', 'Tag_Contact', 'reply'],
		);

		// What WTS received after the trigger's registration, in order, with the values the model chose.
		const received = wts.recorder.requests().slice(registered).map(call);
		assert.deepEqual(received, [
			{ call: `GET /chat/v2/session/${session.id}`, body: undefined },
			{ call: `GET /core/v1/contact/${contact.id}`, body: undefined },
			{ call: `POST /core/v1/contact/${contact.id}/tags`, body: { tagNames: [LATE_ORDER_TAG], operation: 'InsertIfNotExists' } },
			{ call: `POST /chat/v1/session/${session.id}/message`, body: { text: wtsAnswer(contact.name) } },
		]);
		assert.deepEqual(wts.recorder.invalidRequests(), []);
	});
});

/** The description n8n builds for a tool node of the example (by n8n-workflow's own code). */
function expectedDescription(workflow: Workflow, name: string, nodeType: INodeType): string {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	assert.ok(node, `the example has a node "${name}"`);
	return NodeHelpers.getToolDescriptionForNode(node as unknown as INode, nodeType);
}
