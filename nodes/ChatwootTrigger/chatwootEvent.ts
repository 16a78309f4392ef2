import type { IDataObject } from 'n8n-workflow';

import type { RemoteFile } from '../shared/trigger/attachments';

/**
 * Reads Chatwoot's webhook payloads (`webhook_data` of messages, conversations, contacts and inboxes, plus
 * the typing and widget events) into one shape, and decides what the trigger's filters let through.
 */

export const MESSAGE_EVENTS = new Set(['message_created', 'message_updated']);
/** conversation_opened and conversation_resolved reach agent bots only (app/listeners/agent_bot_listener.rb). */
const CONVERSATION_EVENTS = new Set([
	'conversation_created',
	'conversation_updated',
	'conversation_status_changed',
	'conversation_opened',
	'conversation_resolved',
]);
const TYPING_EVENTS = new Set(['conversation_typing_on', 'conversation_typing_off']);
const CONTACT_EVENTS = new Set(['contact_created', 'contact_updated']);
const INBOX_EVENTS = new Set(['inbox_created', 'inbox_updated']);

/** Message types as the API numbers them elsewhere; webhooks send the names. */
const MESSAGE_TYPE_NAMES = ['incoming', 'outgoing', 'activity', 'template'];

export type PrivateNotes = 'include' | 'exclude' | 'only';

export interface ChatwootFilters {
	inboxIds?: Array<number | string>;
	messageTypes?: string[];
	privateNotes?: PrivateNotes;
	ignoreAgentAndBotMessages?: boolean;
	/** Comma-separated user ids. */
	ignoreUserIds?: string;
}

const asObject = (value: unknown): IDataObject | undefined =>
	value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

export function messageTypeName(value: unknown): string | undefined {
	if (typeof value === 'number') return MESSAGE_TYPE_NAMES[value];
	return typeof value === 'string' ? value : undefined;
}

function conversationOf(event: string, payload: IDataObject): IDataObject | undefined {
	if (CONVERSATION_EVENTS.has(event)) return payload;
	if (MESSAGE_EVENTS.has(event) || TYPING_EVENTS.has(event)) return asObject(payload.conversation);
	if (event === 'webwidget_triggered') return asObject(payload.current_conversation);
	return undefined;
}

function inboxIdOf(event: string, payload: IDataObject): number | undefined {
	if (INBOX_EVENTS.has(event)) return typeof payload.id === 'number' ? payload.id : undefined;
	const id = asObject(payload.inbox)?.id ?? conversationOf(event, payload)?.inbox_id;
	return typeof id === 'number' ? id : undefined;
}

function senderOf(event: string, payload: IDataObject): IDataObject | undefined {
	if (MESSAGE_EVENTS.has(event)) return asObject(payload.sender);
	if (CONTACT_EVENTS.has(event)) return { ...payload, type: 'contact' };
	if (TYPING_EVENTS.has(event)) return asObject(payload.user);
	if (event === 'webwidget_triggered') return asObject(payload.contact);
	return asObject(asObject(conversationOf(event, payload)?.meta)?.sender);
}

function cleanSender(sender: IDataObject): IDataObject {
	return {
		id: orNull(sender.id),
		name: orNull(sender.name),
		type: orNull(sender.type),
		email: orNull(sender.email),
		phoneNumber: orNull(sender.phone_number),
		identifier: orNull(sender.identifier),
	};
}

function cleanConversation(conversation: IDataObject): IDataObject {
	const meta = asObject(conversation.meta) ?? {};
	return {
		id: orNull(conversation.id),
		status: orNull(conversation.status),
		inboxId: orNull(conversation.inbox_id),
		contactId: orNull(asObject(meta.sender)?.id ?? asObject(conversation.contact_inbox)?.contact_id),
		assigneeId: orNull(asObject(meta.assignee)?.id),
		labels: Array.isArray(conversation.labels) ? conversation.labels : [],
		channel: orNull(conversation.channel ?? meta.channel),
	};
}

