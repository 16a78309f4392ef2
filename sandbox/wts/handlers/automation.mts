// Chatbot and template catalogues, and scheduled messages.
import type { OperationRequest } from '../../core/http-server.mts';
import { scheduledStatus, toChatbot, toScheduledMessage, toTemplate } from '../dto.mts';
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
import {
	checkTemplate,
	findTemplate,
	resolveChannel,
	resolveDepartment,
	resolveRecipient,
	type DepartmentRef,
} from '../outbound.mts';
import type { ScheduledMessageRecord, ScheduledTemplateParams } from '../records.mts';
import { badRequest, phoneKey, type WtsState } from '../state.mts';

interface ScheduledBody {
	from?: string | null;
	to?: string | null;
	department?: DepartmentRef | null;
	type?: 'TEMPLATE' | 'CHATBOT' | null;
	templateId?: string | null;
	botKey?: string | null;
	scheduling?: string | null;
	hiddenSession?: boolean | null;
	templateParams?: ScheduledTemplateParams | null;
}

/** Validates and resolves a schedule (new, or an existing one with masked changes applied). */
function buildScheduled(
	state: WtsState,
	base: ScheduledMessageRecord | null,
	body: ScheduledBody,
): ScheduledMessageRecord {
	const to =
		body.to ??
		(base
			? (state.contact(base.contactId).phoneNumber ?? state.contact(base.contactId).instagram)
			: null);
	if (!to) throw badRequest('VALIDATION', 'to is required');
	const channel =
		body.from !== undefined || base === null
			? resolveChannel(state, body.from, to)
			: state.channel(base.channelId);
	const contact = resolveRecipient(state, to, channel);
	const type = body.type ?? base?.type ?? (body.botKey ? 'CHATBOT' : 'TEMPLATE');
	const scheduling = body.scheduling ?? base?.scheduling;
	if (!scheduling) throw badRequest('VALIDATION', 'scheduling is required');
	if (Date.parse(scheduling) <= Date.now())
		throw badRequest('SCHEDULING_IN_PAST', `scheduling ${scheduling} is not in the future`);
	const templateParams =
		body.templateParams === undefined ? (base?.templateParams ?? null) : body.templateParams;
	let templateId: string | null = null;
	let botId: string | null = null;
	if (type === 'TEMPLATE') {
		const id = body.templateId ?? base?.templateId;
		if (!id) throw badRequest('VALIDATION', 'templateId is required for a TEMPLATE schedule');
		const template = findTemplate(state, id, channel);
		checkTemplate(
			template,
			channel,
			templateParams?.parameters,
			templateParams?.fileId ?? templateParams?.fileUrl,
		);
		templateId = template.id;
	} else {
		const key = body.botKey;
		const chatbot = key
			? [...state.chatbots.values()].find((c) => c.key === key)
			: base?.botId
				? state.chatbots.get(base.botId)
				: undefined;
		if (chatbot === undefined)
			throw badRequest('CHATBOT_NOT_FOUND', `botKey ${key ?? '(none)'} is not a chatbot key`);
		if (chatbot.publishStatus !== 'Ready' || chatbot.archived)
			throw badRequest('CHATBOT_NOT_PUBLISHED', `Chatbot ${chatbot.name} is not published`);
		botId = chatbot.id;
	}
	const now = state.nowIso();
	return {
		id: base?.id ?? state.nextId(),
		createdAt: base?.createdAt ?? now,
		updatedAt: now,
		sessionId: null,
		contactId: contact.id,
		userId: base?.userId ?? null,
		channelId: channel.id,
		departmentId:
			body.department !== undefined
				? resolveDepartment(state, body.department)
				: (base?.departmentId ?? null),
		status: 'SCHEDULED',
		type,
		templateId,
		botId,
		scheduling: new Date(scheduling).toISOString(),
		hiddenSession: body.hiddenSession ?? base?.hiddenSession ?? false,
		templateParams,
	};
}

function cancel(state: WtsState, record: ScheduledMessageRecord): ScheduledMessageRecord {
	if (scheduledStatus(record) !== 'SCHEDULED')
		throw badRequest(
			'SCHEDULED_MESSAGE_NOT_CANCELABLE',
			`Scheduled message ${record.id} is ${scheduledStatus(record)}; only SCHEDULED ones can be cancelled`,
		);
	const next = { ...record, status: 'CANCELED' as const, updatedAt: state.nowIso() };
	state.scheduledMessages.set(next.id, next);
	return next;
}

function listScheduled(request: OperationRequest, state: WtsState) {
	const status = queryString(request, 'Status');
	const type = queryString(request, 'Type');
	const from = queryString(request, 'From');
	const to = queryString(request, 'To');
	const user = queryString(request, 'User')?.toLowerCase();
	const department = queryString(request, 'Department')?.toLowerCase();
	const inDates = dateFilter<ScheduledMessageRecord>(request, {
		...CREATED_UPDATED,
		ScheduledAt: (s) => s.scheduling,
	});
	const items = [...state.scheduledMessages.values()].filter((s) => {
		const channel = state.channels.get(s.channelId);
		const contact = state.contacts.get(s.contactId);
		const agent = s.userId ? state.agents.get(s.userId) : undefined;
		const dept = s.departmentId ? state.departments.get(s.departmentId) : undefined;
		return (
			inDates(s) &&
			(status === undefined || scheduledStatus(s) === status) &&
			(type === undefined || s.type === type) &&
			(from === undefined ||
				s.channelId === from ||
				(channel?.number !== null &&
					channel?.number !== undefined &&
					phoneKey(channel.number) === phoneKey(from))) &&
			(to === undefined ||
				s.contactId === to ||
				(contact?.phoneNumber != null && phoneKey(contact.phoneNumber) === phoneKey(to))) &&
			(user === undefined || s.userId === user || agent?.name.toLowerCase() === user) &&
			(department === undefined ||
				s.departmentId === department ||
				dept?.name.toLowerCase() === department)
		);
	});
	const details = queryList(request, 'IncludeDetails');
	return page(request, items, (s) => toScheduledMessage(state, s, details));
}

