/**
 * Model sandbox: a local server speaking the two OpenAI APIs n8n's OpenAI Chat Model uses (Chat Completions,
 * `POST /v1/chat/completions`, and Responses, `POST /v1/responses`), answering from a script instead of a
 * model. Nothing here calls a real model.
 *
 *   const model = await startModelSandbox({ script: ({ model, conversation }) => [step, step, ...] });
 *   model.url        // base URL for the openAiApi credential: http://127.0.0.1:<port>/v1
 *   model.apiKey     // the key the credential must send (Bearer)
 *   model.requests   // every model call: API, model, the conversation and the tools it offered
 *   await model.close()
 *
 * `script` picks the script for a request (by its model, or by the tools or prompt of its conversation); a
 * request it finds none for is refused as an unknown model. A script is a list of steps, one per model call:
 * step N answers the call that follows N earlier assistant turns, so several conversations can run at once.
 * A step makes tool calls (tool name as n8n offers it, i.e. the node name with spaces as `_`, and arguments,
 * or a function of the conversation that returns them) or gives the final reply. Each tool call is checked
 * against the tool's JSON schema in the request: a call the script would make to a tool that is not offered,
 * or with arguments the schema refuses, fails the request with 400 and a message saying why.
 * `GET /v1/models` lists `models` (the editor's model picker reads it).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Ajv2020 } from 'ajv/dist/2020.js';

export const DEFAULT_MODEL_API_KEY = 'sk-sandbox-model';

/** A tool as the request offered it. */
export interface OfferedTool {
	name: string;
	description: string;
	/** JSON schema of the arguments. */
	parameters: Record<string, unknown>;
}

/** A tool call the model made earlier in the conversation, with the result n8n sent back. */
export interface ToolExchange {
	id: string;
	name: string;
	arguments: Record<string, unknown>;
	/** The tool's output, parsed when it is JSON. */
	result: unknown;
}

/** What a script step sees of the conversation so far. */
export interface Conversation {
	/** The system message (the agent's system prompt), or ''. */
	system: string;
	/** The user's messages, in order (the agent's prompt is the last). */
	user: string[];
	/** Earlier tool calls with their results, in order. */
	exchanges: ToolExchange[];
	tools: OfferedTool[];
}

export interface ScriptedToolCall {
	tool: string;
	arguments: Record<string, unknown> | ((conversation: Conversation) => Record<string, unknown>);
}

export type ScriptStep =
	| { toolCalls: ScriptedToolCall[] }
	| { reply: string | ((conversation: Conversation) => string) };

export type Script = ScriptStep[];

export interface ModelRequest {
	api: 'chat.completions' | 'responses';
	model: string;
	conversation: Conversation;
	/** What the sandbox answered: the tool calls it made or the reply, or the reason it refused. */
	answer: { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } | { reply: string } | { refused: string };
}

export interface ModelSandboxOptions {
	port?: number;
	host?: string;
	apiKey?: string;
	script: (request: { model: string; conversation: Conversation }) => Script | undefined;
	/** What `GET /v1/models` lists (default: gpt-4.1-mini). */
	models?: string[];
}

export interface ModelSandbox {
	url: string;
	port: number;
	apiKey: string;
	requests: ModelRequest[];
	close(): Promise<void>;
}

type Json = Record<string, unknown>;

class Refusal extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const asRecord = (value: unknown): Json =>
	value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function parseMaybeJson(text: unknown): unknown {
	if (typeof text !== 'string') return text;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** Text of a message content: a string, or parts with `text`. */
function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	return asArray(content)
		.map((part) => asRecord(part).text)
		.filter((text): text is string => typeof text === 'string')
		.join('');
}

function parseArguments(raw: unknown): Json {
	return asRecord(typeof raw === 'string' ? parseMaybeJson(raw) : raw);
}

