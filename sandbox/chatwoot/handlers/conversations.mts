// Conversations and messages of the Application API: list (25 per page, `status` open by default),
// meta counts, filter, search, the conversation actions, participants, and messages with Chatwoot's
// `before`/`after` cursor and multipart attachments.
import type { OperationRequest } from '../../core/http-server.mts';
import { conditionFilter, type FilterCondition } from '../filters.mts';
import {
	bodyOf,
	notFound,
	ok,
	pageSlice,
	pathInt,
	queryInt,
	queryList,
	queryText,
	unprocessable,
	type ChatwootContext,
	type ChatwootHandlers,
} from '../handler-kit.mts';
import {
	MESSAGE_TYPES,
	type AttachmentRecord,
	type ConversationRecord,
	type ConversationStatus,
	type Json,
	type MessageRecord,
	type MessageStatus,
	type Priority,
	type SenderType,
} from '../records.mts';
import type { ChatwootState } from '../state.mts';
import { contactOf } from './contacts.mts';
import { inboxOf } from './account.mts';

const CONVERSATIONS_PER_PAGE = 25;
const SEARCH_PER_PAGE = 15;
const ATTACHMENTS_PER_PAGE = 100;

export function conversationOf(context: ChatwootContext, displayId: number): ConversationRecord {
	const conversation = context.state.conversationByDisplayId(context.accountId, displayId);
	if (conversation === undefined) throw notFound();
	return conversation;
}

function callerUserId(context: ChatwootContext): number | null {
	return context.caller.kind === 'user' ? context.caller.user.id : null;
}

/** Sender of a message written through the API: the token's user or bot. */
function callerSender(context: ChatwootContext): {
	sender_type: SenderType | null;
	sender_id: number | null;
} {
	if (context.caller.kind === 'user')
		return { sender_type: 'User', sender_id: context.caller.user.id };
	if (context.caller.kind === 'bot')
		return { sender_type: 'AgentBot', sender_id: context.caller.bot.id };
	return { sender_type: null, sender_id: null };
}

interface ListQuery {
	status: string;
	inboxId?: number;
	teamId?: number;
	labels: string[];
	q?: string;
	conversationType?: string;
	updatedWithin?: number;
	sortBy?: string;
}

function matchesText(state: ChatwootState, conversation: ConversationRecord, q: string): boolean {
	const needle = q.toLowerCase();
	if (String(conversation.display_id) === q) return true;
	const contact = state.contacts.get(conversation.contact_id);
	if (
		contact &&
		[contact.name, contact.email, contact.phone_number, contact.identifier].some(
			(v) => v !== null && v.toLowerCase().includes(needle),
		)
	)
		return true;
	return state
		.messagesOf(conversation.id)
		.some((m) => m.content !== null && m.content.toLowerCase().includes(needle));
}

const SORTS: Record<string, (a: ConversationRecord, b: ConversationRecord) => number> = {
	last_activity_at_desc: (a, b) => b.last_activity_at - a.last_activity_at,
	last_activity_at_asc: (a, b) => a.last_activity_at - b.last_activity_at,
	created_at_desc: (a, b) => b.created_at - a.created_at,
	created_at_asc: (a, b) => a.created_at - b.created_at,
	waiting_since_asc: (a, b) => (a.waiting_since ?? Infinity) - (b.waiting_since ?? Infinity),
	waiting_since_desc: (a, b) => (b.waiting_since ?? -Infinity) - (a.waiting_since ?? -Infinity),
	priority_desc: (a, b) => priorityRank(b.priority) - priorityRank(a.priority),
	priority_asc: (a, b) => priorityRank(a.priority) - priorityRank(b.priority),
};
SORTS.latest = SORTS.last_activity_at_desc;
SORTS.sort_on_created_at = SORTS.created_at_asc;
SORTS.sort_on_priority = SORTS.priority_desc;
SORTS.sort_on_waiting_since = SORTS.waiting_since_asc;

function priorityRank(priority: Priority | null): number {
	return priority === null ? 0 : { low: 1, medium: 2, high: 3, urgent: 4 }[priority];
}

function ordered(
	conversations: ConversationRecord[],
	sortBy: string | undefined,
): ConversationRecord[] {
	const compare = SORTS[sortBy ?? ''] ?? SORTS.last_activity_at_desc;
	// Ties fall back to the newest conversation first, so pages never overlap.
	return conversations.sort((a, b) => compare(a, b) || b.display_id - a.display_id);
}

