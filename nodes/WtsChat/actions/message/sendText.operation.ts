import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { fieldError, textValue } from '../../../shared/engine/inputErrors';
import { toItems } from '../../../shared/engine/outputItems';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { CLASSIC_SEND, channelAndRecipient, postClassicSend, readClassicSend, readRecipient, recipientKey, sendOptions } from './sendFields';

export const description: INodeProperties[] = [
	...channelAndRecipient,
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		description: 'Message text. WhatsApp accepts free text only inside the 24-hour window; start conversations with a template.',
	},
	sendOptions,
];

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const recipient = readRecipient(this, itemIndex);
	const text = textValue(this, itemIndex, 'Text', this.getNodeParameter('text', itemIndex, ''));
	if (!text.trim()) throw fieldError(this, itemIndex, 'Write a text to send', 'Fill in "Text" with the message to send.');
	const send = readClassicSend(this, itemIndex, recipient);
	return { orderKey: recipientKey(recipient), send: async () => toItems(await postClassicSend(client, send, { text })) };
}

export const sendText: HandMadeOperation = {
	resource: 'message',
	value: 'sendText',
	name: 'Send Text',
	action: 'Send a text message',
	summary: CLASSIC_SEND,
	replaces: ['sendMessage', 'sendMessageSync'],
	description,
	prepare,
};
