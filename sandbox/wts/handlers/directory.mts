// Account directory: tags, custom fields, agents (users), departments, channels, office hours.
import {
	departmentChannelIds,
	toAgent,
	toChannel,
	toCustomFields,
	toDepartment,
	toTag,
} from '../dto.mts';
import {
	bodyOf,
	ok,
	pathParam,
	queryBool,
	queryList,
	queryString,
	type WtsHandlers,
} from '../handler-kit.mts';
import type { AgentMembership, AgentRecord, DepartmentRecord } from '../records.mts';
import { badRequest, canonicalPhone, type WtsState } from '../state.mts';
import { createTag } from './contacts.mts';

const COLOR_FAMILIES = [
	'BROWN',
	'PURPLE',
	'RED',
	'ORANGE',
	'YELLOW',
	'GREEN',
	'TEAL',
	'BLUE',
	'PINK',
];
const COLOR_HEX: Record<string, string> = {
	BROWN: '#795548',
	PURPLE: '#9C27B0',
	RED: '#F44336',
	ORANGE: '#FF9800',
	YELLOW: '#FFEB3B',
	GREEN: '#4CAF50',
	TEAL: '#009688',
	BLUE: '#2196F3',
	PINK: '#E91E63',
};
/** 9 families x 6 shades = the 54 colours the docs mention. */
const TAG_COLORS = COLOR_FAMILIES.flatMap((family) =>
	[1, 2, 3, 4, 5, 6].map((shade) => ({
		color: `${family}_${shade}00`,
		bgColor: COLOR_HEX[family],
		textColor: shade > 3 ? '#FFFFFF' : '#000000',
	})),
);

interface TagBody {
	name: string;
	color?: string | null;
}
interface AgentCreateBody {
	name: string;
	email?: string;
	phoneNumber?: string;
	profile: AgentRecord['profile'];
	availability?: AgentRecord['availability'];
}
interface AgentUpdateBody extends Partial<AgentCreateBody> {
	shortName?: string;
	fields: string[];
}
interface DepartmentBody {
	name?: string;
	isDefault?: boolean;
	distributionIsEnabled?: boolean;
	distributionConfig?: DepartmentRecord['distributionConfig'];
	restrictionType?: DepartmentRecord['restrictionType'];
	channelsConfig?: { scope?: DepartmentRecord['channelsConfig']['scope']; channels?: string[] };
	agents?: Array<{ userId: string; isAgent?: boolean; isSupervisor?: boolean }>;
	fields?: string[];
}
interface MembershipChange<K extends string> {
	action: 'ReplaceAll' | 'Upsert' | 'Remove';
	items: Array<Record<K, string> & { isAgent?: boolean; isSupervisor?: boolean }>;
}

function checkColor(color: string | null | undefined): void {
	if (color && !TAG_COLORS.some((c) => c.color === color))
		throw badRequest(
			'INVALID_TAG_COLOR',
			`color ${color} is not a tag colour (GET /core/v1/tag/color)`,
		);
}

function uniqueTagName(state: WtsState, name: string, exceptId: string | null): void {
	for (const tag of state.tags.values()) {
		if (tag.id !== exceptId && tag.name.toLowerCase() === name.toLowerCase())
			throw badRequest('TAG_ALREADY_EXISTS', `A tag named "${name}" already exists`);
	}
}

/** ReplaceAll / Upsert / Remove applied to a user's departments. */
function agentMembershipsFor(
	state: WtsState,
	change: MembershipChange<'departmentId'>,
	agent: AgentRecord,
): AgentMembership[] {
	for (const item of change.items) state.department(item.departmentId);
	const given = change.items.map((item) => {
		const previous = agent.departments.find((m) => m.departmentId === item.departmentId);
		return {
			departmentId: item.departmentId,
			isAgent: item.isAgent ?? previous?.isAgent ?? true,
			isSupervisor: item.isSupervisor ?? previous?.isSupervisor ?? false,
		};
	});
	if (change.action === 'ReplaceAll') return given;
	if (change.action === 'Remove')
		return agent.departments.filter((m) => !given.some((g) => g.departmentId === m.departmentId));
	return [
		...agent.departments.filter((m) => !given.some((g) => g.departmentId === m.departmentId)),
		...given,
	];
}