/** Filtered lists per (query, store version): paging through 100,000 conversations filters once. */
const listCaches = new WeakMap<
	ChatwootState,
	Map<string, { version: number; items: ConversationRecord[] }>
>();

function filteredConversations(context: ChatwootContext, query: ListQuery): ConversationRecord[] {
	const state = context.state;
	const key = JSON.stringify([context.accountId, callerUserId(context), query]);
	let cache = listCaches.get(state);
	if (cache === undefined) {
		cache = new Map();
		listCaches.set(state, cache);
	}
	const hit = cache.get(key);
	if (hit && hit.version === state.version) return hit.items;
	const userId = callerUserId(context);
	const since =
		query.updatedWithin === undefined ? undefined : Date.now() - query.updatedWithin * 1000;
	const items = ordered(
		state.conversationsOf(context.accountId).filter(
			(c) =>
				(query.status === 'all' || c.status === query.status) &&
				(query.inboxId === undefined || c.inbox_id === query.inboxId) &&
				(query.teamId === undefined || c.team_id === query.teamId) &&
				(query.labels.length === 0 || query.labels.some((label) => c.labels.includes(label))) &&
				(since === undefined || c.updated_at >= since) &&
				(query.conversationType !== 'participating' ||
					(userId !== null && c.participant_ids.includes(userId))) &&
				// Nobody is @mentioned in the sandbox.
				query.conversationType !== 'mention' &&
				(query.conversationType !== 'unattended' ||
					c.first_reply_created_at === null ||
					c.waiting_since !== null) &&
				(query.q === undefined || matchesText(state, c, query.q)),
		),
		query.sortBy,
	);
	if (cache.size >= 32) cache.delete(cache.keys().next().value as string);
	cache.set(key, { version: state.version, items });
	return items;
}

function counts(
	conversations: ConversationRecord[],
	userId: number | null,
): Record<string, number> {
	let mine = 0;
	let unassigned = 0;
	for (const c of conversations) {
		if (c.assignee_id === null) unassigned++;
		else if (c.assignee_id === userId) mine++;
	}
	return {
		mine_count: mine,
		unassigned_count: unassigned,
		assigned_count: conversations.length - unassigned,
		all_count: conversations.length,
	};
}

function byAssignee(
	conversations: ConversationRecord[],
	assigneeType: string,
	userId: number | null,
): ConversationRecord[] {
	switch (assigneeType) {
		case 'me':
			return conversations.filter((c) => c.assignee_id !== null && c.assignee_id === userId);
		case 'unassigned':
			return conversations.filter((c) => c.assignee_id === null);
		case 'assigned':
			return conversations.filter((c) => c.assignee_id !== null);
		default:
			return conversations;
	}
}

function listQuery(request: OperationRequest, labelsParam: string): ListQuery {
	return {
		status: queryText(request, 'status') ?? 'open',
		inboxId: queryInt(request, 'inbox_id'),
		teamId: queryInt(request, 'team_id'),
		labels: queryList(request, labelsParam),
		q: queryText(request, 'q'),
		conversationType: queryText(request, 'conversation_type'),
		updatedWithin: queryInt(request, 'updated_within'),
		sortBy: queryText(request, 'sort_by'),
	};
}

function readConversationAttribute(state: ChatwootState) {
	return (conversation: ConversationRecord, key: string): unknown => {
		switch (key) {
			case 'status':
			case 'assignee_id':
			case 'inbox_id':
			case 'team_id':
			case 'priority':
			case 'display_id':
			case 'created_at':
			case 'last_activity_at':
				return conversation[key];
			case 'labels':
				return conversation.labels;
			case 'browser_language':
			case 'country_code':
			case 'referer':
				return conversation.additional_attributes[key];
			case 'contact_name':
				return state.contacts.get(conversation.contact_id)?.name;
			default:
				return conversation.custom_attributes[key];
		}
	};
}

/** The conversations/filter answer: `{data: {meta, payload}}` over the filtered set, 25 per page. */
function conversationPage(
	context: ChatwootContext,
	conversations: ConversationRecord[],
	page: number,
	meta: Record<string, number>,
) {
	return ok({
		data: {
			meta,
			payload: pageSlice(conversations, page, CONVERSATIONS_PER_PAGE).map((c) =>
				context.views.conversation(c),
			),
		},
	});
}

