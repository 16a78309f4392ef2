/**
 * The WTS Chat demo: credentials and workflows built around the sandbox's seeded account. `npm start` runs
 * them and prints what happened; the end-to-end tests run the same workflows and assert on them.
 */
import type { WtsSeed } from '../sandbox/wts/seed.mts';
import { codeNode, customNodeType, manualTrigger, workflow, type Credential, type NodeSpec, type Workflow } from '../test/harness/n8n.mts';

export const WTS_CREDENTIAL_ID = 'wtsSandboxCred01';

export function wtsCredential(baseUrl: string, apiKey: string): Credential {
	return { id: WTS_CREDENTIAL_ID, name: 'WTS Chat (sandbox)', type: 'wtsChatApi', data: { apiKey, baseUrl } };
}

/** A WTS Chat node with the sandbox credential. */
export function wtsNode(name: string, parameters: Record<string, unknown>): NodeSpec {
	return {
		name,
		type: customNodeType('wtsChat'),
		typeVersion: 1,
		parameters,
		credentials: { wtsChatApi: { id: WTS_CREDENTIAL_ID, name: 'WTS Chat (sandbox)' } },
	};
}

/** The small PDF the send-file demo makes inside the workflow, so it uploads real binary data. */
export const DEMO_PDF = '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';
export const MAKE_PDF = codeNode(
	'Make PDF',
	`const pdf = ${JSON.stringify(DEMO_PDF)};
return [{ json: { file: 'catalogo.pdf' }, binary: { data: await this.helpers.prepareBinaryData(Buffer.from(pdf), 'catalogo.pdf', 'application/pdf') } }];`,
);

export interface DemoWorkflow {
	workflow: Workflow;
	/** The node whose output the summary reports. */
	resultNode: string;
	title: string;
}

export function wtsDemoWorkflows(seed: WtsSeed): DemoWorkflow[] {
	const channel = seed.channels[0].id;
	const contact = seed.contacts[0];
	return [
		{
			title: 'Send a text message',
			resultNode: 'Send Text',
			workflow: workflow({
				name: 'WTS demo: send text',
				nodes: [
					manualTrigger(),
					wtsNode('Send Text', {
						resource: 'message',
						operation: 'sendText',
						from: channel,
						to: contact.phoneNumber,
						text: 'Olá! Seu pedido foi confirmado.',
						options: {},
					}),
				],
			}),
		},
		{
			title: 'Send a file from binary data',
			resultNode: 'Send File',
			workflow: workflow({
				name: 'WTS demo: send file from binary',
				nodes: [
					manualTrigger(),
					MAKE_PDF,
					wtsNode('Send File', {
						resource: 'message',
						operation: 'sendFile',
						from: channel,
						to: contact.phoneNumber,
						fileSource: 'binary',
						binaryPropertyName: 'data',
						options: {},
					}),
				],
			}),
		},
		{
			title: 'Update a contact',
			resultNode: 'Update Contact',
			workflow: workflow({
				name: 'WTS demo: update contact',
				nodes: [
					manualTrigger(),
					wtsNode('Update Contact', {
						resource: 'contact',
						operation: 'update',
						contactId: contact.id,
						updateFields: { name: `${contact.name} (VIP)`, email: 'cliente+vip@exemplo.com.br', tagIds: [seed.tags[0].id] },
					}),
				],
			}),
		},
		{
			title: 'List every session (Return All)',
			resultNode: 'List Sessions',
			workflow: workflow({
				name: 'WTS demo: list sessions',
				nodes: [manualTrigger(), wtsNode('List Sessions', { resource: 'session', operation: 'getAll', returnAll: true })],
			}),
		},
	];
}
