// Contacts of the Application API: list/search/filter (15 per page), CRUD with uniqueness checks,
// labels, contact inboxes, merge, custom attributes and CSV import.
import type { OperationRequest } from '../../core/http-server.mts';
import { conditionFilter, type FilterCondition } from '../filters.mts';
import {
	bodyOf,
	couldNotCreate,
	notFound,
	ok,
	pageSlice,
	pathInt,
	queryText,
	unprocessable,
	type ChatwootContext,
	type ChatwootHandlers,
} from '../handler-kit.mts';
import type { ContactRecord, Json } from '../records.mts';
import { inboxOf } from './account.mts';

const CONTACTS_PER_PAGE = 15;

interface ContactFields {
	inbox_id?: number;
	source_id?: string;
	name?: string;
	email?: string;
	phone_number?: string;
	identifier?: string;
	blocked?: boolean;
	avatar_url?: string;
	additional_attributes?: Json;
	custom_attributes?: Json;
}

export function contactOf(context: ChatwootContext, id: number): ContactRecord {
	const contact = context.state.contacts.get(id);
	if (contact === undefined || contact.account_id !== context.accountId) throw notFound();
	return contact;
}

/** Chatwoot lists only "resolved" contacts: those with an email, a phone number or an identifier. */
function isResolved(contact: ContactRecord): boolean {
	return Boolean(contact.email || contact.phone_number || contact.identifier);
}

function sorted(contacts: ContactRecord[], sort: string | undefined): ContactRecord[] {
	const spec = sort ?? '-last_activity_at';
	const descending = spec.startsWith('-');
	const key = (descending ? spec.slice(1) : spec) as
		| 'name'
		| 'email'
		| 'phone_number'
		| 'last_activity_at';
	const sign = descending ? -1 : 1;
	return [...contacts].sort((a, b) => {
		const x = a[key];
		const y = b[key];
		// NULLS LAST in both directions, then oldest id first for a stable order.
		if (x === null && y !== null) return 1;
		if (y === null && x !== null) return -1;
		if (x !== null && y !== null && x !== y)
			return (
				sign *
				(typeof x === 'number' && typeof y === 'number'
					? x - y
					: String(x).localeCompare(String(y)))
			);
		return a.id - b.id;
	});
}

function contactPage(
	request: OperationRequest,
	context: ChatwootContext,
	contacts: ContactRecord[],
) {
	const page = Number(request.query.page ?? 1);
	return ok({
		meta: { count: contacts.length, current_page: page },
		payload: pageSlice(contacts, page, CONTACTS_PER_PAGE).map((contact) =>
			context.views.contact(contact),
		),
	});
}

function readContactAttribute(contact: ContactRecord, key: string): unknown {
	switch (key) {
		case 'name':
		case 'email':
		case 'phone_number':
		case 'identifier':
		case 'blocked':
		case 'created_at':
		case 'last_activity_at':
			return contact[key];
		case 'labels':
			return contact.labels;
		case 'country_code':
		case 'city':
		case 'company':
			return contact.additional_attributes[key === 'company' ? 'company_name' : key];
		default:
			return contact.custom_attributes[key] ?? contact.additional_attributes[key];
	}
}

/** 422 like Chatwoot's uniqueness validations on email, phone number and identifier. */
function assertUnique(context: ChatwootContext, fields: ContactFields, except?: number): void {
	for (const key of ['email', 'phone_number', 'identifier'] as const) {
		const value = fields[key];
		if (!value) continue;
		const taken = context.state
			.contactsOf(context.accountId)
			.some((c) => c.id !== except && (c[key] ?? '').toLowerCase() === value.toLowerCase());
		if (taken)
			throw unprocessable(
				`${key === 'phone_number' ? 'Phone number' : key[0].toUpperCase() + key.slice(1)} has already been taken`,
				[key],
			);
	}
}

function applyContactFields(contact: ContactRecord, fields: ContactFields): void {
	for (const key of ['name', 'email', 'phone_number', 'identifier'] as const)
		if (fields[key] !== undefined) contact[key] = fields[key] ?? null;
	if (fields.blocked !== undefined) contact.blocked = fields.blocked;
	if (fields.additional_attributes)
		contact.additional_attributes = {
			...contact.additional_attributes,
			...fields.additional_attributes,
		};
	if (fields.custom_attributes)
		contact.custom_attributes = { ...contact.custom_attributes, ...fields.custom_attributes };
	contact.updated_at = Date.now();
}