/** Records the change, bumps the update time and tells webhooks (conversation_updated). */
function conversationChanged(
	context: ChatwootContext,
	conversation: ConversationRecord,
	changed: string[],
): void {
	conversation.updated_at = Date.now();
	context.emit(
		'conversation_updated',
		{
			...context.views.conversationEvent(conversation),
			changed_attributes: changed.map((name) => ({
				[name]: { current_value: (conversation as unknown as Json)[name] },
			})),
		},
		conversation.account_id,
	);
}

export function setStatus(
	context: ChatwootContext,
	conversation: ConversationRecord,
	status: ConversationStatus,
	snoozedUntil: number | null,
): void {
	if (conversation.status === status) return;
	const previous = conversation.status;
	conversation.status = status;
	conversation.snoozed_until = status === 'snoozed' ? snoozedUntil : null;
	conversation.updated_at = Date.now();
	const actor =
		context.caller.kind === 'user'
			? context.caller.user.name
			: context.caller.kind === 'bot'
				? context.caller.bot.name
				: 'the contact';
	context.state.addMessage(conversation, {
		content: `Conversation was marked ${status} by ${actor}`,
		message_type: MESSAGE_TYPES.activity,
	});
	context.emit(
		'conversation_status_changed',
		{
			...context.views.conversationEvent(conversation),
			changed_attributes: [{ status: { previous_value: previous, current_value: status } }],
		},
		conversation.account_id,
	);
}

interface ReceivedFile {
	name: string;
	contentType: string;
	size: number;
	/** The message asked for voice notes (`is_voice_message`). */
	voiceMessage?: boolean;
}

/**
 * Adds a message through the API and emits `message_created`. An incoming message reopens a snoozed
 * conversation, and a resolved one (pending again when the inbox has an agent bot); a pending one stays
 * pending (Message#reopen_conversation, app/models/message.rb:403-434).
 */
export function postMessage(
	context: ChatwootContext,
	conversation: ConversationRecord,
	fields: Partial<MessageRecord>,
	files: ReceivedFile[] = [],
): MessageRecord {
	const message = context.state.addMessage(conversation, fields);
	if (files.length > 0)
		message.attachments = files.map((file) => context.state.newAttachment(message, file));
	if (message.message_type === MESSAGE_TYPES.incoming && ['snoozed', 'resolved'].includes(conversation.status)) {
		const reopened =
			conversation.status === 'resolved' ? context.state.createdStatus(conversation.inbox_id) : 'open';
		setStatus(context, conversation, reopened, null);
	}
	context.emit('message_created', context.views.messageEvent(message), conversation.account_id);
	return message;
}

interface MessageBody {
	content?: string;
	message_type?: 'outgoing' | 'incoming';
	private?: boolean;
	content_type?: string;
	content_attributes?: Json | string;
	echo_id?: string;
	is_voice_message?: boolean | string;
}

/** Rails' ActiveModel::Type::Boolean cast: blank is nil, these strings are false, anything else true. */
function railsBoolean(value: unknown): boolean | null {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value === 'boolean') return value;
	return !['0', 'f', 'F', 'false', 'FALSE', 'off', 'OFF'].includes(String(value));
}

function contentAttributes(value: Json | string | undefined): Json {
	if (typeof value === 'string') {
		try {
			const parsed: unknown = JSON.parse(value);
			return parsed !== null && typeof parsed === 'object' ? (parsed as Json) : {};
		} catch {
			return {};
		}
	}
	return value ?? {};
}