/** Chat Completions: messages with roles system/user/assistant(tool_calls)/tool; tools as {type: function, function}. */
function chatConversation(body: Json): Conversation {
	const conversation: Conversation = { system: '', user: [], exchanges: [], tools: [] };
	const pending = new Map<string, ToolExchange>();
	for (const entry of asArray(body.messages)) {
		const message = asRecord(entry);
		if (message.role === 'system' || message.role === 'developer') conversation.system += textOf(message.content);
		else if (message.role === 'user') conversation.user.push(textOf(message.content));
		else if (message.role === 'assistant') {
			for (const call of asArray(message.tool_calls)) {
				const { id, function: fn } = asRecord(call);
				const exchange = { id: String(id), name: String(asRecord(fn).name), arguments: parseArguments(asRecord(fn).arguments), result: undefined };
				pending.set(exchange.id, exchange);
				conversation.exchanges.push(exchange);
			}
		} else if (message.role === 'tool') {
			const exchange = pending.get(String(message.tool_call_id));
			if (exchange) exchange.result = parseMaybeJson(textOf(message.content));
		}
	}
	for (const entry of asArray(body.tools)) {
		const fn = asRecord(asRecord(entry).function);
		conversation.tools.push({ name: String(fn.name), description: String(fn.description ?? ''), parameters: asRecord(fn.parameters) });
	}
	return conversation;
}

/** Responses: `input` items (messages, function_call, function_call_output), `instructions`, flat function tools. */
function responsesConversation(body: Json): Conversation {
	const conversation: Conversation = { system: typeof body.instructions === 'string' ? body.instructions : '', user: [], exchanges: [], tools: [] };
	const pending = new Map<string, ToolExchange>();
	const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : asArray(body.input);
	for (const entry of input) {
		const item = asRecord(entry);
		if (item.type === 'function_call') {
			const exchange = { id: String(item.call_id), name: String(item.name), arguments: parseArguments(item.arguments), result: undefined };
			pending.set(exchange.id, exchange);
			conversation.exchanges.push(exchange);
		} else if (item.type === 'function_call_output') {
			const exchange = pending.get(String(item.call_id));
			if (exchange) exchange.result = parseMaybeJson(typeof item.output === 'string' ? item.output : textOf(item.output));
		} else if (item.role === 'system' || item.role === 'developer') conversation.system += textOf(item.content);
		else if (item.role === 'user') conversation.user.push(textOf(item.content));
	}
	for (const entry of asArray(body.tools)) {
		const tool = asRecord(entry);
		if (tool.type === 'function') conversation.tools.push({ name: String(tool.name), description: String(tool.description ?? ''), parameters: asRecord(tool.parameters) });
	}
	return conversation;
}

/** Assistant turns so far: each batch of tool calls is one turn (calls made together share a turn). */
function assistantTurns(api: ModelRequest['api'], body: Json): number {
	if (api === 'chat.completions') return asArray(body.messages).filter((entry) => asRecord(entry).role === 'assistant').length;
	// The Responses API lists the calls of one turn as consecutive function_call items.
	let turns = 0;
	let previousWasCall = false;
	for (const entry of asArray(body.input)) {
		const isCall = asRecord(entry).type === 'function_call';
		if (isCall && !previousWasCall) turns++;
		previousWasCall = isCall;
	}
	return turns;
}