const SCHEDULED_MASK: Record<string, keyof ScheduledBody> = {
	To: 'to',
	From: 'from',
	Department: 'department',
	Type: 'type',
	TemplateId: 'templateId',
	// The mask says BotId while the body field is botKey.
	BotId: 'botKey',
	Scheduling: 'scheduling',
	HiddenSession: 'hiddenSession',
	TemplateParams: 'templateParams',
};

export const automationHandlers: WtsHandlers = {
	listChatbots: (request, { state }) => {
		const name = queryString(request, 'Name')?.toLowerCase();
		const filters: Array<
			[
				string[],
				(c: {
					type: string;
					channelIds: string[];
					defaultDepartmentId: string | null;
					publishStatus: string;
					automationUsage: string[];
				}) => string[],
			]
		> = [
			[queryList(request, 'Types'), (c) => [c.type]],
			[queryList(request, 'ChannelIds'), (c) => c.channelIds],
			[
				queryList(request, 'DefaultDepartmentIds'),
				(c) => (c.defaultDepartmentId ? [c.defaultDepartmentId] : []),
			],
			[queryList(request, 'PublishStatuses'), (c) => [c.publishStatus]],
			[queryList(request, 'AutomationUsages'), (c) => c.automationUsage],
		];
		const inDates = dateFilter(request, CREATED_UPDATED);
		const items = [...state.chatbots.values()].filter(
			(c) =>
				inDates(c) &&
				(name === undefined || c.name.toLowerCase().includes(name)) &&
				filters.every(
					([wanted, values]) => wanted.length === 0 || values(c).some((v) => wanted.includes(v)),
				),
		);
		return ok(page(request, items, toChatbot));
	},

	listTemplates: (request, { state }) => {
		const archived = queryBool(request, 'Archived');
		const approvedOnly = queryBool(request, 'ApprovedOnly');
		const name = queryString(request, 'Name')?.toLowerCase();
		const text = queryString(request, 'SearchableText')?.toLowerCase();
		const channelId = queryString(request, 'ChannelId');
		const type = queryString(request, 'Type');
		const inDates = dateFilter(request, CREATED_UPDATED);
		const items = [...state.templates.values()].filter(
			(t) =>
				inDates(t) &&
				(archived === undefined ? !t.archived : t.archived === archived) &&
				(!approvedOnly || t.status === 'Approved') &&
				(name === undefined || t.name.toLowerCase().includes(name)) &&
				(text === undefined || `${t.name} ${t.text ?? ''}`.toLowerCase().includes(text)) &&
				(channelId === undefined || t.channelId === channelId) &&
				(type === undefined || t.type.some((x) => x === type)),
		);
		const details = queryList(request, 'IncludeDetails');
		return ok(page(request, items, (t) => toTemplate(state, t, details)));
	},

	listScheduledMessages: (request, { state }) => ok(listScheduled(request, state)),

	createScheduledMessage: (request, { state }) => {
		const record = buildScheduled(state, null, bodyOf<ScheduledBody>(request));
		state.scheduledMessages.set(record.id, record);
		return ok(toScheduledMessage(state, record, ['Contact', 'Channel', 'Template', 'Chatbot']));
	},

	cancelScheduledMessagesBatch: (request, { state }) => {
		const records = bodyOf<string[]>(request).map((id) => state.scheduled(id));
		return ok(
			records.map((r) =>
				toScheduledMessage(state, scheduledStatus(r) === 'SCHEDULED' ? cancel(state, r) : r),
			),
		);
	},

	getScheduledMessage: (request, { state }) =>
		ok(
			toScheduledMessage(
				state,
				state.scheduled(pathParam(request)),
				queryList(request, 'includeDetails'),
			),
		),

	updateScheduledMessage: (request, { state }) => {
		const current = state.scheduled(pathParam(request));
		if (scheduledStatus(current) !== 'SCHEDULED')
			throw badRequest(
				'SCHEDULED_MESSAGE_NOT_EDITABLE',
				`Scheduled message ${current.id} is ${scheduledStatus(current)} and can no longer be edited`,
			);
		const body = bodyOf<ScheduledBody & { fields: string[] }>(request);
		const masked: ScheduledBody = {};
		for (const field of body.fields) {
			const property = SCHEDULED_MASK[field];
			if (property !== undefined) Object.assign(masked, { [property]: body[property] });
		}
		const next = buildScheduled(state, current, masked);
		state.scheduledMessages.set(next.id, next);
		return ok(toScheduledMessage(state, next));
	},

	cancelScheduledMessage: (request, { state }) => {
		cancel(state, state.scheduled(pathParam(request)));
		return ok();
	},
};