export const conversationHandlers: ChatwootHandlers = {
	conversationList: (request, context) => {
		const userId = callerUserId(context);
		const base = filteredConversations(context, listQuery(request, 'labels[]'));
		const selected = byAssignee(base, queryText(request, 'assignee_type') ?? 'all', userId);
		return conversationPage(
			context,
			selected,
			Number(request.query.page ?? 1),
			counts(base, userId),
		);
	},

	conversationListMeta: (request, context) =>
		ok({
			meta: counts(
				filteredConversations(context, listQuery(request, 'labels')),
				callerUserId(context),
			),
		}),

	conversationFilter: (request, context) => {
		const conditions = bodyOf<{ payload: FilterCondition[] }>(request).payload;
		const matches = ordered(
			context.state
				.conversationsOf(context.accountId)
				.filter(conditionFilter(conditions, readConversationAttribute(context.state))),
			undefined,
		);
		// conversations/filter.json.jbuilder: meta and payload at the top level, no assigned_count.
		const { assigned_count: _assigned, ...meta } = counts(matches, callerUserId(context));
		const page = Number(request.query.page ?? 1);
		return ok({
			meta,
			payload: pageSlice(matches, page, CONVERSATIONS_PER_PAGE).map((c) =>
				context.views.conversation(c),
			),
		});
	},

	'text-search-conversations': (request, context) => {
		const q = queryText(request, 'q') ?? '';
		const matches = ordered(
			context.state
				.conversationsOf(context.accountId)
				.filter((c) => matchesText(context.state, c, q)),
			undefined,
		);
		return ok({
			meta: counts(matches, callerUserId(context)),
			payload: pageSlice(matches, Number(request.query.page ?? 1), CONVERSATIONS_PER_PAGE).map(
				(c) => context.views.conversation(c),
			),
		});
	},

	newConversation: (request, context) => {
		const body = bodyOf<{
			source_id: string;
			inbox_id?: number;
			contact_id?: number;
			additional_attributes?: Json;
			custom_attributes?: Json;
			status?: ConversationStatus;
			assignee_id?: number;
			team_id?: number;
			snoozed_until?: string;
			message?: { content: string };
		}>(request);
		const state = context.state;
		const inboxes =
			body.inbox_id === undefined
				? state.inboxesOf(context.accountId)
				: [inboxOf(context, body.inbox_id)];
		let contactInbox = inboxes
			.map((inbox) => state.contactInboxBySourceId(inbox.id, body.source_id))
			.find((ci) => ci !== undefined);
		if (contactInbox === undefined) {
			if (body.contact_id === undefined || body.inbox_id === undefined) throw notFound();
			contactInbox = state.newContactInbox(
				contactOf(context, body.contact_id).id,
				body.inbox_id,
				body.source_id,
			);
		}
		const contact = contactOf(context, contactInbox.contact_id);
		if (
			body.assignee_id !== undefined &&
			state.accountUser(context.accountId, body.assignee_id) === undefined
		)
			throw unprocessable('Assignee is not an agent of this account', ['assignee_id']);
		if (
			body.team_id !== undefined &&
			state.teams.get(body.team_id)?.account_id !== context.accountId
		)
			throw unprocessable('Team does not exist', ['team_id']);
		const conversation = state.newConversation({
			account_id: context.accountId,
			inbox_id: contactInbox.inbox_id,
			contact_id: contact.id,
			contact_inbox_id: contactInbox.id,
			status: state.createdStatus(contactInbox.inbox_id, body.status),
			assignee_id: body.assignee_id ?? null,
			team_id: body.team_id ?? null,
			additional_attributes: body.additional_attributes ?? {},
			custom_attributes: body.custom_attributes ?? {},
			snoozed_until: body.snoozed_until ? Date.parse(body.snoozed_until) : null,
		});
		context.emit(
			'conversation_created',
			context.views.conversationEvent(conversation),
			context.accountId,
		);
		if (body.message?.content !== undefined) {
			postMessage(context, conversation, {
				content: body.message.content,
				message_type: MESSAGE_TYPES.outgoing,
				...callerSender(context),
			});
		}
		return ok(context.views.conversation(conversation));
	},

	'get-details-of-a-conversation': (request, context) =>
		ok(context.views.conversation(conversationOf(context, pathInt(request, 'conversation_id')))),

	'delete-a-conversation': (request, context) => {
		context.state.removeConversation(
			conversationOf(context, pathInt(request, 'conversation_id')).id,
		);
		return ok();
	},

	'update-conversation': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		const body = bodyOf<{ priority?: Priority | null; sla_policy_id?: number | null }>(request);
		const changed: string[] = [];
		if (body.priority !== undefined) {
			conversation.priority = body.priority;
			changed.push('priority');
		}
		if (body.sla_policy_id !== undefined) {
			conversation.sla_policy_id = body.sla_policy_id;
			changed.push('sla_policy_id');
		}
		if (changed.length > 0) conversationChanged(context, conversation, changed);
		return ok(context.views.conversation(conversation));
	},

	'toggle-status-of-a-conversation': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		const body = bodyOf<{ status: ConversationStatus; snoozed_until?: number }>(request);
		setStatus(
			context,
			conversation,
			body.status,
			body.snoozed_until === undefined ? null : body.snoozed_until * 1000,
		);
		// An agent (not an administrator) who opens a conversation takes it
		// (conversations_controller.rb:92, handle_human_open :178-182).
		const caller = context.caller;
		if (
			conversation.status === 'open' &&
			caller.kind === 'user' &&
			context.state.accountUser(context.accountId, caller.user.id)?.role === 'agent' &&
			conversation.assignee_id !== caller.user.id
		) {
			conversation.assignee_id = caller.user.id;
			conversationChanged(context, conversation, ['assignee_id']);
		}
		return ok({
			meta: {},
			payload: {
				success: true,
				current_status: conversation.status,
				conversation_id: conversation.display_id,
			},
		});
	},

	'toggle-priority-of-a-conversation': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		conversation.priority = bodyOf<{ priority: Priority | null }>(request).priority;
		conversationChanged(context, conversation, ['priority']);
		return ok();
	},

	'toggle-typing-status-of-a-conversation': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		const body = bodyOf<{ typing_status: 'on' | 'off'; is_private?: boolean }>(request);
		const user =
			context.caller.kind === 'user'
				? context.views.agent(context.caller.user, context.accountId)
				: {};
		context.emit(
			body.typing_status === 'on' ? 'conversation_typing_on' : 'conversation_typing_off',
			{
				conversation: context.views.conversationEvent(conversation),
				user,
				is_private: body.is_private ?? false,
			},
			context.accountId,
		);
		return ok();
	},

	'update-custom-attributes-of-a-conversation': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		const body = bodyOf<{ custom_attributes: Json; merge?: boolean }>(request);
		conversation.custom_attributes = body.merge
			? { ...conversation.custom_attributes, ...body.custom_attributes }
			: { ...body.custom_attributes };
		conversationChanged(context, conversation, ['custom_attributes']);
		return ok({ custom_attributes: conversation.custom_attributes });
	},

	'destroy-custom-attributes-of-a-conversation': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		const remove = new Set(bodyOf<{ custom_attributes: string[] }>(request).custom_attributes);
		conversation.custom_attributes = Object.fromEntries(
			Object.entries(conversation.custom_attributes).filter(([key]) => !remove.has(key)),
		);
		conversationChanged(context, conversation, ['custom_attributes']);
		return ok({ custom_attributes: conversation.custom_attributes });
	},

	'assign-a-conversation': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		const body = bodyOf<{ assignee_id?: number; team_id?: number }>(request);
		if (body.assignee_id !== undefined) {
			// Chatwoot looks the agent up with find_by: an unknown id unassigns.
			const user = context.state.accountUser(context.accountId, body.assignee_id)
				? context.state.users.get(body.assignee_id)
				: undefined;
			conversation.assignee_id = user?.id ?? null;
			conversationChanged(context, conversation, ['assignee_id']);
			return ok(user ? context.views.agent(user, context.accountId) : {});
		}
		if (body.team_id !== undefined) {
			const team = context.state.teams.get(body.team_id);
			conversation.team_id = team?.account_id === context.accountId ? team.id : null;
			conversationChanged(context, conversation, ['team_id']);
			return ok(
				team && conversation.team_id !== null
					? context.views.team(team, callerUserId(context))
					: {},
			);
		}
		return ok({});
	},

	'list-all-labels-of-a-conversation': (request, context) =>
		ok({ payload: conversationOf(context, pathInt(request, 'conversation_id')).labels }),

	'conversation-add-labels': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		// Chatwoot replaces the list with the one sent (update_labels).
		conversation.labels = [...new Set(bodyOf<{ labels: string[] }>(request).labels)];
		conversationChanged(context, conversation, ['labels']);
		return ok({ payload: conversation.labels });
	},

	'list-conversation-participants': (request, context) =>
		ok(participants(context, conversationOf(context, pathInt(request, 'conversation_id')))),

	'add-conversation-participants': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		conversation.participant_ids = [
			...new Set([
				...conversation.participant_ids,
				...agentIds(context, bodyOf<{ user_ids: number[] }>(request).user_ids),
			]),
		];
		return ok(participants(context, conversation));
	},

	'update-conversation-participants': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		conversation.participant_ids = [
			...new Set(agentIds(context, bodyOf<{ user_ids: number[] }>(request).user_ids)),
		];
		return ok(participants(context, conversation));
	},

	'delete-conversation-participants': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		const remove = new Set(bodyOf<{ user_ids: number[] }>(request).user_ids);
		conversation.participant_ids = conversation.participant_ids.filter((id) => !remove.has(id));
		return ok();
	},

	'mute-a-conversation': (request, context) => {
		conversationOf(context, pathInt(request, 'id')).muted = true;
		return ok();
	},

	'unmute-a-conversation': (request, context) => {
		conversationOf(context, pathInt(request, 'id')).muted = false;
		return ok();
	},

	'mark-conversation-as-read': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'id'));
		conversation.agent_last_seen_at = Date.now();
		return ok(context.views.conversation(conversation));
	},

	'mark-conversation-as-unread': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'id'));
		const lastIncoming = [...context.state.messagesOf(conversation.id)]
			.reverse()
			.find((m) => m.message_type === MESSAGE_TYPES.incoming);
		conversation.agent_last_seen_at = lastIncoming ? lastIncoming.created_at - 1 : null;
		return ok(context.views.conversation(conversation));
	},

	'list-conversation-attachments': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'id'));
		return attachmentPage(request, context, [conversation]);
	},

	'list-contact-attachments': (request, context) => {
		const contact = contactOf(context, pathInt(request, 'contact_id'));
		return attachmentPage(
			request,
			context,
			context.state.conversationsOf(context.accountId).filter((c) => c.contact_id === contact.id),
		);
	},

	// ---- messages ----

	'list-all-messages': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		const contact = context.state.contacts.get(conversation.contact_id);
		const assignee =
			conversation.assignee_id === null
				? undefined
				: context.state.users.get(conversation.assignee_id);
		const page = context.state.messagePage(conversation.id, {
			before: queryInt(request, 'before'),
			after: queryInt(request, 'after'),
		});
		return ok({
			meta: {
				labels: conversation.labels,
				additional_attributes: conversation.additional_attributes,
				contact: contact ? context.views.contact(contact) : {},
				...(assignee ? { assignee: context.views.agent(assignee, context.accountId) } : {}),
				agent_last_seen_at:
					conversation.agent_last_seen_at === null
						? null
						: new Date(conversation.agent_last_seen_at).toISOString(),
				assignee_last_seen_at:
					conversation.agent_last_seen_at === null
						? null
						: new Date(conversation.agent_last_seen_at).toISOString(),
			},
			payload: page.map((m) => context.views.message(m)),
		});
	},

	'create-a-new-message-in-a-conversation': (request, context) => {
		const conversation = conversationOf(context, pathInt(request, 'conversation_id'));
		const body = bodyOf<MessageBody>(request);
		const files =
			request.parsedBody.kind === 'multipart'
				? request.parsedBody.parts.filter((part) => part.filename !== null)
				: [];
		if (!body.content && files.length === 0)
			throw unprocessable("Content can't be blank", ['content']);
		const incoming = body.message_type === 'incoming';
		const sender = incoming
			? { sender_type: 'Contact' as const, sender_id: conversation.contact_id }
			: callerSender(context);
		const message = postMessage(
			context,
			conversation,
			{
				content: body.content ?? null,
				message_type: incoming ? MESSAGE_TYPES.incoming : MESSAGE_TYPES.outgoing,
				private: body.private ?? false,
				content_type: body.content_type ?? 'text',
				content_attributes: contentAttributes(body.content_attributes),
				echo_id: body.echo_id ?? null,
				status: 'sent',
				...sender,
			},
			files.map((file) => ({
				name: file.filename ?? 'file',
				contentType: file.contentType ?? 'application/octet-stream',
				size: file.data.length,
				// Messages::MessageBuilder reads `is_voice_message` (4.16.2 message_builder.rb:16, 73-76).
				voiceMessage: railsBoolean(body.is_voice_message) === true,
			})),
		);
		return ok(context.views.message(message));
	},

	'delete-a-message': (request, context) => {
		const message = messageOf(
			context,
			pathInt(request, 'conversation_id'),
			pathInt(request, 'message_id'),
		);
		// Chatwoot keeps deleted messages as a placeholder and drops their files.
		message.content = 'This message was deleted';
		message.content_type = 'text';
		message.content_attributes = { deleted: true };
		message.attachments = [];
		message.updated_at = Date.now();
		context.emit('message_updated', context.views.messageEvent(message), context.accountId);
		return ok();
	},

	'update-message-status': (request, context) => {
		const message = messageOf(
			context,
			pathInt(request, 'conversation_id'),
			pathInt(request, 'message_id'),
		);
		const body = bodyOf<{ status: MessageStatus; external_error?: string }>(request);
		message.status = body.status;
		message.external_error = body.status === 'failed' ? (body.external_error ?? null) : null;
		message.updated_at = Date.now();
		context.emit('message_updated', context.views.messageEvent(message), context.accountId);
		return ok(context.views.message(message));
	},

	// ---- search (15 per page, keyed by type) ----

	'search-everything': (request, context) =>
		ok({
			payload: search(request, context, ['contacts', 'conversations', 'messages', 'articles']),
		}),
	'search-contacts': (request, context) => ok({ payload: search(request, context, ['contacts']) }),
	'search-conversations': (request, context) =>
		ok({ payload: search(request, context, ['conversations']) }),
	'search-messages': (request, context) => ok({ payload: search(request, context, ['messages']) }),
	'search-articles': (request, context) => ok({ payload: search(request, context, ['articles']) }),
};

