import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { binarySource, checkBinaryInput, type BinaryInput } from '../../../shared/engine/binaryInput';
import { fieldError, textValue } from '../../../shared/engine/inputErrors';
import { toItems } from '../../../shared/engine/outputItems';
import type { PreparedItem } from '../../../shared/engine/prepareItems';
import { pathTo, type ApiClient } from '../../../shared/transport/apiClient';
import { encodeMultipart, type MultipartPart } from '../../../shared/transport/multipart';
import { accountOf } from '../../account';

/** Chatwoot's default upload limit (ACTIVE_STORAGE max size); larger files are refused before upload. */
export const MAX_ATTACHMENT_BYTES = 40 * 1024 * 1024;

/** The numeric conversation of an item's "Conversation ID" field. */
export function conversationIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	const conversationId = textValue(ctx, itemIndex, 'Conversation ID', ctx.getNodeParameter('conversationId', itemIndex, '')).trim();
	if (!/^\d+$/.test(conversationId)) {
		throw fieldError(ctx, itemIndex, 'Conversation ID must be a number', `Got "${conversationId}". Use the numeric ID shown in the conversation's URL.`);
	}
	return conversationId;
}

/** The binary fields named in an "Attachments" field, checked from their metadata; they are read only when sending. */
export function attachmentsOf(ctx: IExecuteFunctions, itemIndex: number): BinaryInput[] {
	const names = String(ctx.getNodeParameter('attachments', itemIndex, '') ?? '');
	const properties = names.split(',').map((n) => n.trim()).filter(Boolean);
	const limit = { bytes: MAX_ATTACHMENT_BYTES, platform: 'Chatwoot (by default)' };
	return properties.map((property) => checkBinaryInput(ctx, itemIndex, property, limit, 'Attachments'));
}

export interface MessageToSend {
	conversationId: string;
	/** The message's fields as Chatwoot's messages endpoint reads them (content, message_type, private...). */
	fields: IDataObject;
	attachments: BinaryInput[];
	/** Audio attachments go out as recorded voice messages. */
	voiceMessage: boolean;
}

/**
 * One message posted to a conversation: JSON without attachments, multipart with them (each file streamed
 * from its binary data when the item is sent).
 */
export async function prepareMessage(ctx: IExecuteFunctions, itemIndex: number, client: ApiClient, message: MessageToSend): Promise<PreparedItem> {
	const path = pathTo('/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages', {
		account_id: await accountOf(ctx, itemIndex, client),
		conversation_id: message.conversationId,
	});
	const { fields, attachments } = message;
	const orderKey = conversationKey(message.conversationId);
	if (!attachments.length) return { orderKey, send: async () => toItems(await client.request({ method: 'POST', path, body: fields, itemIndex })) };
	// Chatwoot's message builder reads the boolean `is_voice_message` and tags the audio attachments itself.
	const voiceNote = message.voiceMessage && attachments.some((file) => file.mimeType.startsWith('audio/'));
	return {
		orderKey,
		send: async () => {
			const parts: MultipartPart[] = [];
			for (const [name, value] of Object.entries(fields)) {
				parts.push({ name, value: typeof value === 'object' ? JSON.stringify(value) : String(value) });
			}
			for (const attachment of attachments) parts.push({ name: 'attachments[]', file: await binarySource(ctx, attachment) });
			if (voiceNote) parts.push({ name: 'is_voice_message', value: 'true' });
			const multipart = encodeMultipart(parts);
			const headers = { 'Content-Type': multipart.contentType, 'Content-Length': String(multipart.length) };
			return toItems(await client.request({ method: 'POST', path, openBody: multipart.open, headers, itemIndex }));
		},
	};
}

/** Messages and changes of one conversation keep their input order. */
export function conversationKey(conversationId: string): string {
	return `conversation:${conversationId}`;
}
