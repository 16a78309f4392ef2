// Contacts: list/filter, create (with upsert/get-if-exists), field-mask updates, tags, batch.
import type { OperationRequest } from '../../core/http-server.mts';
import { toContact } from '../dto.mts';
import {
	bodyOf,
	CREATED_UPDATED,
	dateFilter,
	FilterCache,
	ok,
	ordered,
	page,
	pageEnvelope,
	pathParam,
	queryList,
	queryString,
	type WtsHandlers,
} from '../handler-kit.mts';
import { addMembership, removeMembership } from '../memberships.mts';
import type {
	ContactRecord,
	ContactStatus,
	CustomFieldRecord,
	Json,
	TagRecord,
	Utm,
} from '../records.mts';
import { badRequest, canonicalPhone, notFound, phoneKey, type WtsState } from '../state.mts';

type TagOperation = 'insertifnotexists' | 'deleteifexists' | 'replaceall';

/** Writable contact fields shared by create, update (v1/v2/by phone) and batch bodies. */
export interface ContactBody {
	fields?: string[] | null;
	name?: string | null;
	phoneNumber?: string | null;
	phonenumber?: string | null;
	email?: string | null;
	instagram?: string | null;
	annotation?: string | null;
	tagIds?: string[] | null;
	tagNames?: string[] | null;
	portfolioIds?: string[] | null;
	portfolioNames?: string[] | null;
	sequenceIds?: string[] | null;
	status?: ContactStatus | null;
	pictureUrl?: string | null;
	customFields?: Json | null;
	metadata?: Json | null;
	utm?: Utm | null;
	options?: {
		tagsOperation?: string;
		upsert?: boolean;
		upsertFields?: string[];
		upsertTagOperation?: string;
		getIfExists?: boolean;
	} | null;
}

interface ContactFilterBody {
	pageNumber?: number;
	pageSize?: number;
	orderBy?: string | null;
	orderDirection?: string | null;
	createdAt?: { after?: string | null; before?: string | null } | null;
	updatedAt?: { after?: string | null; before?: string | null } | null;
	includeDetails?: string[] | null;
	status?: ContactStatus | null;
	textFilter?: string | null;
	name?: string | null;
	phoneNumber?: string | null;
	email?: string | null;
	instagram?: string | null;
	tagIds?: string[] | null;
	tagNames?: string[] | null;
	portfolioIds?: string[] | null;
	portfolioNames?: string[] | null;
	origin?: string | null;
	customFields?: Json | null;
	metadata?: Json | null;
}

const ALL_DETAILS = ['Tags', 'CustomFields', 'Portfolios'];
const listCache = new WeakMap<WtsState, FilterCache<ContactRecord>>();

function tagOperation(value: string | undefined, fallback: TagOperation): TagOperation {
	return (value?.toLowerCase() as TagOperation | undefined) ?? fallback;
}

function contactFieldsByKey(state: WtsState): Map<string, CustomFieldRecord> {
	return new Map(
		[...state.customFields.values()]
			.filter((f) => f.entityType === 'CONTACT' && f.type !== 'GROUP')
			.map((f) => [f.key, f]),
	);
}

/**
 * Checks custom-field values against their definitions. Keys must be field *keys*; the legacy node
 * keyed them by display name, which the API rejects.
 */
