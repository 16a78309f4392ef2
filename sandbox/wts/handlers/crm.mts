// CRM: panels, steps, lost reasons, cards (create/update/duplicate, v1..v3) and card notes.
import type { OperationRequest } from '../../core/http-server.mts';
import { toCard, toCardNote, toLostReason, toPanel } from '../dto.mts';
import {
	bodyOf,
	CREATED_UPDATED,
	dateFilter,
	ok,
	page,
	pathParam,
	queryBool,
	queryList,
	queryString,
	type WtsHandlers,
} from '../handler-kit.mts';
import type {
	CardNoteRecord,
	CardRecord,
	CustomFieldRecord,
	Json,
	PanelRecord,
} from '../records.mts';
import { badRequest, notFound, type WtsState } from '../state.mts';
import { checkCustomFields, mergeCustomFields } from './contacts.mts';

/** Card fields shared by create and the update variants. */
interface CardBody {
	fields?: string[] | null;
	stepId?: string | null;
	title?: string | null;
	description?: string | null;
	position?: number | null;
	dueDate?: string | null;
	responsibleUserId?: string | null;
	tagIds?: string[] | null;
	tagNames?: string[] | null;
	contactIds?: string[] | null;
	sessionId?: string | null;
	monetaryAmount?: number | null;
	status?: CardRecord['status'] | null;
	lostReasonId?: string | null;
	archived?: boolean | null;
	customFields?: Json | null;
	metadata?: Json | null;
	options?: { upsertTagOperation?: 'InsertIfNotExists' | 'DeleteIfExists' | 'ReplaceAll' } | null;
}
interface DuplicateBody {
	copyToStepId?: string | null;
	options?: { archiveOriginalCard?: boolean | null; fields?: string[] | null } | null;
}

const CARD_DETAILS = [
	'PanelTitle',
	'StepTitle',
	'StepPhase',
	'ResponsibleUser',
	'Contacts',
	'CustomFields',
	'LostReason',
];

function panelFields(state: WtsState, panelId: string): Map<string, CustomFieldRecord> {
	return new Map(
		[...state.customFields.values()]
			.filter((f) => f.entityType === 'PANEL' && f.scopeId === panelId && f.type !== 'GROUP')
			.map((f) => [f.key, f]),
	);
}

function panelTagIds(
	state: WtsState,
	panel: PanelRecord,
	ids: string[] | null | undefined,
	names: string[] | null | undefined,
): string[] {
	const tags = [...state.panelTags.values()].filter((t) => t.panelId === panel.id);
	for (const id of ids ?? [])
		if (!tags.some((t) => t.id === id))
			throw badRequest('TAG_NOT_FOUND', `tagIds: ${id} is not a tag of panel ${panel.title}`);
	const byName = (names ?? []).map((name) => {
		const existing = tags.find((t) => t.name.toLowerCase() === name.toLowerCase());
		if (existing) return existing.id;
		const now = state.nowIso();
		const tag = {
			id: state.nextId(),
			createdAt: now,
			updatedAt: now,
			panelId: panel.id,
			name,
			nameColor: null,
			bgColor: null,
		};
		state.panelTags.set(tag.id, tag);
		tags.push(tag);
		return tag.id;
	});
	return [...new Set([...(ids ?? []), ...byName])];
}

/**
 * Applies a card body. With a non-empty mask only masked fields change; without one every field
 * present in the body changes. Nothing is stored when a check fails.
 */
