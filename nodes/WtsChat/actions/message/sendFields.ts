import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { booleanValue, fieldError, textValue } from '../../../shared/engine/inputErrors';
import type { ApiClient } from '../../../shared/transport/apiClient';

/** Channel and recipient, as in the first WTS node: users know these names and messages. */
export const channelAndRecipient: INodeProperties[] = [
	{
		displayName: 'From Channel Name or ID',
		name: 'from',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getChannels' },
		required: true,
		default: '',
		description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Channel the message is sent from.',
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		required: true,
		default: '',
		placeholder: '+55|11999999999 or @instagramuser',
		description: 'Phone number (country code, pipe, number) or Instagram username of the recipient',
	},
];

/** The routing options of a classic send: who handles the session it may open. */
export const sendOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Chatbot Name or ID',
			name: 'botKey',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getChatbots' },
			default: '',
			description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Chatbot started when the contact replies.',
		},
		{
			displayName: 'Department Name or ID',
			name: 'departmentId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getDepartments' },
			default: '',
			description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Department of the session the message opens.',
		},
		{
			displayName: 'Enable Bot',
			name: 'enableBot',
			type: 'boolean',
			default: false,
			description: 'Whether the chatbot may answer in the session',
		},
		{
			displayName: 'Force Start Session',
			name: 'forceStartSession',
			type: 'boolean',
			default: false,
			description: 'Whether to open a new session even if one is running',
		},
		{
			displayName: 'Hidden Session',
			name: 'hiddenSession',
			type: 'boolean',
			default: false,
			description: 'Whether the session stays hidden from the agents',
		},
		{
			displayName: 'Send Synchronous',
			name: 'sync',
			type: 'boolean',
			default: false,
			description: 'Whether to wait (up to 25 s) for the message to be sent and return its final status',
		},
		{
			displayName: 'User Name or ID',
			name: 'userId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getUsers', loadOptionsDependsOn: ['options.departmentId'] },
			default: '',
			description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Agent assigned to the session the message opens.',
		},
	],
};

export interface Recipient {
	from: string;
	to: string;
}

/** Refuses a send without channel or recipient before any request, with the first node's messages. */
export function readRecipient(ctx: IExecuteFunctions, itemIndex: number): Recipient {
	const from = textValue(ctx, itemIndex, 'From Channel Name or ID', ctx.getNodeParameter('from', itemIndex, '')).trim();
	if (!from) throw fieldError(ctx, itemIndex, 'Choose channel', 'Pick the channel to send from in "From Channel Name or ID".');
	const to = textValue(ctx, itemIndex, 'To', ctx.getNodeParameter('to', itemIndex, '')).trim();
	if (!to) {
		throw fieldError(ctx, itemIndex, 'Set an Instagram number or username for sending', 'Fill in "To" with a phone such as +55|11999999999 or an @instagramuser.');
	}
	return { from, to };
}

/** A classic send checked and ready: the `/chat/v1/message/send` body around which a message body goes. */
export interface ClassicSend {
	itemIndex: number;
	envelope: IDataObject;
	sync: boolean;
}

/** Reads the routing options of a classic send (who handles the session it may open), refusing bad flags. */
export function readClassicSend(ctx: IExecuteFunctions, itemIndex: number, recipient: Recipient): ClassicSend {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const envelope: IDataObject = { from: recipient.from, to: recipient.to };
	if (options.botKey) envelope.botKey = options.botKey;
	if (options.departmentId) envelope.department = { id: options.departmentId };
	if (options.userId) envelope.user = { id: options.userId };
	const flags: IDataObject = {};
	for (const [flag, label] of [['enableBot', 'Enable Bot'], ['hiddenSession', 'Hidden Session'], ['forceStartSession', 'Force Start Session']]) {
		if (options[flag] !== undefined) flags[flag] = booleanValue(ctx, itemIndex, label, options[flag]);
	}
	if (Object.keys(flags).length) envelope.options = flags;
	return { itemIndex, envelope, sync: options.sync === undefined ? false : booleanValue(ctx, itemIndex, 'Send Synchronous', options.sync) };
}

/** The sync endpoint may hold the answer for 25 s. */
const SYNC_TIMEOUT_MS = 35_000;

/** Posts a classic send (`/chat/v1/message/send`, or `send-sync` when "Send Synchronous" is on). */
export async function postClassicSend(client: ApiClient, send: ClassicSend, message: IDataObject): Promise<unknown> {
	const { envelope, sync, itemIndex } = send;
	return await client.request({
		method: 'POST',
		path: sync ? '/chat/v1/message/send-sync' : '/chat/v1/message/send',
		body: { ...envelope, body: message },
		itemIndex,
		timeoutMs: sync ? Math.max(SYNC_TIMEOUT_MS, client.settings.timeoutMs) : undefined,
	});
}

/** Messages to one recipient from one channel are one conversation: they keep their input order. */
export function recipientKey({ from, to }: Recipient): string {
	return `to:${from}|${to}`;
}

/** How the classic sends differ from the Queue operations of the newer send family. */
export const CLASSIC_SEND = 'Classic message endpoint, with file upload from binary data and template variables; check it with Get Status';