/** Attachments of some conversations, newest first, 100 per page with `meta.total_count`. */
function attachmentPage(
	request: OperationRequest,
	context: ChatwootContext,
	conversations: ConversationRecord[],
) {
	const attachments: Array<{ attachment: AttachmentRecord; displayId: number }> = [];
	for (const conversation of conversations) {
		for (const message of context.state.messagesOf(conversation.id)) {
			for (const attachment of message.attachments)
				attachments.push({ attachment, displayId: conversation.display_id });
		}
	}
	attachments.sort(
		(a, b) =>
			b.attachment.created_at - a.attachment.created_at || b.attachment.id - a.attachment.id,
	);
	const page = pageSlice(attachments, Number(request.query.page ?? 1), ATTACHMENTS_PER_PAGE);
	return ok({
		meta: { total_count: attachments.length },
		payload: page.map(({ attachment, displayId }) =>
			context.views.attachment(attachment, displayId),
		),
	});
}

function messageOf(context: ChatwootContext, displayId: number, messageId: number): MessageRecord {
	const conversation = conversationOf(context, displayId);
	const message = context.state.messages.get(messageId);
	if (message === undefined || message.conversation_id !== conversation.id) throw notFound();
	return message;
}

function agentIds(context: ChatwootContext, ids: number[]): number[] {
	const strangers = ids.filter(
		(id) => context.state.accountUser(context.accountId, id) === undefined,
	);
	if (strangers.length > 0)
		throw unprocessable(`User ${strangers.join(', ')} is not an agent of this account`, [
			'user_ids',
		]);
	return ids;
}

