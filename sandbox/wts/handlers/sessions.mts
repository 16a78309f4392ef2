// Sessions (conversations): lists with filters, partial update, assign/transfer/status/complete,
// message lists and internal notes.
import type { OperationRequest } from '../../core/http-server.mts';
import { toMessage, toSession } from '../dto.mts';
import {
	bodyOf,
	CREATED_UPDATED,
	dateFilter,
	ok,
	page,
	pathParam,
	queryList,
	queryString,
	type WtsHandlers,
} from '../handler-kit.mts';
import type { Classification, MessageRecord, SessionRecord, SessionStatus } from '../records.mts';
import { badRequest, type WtsState } from '../state.mts';

interface PartialUpdateBody {
	fields?: string[];
	status?: SessionStatus | null;
	endAt?: string | null;
	number?: string | null;
	departmentId?: string | null;
	userId?: string | null;
	classification?: Classification | null;
	metadata?: Record<string, unknown> | null;
}

const SESSION_DATES: Record<string, (s: SessionRecord) => string | null> = {
	...CREATED_UPDATED,
	EndAt: (s) => s.endAt,
	ActiveAt: (s) => s.startAt,
	LastInteractionAt: (s) => s.lastInteractionDate,
};

function listSessions(request: OperationRequest, state: WtsState) {
	const statuses = queryList(request, 'Status');
	const departmentId = queryString(request, 'DepartmentId');
	const userId = queryString(request, 'UserId');
	const contactId = queryString(request, 'ContactId');
	const channelIds = queryList(request, 'ChannelsId');
	const type = queryString(request, 'Type');
	const tagNames = queryList(request, 'TagsName').map((n) => n.toLowerCase());
	const tagIds = [
		...queryList(request, 'TagsId'),
		...[...state.tags.values()]
			.filter((t) => tagNames.includes(t.name.toLowerCase()))
			.map((t) => t.id),
	];
	const wantsTags = tagIds.length > 0 || tagNames.length > 0;
	const metadata = Object.entries((request.query.Metadata ?? {}) as Record<string, unknown>);
	const inDates = dateFilter(request, SESSION_DATES);
	const items = [...state.sessions.values()].filter(
		(s) =>
			(statuses.length === 0 || statuses.includes(s.status)) &&
			(departmentId === undefined || s.departmentId === departmentId) &&
			(userId === undefined || s.userId === userId) &&
			(contactId === undefined || s.contactId === contactId) &&
			(channelIds.length === 0 || channelIds.includes(s.channelId)) &&
			(type === undefined || s.type === type) &&
			(!wantsTags ||
				(state.contacts.get(s.contactId)?.tagIds ?? []).some((id) => tagIds.includes(id))) &&
			metadata.every(([key, value]) => String(s.metadata?.[key]) === String(value)) &&
			inDates(s),
	);
	const details = queryList(request, 'IncludeDetails');
	return page(request, items, (s) => toSession(state, s, details));
}

function save(
	state: WtsState,
	session: SessionRecord,
	changes: Partial<SessionRecord>,
): SessionRecord {
	const next = { ...session, ...changes, updatedAt: state.nowIso() };
	if (next.status === 'COMPLETED' && next.endAt === null) next.endAt = next.updatedAt;
	if (next.status !== 'COMPLETED' && changes.status !== undefined) next.endAt = null;
	state.sessions.set(next.id, next);
	return next;
}

function open(state: WtsState, request: OperationRequest): SessionRecord {
	const session = state.session(pathParam(request));
	if (session.status === 'COMPLETED')
		throw badRequest('SESSION_COMPLETED', `Session ${session.id} is completed`);
	return session;
}

function notesOf(state: WtsState, sessionId: string): MessageRecord[] {
	return [...state.messages.values()].filter(
		(m) => m.isNote && m.sessionId === sessionId && m.deletedAt === null,
	);
}

