import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { toItems } from '../../../shared/engine/executeNode';
import { fieldError, textValue } from '../../../shared/engine/inputErrors';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { channelAndRecipient, postClassicSend, readRecipient, recipientOrderKey, sendOptions } from './sendFields';

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

export async function execute(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<INodeExecutionData[]> {
	const recipient = readRecipient(this, itemIndex);
	const text = textValue(this, itemIndex, 'Text', this.getNodeParameter('text', itemIndex, ''));
	if (!text.trim()) throw fieldError(this, itemIndex, 'Write a text to send', 'Fill in "Text" with the message to send.');
	return toItems(await postClassicSend(this, client, itemIndex, recipient, { text }));
}

export const sendText: HandMadeOperation = {
	resource: 'message',
	value: 'sendMessage',
	name: 'Send Text',
	action: 'Send a text message',
	replaces: ['sendMessage', 'sendMessageSync'],
	description,
	execute,
	orderKey: recipientOrderKey,
};
