import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { booleanValue, fieldError, textValue } from '../../../shared/engine/inputErrors';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { conversationIdProperty } from '../conversationIdProperty';
import { attachmentsProperty, voiceMessageProperty } from './attachmentsProperty';
import { attachmentsOf, conversationIdOf, prepareMessage } from './messageRequest';

export const description: INodeProperties[] = [
	conversationIdProperty,
	{
		...attachmentsProperty,
		required: true,
		placeholder: 'data',
		description: 'Names of the input binary fields to send, separated by commas, e.g. "data" for the file a previous node read',
	},
	{
		displayName: 'Caption',
		name: 'caption',
		type: 'string',
		default: '',
		description: 'Text sent with the files. Leave empty to send the files alone.',
	},
	voiceMessageProperty,
];

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const conversationId = conversationIdOf(this, itemIndex);
	const attachments = attachmentsOf(this, itemIndex);
	if (!attachments.length) throw fieldError(this, itemIndex, 'Name a binary field to send', 'Fill in "Attachments" with the name of the input binary field, e.g. data.');
	const caption = textValue(this, itemIndex, 'Caption', this.getNodeParameter('caption', itemIndex, ''));
	const voiceMessage = booleanValue(this, itemIndex, 'Send Audio as Voice Message', this.getNodeParameter('voiceMessage', itemIndex, false));
	const fields = { content: caption, message_type: 'outgoing', private: false };
	return await prepareMessage(this, itemIndex, client, { conversationId, fields, attachments, voiceMessage });
}

/** Files from the input's binary data, sent to the contact with an optional caption. */
export const sendAttachments: HandMadeOperation = {
	resource: 'message',
	api: 'application',
	value: 'sendAttachments',
	name: 'Send Attachments',
	// Short, with "attachments" early: n8n ranks actions by where and how soon the typed word appears.
	action: 'Send attachments',
	summary: 'Files to the contact, with an optional caption. Create also sends files, with every option.',
	replaces: [],
	answersLike: 'create-a-new-message-in-a-conversation',
	description,
	prepare,
};