function applyDepartmentBody(
	state: WtsState,
	department: DepartmentRecord,
	body: DepartmentBody,
	mask: string[] | null,
): DepartmentRecord {
	const selects = (name: string, present: boolean) => (mask ? mask.includes(name) : present);
	const next = { ...department, updatedAt: state.nowIso() };
	if (selects('Name', body.name !== undefined)) {
		if (!body.name) throw badRequest('VALIDATION', 'name is required');
		next.name = body.name;
	}
	if (selects('IsDefault', body.isDefault !== undefined)) next.isDefault = body.isDefault ?? false;
	if (selects('DistributionIsEnabled', body.distributionIsEnabled !== undefined))
		next.distributionEnabled = body.distributionIsEnabled ?? false;
	if (selects('DistributionConfig', body.distributionConfig !== undefined))
		next.distributionConfig = body.distributionConfig ?? null;
	if (selects('RestrictionType', body.restrictionType !== undefined))
		next.restrictionType = body.restrictionType ?? 'NONE';
	if (selects('ChannelsConfig', body.channelsConfig !== undefined)) {
		const channels = body.channelsConfig?.channels ?? [];
		for (const id of channels) state.channel(id);
		next.channelsConfig = { scope: body.channelsConfig?.scope ?? 'ALL', channels };
	}
	if (next.isDefault)
		for (const other of state.departments.values())
			if (other.id !== next.id && other.isDefault)
				state.departments.set(other.id, { ...other, isDefault: false });
	state.departments.set(next.id, next);
	return next;
}

