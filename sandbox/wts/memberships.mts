// Portfolio and sequence membership of contacts, and resolving the contacts a request refers to.
import type { ContactRecord, MembershipRecord } from './records.mts';
import { badRequest, canonicalPhone, notFound, type WtsState } from './state.mts';

export type GroupKind = 'portfolio' | 'sequence';

function groupMap(state: WtsState, kind: GroupKind): Map<string, MembershipRecord> {
	return kind === 'portfolio' ? state.portfolioContacts : state.sequenceContacts;
}

export function membership(
	state: WtsState,
	kind: GroupKind,
	groupId: string,
	contactId: string,
): MembershipRecord | undefined {
	for (const record of groupMap(state, kind).values())
		if (record.groupId === groupId && record.contactId === contactId) return record;
	return undefined;
}

/** Adds the contact (no-op when already a member); portfolio membership is mirrored on the contact. */
export function addMembership(
	state: WtsState,
	kind: GroupKind,
	groupId: string,
	contact: ContactRecord,
	origin: MembershipRecord['origin'],
): MembershipRecord {
	const existing = membership(state, kind, groupId, contact.id);
	if (existing) return existing;
	const now = state.nowIso();
	const record: MembershipRecord = {
		id: state.nextId(),
		createdAt: now,
		updatedAt: now,
		groupId,
		contactId: contact.id,
		origin,
	};
	groupMap(state, kind).set(record.id, record);
	if (kind === 'portfolio' && !contact.portfolioIds.includes(groupId)) {
		state.saveContact({
			...contact,
			portfolioIds: [...contact.portfolioIds, groupId],
			updatedAt: now,
		});
	}
	return record;
}

export function removeMembership(
	state: WtsState,
	kind: GroupKind,
	groupId: string,
	contact: ContactRecord,
): boolean {
	const existing = membership(state, kind, groupId, contact.id);
	if (existing) groupMap(state, kind).delete(existing.id);
	if (kind === 'portfolio' && contact.portfolioIds.includes(groupId)) {
		state.saveContact({
			...contact,
			portfolioIds: contact.portfolioIds.filter((id) => id !== groupId),
			updatedAt: state.nowIso(),
		});
	}
	return existing !== undefined;
}

/** Finds a contact by id or by phone; `createUnknownPhones` adds contacts for unknown numbers. */
export function contactFromRef(
	state: WtsState,
	ref: { contactId?: string | null; phoneNumber?: string | null },
	createUnknownPhones: boolean,
): ContactRecord {
	if (ref.contactId) return state.contact(ref.contactId);
	const phone = ref.phoneNumber ?? '';
	const canonical = canonicalPhone(phone);
	if (canonical === null)
		throw badRequest(
			'INVALID_PHONE',
			`phoneNumber ${phone} is not a phone number (use +55|11999999999)`,
		);
	const found = state.contactByPhoneNumber(canonical);
	if (found) return found;
	if (!createUnknownPhones) throw notFound('Contact with phone', phone);
	return state.newContact({ phoneNumber: canonical, origin: 'CREATED_BY_USER' });
}

/** Contacts named by a batch body (`contactIds` and/or `phoneNumbers`). */
export function contactsFromRefs(
	state: WtsState,
	refs: { contactIds?: string[] | null; phoneNumbers?: string[] | null },
	createUnknownPhones: boolean,
): ContactRecord[] {
	return [
		...(refs.contactIds ?? []).map((contactId) =>
			contactFromRef(state, { contactId }, createUnknownPhones),
		),
		...(refs.phoneNumbers ?? []).map((phoneNumber) =>
			contactFromRef(state, { phoneNumber }, createUnknownPhones),
		),
	];
}