function participants(context: ChatwootContext, conversation: ConversationRecord): Json[] {
	return conversation.participant_ids.flatMap((id) => {
		const user = context.state.users.get(id);
		return user ? [context.views.agent(user, context.accountId)] : [];
	});
}

function search(
	request: OperationRequest,
	context: ChatwootContext,
	kinds: Array<'contacts' | 'conversations' | 'messages' | 'articles'>,
): Json {
	const q = (queryText(request, 'q') ?? '').toLowerCase();
	const page = Number(request.query.page ?? 1);
	const state = context.state;
	const result: Json = {};
	for (const kind of kinds) {
		if (kind === 'contacts') {
			const contacts = state
				.contactsOf(context.accountId)
				.filter((c) =>
					[c.name, c.email, c.phone_number, c.identifier].some(
						(v) => v !== null && v.toLowerCase().includes(q),
					),
				);
			result.contacts = pageSlice(contacts, page, SEARCH_PER_PAGE).map((c) =>
				context.views.contact(c),
			);
		} else if (kind === 'conversations') {
			const conversations = ordered(
				state.conversationsOf(context.accountId).filter((c) => matchesText(state, c, q)),
				undefined,
			);
			result.conversations = pageSlice(conversations, page, SEARCH_PER_PAGE).map((c) =>
				context.views.conversation(c),
			);
		} else if (kind === 'messages') {
			const messages = [...state.messages.values()]
				.filter(
					(m) =>
						m.account_id === context.accountId &&
						m.content !== null &&
						m.content.toLowerCase().includes(q),
				)
				.reverse();
			result.messages = pageSlice(messages, page, SEARCH_PER_PAGE).map((m) =>
				context.views.message(m),
			);
		} else {
			// Help-center articles are modelled generically; the search does not reach them.
			result.articles = [];
		}
	}
	return result;
}