export const directoryHandlers: WtsHandlers = {
	listTags: (_request, { state }) => ok([...state.tags.values()].map(toTag)),

	createTag: (request, { state }) => {
		const body = bodyOf<TagBody>(request);
		checkColor(body.color);
		uniqueTagName(state, body.name, null);
		return ok(toTag(createTag(state, body.name, body.color ?? null)));
	},

	listTagColors: () => ok(TAG_COLORS),

	updateTag: (request, { state }) => {
		const tag = state.tag(pathParam(request));
		const body = bodyOf<TagBody>(request);
		checkColor(body.color);
		uniqueTagName(state, body.name, tag.id);
		const next = {
			...tag,
			name: body.name,
			color: body.color === undefined ? tag.color : body.color,
			updatedAt: state.nowIso(),
		};
		state.tags.set(tag.id, next);
		return ok(toTag(next));
	},

	deleteTag: (request, { state }) => {
		const tag = state.tag(pathParam(request));
		const users = [...state.contacts.values()].filter((c) => c.tagIds.includes(tag.id));
		if (users.length > 0 && !bodyOf<{ removeFromContacts?: boolean }>(request).removeFromContacts) {
			throw badRequest(
				'TAG_IN_USE',
				`Tag is used by ${users.length} contact(s); send {"removeFromContacts": true} to delete it anyway`,
			);
		}
		for (const contact of users)
			state.saveContact({ ...contact, tagIds: contact.tagIds.filter((id) => id !== tag.id) });
		state.tags.delete(tag.id);
		return ok();
	},

	listCustomFields: (request, { state }) => {
		const entityType = queryString(request, 'EntityType');
		const fields = [...state.customFields.values()].filter(
			(f) => entityType === undefined || f.entityType === entityType,
		);
		return ok(toCustomFields(fields, queryBool(request, 'NestedList') === true));
	},

	listContactCustomFields: (request, { state }) =>
		ok(
			toCustomFields(
				[...state.customFields.values()].filter((f) => f.entityType === 'CONTACT'),
				queryBool(request, 'NestedList') === true,
			),
		),

	listPanelCustomFields: (request, { state }) => {
		const panel = state.panel(pathParam(request));
		return ok(
			toCustomFields(
				[...state.customFields.values()].filter(
					(f) => f.entityType === 'PANEL' && f.scopeId === panel.id,
				),
				queryBool(request, 'NestedList') === true,
			),
		);
	},

	listAgents: (_request, { state }) => ok([...state.agents.values()].map(toAgent)),

	createAgent: (request, { state }) => {
		const body = bodyOf<AgentCreateBody>(request);
		if (
			body.email &&
			[...state.agents.values()].some((a) => a.email?.toLowerCase() === body.email?.toLowerCase())
		) {
			throw badRequest('USER_ALREADY_EXISTS', `A user with e-mail ${body.email} already exists`);
		}
		const phone = body.phoneNumber ? canonicalPhone(body.phoneNumber) : null;
		if (body.phoneNumber && phone === null)
			throw badRequest('INVALID_PHONE', `phoneNumber ${body.phoneNumber} is not a phone number`);
		const now = state.nowIso();
		const agent: AgentRecord = {
			id: state.nextId(),
			createdAt: now,
			updatedAt: now,
			name: body.name,
			shortName: body.name.split(' ')[0],
			email: body.email ?? null,
			phoneNumber: phone,
			profile: body.profile,
			isOwner: false,
			availability: body.availability ?? 'AVAILABLE',
			departments: [],
			status: 'Active',
		};
		state.agents.set(agent.id, agent);
		return ok(toAgent(agent));
	},

	getAgent: (request, { state }) => ok(toAgent(state.agent(pathParam(request)))),

	updateAgent: (request, { state }) => {
		const agent = state.agent(pathParam(request));
		const body = bodyOf<AgentUpdateBody>(request);
		const next: AgentRecord = { ...agent, updatedAt: state.nowIso() };
		const fields = new Set(body.fields);
		if (fields.has('Name')) next.name = body.name ?? agent.name;
		if (fields.has('ShortName')) next.shortName = body.shortName ?? null;
		if (fields.has('Email')) next.email = body.email ?? null;
		if (fields.has('PhoneNumber'))
			next.phoneNumber = body.phoneNumber ? canonicalPhone(body.phoneNumber) : null;
		if (fields.has('Profile')) next.profile = body.profile ?? agent.profile;
		if (fields.has('Availability')) next.availability = body.availability ?? agent.availability;
		state.agents.set(agent.id, next);
		return ok(toAgent(next));
	},

	deleteAgent: (request, { state }) => {
		const agent = state.agent(pathParam(request));
		if (agent.isOwner)
			throw badRequest('CANNOT_DELETE_OWNER', 'The account owner cannot be deleted');
		const body = bodyOf<{
			sessionResolution?: 'COMPLETE' | 'TRANSFER' | 'RETURN_TO_PENDING';
			transferUserId?: string | null;
		}>(request);
		const resolution = body.sessionResolution ?? 'RETURN_TO_PENDING';
		if (resolution === 'TRANSFER') {
			if (!body.transferUserId)
				throw badRequest(
					'VALIDATION',
					'transferUserId is required when sessionResolution is TRANSFER',
				);
			state.agent(body.transferUserId);
		}
		const now = state.nowIso();
		for (const session of state.sessions.values()) {
			if (session.userId !== agent.id || session.status === 'COMPLETED') continue;
			if (resolution === 'COMPLETE')
				state.sessions.set(session.id, {
					...session,
					status: 'COMPLETED',
					endAt: now,
					updatedAt: now,
				});
			else if (resolution === 'TRANSFER')
				state.sessions.set(session.id, {
					...session,
					userId: body.transferUserId ?? null,
					updatedAt: now,
				});
			else
				state.sessions.set(session.id, {
					...session,
					userId: null,
					status: 'PENDING',
					updatedAt: now,
				});
		}
		state.agents.delete(agent.id);
		return ok();
	},

	updateAgentDepartments: (request, { state }) => {
		const agent = state.agent(pathParam(request));
		state.agents.set(agent.id, {
			...agent,
			departments: agentMembershipsFor(state, bodyOf(request), agent),
			updatedAt: state.nowIso(),
		});
		return ok();
	},

	logoutAgent: (request, { state }) => {
		const agent = state.agent(pathParam(request));
		state.agents.set(agent.id, {
			...agent,
			availability: 'UNAVAILABLE',
			updatedAt: state.nowIso(),
		});
		return ok();
	},

	changeAgentStatus: (request, { state }) => {
		const agent = state.agent(pathParam(request));
		const { status } = bodyOf<{ status: 'Undefined' | 'Active' | 'Blocked' }>(request);
		if (status === 'Undefined') throw badRequest('VALIDATION', 'status must be Active or Blocked');
		const next = {
			...agent,
			status,
			availability: status === 'Blocked' ? ('UNAVAILABLE' as const) : agent.availability,
			updatedAt: state.nowIso(),
		};
		state.agents.set(agent.id, next);
		return ok(toAgent(next));
	},

	listDepartments: (_request, { state }) =>
		ok([...state.departments.values()].map((d) => toDepartment(state, d))),
	listDepartmentsV1: (_request, { state }) =>
		ok([...state.departments.values()].map((d) => toDepartment(state, d))),

	createDepartment: (request, { state }) => {
		const body = bodyOf<DepartmentBody>(request);
		if (!body.name) throw badRequest('VALIDATION', 'name is required');
		if (
			[...state.departments.values()].some((d) => d.name.toLowerCase() === body.name?.toLowerCase())
		) {
			throw badRequest(
				'DEPARTMENT_ALREADY_EXISTS',
				`A department named "${body.name}" already exists`,
			);
		}
		for (const agent of body.agents ?? []) state.agent(agent.userId);
		const now = state.nowIso();
		const blank: DepartmentRecord = {
			id: state.nextId(),
			createdAt: now,
			updatedAt: now,
			name: body.name,
			description: null,
			isDefault: false,
			distributionEnabled: false,
			restrictionType: 'NONE',
			distributionConfig: null,
			channelsConfig: { scope: 'ALL', channels: [] },
			isPrivate: false,
		};
		const department = applyDepartmentBody(state, blank, body, null);
		for (const member of body.agents ?? []) {
			const agent = state.agent(member.userId);
			state.agents.set(agent.id, {
				...agent,
				departments: [
					...agent.departments,
					{
						departmentId: department.id,
						isAgent: member.isAgent ?? true,
						isSupervisor: member.isSupervisor ?? false,
					},
				],
			});
		}
		return ok(toDepartment(state, department));
	},

	getDepartment: (request, { state }) => {
		const details = queryList(request, 'includeDetails');
		return ok(toDepartment(state, state.department(pathParam(request)), details));
	},

	updateDepartment: (request, { state }) => {
		const body = bodyOf<DepartmentBody>(request);
		return ok(
			toDepartment(
				state,
				applyDepartmentBody(state, state.department(pathParam(request)), body, body.fields ?? null),
			),
		);
	},

	deleteDepartment: (request, { state }) => {
		const department = state.department(pathParam(request));
		if (department.isDefault)
			throw badRequest(
				'CANNOT_DELETE_DEFAULT_DEPARTMENT',
				'The default department cannot be deleted',
			);
		for (const agent of state.agents.values()) {
			if (agent.departments.some((m) => m.departmentId === department.id)) {
				state.agents.set(agent.id, {
					...agent,
					departments: agent.departments.filter((m) => m.departmentId !== department.id),
				});
			}
		}
		state.departments.delete(department.id);
		return ok();
	},

	updateDepartmentAgents: (request, { state }) => {
		const department = state.department(pathParam(request));
		const change = bodyOf<MembershipChange<'userId'>>(request);
		for (const item of change.items) {
			if (!item.userId) throw badRequest('VALIDATION', 'items[].userId is required');
			state.agent(item.userId);
		}
		for (const agent of state.agents.values()) {
			const item = change.items.find((i) => i.userId === agent.id);
			const others = agent.departments.filter((m) => m.departmentId !== department.id);
			const current = agent.departments.find((m) => m.departmentId === department.id);
			let departments = agent.departments;
			if (item && change.action !== 'Remove') {
				departments = [
					...others,
					{
						departmentId: department.id,
						isAgent: item.isAgent ?? current?.isAgent ?? true,
						isSupervisor: item.isSupervisor ?? current?.isSupervisor ?? false,
					},
				];
			} else if (
				(item && change.action === 'Remove') ||
				(!item && change.action === 'ReplaceAll')
			) {
				departments = others;
			}
			if (departments !== agent.departments) state.agents.set(agent.id, { ...agent, departments });
		}
		return ok(change);
	},

	listDepartmentChannels: (request, { state }) => {
		const department = state.department(pathParam(request));
		return ok({
			scope: department.channelsConfig.scope,
			channels: departmentChannelIds(state, department),
		});
	},

	listChannels: (request, { state }) => {
		const type = queryString(request, 'ChannelType') ?? 'All';
		const matches = (channelType: string) =>
			type === 'All' ||
			(type === 'Whatsapp' ? channelType.endsWith('_WhatsApp') : channelType === type);
		return ok([...state.channels.values()].filter((c) => matches(c.type)).map(toChannel));
	},

	getOfficeHours: () =>
		ok({
			limitHours: true,
			offlineResponse: 'Nosso horário de atendimento é de segunda a sexta, das 8h às 18h.',
			timezoneDiff: -3,
			days: ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'].map(
				(dayWeek, index) => ({
					id: `0ff1ce00-0000-4000-8000-00000000000${index}`,
					dayWeek,
					active: index < 5,
					periods: index < 5 ? [{ startTime: '08:00', endTime: '18:00' }] : [],
				}),
			),
		}),
};
