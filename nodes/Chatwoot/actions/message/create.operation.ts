import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { binarySource, checkBinaryInput, type BinaryInput } from '../../../shared/engine/binaryInput';
import { booleanValue, fieldError, parseJsonField, textValue } from '../../../shared/engine/inputErrors';
import { toItems } from '../../../shared/engine/outputItems';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import { pathTo, type ApiClient } from '../../../shared/transport/apiClient';
import { encodeMultipart, type MultipartPart } from '../../../shared/transport/multipart';
import { accountOf } from '../../account';
import { conversationIdProperty } from '../conversationIdProperty';

/** Chatwoot's default upload limit (ACTIVE_STORAGE max size); larger files are refused before upload. */
export const MAX_ATTACHMENT_BYTES = 40 * 1024 * 1024;

export const description: INodeProperties[] = [
	conversationIdProperty,
	{
		displayName: 'Content',
		name: 'content',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'Message text. May be empty when attachments are sent.',
	},
	{
		displayName: 'Message Type',
		name: 'messageType',
		type: 'options',
		options: [
			{ name: 'Outgoing', value: 'outgoing', description: 'Sent to the contact' },
			{ name: 'Incoming', value: 'incoming', description: 'Recorded as written by the contact' },
		],
		default: 'outgoing',
	},
	{
		displayName: 'Private Note',
		name: 'private',
		type: 'boolean',
		default: false,
		description: 'Whether the message is a private note, visible to agents only',
	},
	{
		displayName: 'Attachments',
		name: 'attachments',
		type: 'string',
		default: '',
		placeholder: 'data, invoice',
		description: 'Names of the input binary fields to attach, separated by commas. Leave empty to send text only.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Content Attributes (JSON)',
				name: 'contentAttributes',
				type: 'json',
				default: '{}',
				description: 'Extra attributes such as in_reply_to or items of interactive messages',
			},
			{
				displayName: 'Content Type',
				name: 'contentType',
				type: 'options',
				options: [
					{ name: 'Article', value: 'article' },
					{ name: 'Cards', value: 'cards' },
					{ name: 'Form', value: 'form' },
					{ name: 'Input Email', value: 'input_email' },
					{ name: 'Input Select', value: 'input_select' },
					{ name: 'Text', value: 'text' },
				],
				default: 'text',
			},
			{
				displayName: 'Send Audio as Voice Message',
				name: 'voiceMessage',
				type: 'boolean',
				default: false,
				description: 'Whether audio attachments are delivered as recorded voice messages (WhatsApp voice notes) instead of files',
			},
			{
				displayName: 'Template Params (JSON)',
				name: 'templateParams',
				type: 'json',
				default: '{}',
				description: 'WhatsApp template to send: {"name": "...", "category": "...", "language": "pt_BR", "processed_params": {...}}',
			},
		],
	},
];

/** The binary fields named in "Attachments", checked from their metadata; they are read only when sending. */
function checkAttachments(ctx: IExecuteFunctions, itemIndex: number, names: string): BinaryInput[] {
	const properties = names.split(',').map((n) => n.trim()).filter(Boolean);
	const limit = { bytes: MAX_ATTACHMENT_BYTES, platform: 'Chatwoot (by default)' };
	return properties.map((property) => checkBinaryInput(ctx, itemIndex, property, limit, 'Attachments'));
}

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const conversationId = textValue(this, itemIndex, 'Conversation ID', this.getNodeParameter('conversationId', itemIndex, '')).trim();
	if (!/^\d+$/.test(conversationId)) {
		throw fieldError(this, itemIndex, 'Conversation ID must be a number', `Got "${conversationId}". Use the numeric ID shown in the conversation's URL.`);
	}
	const content = textValue(this, itemIndex, 'Content', this.getNodeParameter('content', itemIndex, ''));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const attachments = checkAttachments(this, itemIndex, String(this.getNodeParameter('attachments', itemIndex, '') ?? ''));
	if (!content.trim() && !attachments.length && !options.templateParams) {
		throw fieldError(this, itemIndex, 'Write a message or attach a file', 'Fill in "Content", or name binary fields in "Attachments".');
	}
	const messageType = textValue(this, itemIndex, 'Message Type', this.getNodeParameter('messageType', itemIndex, 'outgoing'));
	if (!['outgoing', 'incoming'].includes(messageType)) {
		throw fieldError(this, itemIndex, '"Message Type" must be outgoing or incoming', `Got "${messageType}".`);
	}
	const fields: IDataObject = {
		content,
		message_type: messageType,
		private: booleanValue(this, itemIndex, 'Private Note', this.getNodeParameter('private', itemIndex, false)),
	};
	if (options.contentType) fields.content_type = options.contentType;
	const contentAttributes = parseJsonField(this, itemIndex, 'Content Attributes (JSON)', options.contentAttributes);
	if (contentAttributes && Object.keys(contentAttributes).length) fields.content_attributes = contentAttributes as IDataObject;
	const templateParams = parseJsonField(this, itemIndex, 'Template Params (JSON)', options.templateParams);
	if (templateParams && Object.keys(templateParams).length) fields.template_params = templateParams as IDataObject;
	const voiceMessage = options.voiceMessage !== undefined && booleanValue(this, itemIndex, 'Send Audio as Voice Message', options.voiceMessage);
	const path = pathTo('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
		account_id: await accountOf(this, itemIndex, client),
		conversation_id: conversationId,
	});
	if (!attachments.length) return { send: async () => toItems(await client.request({ method: 'POST', path, body: fields, itemIndex })) };
	// Chatwoot's message builder reads the boolean `is_voice_message` and tags the audio attachments itself.
	const voiceNote = voiceMessage && attachments.some((file) => file.mimeType.startsWith('audio/'));
	return {
		send: async () => {
			const parts: MultipartPart[] = [];
			for (const [name, value] of Object.entries(fields)) {
				parts.push({ name, value: typeof value === 'object' ? JSON.stringify(value) : String(value) });
			}
			for (const attachment of attachments) parts.push({ name: 'attachments[]', file: await binarySource(this, attachment) });
			if (voiceNote) parts.push({ name: 'is_voice_message', value: 'true' });
			const multipart = encodeMultipart(parts);
			const headers = { 'Content-Type': multipart.contentType, 'Content-Length': String(multipart.length) };
			return toItems(await client.request({ method: 'POST', path, openBody: multipart.open, headers, itemIndex }));
		},
	};
}

export const createMessage: HandMadeOperation = {
	resource: 'message',
	api: 'application',
	value: 'create',
	// The action says what people do with it, so "reply" finds it in the node creator; it also records
	// incoming messages in API inboxes (see the description).
	name: 'Create',
	action: 'Reply in a conversation with a message, private note or attachments',
	replaces: ['create-a-new-message-in-a-conversation'],
	description,
	prepare,
	orderKey(itemIndex) {
		return `conversation:${String(this.getNodeParameter('conversationId', itemIndex, ''))}`;
	},
};