function applyCard(state: WtsState, card: CardRecord, body: CardBody): CardRecord {
	const mask =
		body.fields && body.fields.length > 0 ? new Set(body.fields.map((f) => f.toLowerCase())) : null;
	const selects = (name: string, ...props: Array<keyof CardBody>) =>
		mask ? mask.has(name.toLowerCase()) : props.some((p) => body[p] !== undefined);
	const panel = state.panel(card.panelId);
	const next: CardRecord = { ...card, updatedAt: state.nowIso() };

	if (selects('StepId', 'stepId') && body.stepId) {
		const step = state.step(body.stepId);
		if (step.panelId !== panel.id)
			throw badRequest(
				'STEP_NOT_IN_PANEL',
				`Step ${step.id} belongs to another panel; duplicate the card to move it across panels`,
			);
		next.stepId = step.id;
	}
	if (selects('Title', 'title')) {
		if (!body.title) throw badRequest('VALIDATION', 'title cannot be empty');
		next.title = body.title;
	}
	if (selects('Description', 'description')) next.description = body.description ?? null;
	if (selects('Position', 'position')) next.position = body.position ?? 0;
	if (selects('DueDate', 'dueDate'))
		next.dueDate = body.dueDate ? new Date(body.dueDate).toISOString() : null;
	if (selects('ResponsibleUserId', 'responsibleUserId'))
		next.responsibleUserId = body.responsibleUserId ? state.agent(body.responsibleUserId).id : null;
	if (selects('ContactIds', 'contactIds'))
		next.contactIds = (body.contactIds ?? []).map((id) => state.contact(id).id);
	if (selects('SessionId', 'sessionId'))
		next.sessionId = body.sessionId ? state.session(body.sessionId).id : null;
	if (selects('MonetaryAmount', 'monetaryAmount'))
		next.monetaryAmount = body.monetaryAmount ?? null;
	if (selects('Archived', 'archived')) next.archived = body.archived ?? false;
	if (selects('Metadata', 'metadata')) next.metadata = body.metadata ?? {};
	if (selects('Status', 'status') && body.status) next.status = body.status;
	if (selects('LostReasonId', 'lostReasonId')) {
		const reason = body.lostReasonId ? state.lostReasons.get(body.lostReasonId) : undefined;
		if (body.lostReasonId && (reason === undefined || reason.panelId !== panel.id))
			throw badRequest(
				'LOST_REASON_NOT_FOUND',
				`lostReasonId ${body.lostReasonId} is not a lost reason of panel ${panel.title}`,
			);
		next.lostReasonId = reason?.id ?? null;
	}
	if (next.status !== 'LOST') next.lostReasonId = null;
	if (selects('CustomFields', 'customFields')) {
		checkCustomFields(
			panelFields(state, panel.id),
			body.customFields ?? {},
			`panel "${panel.title}"`,
		);
		next.customFields =
			body.customFields === null
				? {}
				: mergeCustomFields(card.customFields, body.customFields ?? {});
	}
	if (selects('TagIds', 'tagIds', 'tagNames')) {
		const given = panelTagIds(state, panel, body.tagIds, body.tagNames);
		const operation = body.options?.upsertTagOperation ?? 'ReplaceAll';
		next.tagIds =
			operation === 'ReplaceAll'
				? given
				: operation === 'DeleteIfExists'
					? card.tagIds.filter((id) => !given.includes(id))
					: [...new Set([...card.tagIds, ...given])];
	}
	state.cards.set(next.id, next);
	return next;
}

function nextNumber(state: WtsState, panelId: string): number {
	let max = 0;
	for (const card of state.cards.values())
		if (card.panelId === panelId) max = Math.max(max, card.number);
	return max + 1;
}

function createCard(
	state: WtsState,
	body: CardBody & { stepId: string; title: string },
): CardRecord {
	const step = state.step(body.stepId);
	const panel = state.panel(step.panelId);
	const number = nextNumber(state, panel.id);
	const now = state.nowIso();
	const blank: CardRecord = {
		id: state.nextId(),
		createdAt: now,
		updatedAt: now,
		panelId: panel.id,
		stepId: step.id,
		title: body.title,
		description: null,
		position: [...state.cards.values()].filter((c) => c.stepId === step.id).length,
		number,
		key: `${panel.key ?? 'CARD'}-${number}`,
		dueDate: null,
		tagIds: [],
		sessionId: null,
		monetaryAmount: null,
		responsibleUserId: null,
		contactIds: [],
		customFields: {},
		metadata: {},
		status: 'OPEN',
		lostReasonId: null,
		archived: false,
	};
	return applyCard(state, blank, { ...body, fields: null });
}