function cleanMessage(message: IDataObject): IDataObject {
	const attachments = Array.isArray(message.attachments) ? (message.attachments as IDataObject[]) : [];
	return {
		id: orNull(message.id),
		content: orNull(message.content),
		type: orNull(messageTypeName(message.message_type)),
		contentType: orNull(message.content_type),
		private: message.private === true,
		createdAt: orNull(message.created_at),
		sourceId: orNull(message.source_id),
		attachments: attachments.map((a) => ({
			id: orNull(a.id),
			fileType: orNull(a.file_type),
			extension: orNull(a.extension),
			url: orNull(a.data_url),
			size: orNull(a.file_size),
		})),
	};
}

/** The item a delivery becomes: the same keys for every event, null where the event has no such part. */
export function eventSummary(event: string, payload: IDataObject, deliveryId?: string): IDataObject {
	const conversation = conversationOf(event, payload);
	const account = asObject(payload.account) ?? { id: payload.account_id ?? conversation?.account_id };
	const inbox = asObject(payload.inbox);
	const inboxId = inboxIdOf(event, payload);
	const sender = senderOf(event, payload);
	return {
		event,
		deliveryId: orNull(deliveryId),
		account: account.id === undefined ? null : { id: account.id, name: orNull(account.name) },
		inbox: inboxId === undefined ? null : { id: inboxId, name: orNull(inbox?.name ?? (INBOX_EVENTS.has(event) ? payload.name : undefined)) },
		conversation: conversation ? cleanConversation(conversation) : null,
		message: MESSAGE_EVENTS.has(event) ? cleanMessage(payload) : null,
		sender: sender ? cleanSender(sender) : null,
		changedAttributes: orNull(payload.changed_attributes),
	};
}

/** Why a delivery does not start the workflow, or undefined when it does. */
export function filteredOut(event: string, payload: IDataObject, filters: ChatwootFilters): string | undefined {
	const inboxId = inboxIdOf(event, payload);
	if (filters.inboxIds?.length && inboxId !== undefined && !filters.inboxIds.map(Number).includes(inboxId)) {
		return `inbox ${inboxId} is not chosen`;
	}
	if (!MESSAGE_EVENTS.has(event)) return undefined;
	const type = messageTypeName(payload.message_type);
	if (filters.messageTypes?.length && !filters.messageTypes.includes(type ?? '')) return `${type ?? 'unknown'} messages are not chosen`;
	const isPrivate = payload.private === true;
	if (filters.privateNotes === 'exclude' && isPrivate) return 'private note';
	if (filters.privateNotes === 'only' && !isPrivate) return 'not a private note';
	const sender = asObject(payload.sender);
	const senderType = sender?.type;
	if (filters.ignoreAgentAndBotMessages && (senderType === 'user' || senderType === 'agent_bot' || type === 'outgoing' || type === 'template')) {
		return 'sent by an agent, a bot or an automation of the account';
	}
	const ignoredUsers = (filters.ignoreUserIds ?? '').split(',').map((id) => id.trim()).filter(Boolean);
	if (senderType === 'user' && ignoredUsers.includes(String(sender?.id))) return `sent by ignored user ${String(sender?.id)}`;
	return undefined;
}

/**
 * Active Storage's blob URLs redirect to the file storage (S3 and the like), and a redirect keeps custom
 * headers such as the access token; its proxy route serves the same file from the instance itself.
 */
export function proxiedBlobUrl(url: string): string {
	return url.replace(/\/rails\/active_storage\/blobs\/(?:redirect\/)?(?!proxy\/)/, '/rails/active_storage/blobs/proxy/');
}

/** Files of an incoming message, for the download option. */
export function incomingAttachments(event: string, payload: IDataObject): RemoteFile[] {
	if (!MESSAGE_EVENTS.has(event) || messageTypeName(payload.message_type) !== 'incoming' || !Array.isArray(payload.attachments)) return [];
	return (payload.attachments as IDataObject[])
		.filter((attachment) => typeof attachment.data_url === 'string')
		.map((attachment) => ({ url: proxiedBlobUrl(attachment.data_url as string) }));
}
