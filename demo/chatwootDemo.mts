/**
 * The Chatwoot and Konverte Digital demo: credentials and workflows around the Chatwoot sandbox's seeded
 * account. `npm start` runs them and prints what happened; the end-to-end tests run the same workflows.
 */
import type { ChatwootSeed } from '../sandbox/chatwoot/seed.mts';
import { codeNode, customNodeType, manualTrigger, workflow, type Credential, type NodeSpec } from '../test/harness/n8n.mts';
import type { DemoWorkflow } from './wtsDemo.mts';

export const CHATWOOT_CREDENTIAL = { id: 'chatwootSandbox1', name: 'Chatwoot (sandbox)' };
export const CHATWOOT_PLATFORM_CREDENTIAL = { id: 'chatwootPlatform1', name: 'Chatwoot Platform (sandbox)' };
export const KONVERTE_CREDENTIAL = { id: 'konverteSandbox01', name: 'Konverte Digital (sandbox)' };
export const KONVERTE_PLATFORM_CREDENTIAL = { id: 'konvertePlatform1', name: 'Konverte Digital Platform (sandbox)' };

export interface ChatwootTokens {
	url: string;
	userToken: string;
	platformToken: string;
	accountId: number;
}

export function chatwootCredentials(sandbox: ChatwootTokens): Credential[] {
	const account = { url: sandbox.url, accessToken: sandbox.userToken, accountId: String(sandbox.accountId) };
	const platform = { url: sandbox.url, platformToken: sandbox.platformToken };
	return [
		{ ...CHATWOOT_CREDENTIAL, type: 'chatwootApi', data: account },
		{ ...CHATWOOT_PLATFORM_CREDENTIAL, type: 'chatwootPlatformApi', data: platform },
		{ ...KONVERTE_CREDENTIAL, type: 'konverteDigitalApi', data: account },
		{ ...KONVERTE_PLATFORM_CREDENTIAL, type: 'konverteDigitalPlatformApi', data: platform },
	];
}

/**
 * A Chatwoot node with the sandbox credentials: the Chatwoot node for the Application and Client APIs, the
 * Chatwoot Platform node (which has no API selector) when `parameters.api` is `platform`.
 */
export function chatwootNode(name: string, parameters: Record<string, unknown>): NodeSpec {
	const { api, ...rest } = parameters;
	if (api === 'platform') {
		return { name, type: customNodeType('chatwootPlatform'), typeVersion: 1, parameters: rest, credentials: { chatwootPlatformApi: CHATWOOT_PLATFORM_CREDENTIAL } };
	}
	return { name, type: customNodeType('chatwoot'), typeVersion: 1, parameters, credentials: { chatwootApi: CHATWOOT_CREDENTIAL } };
}

export function konverteNode(name: string, parameters: Record<string, unknown>): NodeSpec {
	return { name, type: customNodeType('konverteDigital'), typeVersion: 1, parameters, credentials: { konverteDigitalApi: KONVERTE_CREDENTIAL } };
}

/** A resource-locator value given by ID (or by an expression resolving to one). */
export const byId = (value: string | number) => ({ __rl: true, mode: 'id', value: String(value) });

/** Two files made inside the workflow, attached to one message. */
const MAKE_ATTACHMENTS = codeNode(
	'Make Attachments',
	`const invoice = await this.helpers.prepareBinaryData(Buffer.from('%PDF-1.4\\nfatura\\n%%EOF\\n'), 'fatura.pdf', 'application/pdf');
const photo = await this.helpers.prepareBinaryData(Buffer.from('GIF89a-demo-image'), 'foto.gif', 'image/gif');
return [{ json: $input.first().json, binary: { invoice, photo } }];`,
);

export function chatwootDemoWorkflows(seed: ChatwootSeed): DemoWorkflow[] {
	return [
		{
			title: 'Contact → conversation → message with two attachments → resolve',
			resultNode: 'Resolve',
			workflow: workflow({
				name: 'Chatwoot demo: conversation with attachments',
				nodes: [
					manualTrigger(),
					chatwootNode('Create Contact', {
						resource: 'contact',
						operation: 'create',
						additionalFields: { inboxId: seed.inboxIds.api, name: 'Maria Oliveira', email: 'maria.oliveira@exemplo.com.br', phoneNumber: '+5511987654321' },
					}),
					chatwootNode('Create Conversation', {
						resource: 'conversation',
						operation: 'create',
						sourceId: '={{ $json.payload.contact_inbox.source_id }}',
						additionalFields: {
							inboxId: seed.inboxIds.api,
							contactId: '={{ $json.payload.contact.id }}',
							status: 'open',
							message: { content: 'Olá Maria! Recebemos seu pedido.' },
						},
					}),
					MAKE_ATTACHMENTS,
					chatwootNode('Send Attachments', {
						resource: 'message',
						operation: 'create',
						conversationId: '={{ $json.id }}',
						content: 'Segue a fatura e a foto do produto.',
						attachments: 'invoice, photo',
					}),
					chatwootNode('Resolve', {
						resource: 'conversation',
						operation: 'setStatus',
						conversationId: byId("={{ $('Create Conversation').item.json.id }}"),
						status: 'resolved',
					}),
				],
			}),
		},
		{
			title: 'List every conversation (Return All, all statuses)',
			resultNode: 'List Conversations',
			workflow: workflow({
				name: 'Chatwoot demo: list conversations',
				nodes: [manualTrigger(), chatwootNode('List Conversations', { resource: 'conversation', operation: 'getAll', returnAll: true, filters: { status: 'all' } })],
			}),
		},
		{
			title: 'Client API: contact, conversation and message by inbox identifier',
			resultNode: 'Client Message',
			workflow: workflow({
				name: 'Chatwoot demo: client API',
				nodes: [
					manualTrigger(),
					chatwootNode('Client Contact', { api: 'client', resource: 'clientContact', operation: 'create', inboxIdentifier: seed.apiInboxIdentifier, additionalFields: { name: 'Visitante do site' } }),
					chatwootNode('Client Conversation', {
						api: 'client',
						resource: 'clientConversation',
						operation: 'create',
						inboxIdentifier: seed.apiInboxIdentifier,
						contactIdentifier: '={{ $json.source_id }}',
					}),
					chatwootNode('Client Message', {
						api: 'client',
						resource: 'clientMessage',
						operation: 'create',
						inboxIdentifier: seed.apiInboxIdentifier,
						contactIdentifier: "={{ $('Client Contact').item.json.source_id }}",
						conversationId: '={{ $json.id }}',
						additionalFields: { content: 'Oi, quero saber do meu pedido', echoId: 'demo-echo-1' },
					}),
				],
			}),
		},
		{
			title: 'Konverte Digital: list inboxes',
			resultNode: 'Konverte Inboxes',
			workflow: workflow({
				name: 'Konverte Digital demo: list inboxes',
				nodes: [manualTrigger(), konverteNode('Konverte Inboxes', { resource: 'inbox', operation: 'getAll' })],
			}),
		},
	];
}
