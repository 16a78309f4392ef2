import type { INodeProperties } from 'n8n-workflow';

/** The conversation a hand-made operation works on, named as the generated operations name it. */
export const conversationIdProperty: INodeProperties = {
	displayName: 'Conversation ID',
	name: 'conversationId',
	type: 'string',
	required: true,
	default: '',
	description: 'The numeric ID of the conversation (shown in its URL)',
};