export const sessionHandlers: WtsHandlers = {
	listSessions: (request, { state }) => ok(listSessions(request, state)),
	listSessionsV1: (request, { state }) => ok(listSessions(request, state)),
	getSession: (request, { state }) =>
		ok(toSession(state, state.session(pathParam(request)), queryList(request, 'includeDetails'))),
	getSessionV1: (request, { state }) =>
		ok(toSession(state, state.session(pathParam(request)), queryList(request, 'includeDetails'))),

	updateSession: (request, { state }) => {
		const session = state.session(pathParam(request));
		const body = bodyOf<PartialUpdateBody>(request);
		const mask = body.fields && body.fields.length > 0 ? new Set(body.fields) : null;
		const selects = (name: string, value: unknown) => (mask ? mask.has(name) : value !== undefined);
		const changes: Partial<SessionRecord> = {};
		if (selects('Status', body.status)) changes.status = body.status ?? session.status;
		if (selects('EndAt', body.endAt))
			changes.endAt = body.endAt ? new Date(body.endAt).toISOString() : null;
		if (selects('Number', body.number)) changes.number = body.number ?? null;
		if (selects('UserId', body.userId))
			changes.userId = body.userId ? state.agent(body.userId).id : null;
		if (selects('DepartmentId', body.departmentId))
			changes.departmentId = body.departmentId ? state.department(body.departmentId).id : null;
		if (selects('Classification', body.classification))
			changes.classification = body.classification ?? null;
		if (selects('Metadata', body.metadata)) changes.metadata = body.metadata ?? null;
		return ok(toSession(state, save(state, session, changes)));
	},

	assignSession: (request, { state }) => {
		const session = open(state, request);
		const agent = state.agent(bodyOf<{ userId: string }>(request).userId);
		return ok(
			toSession(
				state,
				save(state, session, {
					userId: agent.id,
					status: 'IN_PROGRESS',
					departmentId: session.departmentId ?? agent.departments[0]?.departmentId ?? null,
				}),
			),
		);
	},

	completeSession: (request, { state }) => {
		const session = state.session(pathParam(request));
		const body = bodyOf<{ reactivateOnNewMessage?: boolean; stopBotInExecution?: boolean }>(
			request,
		);
		if (session.status === 'COMPLETED') return ok(toSession(state, session));
		return ok(
			toSession(
				state,
				save(state, session, {
					status: 'COMPLETED',
					reactivateOnNewMessage: body.reactivateOnNewMessage ?? false,
					botId: body.stopBotInExecution ? null : session.botId,
				}),
			),
		);
	},

	updateSessionStatus: (request, { state }) => {
		const session = state.session(pathParam(request));
		const { newStatus } = bodyOf<{ newStatus: SessionStatus }>(request);
		if (newStatus === 'UNDEFINED')
			throw badRequest('VALIDATION', 'newStatus UNDEFINED cannot be set');
		return ok(toSession(state, save(state, session, { status: newStatus })));
	},

	transferSession: (request, { state }) => {
		const session = open(state, request);
		const body = bodyOf<{
			type: 'DEPARTMENT' | 'USER';
			newDepartmentId?: string | null;
			newUserId?: string | null;
		}>(request);
		if (body.type === 'DEPARTMENT') {
			if (!body.newDepartmentId)
				throw badRequest('VALIDATION', 'newDepartmentId is required for a DEPARTMENT transfer');
			const department = state.department(body.newDepartmentId);
			const user = body.newUserId ? state.agent(body.newUserId) : null;
			return ok(
				toSession(
					state,
					save(state, session, {
						departmentId: department.id,
						userId: user?.id ?? null,
						status: user ? 'IN_PROGRESS' : 'PENDING',
					}),
				),
			);
		}
		if (!body.newUserId)
			throw badRequest('VALIDATION', 'newUserId is required for a USER transfer');
		const agent = state.agent(body.newUserId);
		const departmentId = body.newDepartmentId
			? state.department(body.newDepartmentId).id
			: (session.departmentId ?? agent.departments[0]?.departmentId ?? null);
		return ok(
			toSession(
				state,
				save(state, session, { userId: agent.id, departmentId, status: 'IN_PROGRESS' }),
			),
		);
	},

	listSessionMessages: (request, { state }) => {
		const session = state.session(pathParam(request));
		const inDates = dateFilter(request, CREATED_UPDATED);
		return ok(
			page(
				request,
				[...state.messages.values()].filter(
					(m) => m.sessionId === session.id && !m.isNote && inDates(m),
				),
				(m) => toMessage(state, m),
			),
		);
	},

	listSessionNotes: (request, { state }) => {
		const session = state.session(pathParam(request));
		const inDates = dateFilter(request, CREATED_UPDATED);
		return ok(
			page(request, notesOf(state, session.id).filter(inDates), (m) => toMessage(state, m)),
		);
	},

	createSessionNote: (request, { state }) => {
		const session = state.session(pathParam(request));
		const body = bodyOf<{
			text?: string | null;
			filesUrls?: string[] | null;
			filesIds?: string[] | null;
		}>(request);
		const filesIds = (body.filesIds ?? []).map((id) => state.file(id).id);
		const now = state.nowIso();
		const note: MessageRecord = {
			id: state.nextId(),
			createdAt: now,
			updatedAt: now,
			sessionId: session.id,
			type: 'NOTE',
			direction: 'FROM_HUB',
			origin: 'API',
			text: body.text ?? (body.filesUrls ?? []).join('\n'),
			fileId: filesIds[0] ?? null,
			templateId: null,
			userId: null,
			senderId: null,
			refId: null,
			initialStatus: 'SAVED',
			settledStatus: 'SAVED',
			acceptedAtMs: Date.now(),
			failedReason: null,
			deletedAt: null,
			callbackUrl: null,
			isNote: true,
			filesIds: filesIds.length > 0 ? filesIds : null,
		};
		state.messages.set(note.id, note);
		return ok(toMessage(state, note));
	},

	getSessionNote: (request, { state }) => ok(toMessage(state, state.note(pathParam(request)))),

	deleteSessionNote: (request, { state }) => {
		const note = state.note(pathParam(request));
		state.messages.delete(note.id);
		return ok(toMessage(state, note));
	},
};
