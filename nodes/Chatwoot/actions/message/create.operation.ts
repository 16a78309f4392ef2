import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { booleanValue, fieldError, parseJsonField, textValue } from '../../../shared/engine/inputErrors';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { conversationIdProperty } from '../conversationIdProperty';
import { attachmentsProperty, voiceMessageProperty } from './attachmentsProperty';
import { attachmentsOf, conversationIdOf, prepareMessage } from './messageRequest';

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
	attachmentsProperty,
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
				description: "Extra attributes such as 'in_reply_to' or the items of an interactive message",
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
			voiceMessageProperty,
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

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const conversationId = conversationIdOf(this, itemIndex);
	const content = textValue(this, itemIndex, 'Content', this.getNodeParameter('content', itemIndex, ''));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const attachments = attachmentsOf(this, itemIndex);
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
	return await prepareMessage(this, itemIndex, client, { conversationId, fields, attachments, voiceMessage });
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
};
