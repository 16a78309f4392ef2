// Portfolios and sequences: lists and adding/removing contacts (single and batch).
import { toPortfolio, toPortfolioContact, toSequence, toSequenceContact } from '../dto.mts';
import {
	bodyOf,
	CREATED_UPDATED,
	dateFilter,
	ok,
	ordered,
	page,
	pageEnvelope,
	pathParam,
	queryList,
	queryString,
	type WtsHandlers,
} from '../handler-kit.mts';
import {
	addMembership,
	contactFromRef,
	contactsFromRefs,
	membership,
	removeMembership,
} from '../memberships.mts';
import type { MembershipRecord } from '../records.mts';
import { canonicalPhone, notFound, phoneKey } from '../state.mts';

interface ContactRef {
	contactId?: string | null;
	phoneNumber?: string | null;
}
interface ContactRefs {
	contactIds?: string[] | null;
	phoneNumbers?: string[] | null;
}

export const groupHandlers: WtsHandlers = {
	listPortfolios: (request, { state }) => {
		const inDates = dateFilter(request, CREATED_UPDATED);
		const details = queryList(request, 'IncludeDetails');
		return ok(
			page(request, [...state.portfolios.values()].filter(inDates), (p) =>
				toPortfolio(state, p, details),
			),
		);
	},

	listPortfolioContacts: (request, { state }) => {
		const portfolio = state.portfolio(pathParam(request));
		const inDates = dateFilter<MembershipRecord>(request, CREATED_UPDATED);
		const contactIds = queryList(request, 'ContactIds');
		const items = [...state.portfolioContacts.values()].filter(
			(m) =>
				m.groupId === portfolio.id &&
				inDates(m) &&
				(contactIds.length === 0 || contactIds.includes(m.contactId)),
		);
		// This list names its page parameter `Page` and sorts descending with `OrderByDesc=<field>`.
		const descending = queryString(request, 'OrderByDesc');
		const orderBy = descending ?? queryString(request, 'OrderBy');
		const direction =
			orderBy === undefined ? undefined : descending !== undefined ? 'DESCENDING' : 'ASCENDING';
		const sorted = ordered(items, orderBy, direction);
		return ok(
			pageEnvelope(
				sorted,
				Number(request.query.Page ?? 1),
				Number(request.query.PageSize ?? 15),
				orderBy ?? null,
				direction ?? null,
				(m) => toPortfolioContact(state, m),
			),
		);
	},

	addContactToPortfolio: (request, { state }) => {
		const portfolio = state.portfolio(pathParam(request));
		const contact = contactFromRef(state, bodyOf<ContactRef>(request), false);
		return ok(
			toPortfolioContact(state, addMembership(state, 'portfolio', portfolio.id, contact, 'API')),
		);
	},

	removeContactFromPortfolio: (request, { state }) => {
		const portfolio = state.portfolio(pathParam(request));
		const contact = contactFromRef(state, bodyOf<ContactRef>(request), false);
		if (!removeMembership(state, 'portfolio', portfolio.id, contact))
			throw notFound('Portfolio contact', contact.id);
		return ok();
	},

	addContactsToPortfolio: (request, { state }) => {
		const portfolio = state.portfolio(pathParam(request));
		const added = contactsFromRefs(state, bodyOf<ContactRefs>(request), false).map((c) =>
			addMembership(state, 'portfolio', portfolio.id, c, 'API'),
		);
		return ok(
			pageEnvelope(added, 1, Math.max(added.length, 1), null, null, (m) =>
				toPortfolioContact(state, m),
			),
		);
	},

	removeContactsFromPortfolio: (request, { state }) => {
		const portfolio = state.portfolio(pathParam(request));
		for (const contact of contactsFromRefs(state, bodyOf<ContactRefs>(request), false))
			removeMembership(state, 'portfolio', portfolio.id, contact);
		return ok();
	},

	listSequences: (request, { state }) => {
		const name = queryString(request, 'Name')?.toLowerCase();
		const contactId = queryString(request, 'ContactId');
		const inDates = dateFilter(request, CREATED_UPDATED);
		const details = queryList(request, 'IncludeDetails');
		const items = [...state.sequences.values()].filter(
			(s) =>
				inDates(s) &&
				(name === undefined || s.name.toLowerCase().includes(name)) &&
				(contactId === undefined || membership(state, 'sequence', s.id, contactId) !== undefined),
		);
		return ok(page(request, items, (s) => toSequence(state, s, details)));
	},

	listSequenceContacts: (request, { state }) => {
		const sequence = state.sequence(pathParam(request));
		const name = queryString(request, 'Name')?.toLowerCase();
		const contactId = queryString(request, 'ContactId');
		const phone = queryString(request, 'PhoneNumber');
		const inDates = dateFilter<MembershipRecord>(request, CREATED_UPDATED);
		const withDetails = queryList(request, 'IncludeDetails').includes('ContactDetails');
		const items = [...state.sequenceContacts.values()].filter((m) => {
			if (m.groupId !== sequence.id || !inDates(m)) return false;
			const contact = state.contacts.get(m.contactId);
			return (
				(contactId === undefined || m.contactId === contactId) &&
				(name === undefined || (contact?.name ?? '').toLowerCase().includes(name)) &&
				(phone === undefined ||
					(contact?.phoneNumber !== null &&
						contact?.phoneNumber !== undefined &&
						phoneKey(contact.phoneNumber) === phoneKey(canonicalPhone(phone) ?? phone)))
			);
		});
		return ok(page(request, items, (m) => toSequenceContact(state, m, withDetails)));
	},

	listSequenceContactsV1: (request, { state }) => {
		const sequence = state.sequence(pathParam(request));
		return ok(
			[...state.sequenceContacts.values()]
				.filter((m) => m.groupId === sequence.id)
				.map((m) => toSequenceContact(state, m, false)),
		);
	},

	addContactToSequence: (request, { state }) => {
		const sequence = state.sequence(pathParam(request));
		const contact = contactFromRef(state, bodyOf<ContactRef>(request), true);
		return ok(
			toSequenceContact(
				state,
				addMembership(state, 'sequence', sequence.id, contact, 'API'),
				false,
			),
		);
	},

	removeContactFromSequence: (request, { state }) => {
		const sequence = state.sequence(pathParam(request));
		const contact = contactFromRef(state, bodyOf<ContactRef>(request), false);
		if (!removeMembership(state, 'sequence', sequence.id, contact))
			throw notFound('Sequence contact', contact.id);
		return ok();
	},

	addContactsToSequence: (request, { state }) => {
		const sequence = state.sequence(pathParam(request));
		// Unknown phone numbers are created as contacts (documented for this endpoint).
		const added = contactsFromRefs(state, bodyOf<ContactRefs>(request), true).map((c) =>
			addMembership(state, 'sequence', sequence.id, c, 'API'),
		);
		return ok(
			pageEnvelope(added, 1, Math.max(added.length, 1), null, null, (m) =>
				toSequenceContact(state, m, false),
			),
		);
	},

	removeContactsFromSequence: (request, { state }) => {
		const sequence = state.sequence(pathParam(request));
		for (const contact of contactsFromRefs(state, bodyOf<ContactRefs>(request), false))
			removeMembership(state, 'sequence', sequence.id, contact);
		return ok();
	},
};