function duplicateCard(state: WtsState, card: CardRecord, body: DuplicateBody): CardRecord {
	const step = state.step(body.copyToStepId ?? card.stepId);
	const panel = state.panel(step.panelId);
	const fields = new Set(body.options?.fields?.length ? body.options.fields : ['All']);
	const copies = (name: string) => fields.has('All') || fields.has(name);
	const number = nextNumber(state, panel.id);
	const now = state.nowIso();
	const samePanel = panel.id === card.panelId;
	const copy: CardRecord = {
		...card,
		id: state.nextId(),
		createdAt: now,
		updatedAt: now,
		panelId: panel.id,
		stepId: step.id,
		number,
		key: `${panel.key ?? 'CARD'}-${number}`,
		dueDate: copies('DueDate') ? card.dueDate : null,
		// Panel tags and panel custom fields only make sense inside the same panel.
		tagIds: copies('Tags') && samePanel ? card.tagIds : [],
		monetaryAmount: copies('MonetaryAmount') || copies('Amount') ? card.monetaryAmount : null,
		contactIds: copies('Contacts') ? card.contactIds : [],
		responsibleUserId: copies('ResponsibleUser') ? card.responsibleUserId : null,
		customFields: copies('CustomFields') && samePanel ? card.customFields : {},
		status: 'OPEN',
		lostReasonId: null,
		archived: false,
	};
	state.cards.set(copy.id, copy);
	if (copies('Notes')) {
		for (const note of [...state.cardNotes.values()].filter((n) => n.cardId === card.id)) {
			const cloned = {
				...note,
				id: state.nextId(),
				cardId: copy.id,
				panelId: panel.id,
				createdAt: now,
				updatedAt: now,
			};
			state.cardNotes.set(cloned.id, cloned);
		}
	}
	if (body.options?.archiveOriginalCard)
		state.cards.set(card.id, { ...card, archived: true, updatedAt: now });
	return copy;
}

function listCards(request: OperationRequest, state: WtsState, includeArchivedParam: boolean) {
	const panel = state.panel(queryString(request, 'PanelId') ?? '');
	const stepId = queryString(request, 'StepId');
	const contactId = queryString(request, 'ContactId');
	const responsible = queryString(request, 'ResponsibleUserId');
	const text = queryString(request, 'TextFilter')?.toLowerCase();
	const statuses = queryList(request, 'Statuses');
	const includeArchived = includeArchivedParam
		? queryBool(request, 'IncludeArchived') === true
		: statuses.includes('ARCHIVED');
	const inDates = dateFilter(request, CREATED_UPDATED);
	const items = [...state.cards.values()].filter(
		(c) =>
			c.panelId === panel.id &&
			inDates(c) &&
			(includeArchived || !c.archived) &&
			(statuses.length === 0 || statuses.includes(c.archived ? 'ARCHIVED' : c.status)) &&
			(stepId === undefined || c.stepId === stepId) &&
			(contactId === undefined || c.contactIds.includes(contactId)) &&
			(responsible === undefined || c.responsibleUserId === responsible) &&
			(text === undefined ||
				`${c.title} ${c.description ?? ''} ${c.key}`.toLowerCase().includes(text)),
	);
	const details = queryList(request, 'IncludeDetails');
	return page(request, items, (c) => toCard(state, c, details));
}

function listPanels(request: OperationRequest, state: WtsState, details: string[]) {
	const title = queryString(request, 'Title')?.toLowerCase();
	const type = queryString(request, 'Type');
	const inDates = dateFilter(request, CREATED_UPDATED);
	const items = [...state.panels.values()].filter(
		(p) =>
			inDates(p) &&
			(title === undefined || p.title.toLowerCase().includes(title)) &&
			(type === undefined || p.type === type),
	);
	return page(request, items, (p) => toPanel(state, p, details));
}

