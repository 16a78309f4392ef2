import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { HandMadeOperation } from '../../../shared/engine/executeNode';
import { fieldError, textValue } from '../../../shared/engine/inputErrors';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import type { ApiClient } from '../../../shared/transport/apiClient';
import { conversationIdProperty } from '../conversationIdProperty';
import { attachmentsProperty } from './attachmentsProperty';
import { attachmentsOf, conversationIdOf, prepareMessage } from './messageRequest';

export const description: INodeProperties[] = [
	conversationIdProperty,
	{
		displayName: 'Note',
		name: 'note',
		type: 'string',
		required: true,
		typeOptions: { rows: 4 },
		default: '',
		description: 'Text for the agents, e.g. a summary of what the customer asked. The contact never sees it.',
	},
	attachmentsProperty,
];

export async function prepare(this: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<PreparedItem> {
	const conversationId = conversationIdOf(this, itemIndex);
	const note = textValue(this, itemIndex, 'Note', this.getNodeParameter('note', itemIndex, ''));
	const attachments = attachmentsOf(this, itemIndex);
	if (!note.trim() && !attachments.length) throw fieldError(this, itemIndex, 'Write a note or attach a file', 'Fill in "Note", or name binary fields in "Attachments".');
	const fields = { content: note, message_type: 'outgoing', private: true };
	return await prepareMessage(this, itemIndex, client, { conversationId, fields, attachments, voiceMessage: false });
}

/** A private note is an outgoing message with `private: true`; agents see it in the conversation, the contact never does. */
export const addNote: HandMadeOperation = {
	resource: 'message',
	api: 'application',
	value: 'addNote',
	name: 'Add Note',
	// Short, with "note" early: n8n ranks actions by where and how soon the typed word appears.
	action: 'Add a note to a conversation',
	summary: 'Private note for the agents, never shown to the contact. Create also sends notes, with every option.',
	replaces: [],
	answersLike: 'create-a-new-message-in-a-conversation',
	description,
	prepare,
};
