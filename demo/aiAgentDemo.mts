/**
 * The AI support agent: the example workflows in examples/ (an AI Agent with this package's nodes as tools,
 * behind a WTS Chat or Chatwoot trigger) and the scripts the model sandbox answers them with. `npm start`
 * runs them and prints the conversation; the end-to-end tests run the same workflows and assert on what the
 * platforms received.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ChatwootSandbox } from '../sandbox/chatwoot/server.mts';
import type { Conversation, ModelSandbox, Script, ToolExchange } from '../sandbox/model/server.mts';
import type { WtsSandbox } from '../sandbox/wts/server.mts';
import { repoRoot, type Credential, type N8nInstance, type Workflow } from '../test/harness/n8n.mts';
import { incomingMessage } from './triggerDemo.mts';

/** The package's name, the prefix of its node types once installed from n8n's community nodes. */
const PACKAGE_NODE_PREFIX = 'n8n-nodes-omnichat.';

/** The example workflows users import, by file name in examples/. */
export const EXAMPLES = {
	wts: 'ai-support-agent-wts.json',
	chatwoot: 'ai-support-agent-chatwoot.json',
} as const;

/**
 * An example workflow as the harness loads it: our nodes come from the custom-extension folder
 * (`CUSTOM.<node>`) instead of the installed package (`n8n-nodes-omnichat.<node>`); nothing else changes.
 */
export function loadExample(file: string): Workflow {
	const text = readFileSync(join(repoRoot, 'examples', file), 'utf8');
	const example = JSON.parse(text) as Workflow;
	for (const node of example.nodes) {
		if (node.type.startsWith(PACKAGE_NODE_PREFIX)) node.type = `CUSTOM.${node.type.slice(PACKAGE_NODE_PREFIX.length)}`;
	}
	return example;
}

/** The credentials an example refers to, by type, as {id, name}. */
export function exampleCredentials(workflow: Workflow): Map<string, { id: string; name: string }> {
	const found = new Map<string, { id: string; name: string }>();
	for (const node of workflow.nodes) for (const [type, reference] of Object.entries(node.credentials ?? {})) found.set(type, reference);
	return found;
}

/** Credentials for an example: for each credential type it uses, the given data under the example's id and name. */
function credentialsFor(workflow: Workflow, data: Record<string, Record<string, unknown>>): Credential[] {
	return [...exampleCredentials(workflow)].map(([type, reference]) => {
		const values = data[type];
		if (values === undefined) throw new Error(`no credential data for ${type}, which "${workflow.name}" uses`);
		return { ...reference, type, data: values };
	});
}