/** Minimal CSV reader for contact imports (header row, quoted fields). */
function parseCsv(text: string): Array<Record<string, string>> {
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (quoted) {
			if (char === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (char === '"') quoted = false;
			else field += char;
		} else if (char === '"') quoted = true;
		else if (char === ',') {
			row.push(field);
			field = '';
		} else if (char === '\n' || char === '\r') {
			if (char === '\r' && text[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += char;
	}
	if (field !== '' || row.length > 0) rows.push([...row, field]);
	const [header, ...data] = rows.filter((r) => r.some((cell) => cell.trim() !== ''));
	if (header === undefined) return [];
	const names = header.map((h) => h.trim().toLowerCase());
	return data.map((cells) =>
		Object.fromEntries(names.map((name, i) => [name, (cells[i] ?? '').trim()])),
	);
}

export const contactHandlers: ChatwootHandlers = {
	contactList: (request, context) =>
		contactPage(
			request,
			context,
			sorted(
				context.state.contactsOf(context.accountId).filter(isResolved),
				queryText(request, 'sort'),
			),
		),

	contactSearch: (request, context) => {
		const q = (queryText(request, 'q') ?? '').toLowerCase();
		const matches = context.state
			.contactsOf(context.accountId)
			.filter(isResolved)
			.filter((c) =>
				[c.name, c.email, c.phone_number, c.identifier].some(
					(v) => v !== null && v.toLowerCase().includes(q),
				),
			);
		// 4.16.2 contacts_controller.rb:144-160 and contacts/search.json.jbuilder: no total; `count` is the
		// size of this page and `has_more` says whether another page follows.
		const page = Number(request.query.page ?? 1);
		const all = sorted(matches, queryText(request, 'sort'));
		const records = pageSlice(all, page, CONTACTS_PER_PAGE);
		return ok({
			meta: {
				count: records.length,
				current_page: page,
				has_more: page * CONTACTS_PER_PAGE < all.length,
			},
			payload: records.map((contact) => context.views.contact(contact)),
		});
	},

	contactFilter: (request, context) => {
		const conditions = bodyOf<{ payload?: FilterCondition[] }>(request).payload ?? [];
		const matches = context.state
			.contactsOf(context.accountId)
			.filter(conditionFilter(conditions, readContactAttribute));
		return contactPage(request, context, sorted(matches, undefined));
	},

	// Nobody is online in the sandbox (no websocket presence).
	'list-active-contacts': (request) =>
		ok({ meta: { count: 0, current_page: Number(request.query.page ?? 1) }, payload: [] }),

	// 4.16.2 contacts_controller.rb:85-92, 162-171 and contacts/create.json.jbuilder.
	contactCreate: (request, context) => {
		const fields = bodyOf<ContactFields>(request);
		const inbox =
			fields.inbox_id === undefined ? undefined : inboxOf(context, Number(fields.inbox_id));
		if (inbox?.channel_type === 'Channel::Email' && !fields.source_id && !fields.email)
			throw couldNotCreate('param is missing or the value is empty: contact email');
		assertUnique(context, fields);
		const contact = context.state.newContact(context.accountId, {});
		applyContactFields(contact, fields);
		// ContactInboxBuilder: the given source_id, else one made for the channel (the email on email inboxes).
		const contactInbox =
			inbox &&
			context.state.newContactInbox(
				contact.id,
				inbox.id,
				fields.source_id ||
					(inbox.channel_type === 'Channel::Email' ? (contact.email ?? undefined) : undefined),
			);
		context.emit('contact_created', context.views.contact(contact), context.accountId);
		return ok({
			payload: {
				contact: context.views.contact(contact),
				contact_inbox: {
					inbox: inbox ? context.views.inboxAttributes(inbox) : null,
					source_id: contactInbox ? contactInbox.source_id : null,
				},
			},
		});
	},

	contactDetails: (request, context) =>
		ok({ payload: context.views.contact(contactOf(context, pathInt(request, 'id'))) }),

	contactUpdate: (request, context) => {
		const contact = contactOf(context, pathInt(request, 'id'));
		const fields = bodyOf<ContactFields>(request);
		assertUnique(context, fields, contact.id);
		applyContactFields(contact, fields);
		context.emit('contact_updated', context.views.contact(contact), context.accountId);
		// contacts/update.json.jbuilder: the contact under `payload`.
		return ok({ payload: context.views.contact(contact) });
	},

	contactDelete: (request, context) => {
		context.state.removeContact(contactOf(context, pathInt(request, 'id')).id);
		return ok();
	},

	contactConversations: (request, context) => {
		const contact = contactOf(context, pathInt(request, 'id'));
		const conversations = context.state
			.conversationsOf(context.accountId)
			.filter((c) => c.contact_id === contact.id)
			.sort((a, b) => b.last_activity_at - a.last_activity_at);
		return ok({ payload: conversations.map((c) => context.views.conversation(c)) });
	},

	'list-all-labels-of-a-contact': (request, context) =>
		ok({ payload: contactOf(context, pathInt(request, 'id')).labels }),

	'contact-add-labels': (request, context) => {
		const contact = contactOf(context, pathInt(request, 'id'));
		// Chatwoot replaces the contact's label list with the one sent.
		contact.labels = [...new Set(bodyOf<{ labels: string[] }>(request).labels)];
		contact.updated_at = Date.now();
		return ok({ payload: contact.labels });
	},

	contactInboxCreation: (request, context) => {
		const contact = contactOf(context, pathInt(request, 'id'));
		const body = bodyOf<{ inbox_id: number; source_id?: string }>(request);
		const inbox = inboxOf(context, Number(body.inbox_id));
		if (body.source_id && context.state.contactInboxBySourceId(inbox.id, body.source_id))
			throw unprocessable('Source has already been taken', ['source_id']);
		const contactInbox = context.state.newContactInbox(contact.id, inbox.id, body.source_id);
		return ok(context.views.contactInbox(contactInbox));
	},

	contactableInboxesGet: (request, context) => {
		const contact = contactOf(context, pathInt(request, 'id'));
		const existing = new Map(
			context.state.contactInboxesOf(contact.id).map((ci) => [ci.inbox_id, ci.source_id]),
		);
		const payload = context.state.inboxesOf(context.accountId).map((inbox) => ({
			source_id:
				existing.get(inbox.id) ??
				(inbox.channel_type === 'Channel::Email' ? (contact.email ?? '') : context.state.newUuid()),
			inbox: context.views.inboxSlim(inbox),
		}));
		return ok({ payload });
	},

	contactMerge: (request, context) => {
		const body = bodyOf<{ base_contact_id: number; mergee_contact_id: number }>(request);
		if (body.base_contact_id === body.mergee_contact_id)
			throw unprocessable('Base contact and mergee contact must be different', [
				'mergee_contact_id',
			]);
		const base = contactOf(context, body.base_contact_id);
		context.state.mergeContacts(base, contactOf(context, body.mergee_contact_id));
		return ok({ id: base.id, payload: [context.views.contact(base)] });
	},

	'delete-contact-custom-attributes': (request, context) => {
		const contact = contactOf(context, pathInt(request, 'id'));
		const remove = new Set(bodyOf<{ custom_attributes: string[] }>(request).custom_attributes);
		contact.custom_attributes = Object.fromEntries(
			Object.entries(contact.custom_attributes).filter(([key]) => !remove.has(key)),
		);
		return ok({ payload: context.views.contact(contact) });
	},

	'import-contacts': (request, context) => {
		const file =
			request.parsedBody.kind === 'multipart'
				? request.parsedBody.parts.find((p) => p.name === 'import_file')
				: undefined;
		if (file === undefined) throw unprocessable('Import file is missing', ['import_file']);
		// Chatwoot imports in a background job; the sandbox does it at once, skipping duplicates.
		for (const row of parseCsv(file.data.toString('utf8'))) {
			const fields: ContactFields = {
				name: row.name || undefined,
				email: row.email || undefined,
				phone_number: row.phone_number || undefined,
				identifier: row.identifier || undefined,
			};
			try {
				assertUnique(context, fields);
			} catch {
				continue;
			}
			applyContactFields(context.state.newContact(context.accountId, {}), fields);
		}
		return ok();
	},

	'export-contacts': () => ok(),
};