export async function startModelSandbox(options: ModelSandboxOptions): Promise<ModelSandbox> {
	const apiKey = options.apiKey ?? DEFAULT_MODEL_API_KEY;
	const requests: ModelRequest[] = [];
	const ajv = new Ajv2020({ strict: false, allErrors: true });

	const checkCall = (conversation: Conversation, name: string, args: Json): void => {
		const tool = conversation.tools.find((offered) => offered.name === name);
		if (!tool) throw new Refusal(400, `the script calls tool "${name}", but the request offers only: ${conversation.tools.map((t) => t.name).join(', ') || 'none'}`);
		const { $schema: _dialect, ...schema } = tool.parameters; // zod-to-json-schema declares draft-07
		const validate = ajv.compile(schema);
		if (!validate(args)) throw new Refusal(400, `arguments for "${name}" do not fit its schema: ${ajv.errorsText(validate.errors)}`);
	};

	const answer = (api: ModelRequest['api'], body: Json): ModelRequest => {
		const model = String(body.model ?? '');
		const conversation = api === 'chat.completions' ? chatConversation(body) : responsesConversation(body);
		const script = options.script({ model, conversation });
		const record = (result: ModelRequest['answer']): ModelRequest => {
			const entry = { api, model, conversation, answer: result };
			requests.push(entry);
			return entry;
		};
		try {
			if (!script) throw new Refusal(404, `The model \`${model}\` does not exist: no script answers this conversation`);
			const turn = assistantTurns(api, body);
			const step = script[turn];
			if (!step) throw new Refusal(400, `script "${model}" has ${script.length} steps; the conversation asks for step ${turn + 1}`);
			if ('reply' in step) return record({ reply: typeof step.reply === 'function' ? step.reply(conversation) : step.reply });
			const toolCalls = step.toolCalls.map((call) => {
				const args = typeof call.arguments === 'function' ? call.arguments(conversation) : call.arguments;
				checkCall(conversation, call.tool, args);
				return { name: call.tool, arguments: args };
			});
			return record({ toolCalls });
		} catch (error) {
			if (error instanceof Refusal) record({ refused: error.message });
			throw error;
		}
	};

	const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
	const chatCompletion = (request: ModelRequest): Json => {
		const calls = 'toolCalls' in request.answer ? request.answer.toolCalls : [];
		const message: Json =
			'reply' in request.answer
				? { role: 'assistant', content: request.answer.reply }
				: {
						role: 'assistant',
						content: null,
						tool_calls: calls.map((call) => ({ id: `call_${randomUUID()}`, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } })),
					};
		return {
			id: `chatcmpl-${randomUUID()}`,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model: request.model,
			choices: [{ index: 0, message, logprobs: null, finish_reason: calls.length > 0 ? 'tool_calls' : 'stop' }],
			usage,
		};
	};
	const response = (request: ModelRequest): Json => {
		const output =
			'reply' in request.answer
				? [{ type: 'message', id: `msg_${randomUUID()}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: request.answer.reply, annotations: [] }] }]
				: ('toolCalls' in request.answer ? request.answer.toolCalls : []).map((call) => ({
						type: 'function_call',
						id: `fc_${randomUUID()}`,
						call_id: `call_${randomUUID()}`,
						name: call.name,
						arguments: JSON.stringify(call.arguments),
						status: 'completed',
					}));
		return {
			id: `resp_${randomUUID()}`,
			object: 'response',
			created_at: Math.floor(Date.now() / 1000),
			status: 'completed',
			model: request.model,
			output,
			usage: { input_tokens: 10, output_tokens: 10, total_tokens: 20 },
		};
	};

	const send = (res: ServerResponse, status: number, body: Json): void => {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	};

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
		if (req.headers.authorization !== `Bearer ${apiKey}`) {
			send(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } });
			return;
		}
		if (req.method === 'GET' && path === '/v1/models') {
			send(res, 200, { object: 'list', data: (options.models ?? ['gpt-4.1-mini']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'sandbox' })) });
			return;
		}
		const api = path === '/v1/chat/completions' ? 'chat.completions' : path === '/v1/responses' ? 'responses' : undefined;
		if (req.method !== 'POST' || api === undefined) {
			send(res, 404, { error: { message: `Unknown request URL: ${req.method ?? ''} ${path}`, type: 'invalid_request_error' } });
			return;
		}
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const body = asRecord(parseMaybeJson(Buffer.concat(chunks).toString('utf8')));
		try {
			const request = answer(api, body);
			if (body.stream === true) throw new Refusal(400, 'the model sandbox does not stream; turn streaming off');
			send(res, 200, api === 'chat.completions' ? chatCompletion(request) : response(request));
		} catch (error) {
			const status = error instanceof Refusal ? error.status : 500;
			send(res, status, { error: { message: error instanceof Error ? error.message : String(error), type: 'invalid_request_error' } });
		}
	};

	const server: Server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => send(res, 500, { error: { message: String(error) } }));
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://${options.host ?? '127.0.0.1'}:${port}/v1`,
		port,
		apiKey,
		requests,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