export function checkCustomFields(
	fields: Map<string, CustomFieldRecord>,
	values: Json,
	what: string,
): void {
	for (const [key, value] of Object.entries(values)) {
		const field = fields.get(key);
		if (field === undefined) {
			const byName = [...fields.values()].find((f) => f.name.toLowerCase() === key.toLowerCase());
			throw badRequest(
				'CUSTOM_FIELD_NOT_FOUND',
				`customFields.${key} is not a ${what} custom field${byName ? ` (use its key "${byName.key}", not its name)` : ''}`,
			);
		}
		if (value === null) continue;
		const numeric =
			typeof value === 'number' ||
			(typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
		const valid =
			field.type === 'INTEGER'
				? numeric && Number.isInteger(Number(value))
				: field.type === 'FLOAT'
					? numeric
					: field.type === 'BOOLEAN'
						? typeof value === 'boolean' || value === 'true' || value === 'false'
						: field.type === 'SINGLESELECT'
							? field.options.some((o) => o.name === value || o.id === value)
							: field.type === 'MULTISELECT'
								? Array.isArray(value) &&
									value.every((v) => field.options.some((o) => o.name === v || o.id === v))
								: field.type === 'DATE' || field.type === 'DATETIME'
									? typeof value === 'string' && !Number.isNaN(Date.parse(value))
									: true;
		if (!valid)
			throw badRequest(
				'CUSTOM_FIELD_INVALID',
				`customFields.${key} has an invalid value for a ${field.type} field`,
			);
	}
}

/** Merges custom-field changes: listed keys are set, `null` removes a key. */
export function mergeCustomFields(current: Readonly<Json>, changes: Json): Json {
	const merged: Json = { ...current };
	for (const [key, value] of Object.entries(changes)) {
		if (value === null) delete merged[key];
		else merged[key] = value;
	}
	return merged;
}

function resolveTags(
	state: WtsState,
	ids: string[] | null | undefined,
	names: string[] | null | undefined,
): { ids: string[]; toCreate: string[] } {
	for (const id of ids ?? [])
		if (!state.tags.has(id)) throw badRequest('TAG_NOT_FOUND', `tagIds: tag ${id} does not exist`);
	const byName = new Map([...state.tags.values()].map((t) => [t.name.toLowerCase(), t.id]));
	const toCreate: string[] = [];
	const resolved = [...(ids ?? [])];
	for (const name of names ?? []) {
		const id = byName.get(name.toLowerCase());
		if (id) resolved.push(id);
		else if (!toCreate.includes(name)) toCreate.push(name);
	}
	return { ids: resolved, toCreate };
}

export function createTag(state: WtsState, name: string, color: string | null = null): TagRecord {
	const now = state.nowIso();
	const tag: TagRecord = { id: state.nextId(), createdAt: now, updatedAt: now, name, color };
	state.tags.set(tag.id, tag);
	return tag;
}

function combineTags(
	current: readonly string[],
	given: string[],
	operation: TagOperation,
): string[] {
	if (operation === 'replaceall') return [...new Set(given)];
	if (operation === 'deleteifexists') return current.filter((id) => !given.includes(id));
	return [...new Set([...current, ...given])];
}

/**
 * Applies a contact body to `base` (a fresh record for creates). With a field mask only the masked
 * fields change (absent values clear them); without one (null or empty) every field present in the
 * body changes. Everything is validated before anything is written.
 */
export function applyContactBody(
	state: WtsState,
	base: ContactRecord,
	body: ContactBody,
	mask: readonly string[] | null,
	tagsDefault: TagOperation,
): ContactRecord {
	const masked =
		mask !== null && mask.length > 0 ? new Set(mask.map((m) => m.toLowerCase())) : null;
	const selects = (maskName: string, ...props: Array<keyof ContactBody>) =>
		masked ? masked.has(maskName.toLowerCase()) : props.some((p) => body[p] !== undefined);

	const next: ContactRecord = { ...base };
	if (selects('Name', 'name')) next.name = body.name ?? null;
	if (selects('Email', 'email')) next.email = body.email ?? null;
	if (selects('Annotation', 'annotation')) next.annotation = body.annotation ?? null;
	if (selects('PictureUrl', 'pictureUrl')) next.pictureUrl = body.pictureUrl ?? null;
	if (selects('Status', 'status')) next.status = body.status ?? 'ACTIVE';
	if (selects('Utm', 'utm')) next.utm = body.utm ?? null;
	if (selects('Metadata', 'metadata')) next.metadata = body.metadata ?? {};
	if (selects('Instagram', 'instagram')) {
		const instagram = body.instagram ? `@${body.instagram.replace(/^@/, '')}` : null;
		const owner = instagram ? state.contactByInstagramUser(instagram) : undefined;
		if (owner && owner.id !== base.id)
			throw badRequest(
				'CONTACT_ALREADY_EXISTS',
				`instagram ${instagram} belongs to contact ${owner.id}`,
			);
		next.instagram = instagram;
	}
	if (selects('PhoneNumber', 'phoneNumber', 'phonenumber')) {
		const raw = body.phoneNumber ?? body.phonenumber ?? null;
		const phone = raw === null || raw === '' ? null : canonicalPhone(raw);
		if (raw && phone === null)
			throw badRequest(
				'INVALID_PHONE',
				`phoneNumber "${raw}" is not a phone number (use +55|11999999999)`,
			);
		const owner = phone ? state.contactByPhoneNumber(phone) : undefined;
		if (owner && owner.id !== base.id)
			throw badRequest(
				'CONTACT_ALREADY_EXISTS',
				`phoneNumber ${phone} belongs to contact ${owner.id}`,
			);
		next.phoneNumber = phone;
	}
	if (selects('CustomFields', 'customFields')) {
		const changes = body.customFields ?? {};
		checkCustomFields(contactFieldsByKey(state), changes, 'contact');
		next.customFields =
			body.customFields === null ? {} : mergeCustomFields(base.customFields, changes);
	}
	let tagsToCreate: string[] = [];
	let tagIds: string[] | null = null;
	if (selects('Tags', 'tagIds', 'tagNames')) {
		const resolved = resolveTags(state, body.tagIds, body.tagNames);
		tagsToCreate = resolved.toCreate;
		tagIds = resolved.ids;
	}
	let portfolioIds: string[] | null = null;
	if (selects('Portfolio', 'portfolioIds', 'portfolioNames')) {
		const byName = new Map([...state.portfolios.values()].map((p) => [p.name.toLowerCase(), p.id]));
		portfolioIds = [
			...(body.portfolioIds ?? []).map((id) => state.portfolio(id).id),
			...(body.portfolioNames ?? []).map((name) => {
				const id = byName.get(name.toLowerCase());
				if (id === undefined)
					throw badRequest(
						'PORTFOLIO_NOT_FOUND',
						`portfolioNames: portfolio "${name}" does not exist`,
					);
				return id;
			}),
		];
	}
	const sequenceIds = selects('SequenceIds', 'sequenceIds')
		? (body.sequenceIds ?? []).map((id) => state.sequence(id).id)
		: [];

	// All checks passed: write.
	if (tagIds !== null) {
		const operation = tagOperation(
			body.options?.tagsOperation ?? body.options?.upsertTagOperation,
			tagsDefault,
		);
		next.tagIds = combineTags(
			base.tagIds,
			[...tagIds, ...tagsToCreate.map((name) => createTag(state, name).id)],
			operation,
		);
	}
	next.updatedAt = state.nowIso();
	let saved = state.saveContact(next);
	if (portfolioIds !== null) {
		for (const id of base.portfolioIds)
			if (!portfolioIds.includes(id)) saved = removedFrom(state, saved, id);
		for (const id of portfolioIds) {
			addMembership(state, 'portfolio', id, saved, 'API');
			saved = state.contact(saved.id);
		}
	}
	for (const id of sequenceIds) addMembership(state, 'sequence', id, saved, 'API');
	return state.contact(saved.id);
}

function removedFrom(state: WtsState, contact: ContactRecord, portfolioId: string): ContactRecord {
	removeMembership(state, 'portfolio', portfolioId, contact);
	return state.contact(contact.id);
}

/** An existing contact with the same phone, Instagram user or e-mail. */
function sameContact(state: WtsState, body: ContactBody): ContactRecord | undefined {
	const phone = body.phoneNumber ?? body.phonenumber;
	const canonical = phone ? canonicalPhone(phone) : null;
	if (canonical) {
		const found = state.contactByPhoneNumber(canonical);
		if (found) return found;
	}
	if (body.instagram) {
		const found = state.contactByInstagramUser(body.instagram);
		if (found) return found;
	}
	if (body.email) {
		const email = body.email.toLowerCase();
		for (const contact of state.contacts.values())
			if (contact.email?.toLowerCase() === email) return contact;
	}
	return undefined;
}

function createOrUpsert(state: WtsState, body: ContactBody, alwaysUpsert: boolean): ContactRecord {
	const existing = sameContact(state, body);
	const options = body.options ?? {};
	if (existing) {
		if (options.getIfExists) return existing;
		if (!options.upsert && !alwaysUpsert)
			throw badRequest(
				'CONTACT_ALREADY_EXISTS',
				`A contact with this phone, Instagram or e-mail already exists (${existing.id}); set options.upsert or options.getIfExists`,
			);
		return applyContactBody(
			state,
			existing,
			body,
			options.upsertFields ?? null,
			tagOperation(options.upsertTagOperation, 'insertifnotexists'),
		);
	}
	const now = state.nowIso();
	const blank = state.newContact({}, now);
	try {
		return applyContactBody(state, blank, body, null, 'replaceall');
	} catch (error) {
		state.contacts.delete(blank.id);
		throw error;
	}
}

function contactByPhoneParam(state: WtsState, phone: string): ContactRecord {
	const contact = canonicalPhone(phone) !== null ? state.contactByPhoneNumber(phone) : undefined;
	if (contact === undefined) throw notFound('Contact with phone', phone);
	return contact;
}

function filterContacts(state: WtsState, filter: ContactFilterBody): ContactRecord[] {
	const inRange = (
		value: string,
		range: { after?: string | null; before?: string | null } | null | undefined,
	) =>
		(!range?.after || value >= new Date(range.after).toISOString()) &&
		(!range?.before || value <= new Date(range.before).toISOString());
	const contains = (value: string | null, needle: string | null | undefined) =>
		!needle || (value ?? '').toLowerCase().includes(needle.toLowerCase());
	const tagIdsByName = (names: string[]) =>
		[...state.tags.values()]
			.filter((t) => names.some((n) => n.toLowerCase() === t.name.toLowerCase()))
			.map((t) => t.id);
	const portfolioIdsByName = (names: string[]) =>
		[...state.portfolios.values()]
			.filter((p) => names.some((n) => n.toLowerCase() === p.name.toLowerCase()))
			.map((p) => p.id);
	const wantedTags = [...(filter.tagIds ?? []), ...tagIdsByName(filter.tagNames ?? [])];
	const wantedPortfolios = [
		...(filter.portfolioIds ?? []),
		...portfolioIdsByName(filter.portfolioNames ?? []),
	];
	const phoneDigits = filter.phoneNumber ? phoneKey(filter.phoneNumber) : null;
	return [...state.contacts.values()].filter(
		(c) =>
			(!filter.status || c.status === filter.status) &&
			inRange(c.createdAt, filter.createdAt) &&
			inRange(c.updatedAt, filter.updatedAt) &&
			contains(c.name, filter.name) &&
			contains(c.email, filter.email) &&
			contains(c.instagram, filter.instagram) &&
			(!phoneDigits || phoneKey(c.phoneNumber ?? '').includes(phoneDigits)) &&
			(!filter.textFilter ||
				[c.name, c.email, c.instagram, c.phoneNumber].some((v) =>
					contains(v, filter.textFilter),
				)) &&
			(!filter.origin || c.origin === filter.origin) &&
			(wantedTags.length === 0 && !filter.tagNames?.length
				? true
				: c.tagIds.some((id) => wantedTags.includes(id))) &&
			(wantedPortfolios.length === 0 && !filter.portfolioNames?.length
				? true
				: c.portfolioIds.some((id) => wantedPortfolios.includes(id))) &&
			Object.entries(filter.customFields ?? {}).every(
				([key, value]) => c.customFields[key] === value,
			) &&
			Object.entries(filter.metadata ?? {}).every(([key, value]) => c.metadata[key] === value),
	);
}

function listContacts(request: OperationRequest, state: WtsState) {
	let cache = listCache.get(state);
	if (cache === undefined) {
		cache = new FilterCache();
		listCache.set(state, cache);
	}
	const status = queryString(request, 'Status') ?? 'ACTIVE';
	const key = JSON.stringify([
		status,
		request.query['CreatedAt.After'],
		request.query['CreatedAt.Before'],
		request.query['UpdatedAt.After'],
		request.query['UpdatedAt.Before'],
		request.query.OrderBy,
		request.query.OrderDirection,
	]);
	const items = cache.get(key, state.version, () => {
		const inDates = dateFilter<ContactRecord>(request, CREATED_UPDATED);
		const filtered: ContactRecord[] = [];
		for (const contact of state.contacts.values())
			if (contact.status === status && inDates(contact)) filtered.push(contact);
		return [
			...ordered(filtered, queryString(request, 'OrderBy'), queryString(request, 'OrderDirection')),
		];
	});
	const details = queryList(request, 'IncludeDetails');
	return page(request, items, (c) => toContact(state, c, details), { preordered: true });
}

function updateTags(
	state: WtsState,
	contact: ContactRecord,
	body: { tagIds?: string[] | null; tagNames?: string[] | null; operation: string },
): ContactRecord {
	return applyContactBody(
		state,
		contact,
		{
			tagIds: body.tagIds ?? [],
			tagNames: body.tagNames ?? [],
			options: { tagsOperation: body.operation },
		},
		['Tags'],
		'replaceall',
	);
}

/** A contact after an update request: the fields its mask names (all, without one) replace the stored ones, tags included. */
function replaceContact(state: WtsState, contact: ContactRecord, request: OperationRequest) {
	const body = bodyOf<ContactBody>(request);
	return toContact(state, applyContactBody(state, contact, body, body.fields ?? null, 'replaceall'), ALL_DETAILS);
}

export const contactHandlers: WtsHandlers = {
	listContacts: (request, { state }) => ok(listContacts(request, state)),

	filterContacts: (request, { state }) => {
		const filter = bodyOf<ContactFilterBody>(request);
		const items = ordered(
			filterContacts(state, filter),
			filter.orderBy ?? undefined,
			filter.orderDirection ?? undefined,
		);
		const details = filter.includeDetails ?? [];
		return ok(
			pageEnvelope(
				items,
				filter.pageNumber ?? 1,
				filter.pageSize ?? 15,
				filter.orderBy ?? null,
				filter.orderDirection ?? null,
				(c) => toContact(state, c, details),
			),
		);
	},

	createContact: (request, { state }) =>
		ok(toContact(state, createOrUpsert(state, bodyOf<ContactBody>(request), false), ALL_DETAILS)),

	getContact: (request, { state }) =>
		ok(toContact(state, state.contact(pathParam(request)), queryList(request, 'IncludeDetails'))),

	getContactByPhone: (request, { state }) =>
		ok(
			toContact(
				state,
				contactByPhoneParam(state, pathParam(request, 'phone')),
				queryList(request, 'IncludeDetails'),
			),
		),

	// The v1 and current paths update a contact the same way.
	updateContactV1: (request, { state }) => ok(replaceContact(state, state.contact(pathParam(request)), request)),

	updateContact: (request, { state }) => ok(replaceContact(state, state.contact(pathParam(request)), request)),

	updateContactByPhone: (request, { state }) =>
		ok(replaceContact(state, contactByPhoneParam(state, pathParam(request, 'phone')), request)),

	updateContactTagsByPhone: (request, { state }) => {
		const contact = contactByPhoneParam(state, pathParam(request, 'phone'));
		return ok(toContact(state, updateTags(state, contact, bodyOf(request)), ALL_DETAILS));
	},

	updateContactTags: (request, { state }) => {
		const id = pathParam(request);
		// The docs allow a phone number in place of the id.
		const contact = state.contacts.get(id) ?? contactByPhoneParam(state, id);
		return ok(toContact(state, updateTags(state, contact, bodyOf(request)), ALL_DETAILS));
	},

	saveContactsBatch: (request, { state }) => {
		const body = bodyOf<{ items: ContactBody[]; options?: ContactBody['options'] }>(request);
		const saved = body.items.map((item) =>
			createOrUpsert(
				state,
				{ ...item, options: { ...body.options, ...item.options, upsert: true } },
				true,
			),
		);
		return ok(saved.map((c) => toContact(state, c, ALL_DETAILS)));
	},
};
