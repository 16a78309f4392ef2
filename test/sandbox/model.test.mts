// The model sandbox on the wire: `node --import tsx --test test/sandbox/model.test.mts`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startModelSandbox, type ModelSandbox, type Script } from '../../sandbox/model/server.mts';

const LOOKUP = {
	name: 'Get_Contact',
	description: 'Get a contact',
	parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { contact_id: { type: 'string', description: 'The contact' } }, required: ['contact_id'], additionalProperties: false },
};

const SCRIPT: Script = [
	{ toolCalls: [{ tool: 'Get_Contact', arguments: (c) => ({ contact_id: /contact (\w+)/.exec(c.user[0])?.[1] ?? '' }) }] },
	{ reply: (c) => `Hello ${String((c.exchanges[0].result as { name: string }).name)}` },
];
const BROKEN: Script = [{ toolCalls: [{ tool: 'Get_Contact', arguments: { contact: 7 } }] }];

let model: ModelSandbox;
before(async () => {
	model = await startModelSandbox({ script: ({ model: name }) => ({ scripted: SCRIPT, broken: BROKEN })[name], models: ['scripted'] });
});
after(async () => await model.close());

async function post(path: string, body: unknown, key = model.apiKey): Promise<{ status: number; json: Record<string, unknown> }> {
	const response = await fetch(`${model.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('model sandbox', () => {
	test('Chat Completions: a tool call first, then a reply built from the tool result', async () => {
		const messages: unknown[] = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Who is contact c42?' }];
		const tools = [{ type: 'function', function: LOOKUP }];
		const first = await post('/chat/completions', { model: 'scripted', messages, tools });
		assert.equal(first.status, 200);
		const [choice] = first.json.choices as Array<{ finish_reason: string; message: { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> } }>;
		assert.equal(choice.finish_reason, 'tool_calls');
		const [toolCall] = choice.message.tool_calls;
		assert.deepEqual({ name: toolCall.function.name, arguments: JSON.parse(toolCall.function.arguments) as unknown }, { name: 'Get_Contact', arguments: { contact_id: 'c42' } });

		messages.push(choice.message, { role: 'tool', tool_call_id: toolCall.id, content: JSON.stringify({ name: 'Ana' }) });
		const second = await post('/chat/completions', { model: 'scripted', messages, tools });
		const [reply] = second.json.choices as Array<{ finish_reason: string; message: { content: string } }>;
		assert.deepEqual({ reason: reply.finish_reason, content: reply.message.content }, { reason: 'stop', content: 'Hello Ana' });
		assert.equal(model.requests.at(-1)?.conversation.system, 'Be brief.');
	});

	test('Responses: function_call items and their outputs make the conversation', async () => {
		const tools = [{ type: 'function', ...LOOKUP }];
		const first = await post('/responses', { model: 'scripted', input: [{ role: 'user', content: 'Who is contact c7?' }], tools });
		const [call] = first.json.output as Array<{ type: string; call_id: string; name: string; arguments: string }>;
		assert.equal(call.type, 'function_call');
		assert.deepEqual(JSON.parse(call.arguments), { contact_id: 'c7' });
		const input = [{ role: 'user', content: 'Who is contact c7?' }, call, { type: 'function_call_output', call_id: call.call_id, output: '{"name":"Bia"}' }];
		const second = await post('/responses', { model: 'scripted', input, tools });
		const [message] = second.json.output as Array<{ type: string; content: Array<{ text: string }> }>;
		assert.deepEqual({ type: message.type, text: message.content[0].text }, { type: 'message', text: 'Hello Bia' });
	});

	test('a tool call the offered schema refuses, an unknown model, and a wrong key are refused', async () => {
		const broken = await post('/chat/completions', { model: 'broken', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: LOOKUP }] });
		assert.equal(broken.status, 400);
		assert.match(String((broken.json.error as { message: string }).message), /arguments for "Get_Contact" do not fit its schema/);
		const missingTool = await post('/chat/completions', { model: 'broken', messages: [{ role: 'user', content: 'x' }] });
		assert.match(String((missingTool.json.error as { message: string }).message), /offers only: none/);
		assert.equal((await post('/chat/completions', { model: 'other', messages: [] })).status, 404);
		assert.equal((await post('/chat/completions', { model: 'scripted', messages: [] }, 'sk-wrong')).status, 401);
		const models = await fetch(`${model.url}/models`, { headers: { authorization: `Bearer ${model.apiKey}` } });
		assert.deepEqual(((await models.json()) as { data: Array<{ id: string }> }).data.map(({ id }) => id), ['scripted']);
	});
});