/** The first record of a tool's result: n8n hands the model the node's output items as JSON. */
function record(exchange: ToolExchange | undefined): Record<string, unknown> {
	let value = exchange?.result;
	while (Array.isArray(value)) value = value[0];
	return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function sessionIdIn(conversation: Conversation): string {
	const id = UUID.exec(conversation.system)?.[0];
	if (id === undefined) throw new Error(`the agent's instructions name no session: ${conversation.system}`);
	return id;
}

/** The tag the WTS agent gives a contact whose order is late. */
export const LATE_ORDER_TAG = 'pedido-atrasado';

/** The WTS agent: look up the session, then its contact; tag the contact; answer by first name. */
export const WTS_SCRIPT: Script = [
	{ toolCalls: [{ tool: 'Get_Session', arguments: (c) => ({ session_id: sessionIdIn(c) }) }] },
	{ toolCalls: [{ tool: 'Get_Contact', arguments: (c) => ({ contact_id: String(record(c.exchanges[0]).contactId) }) }] },
	// A value outside the field's options first, as models do: the node refuses it with the values to use.
	{ toolCalls: [{ tool: 'Tag_Contact', arguments: (c) => ({ contact_id: String(record(c.exchanges[1]).id), tag_action: 'add', tags: LATE_ORDER_TAG }) }] },
	{
		toolCalls: [
			{
				tool: 'Tag_Contact',
				arguments: (c) => ({ contact_id: String(record(c.exchanges[1]).id), tag_action: optionFrom(c.exchanges[2], 'InsertIfNotExists'), tags: LATE_ORDER_TAG }),
			},
		],
	},
	{ reply: (c) => wtsAnswer(String(record(c.exchanges[1]).name)) },
];

/** The option a refused tool call's error offers: the script reads it as a model would, or stops. */
function optionFrom(refused: ToolExchange | undefined, option: string): string {
	const error = JSON.stringify(refused?.result ?? null);
	if (!new RegExp(`use one of [^"]*\\b${option}\\b`).test(error)) throw new Error(`the refused tool call did not offer ${option}: ${error}`);
	return option;
}

/** The WTS agent's answer to a contact called `name`. */
export function wtsAnswer(name: string): string {
	return `Olá, ${name.split(' ')[0]}! Sinto muito pelo atraso: marquei seu pedido como prioridade e um atendente vai acompanhar a entrega.`;
}

/** A number the agent's instructions give after `word`, e.g. the conversation in "conversation 12". */
function numberAfter(word: string, conversation: Conversation): number {
	const found = new RegExp(`${word} (\\d+)`).exec(conversation.system)?.[1];
	if (found === undefined) throw new Error(`the agent's instructions name no ${word}: ${conversation.system}`);
	return Number(found);
}

/** The label the Chatwoot agent gives a question about an invoice. */
export const BILLING_LABEL = 'billing';

/** The private note the Chatwoot agent leaves for the agents about a customer's message. */
export const chatwootNote = (message: string) => `Billing question: "${message}"`;

/** The Chatwoot agent's answer to the customer. */
export const CHATWOOT_ANSWER = 'Obrigado! Uma pessoa da nossa equipe de suporte já vai responder sobre a sua fatura.';

/** The Chatwoot agent: label the conversation, hand it over to a team with a private note, answer. */
export const CHATWOOT_SCRIPT: Script = [
	{ toolCalls: [{ tool: 'Add_Label', arguments: (c) => ({ conversation_id: numberAfter('conversation', c), labels: BILLING_LABEL }) }] },
	{
		toolCalls: [
			{
				tool: 'Hand_Over',
				arguments: (c) => ({ conversation_id: numberAfter('conversation', c), note: chatwootNote(c.user.at(-1) ?? ''), team_id: numberAfter('team', c) }),
			},
		],
	},
	{ reply: CHATWOOT_ANSWER },
];

/** Picks the script by the tools the agent offers. */
export function supportAgentScript({ conversation }: { conversation: Conversation }): Script | undefined {
	const offered = new Set(conversation.tools.map((tool) => tool.name));
	if (offered.has('Get_Session')) return WTS_SCRIPT;
	if (offered.has('Add_Label')) return CHATWOOT_SCRIPT;
	return undefined;
}

export interface AgentConversation {
	title: string;
	customer: string;
	/** Each tool call the model made, with its arguments, and the error the tool answered, if it refused. */
	toolCalls: Array<{ tool: string; arguments: Record<string, unknown>; error?: string }>;
	/** The model's answer, or undefined when the run did not finish. */
	answer?: string;
	/** The execution's status in n8n. */
	status: string;
}

/** What the model answered in the agent run whose tools include `toolName`: its tool calls and its reply. */
function conversationOf(model: ModelSandbox, toolName: string, title: string, customer: string, status: string): AgentConversation {
	const calls = model.requests.filter(({ conversation }) => conversation.tools.some(({ name }) => name === toolName));
	const last = calls.at(-1);
	const answer = last && 'reply' in last.answer ? last.answer.reply : undefined;
	const results = last?.conversation.exchanges ?? [];
	const toolCalls = calls
		.flatMap(({ answer: given }) => ('toolCalls' in given ? given.toolCalls : []))
		.map(({ name, arguments: args }, index) => {
			const { error } = record(results[index]);
			return { tool: name, arguments: args, ...(typeof error === 'string' ? { error } : {}) };
		});
	return { title, customer, status, answer, toolCalls };
}

/** Imports example workflows and, for each credential they name, one pointing at the sandboxes. */
export async function importExamples(
	n8n: N8nInstance,
	examples: Workflow[],
	{ wts, chatwoot, model }: { wts: WtsSandbox; chatwoot: ChatwootSandbox; model: ModelSandbox },
): Promise<void> {
	const data = {
		wtsChatApi: { apiKey: wts.apiKey, baseUrl: wts.url },
		chatwootApi: { url: chatwoot.url, accessToken: chatwoot.userToken, accountId: String(chatwoot.accountId) },
		openAiApi: { apiKey: model.apiKey, url: model.url },
	};
	const credentials = new Map(examples.flatMap((example) => credentialsFor(example, data)).map((credential) => [credential.id, credential]));
	await n8n.importCredentials([...credentials.values()]);
	await n8n.importWorkflows(examples);
}

/**
 * Imports both example workflows with credentials for the sandboxes (n8n started, owner set up), activates
 * them, lets a customer write on each platform and returns the conversations the agents had.
 */
export async function runAiAgentDemo(
	n8n: N8nInstance,
	{ wts, chatwoot, model }: { wts: WtsSandbox; chatwoot: ChatwootSandbox; model: ModelSandbox },
): Promise<AgentConversation[]> {
	const wtsExample = loadExample(EXAMPLES.wts);
	const chatwootExample = loadExample(EXAMPLES.chatwoot);
	await importExamples(n8n, [wtsExample, chatwootExample], { wts, chatwoot, model });
	await n8n.activateWorkflow(wtsExample.id);
	await n8n.activateWorkflow(chatwootExample.id);

	// WhatsApp: only to this workflow's subscription (other demo workflows may listen to the same events).
	const session = wts.seed.sessions[1];
	const wtsQuestion = 'Oi, meu pedido ainda não chegou!';
	const subscription = [...wts.state.webhookSubscriptions.values()].find(({ url }) => url.includes(String(wtsExample.nodes[0].webhookId)));
	await wts.emitWebhook('MESSAGE_RECEIVED', incomingMessage(session.id, wtsQuestion), { subscriptionId: subscription?.id });
	const [wtsRun] = await n8n.waitForExecutions(wtsExample.id, 1, 60_000);

	// Chatwoot: the customer opens a conversation in the agent bot's inbox through the Client API and writes.
	const client = `${chatwoot.url}/public/api/v1/inboxes/${chatwoot.seed.apiInboxIdentifier}/contacts/${chatwoot.seed.apiContacts[0].sourceId}/conversations`;
	const post = async (url: string, body: unknown) =>
		(await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { id: number };
	const conversation = (await post(client, {})).id;
	const chatwootQuestion = 'Olá, fui cobrado duas vezes na fatura de novembro.';
	await post(`${client}/${conversation}/messages`, { content: chatwootQuestion });
	const [chatwootRun] = await n8n.waitForExecutions(chatwootExample.id, 1, 60_000);

	return [
		conversationOf(model, 'Get_Session', `WhatsApp (WTS Chat), session ${session.id}`, wtsQuestion, wtsRun.status),
		conversationOf(model, 'Add_Label', `Chatwoot agent bot, conversation ${conversation}`, chatwootQuestion, chatwootRun.status),
	];
}