function cardNote(state: WtsState, request: OperationRequest): CardRecord {
	return state.card(pathParam(request, 'cardId'));
}

export const crmHandlers: WtsHandlers = {
	listPanels: (request, { state }) =>
		ok(listPanels(request, state, queryList(request, 'IncludeDetails'))),
	listPanelsV1: (request, { state }) => ok(listPanels(request, state, ['Steps'])),
	getPanel: (request, { state }) =>
		ok(toPanel(state, state.panel(pathParam(request)), queryList(request, 'IncludeDetails'))),

	listPanelLostReasons: (request, { state }) => {
		const panel = state.panel(pathParam(request));
		const inDates = dateFilter(request, CREATED_UPDATED);
		return ok(
			page(
				request,
				[...state.lostReasons.values()].filter((r) => r.panelId === panel.id && inDates(r)),
				toLostReason,
			),
		);
	},

	listCards: (request, { state }) => ok(listCards(request, state, false)),
	listCardsV1: (request, { state }) => ok(listCards(request, state, true)),
	createCard: (request, { state }) =>
		ok(toCard(state, createCard(state, bodyOf(request)), CARD_DETAILS)),
	createCardV1: (request, { state }) =>
		ok(toCard(state, createCard(state, bodyOf(request)), CARD_DETAILS)),
	getCard: (request, { state }) =>
		ok(toCard(state, state.card(pathParam(request)), queryList(request, 'IncludeDetails'))),
	getCardV1: (request, { state }) =>
		ok(toCard(state, state.card(pathParam(request)), queryList(request, 'IncludeDetails'))),
	updateCard: (request, { state }) =>
		ok(
			toCard(
				state,
				applyCard(state, state.card(pathParam(request)), bodyOf(request)),
				CARD_DETAILS,
			),
		),
	updateCardV2: (request, { state }) =>
		ok(
			toCard(
				state,
				applyCard(state, state.card(pathParam(request)), bodyOf(request)),
				CARD_DETAILS,
			),
		),
	updateCardV1: (request, { state }) =>
		ok(
			toCard(
				state,
				applyCard(state, state.card(pathParam(request)), bodyOf(request)),
				CARD_DETAILS,
			),
		),
	duplicateCard: (request, { state }) =>
		ok(
			toCard(
				state,
				duplicateCard(state, state.card(pathParam(request)), bodyOf(request)),
				CARD_DETAILS,
			),
		),
	duplicateCardV1: (request, { state }) =>
		ok(
			toCard(
				state,
				duplicateCard(state, state.card(pathParam(request)), bodyOf(request)),
				CARD_DETAILS,
			),
		),

	listCardNotes: (request, { state }) => {
		const card = cardNote(state, request);
		const inDates = dateFilter(request, CREATED_UPDATED);
		return ok(
			page(
				request,
				[...state.cardNotes.values()].filter((n) => n.cardId === card.id && inDates(n)),
				toCardNote,
			),
		);
	},

	createCardNote: (request, { state }) => {
		const card = cardNote(state, request);
		const body = bodyOf<{ text?: string | null; fileUrls?: string[] | null }>(request);
		if (!body.text && !body.fileUrls?.length)
			throw badRequest('VALIDATION', 'Send text or fileUrls');
		const now = state.nowIso();
		const note: CardNoteRecord = {
			id: state.nextId(),
			createdAt: now,
			updatedAt: now,
			panelId: card.panelId,
			cardId: card.id,
			userId: null,
			text: body.text ?? null,
			fileUrls: body.fileUrls ?? [],
			isFromPublicApi: true,
		};
		state.cardNotes.set(note.id, note);
		return ok(toCardNote(note));
	},

	deleteCardNote: (request, { state }) => {
		const card = cardNote(state, request);
		const noteId = pathParam(request, 'noteId');
		const note = state.cardNotes.get(noteId);
		if (note === undefined || note.cardId !== card.id)
			throw notFound(`Note of card ${card.id}`, noteId);
		state.cardNotes.delete(note.id);
		return ok();
	},
};
