// The Client (public) API: no token; the inbox is the API channel's `inbox_identifier` and the contact
// is its contact inbox's `source_id`. Incoming messages emit `message_created` like the widget's do.
import type { OperationRequest } from '../../core/http-server.mts';
import {
	bodyOf,
	notFound,
	ok,
	pathInt,
	pathText,
	queryInt,
	type ChatwootContext,
	type ChatwootHandlers,
} from '../handler-kit.mts';
import {
	MESSAGE_TYPES,
	type ContactInboxRecord,
	type ContactRecord,
	type ConversationRecord,
	type InboxRecord,
	type Json,
} from '../records.mts';
import { postMessage, setStatus } from './conversations.mts';

interface ClientScope {
	inbox: InboxRecord;
	contactInbox: ContactInboxRecord;
	contact: ContactRecord;
	/** A context acting in the inbox's account. */
	context: ChatwootContext;
}

function inboxOf(request: OperationRequest, context: ChatwootContext): InboxRecord {
	const inbox = context.state.inboxByIdentifier(pathText(request, 'inbox_identifier'));
	if (inbox === undefined) throw notFound();
	return inbox;
}

function scope(request: OperationRequest, context: ChatwootContext): ClientScope {
	const inbox = inboxOf(request, context);
	const contactInbox = context.state.contactInboxBySourceId(
		inbox.id,
		pathText(request, 'contact_identifier'),
	);
	const contact = contactInbox && context.state.contacts.get(contactInbox.contact_id);
	if (contactInbox === undefined || contact === undefined) throw notFound();
	return { inbox, contactInbox, contact, context: { ...context, accountId: inbox.account_id } };
}

function conversationOf(scope: ClientScope, displayId: number): ConversationRecord {
	const conversation = scope.context.state.conversationByDisplayId(
		scope.inbox.account_id,
		displayId,
	);
	if (conversation === undefined || conversation.contact_inbox_id !== scope.contactInbox.id)
		throw notFound();
	return conversation;
}

interface ContactFields {
	identifier?: string;
	email?: string;
	name?: string;
	phone_number?: string;
	custom_attributes?: Json;
}

function applyFields(contact: ContactRecord, fields: ContactFields): void {
	for (const key of ['identifier', 'email', 'name', 'phone_number'] as const)
		if (fields[key] !== undefined) contact[key] = fields[key] ?? null;
	if (fields.custom_attributes)
		contact.custom_attributes = { ...contact.custom_attributes, ...fields.custom_attributes };
	contact.updated_at = Date.now();
}

export const clientHandlers: ChatwootHandlers = {
	'get-details-of-a-inbox': (request, context) => {
		const inbox = inboxOf(request, context);
		return ok({
			identifier: inbox.identifier,
			name: inbox.name,
			timezone: inbox.timezone,
			working_hours: [],
			working_hours_enabled: inbox.working_hours_enabled,
			csat_survey_enabled: inbox.csat_survey_enabled,
			greeting_enabled: inbox.greeting_enabled,
			identity_validation_enabled: false,
		});
	},

	'create-a-contact': (request, context) => {
		const inbox = inboxOf(request, context);
		const fields = bodyOf<ContactFields>(request);
		const state = context.state;
		// A known identifier or email reuses the account's contact, as Chatwoot's contact inbox builder does.
		const existing = state
			.contactsOf(inbox.account_id)
			.find(
				(c) =>
					(fields.identifier && c.identifier === fields.identifier) ||
					(fields.email && c.email === fields.email),
			);
		const contact = existing ?? state.newContact(inbox.account_id, {});
		applyFields(contact, fields);
		const contactInbox = state.newContactInbox(contact.id, inbox.id);
		if (existing === undefined)
			context.emit('contact_created', context.views.contact(contact), inbox.account_id);
		return ok(context.views.publicContact(contact, contactInbox));
	},

	'get-details-of-a-contact': (request, context) => {
		const { contact, contactInbox } = scope(request, context);
		return ok(context.views.publicContact(contact, contactInbox));
	},

	'update-a-contact': (request, context) => {
		const { contact, inbox } = scope(request, context);
		applyFields(contact, bodyOf<ContactFields>(request));
		context.emit('contact_updated', context.views.contact(contact), inbox.account_id);
		return ok(context.views.publicContactRecord(contact));
	},

	'list-all-contact-conversations': (request, context) => {
		const client = scope(request, context);
		const conversations = context.state
			.conversationsOf(client.inbox.account_id)
			.filter((c) => c.contact_inbox_id === client.contactInbox.id);
		return ok(conversations.map((c) => context.views.publicConversation(c)));
	},

	'create-a-conversation': (request, context) => {
		const client = scope(request, context);
		const conversation = context.state.newConversation({
			account_id: client.inbox.account_id,
			inbox_id: client.inbox.id,
			contact_id: client.contact.id,
			contact_inbox_id: client.contactInbox.id,
			status: context.state.createdStatus(client.inbox.id),
			custom_attributes: bodyOf<{ custom_attributes?: Json }>(request).custom_attributes ?? {},
		});
		context.emit(
			'conversation_created',
			context.views.conversationEvent(conversation),
			client.inbox.account_id,
		);
		return ok(context.views.publicConversation(conversation));
	},

	'get-single-conversation': (request, context) =>
		ok(
			context.views.publicConversation(
				conversationOf(scope(request, context), pathInt(request, 'conversation_id')),
			),
		),

	'resolve-conversation': (request, context) => {
		const client = scope(request, context);
		const conversation = conversationOf(client, pathInt(request, 'conversation_id'));
		setStatus(client.context, conversation, 'resolved', null);
		return ok(context.views.publicConversation(conversation));
	},

	'toggle-typing-status': (request, context) => {
		conversationOf(scope(request, context), pathInt(request, 'conversation_id'));
		return ok();
	},

	'update-last-seen': (request, context) => {
		conversationOf(
			scope(request, context),
			pathInt(request, 'conversation_id'),
		).contact_last_seen_at = Date.now();
		return ok();
	},

	'list-all-conversation-messages': (request, context) => {
		const conversation = conversationOf(
			scope(request, context),
			pathInt(request, 'conversation_id'),
		);
		const page = context.state.messagePage(conversation.id, {
			before: queryInt(request, 'before'),
		});
		return ok(page.filter((m) => !m.private).map((m) => context.views.publicMessage(m)));
	},

	'create-a-message': (request, context) => {
		const client = scope(request, context);
		const conversation = conversationOf(client, pathInt(request, 'conversation_id'));
		const body = bodyOf<{ content?: string; echo_id?: string }>(request);
		const message = postMessage(client.context, conversation, {
			content: body.content ?? null,
			echo_id: body.echo_id ?? null,
			message_type: MESSAGE_TYPES.incoming,
			sender_type: 'Contact',
			sender_id: client.contact.id,
		});
		return ok(context.views.publicMessage(message));
	},

	'update-a-message': (request, context) => {
		const client = scope(request, context);
		const conversation = conversationOf(client, pathInt(request, 'conversation_id'));
		const message = context.state.messages.get(pathInt(request, 'message_id'));
		if (message === undefined || message.conversation_id !== conversation.id) throw notFound();
		message.content_attributes = {
			...message.content_attributes,
			submitted_values: bodyOf<{ submitted_values?: Json }>(request).submitted_values ?? {},
		};
		message.updated_at = Date.now();
		context.emit('message_updated', context.views.messageEvent(message), client.inbox.account_id);
		return ok(context.views.publicMessage(message));
	},
};
