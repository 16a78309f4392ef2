/**
 * The nodes each benchmark compares, configured as a user would configure them in the editor, and the
 * credentials they use. Every alternative sends the same requests to the same kind of sandbox.
 */
import { randomUUID } from 'node:crypto';

import {
	codeNode,
	communityNodeType,
	customNodeType,
	manualTrigger,
	workflow,
	type Credential,
	type NodeSpec,
	type Workflow,
} from '../test/harness/n8n.mts';

export const DEVLIKEAPRO_PACKAGE = { name: '@devlikeapro/n8n-nodes-chatwoot', version: '1.0.2' } as const;

/** The node under test in every bulk workflow. */
export const TARGET_NODE = 'Target';

/** n8n 2.40.7's default HTTP Request version (what a node dragged onto the canvas gets). */
const HTTP_REQUEST_VERSION = 4.5;

/** What a user sets to live with a rate limit: batches matching the limit, and n8n's node-level retry. */
export interface Batching {
	batchSize: number;
	batchIntervalMs: number;
}

/** "Retry On Fail" at the most patient values n8n allows (its maximum wait is 5 s). */
const CAREFUL_RETRY = { retryOnFail: true, maxTries: 3, waitBetweenTries: 5000 } as const;

/** A fresh credential id, 16 characters like the ids n8n makes itself. */
export function credentialId(): string {
	return `cred${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export function wtsCredential(id: string, baseUrl: string, apiKey: string): Credential {
	return { id, name: `WTS ${id}`, type: 'wtsChatApi', data: { apiKey, baseUrl } };
}

export function headerAuthCredential(id: string, header: string, value: string): Credential {
	return { id, name: `Header ${id}`, type: 'httpHeaderAuth', data: { name: header, value } };
}

export function chatwootCredential(id: string, url: string, accessToken: string, accountId: number, requestsPerMinute?: number): Credential {
	// Both our node and the devlikeapro node name their credential type `chatwootApi`; this data satisfies
	// either one (they read `url` and `accessToken`). Ours also reads the installation's general limit.
	const data = { url, accessToken, accountId: String(accountId), ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }) };
	return { id, name: `Chatwoot ${id}`, type: 'chatwootApi', data };
}

const uses = (type: string, credential: Credential) => ({
	[type]: { id: credential.id, name: credential.name },
});

/** One item per planned message: `json` holds what the target node reads through expressions. */
export function bulkWorkflow(name: string, items: Array<Record<string, unknown>>, target: NodeSpec): Workflow {
	return workflow({
		name,
		nodes: [
			manualTrigger(),
			codeNode('Make Items', `return ${JSON.stringify(items)}.map((json) => ({ json }));`),
			{ ...target, name: TARGET_NODE },
		],
	});
}

export function ourWtsSendText(credential: Credential, channelId: string, requestOptions: Record<string, unknown> = {}): NodeSpec {
	return {
		name: TARGET_NODE,
		type: customNodeType('wtsChat'),
		typeVersion: 1,
		parameters: {
			resource: 'message',
			operation: 'sendText',
			from: channelId,
			to: '={{ $json.to }}',
			text: '={{ $json.text }}',
			options: {},
			requestOptions,
		},
		credentials: uses('wtsChatApi', credential),
	};
}

interface HttpPost {
	url: string;
	jsonBody: string;
	credential: Credential;
	batching?: Batching;
}

function httpRequestPost({ url, jsonBody, credential, batching }: HttpPost): NodeSpec {
	return {
		name: TARGET_NODE,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: HTTP_REQUEST_VERSION,
		parameters: {
			method: 'POST',
			url,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			specifyBody: 'json',
			jsonBody,
			options: batching
				? { batching: { batch: { batchSize: batching.batchSize, batchInterval: batching.batchIntervalMs } } }
				: {},
		},
		credentials: uses('httpHeaderAuth', credential),
		...(batching ? CAREFUL_RETRY : {}),
	};
}

/** The HTTP Request node posting WTS's classic send, the request our Send Text makes. */
export function httpWtsSendText(baseUrl: string, credential: Credential, channelId: string, batching?: Batching): NodeSpec {
	return httpRequestPost({
		url: `${baseUrl}/chat/v1/message/send`,
		jsonBody: `={{ JSON.stringify({ from: ${JSON.stringify(channelId)}, to: $json.to, body: { text: $json.text } }) }}`,
		credential,
		batching,
	});
}

export function ourChatwootCreateMessage(credential: Credential): NodeSpec {
	return {
		name: TARGET_NODE,
		type: customNodeType('chatwoot'),
		typeVersion: 1,
		parameters: {
			resource: 'message',
			operation: 'create',
			conversationId: '={{ $json.conversationId }}',
			content: '={{ $json.content }}',
		},
		credentials: uses('chatwootApi', credential),
	};
}

export function devlikeaproCreateMessage(credential: Credential, accountId: number, batching?: Batching): NodeSpec {
	return {
		name: TARGET_NODE,
		type: communityNodeType(DEVLIKEAPRO_PACKAGE.name, 'chatWoot'),
		typeVersion: 1,
		parameters: {
			resource: 'Messages',
			operation: 'Create A New Message In A Conversation',
			account_id: accountId,
			conversation_id: '={{ $json.conversationId }}',
			content: '={{ $json.content }}',
			message_type: 'outgoing',
			private: false,
			// n8n adds batching to every declarative node under "Request Options".
			...(batching
				? { requestOptions: { batching: { batch: { batchSize: batching.batchSize, batchInterval: batching.batchIntervalMs } } } }
				: {}),
		},
		credentials: uses('chatwootApi', credential),
		...(batching ? CAREFUL_RETRY : {}),
	};
}

export function httpChatwootCreateMessage(baseUrl: string, credential: Credential, accountId: number, batching?: Batching): NodeSpec {
	return httpRequestPost({
		url: `=${baseUrl}/api/v1/accounts/${accountId}/conversations/{{ $json.conversationId }}/messages`,
		jsonBody: '={{ JSON.stringify({ content: $json.content, message_type: "outgoing", private: false }) }}',
		credential,
		batching,
	});
}

/** How each alternative is described in the tables. */
export const ALTERNATIVE = {
	ours: 'n8n-nodes-omnichat',
	http: 'HTTP Request node',
	devlikeapro: '@devlikeapro/n8n-nodes-chatwoot',
} as const;

export type AlternativeId = keyof typeof ALTERNATIVE;

export function describeBatching(batching: Batching | undefined): string {
	if (!batching) return 'no batching';
	return `batches of ${batching.batchSize} every ${batching.batchIntervalMs} ms, Retry On Fail ${CAREFUL_RETRY.maxTries} tries ${CAREFUL_RETRY.waitBetweenTries} ms apart`;
}
