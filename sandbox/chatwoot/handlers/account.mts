// Account, profile, agents, account agent bots, teams and inboxes (with their members).
import { HttpError } from '../../core/errors.mts';
import {
	bodyOf,
	notFound,
	ok,
	pathInt,
	queryList,
	unprocessable,
	type ChatwootContext,
	type ChatwootHandlers,
} from '../handler-kit.mts';
import type {
	AgentBotRecord,
	Availability,
	ChannelType,
	InboxRecord,
	Json,
	Role,
	TeamRecord,
	UserRecord,
} from '../records.mts';

function callerUser(context: ChatwootContext): UserRecord {
	if (context.caller.kind !== 'user')
		throw new HttpError(401, 'UNAUTHORIZED', 'You need to sign in or sign up before continuing.');
	return context.caller.user;
}

/** `PATCH /accounts/{id}` also takes form-encoded bodies, which arrive as raw bytes. */
function formOrJson(body: unknown): Json {
	if (Buffer.isBuffer(body)) return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
	return body !== null && typeof body === 'object' ? (body as Json) : {};
}

function team(context: ChatwootContext, id: number): TeamRecord {
	const found = context.state.teams.get(id);
	if (found === undefined || found.account_id !== context.accountId) throw notFound();
	return found;
}

export function inboxOf(context: ChatwootContext, id: number): InboxRecord {
	const found = context.state.inboxes.get(id);
	if (found === undefined || found.account_id !== context.accountId) throw notFound();
	return found;
}

function agentsView(context: ChatwootContext, userIds: Iterable<number>): Json[] {
	const views: Json[] = [];
	for (const id of [...userIds].sort((a, b) => a - b)) {
		const user = context.state.users.get(id);
		if (user) views.push(context.views.agent(user, context.accountId));
	}
	return views;
}

/** Member ids that belong to the account; Chatwoot rejects others. */
function accountMembers(context: ChatwootContext, userIds: number[]): number[] {
	const strangers = userIds.filter(
		(id) => context.state.accountUser(context.accountId, id) === undefined,
	);
	if (strangers.length > 0)
		throw unprocessable(`User ${strangers.join(', ')} is not an agent of this account`, [
			'user_ids',
		]);
	return userIds;
}

const CHANNEL_TYPES: Record<string, ChannelType> = {
	web_widget: 'Channel::WebWidget',
	api: 'Channel::Api',
	email: 'Channel::Email',
	line: 'Channel::Line',
	telegram: 'Channel::Telegram',
	whatsapp: 'Channel::Whatsapp',
	sms: 'Channel::Sms',
};

const INBOX_COLUMNS = [
	'name',
	'greeting_enabled',
	'greeting_message',
	'enable_auto_assignment',
	'working_hours_enabled',
	'timezone',
	'csat_survey_enabled',
	'allow_messages_after_resolved',
	'lock_to_single_conversation',
] as const;

function applyInboxFields(inbox: InboxRecord, body: Json): void {
	const { channel, avatar: _avatar, ...rest } = body;
	const target = inbox as unknown as Json;
	for (const column of INBOX_COLUMNS) if (rest[column] !== undefined) target[column] = rest[column];
	const settings: Json = { ...inbox.settings };
	for (const [key, value] of Object.entries(rest))
		if (!(INBOX_COLUMNS as readonly string[]).includes(key)) settings[key] = value;
	if (channel !== null && typeof channel === 'object') {
		const { type: _type, ...channelFields } = channel as Json;
		if (typeof channelFields.webhook_url === 'string')
			inbox.webhook_url = channelFields.webhook_url;
		if (typeof channelFields.website_url === 'string')
			inbox.website_url = channelFields.website_url;
		if (typeof channelFields.email === 'string') inbox.email = channelFields.email;
		for (const [key, value] of Object.entries(channelFields))
			if (
				!['webhook_url', 'website_url', 'email'].includes(key) &&
				!/password|secret|token/.test(key)
			)
				settings[key] = value;
	}
	inbox.settings = settings;
}

export const accountHandlers: ChatwootHandlers = {
	'get-account-details': (_request, context) => {
		const account = context.state.accounts.get(context.accountId);
		if (account === undefined) throw notFound();
		return ok(context.views.account(account));
	},

	'update-account': (request, context) => {
		const account = context.state.accounts.get(context.accountId);
		if (account === undefined) throw notFound();
		const body = formOrJson(request.body);
		for (const key of ['name', 'locale', 'domain', 'support_email'] as const)
			if (typeof body[key] === 'string') account[key] = body[key] as string;
		const settings = { ...account.settings };
		if (body.auto_resolve_after !== undefined)
			settings.auto_resolve_after =
				body.auto_resolve_after === null ? null : Number(body.auto_resolve_after);
		if (body.auto_resolve_message !== undefined)
			settings.auto_resolve_message =
				body.auto_resolve_message === null ? null : String(body.auto_resolve_message);
		if (body.auto_resolve_ignore_waiting !== undefined)
			settings.auto_resolve_ignore_waiting =
				body.auto_resolve_ignore_waiting === null
					? null
					: String(body.auto_resolve_ignore_waiting) === 'true';
		account.settings = settings;
		const custom: Json = { ...account.custom_attributes };
		for (const key of ['industry', 'company_size', 'timezone'])
			if (body[key] !== undefined) custom[key] = body[key];
		account.custom_attributes = custom;
		return ok(context.views.account(account));
	},

	fetchProfile: (_request, context) => ok(context.views.user(callerUser(context))),

	updateProfile: (request, context) => {
		const user = callerUser(context);
		const profile = bodyOf<{ profile?: Json }>(request).profile ?? {};
		for (const key of ['name', 'email'] as const)
			if (typeof profile[key] === 'string') user[key] = profile[key] as string;
		for (const key of ['display_name', 'message_signature'] as const)
			if (typeof profile[key] === 'string') user[key] = profile[key] as string;
		if (profile.ui_settings && typeof profile.ui_settings === 'object')
			user.ui_settings = { ...user.ui_settings, ...(profile.ui_settings as Json) };
		return ok(context.views.user(user));
	},

	'set-profile-availability': (request, context) => {
		const user = callerUser(context);
		const { account_id, availability } = bodyOf<{
			profile: { account_id: number; availability: Availability };
		}>(request).profile;
		const member = context.state.accountUser(account_id, user.id);
		if (member === undefined) throw notFound();
		member.availability = availability;
		return ok(context.views.user(user));
	},

	'set-profile-auto-offline': (request, context) => {
		const user = callerUser(context);
		const { account_id, auto_offline } = bodyOf<{
			profile: { account_id: number; auto_offline: boolean };
		}>(request).profile;
		const member = context.state.accountUser(account_id, user.id);
		if (member === undefined) throw notFound();
		member.auto_offline = auto_offline;
		return ok(context.views.user(user));
	},

	'reset-profile-access-token': (_request, context) => {
		const user = callerUser(context);
		context.state.setUserToken(user, context.state.newToken(24));
		return ok(context.views.user(user));
	},

	// ---- agents ----

	'get-account-agents': (_request, context) =>
		ok(
			context.state
				.agentsOf(context.accountId)
				.map(({ user }) => context.views.agent(user, context.accountId)),
		),

	'add-new-agent-to-account': (request, context) => {
		const body = bodyOf<{
			name: string;
			email: string;
			role: Role;
			availability?: Availability;
			auto_offline?: boolean;
		}>(request);
		const state = context.state;
		let user = [...state.users.values()].find(
			(u) => u.email.toLowerCase() === body.email.toLowerCase(),
		);
		if (user && state.accountUser(context.accountId, user.id))
			throw unprocessable('Email has already been taken', ['email']);
		user ??= state.addUser({
			id: state.nextId('users'),
			name: body.name,
			display_name: null,
			email: body.email,
			access_token: state.newToken(24),
			pubsub_token: state.newToken(24),
			message_signature: null,
			ui_settings: {},
			custom_attributes: {},
			confirmed: false,
			mfa_enabled: false,
			created_at: Date.now(),
			platformOwned: false,
		});
		state.setAccountUser({
			account_id: context.accountId,
			user_id: user.id,
			role: body.role,
			availability: body.availability ?? 'offline',
			auto_offline: body.auto_offline ?? true,
			active_at: null,
		});
		return ok(context.views.agent(user, context.accountId));
	},

	'update-agent-in-account': (request, context) => {
		const member = context.state.accountUser(context.accountId, pathInt(request, 'id'));
		const user = context.state.users.get(pathInt(request, 'id'));
		if (member === undefined || user === undefined) throw notFound();
		const body = bodyOf<{ role: Role; availability?: Availability; auto_offline?: boolean }>(
			request,
		);
		member.role = body.role;
		if (body.availability) member.availability = body.availability;
		if (body.auto_offline !== undefined) member.auto_offline = body.auto_offline;
		return ok(context.views.agent(user, context.accountId));
	},

	'delete-agent-from-account': (request, context) => {
		const id = pathInt(request, 'id');
		if (context.state.accountUser(context.accountId, id) === undefined) throw notFound();
		context.state.removeAccountUser(context.accountId, id);
		return ok();
	},

	'list-assignable-agents': (request, context) => {
		const inboxIds = queryList(request, 'inbox_ids[]').map(Number);
		for (const id of inboxIds) inboxOf(context, id);
		// Agents that are members of every listed inbox; administrators can always be assigned.
		const eligible = context.state
			.agentsOf(context.accountId)
			.filter(
				({ user, member }) =>
					member.role === 'administrator' ||
					inboxIds.every((id) => context.state.inboxMembers.get(id)?.has(user.id)),
			);
		return ok({
			payload: eligible.map(({ user }) => context.views.agent(user, context.accountId)),
		});
	},

	'list-inbox-assignable-agents': (request, context) => {
		const inbox = inboxOf(context, pathInt(request, 'id'));
		const members = context.state.inboxMembers.get(inbox.id) ?? new Set<number>();
		const admins = context.state
			.agentsOf(context.accountId)
			.filter(({ member }) => member.role === 'administrator')
			.map(({ user }) => user.id);
		return ok({ payload: agentsView(context, new Set([...members, ...admins])) });
	},

	// ---- agent bots of the account ----

	'list-all-account-agent-bots': (_request, context) =>
		ok(
			[...context.state.agentBots.values()]
				.filter((bot) => bot.account_id === context.accountId || bot.account_id === null)
				.map((bot) => context.views.agentBot(bot, botSecretShown(context, bot))),
		),

	'create-an-account-agent-bot': (request, context) => {
		const body = bodyOf<{ name?: string; outgoing_url?: string; bot_config?: Json }>(request);
		const state = context.state;
		const bot = state.addAgentBot({
			id: state.nextId('agent_bots'),
			name: body.name ?? 'Agent bot',
			description: null,
			outgoing_url: body.outgoing_url ?? null,
			bot_type: 'webhook',
			bot_config: body.bot_config ?? {},
			account_id: context.accountId,
			access_token: state.newToken(24),
			secret: state.newToken(24),
			platformOwned: false,
		});
		return ok(context.views.agentBot(bot, botSecretShown(context, bot)));
	},

	'get-details-of-a-single-account-agent-bot': (request, context) => {
		const bot = accountBot(context, pathInt(request, 'id'));
		return ok(context.views.agentBot(bot, botSecretShown(context, bot)));
	},

	'update-an-account-agent-bot': (request, context) => {
		const bot = accountBot(context, pathInt(request, 'id'), true);
		const body = bodyOf<{ name?: string; outgoing_url?: string; bot_config?: Json }>(request);
		if (body.name !== undefined) bot.name = body.name;
		if (body.outgoing_url !== undefined) bot.outgoing_url = body.outgoing_url;
		if (body.bot_config !== undefined) bot.bot_config = body.bot_config;
		return ok(context.views.agentBot(bot, botSecretShown(context, bot)));
	},

	'delete-an-account-agent-bot': (request, context) => {
		context.state.removeAgentBot(accountBot(context, pathInt(request, 'id'), true).id);
		return ok();
	},

	'reset-account-agent-bot-access-token': (request, context) => {
		const bot = accountBot(context, pathInt(request, 'id'), true);
		context.state.setBotToken(bot, context.state.newToken(24));
		return ok(context.views.agentBot(bot, botSecretShown(context, bot)));
	},

	'reset-account-agent-bot-secret': (request, context) => {
		const bot = accountBot(context, pathInt(request, 'id'), true);
		bot.secret = context.state.newToken(24);
		return ok(context.views.agentBot(bot, botSecretShown(context, bot)));
	},

	// ---- teams ----

	'list-all-teams': (_request, context) =>
		ok(
			context.state.teamsOf(context.accountId).map((t) => context.views.team(t, callerId(context))),
		),

	'create-a-team': (request, context) => {
		const body = bodyOf<{ name?: string; description?: string; allow_auto_assign?: boolean }>(
			request,
		);
		const name = (body.name ?? '').trim();
		if (name === '') throw unprocessable("Name can't be blank", ['name']);
		if (
			context.state
				.teamsOf(context.accountId)
				.some((t) => t.name.toLowerCase() === name.toLowerCase())
		)
			throw unprocessable('Name has already been taken', ['name']);
		const id = context.state.nextId('teams');
		const record: TeamRecord = {
			id,
			account_id: context.accountId,
			name,
			description: body.description ?? null,
			allow_auto_assign: body.allow_auto_assign ?? true,
		};
		context.state.teams.set(id, record);
		return ok(context.views.team(record, callerId(context)));
	},

	'get-details-of-a-single-team': (request, context) =>
		ok(context.views.team(team(context, pathInt(request, 'team_id')), callerId(context))),

	'update-a-team': (request, context) => {
		const record = team(context, pathInt(request, 'team_id'));
		const body = bodyOf<{ name?: string; description?: string; allow_auto_assign?: boolean }>(
			request,
		);
		if (body.name !== undefined) record.name = body.name.trim();
		if (body.description !== undefined) record.description = body.description;
		if (body.allow_auto_assign !== undefined) record.allow_auto_assign = body.allow_auto_assign;
		return ok(context.views.team(record, callerId(context)));
	},

	'delete-a-team': (request, context) => {
		const record = team(context, pathInt(request, 'team_id'));
		context.state.teams.delete(record.id);
		context.state.teamMembers.delete(record.id);
		for (const conversation of context.state.conversationsOf(context.accountId))
			if (conversation.team_id === record.id) conversation.team_id = null;
		return ok();
	},

	'get-team-members': (request, context) => {
		const record = team(context, pathInt(request, 'team_id'));
		return ok(agentsView(context, context.state.teamMembers.get(record.id) ?? []));
	},

	'add-new-agent-to-team': (request, context) => {
		const record = team(context, pathInt(request, 'team_id'));
		const ids = accountMembers(context, bodyOf<{ user_ids: number[] }>(request).user_ids);
		const members = context.state.membersOf(context.state.teamMembers, record.id);
		const added = ids.filter((id) => !members.has(id));
		for (const id of added) members.add(id);
		return ok(agentsView(context, added));
	},

	'update-agents-in-team': (request, context) => {
		const record = team(context, pathInt(request, 'team_id'));
		const ids = accountMembers(context, bodyOf<{ user_ids: number[] }>(request).user_ids);
		context.state.teamMembers.set(record.id, new Set(ids));
		return ok(agentsView(context, ids));
	},

	'delete-agent-in-team': (request, context) => {
		const record = team(context, pathInt(request, 'team_id'));
		const members = context.state.membersOf(context.state.teamMembers, record.id);
		for (const id of bodyOf<{ user_ids: number[] }>(request).user_ids) members.delete(id);
		return ok();
	},

	// ---- inboxes ----

	listAllInboxes: (_request, context) =>
		ok({
			payload: context.state
				.inboxesOf(context.accountId)
				.map((inbox) => context.views.inbox(inbox)),
		}),

	inboxCreation: (request, context) => {
		const body = bodyOf<Json & { name?: string; channel?: { type?: string } }>(request);
		const channelType = CHANNEL_TYPES[body.channel?.type ?? 'api'] ?? 'Channel::Api';
		const state = context.state;
		const id = state.nextId('inboxes');
		const inbox: InboxRecord = {
			id,
			account_id: context.accountId,
			channel_id: id,
			channel_type: channelType,
			name: body.name ?? `Inbox ${id}`,
			identifier: channelType === 'Channel::Api' ? state.newToken(24) : null,
			secret: channelType === 'Channel::Api' ? state.newToken(24) : null,
			webhook_url: null,
			hmac_token: state.newToken(24),
			website_url: null,
			website_token: channelType === 'Channel::WebWidget' ? state.newToken(24) : null,
			email: null,
			greeting_enabled: false,
			greeting_message: null,
			enable_auto_assignment: true,
			working_hours_enabled: false,
			timezone: 'UTC',
			csat_survey_enabled: false,
			allow_messages_after_resolved: true,
			lock_to_single_conversation: false,
			agent_bot_id: null,
			settings: {},
			created_at: Date.now(),
		};
		applyInboxFields(inbox, body);
		state.inboxes.set(id, inbox);
		return ok(context.views.inbox(inbox));
	},

	GetInbox: (request, context) => ok(context.views.inbox(inboxOf(context, pathInt(request, 'id')))),

	updateInbox: (request, context) => {
		const inbox = inboxOf(context, pathInt(request, 'id'));
		applyInboxFields(inbox, bodyOf<Json>(request));
		return ok(context.views.inbox(inbox));
	},

	'delete-an-inbox': (request, context) => {
		context.state.removeInbox(inboxOf(context, pathInt(request, 'id')).id);
		return ok();
	},

	// {agent_bot: {...}}, or {agent_bot: {}} when no bot is connected (inboxes/agent_bot.json.jbuilder:1-3).
	getInboxAgentBot: (request, context) => {
		const bot = context.state.inboxBot(inboxOf(context, pathInt(request, 'id')).id);
		return ok({ agent_bot: bot ? context.views.agentBot(bot, botSecretShown(context, bot)) : {} });
	},

	updateAgentBot: (request, context) => {
		const inbox = inboxOf(context, pathInt(request, 'id'));
		const botId = bodyOf<{ agent_bot: number | null }>(request).agent_bot;
		if (botId !== null) {
			const bot = context.state.agentBots.get(botId);
			if (bot === undefined || (bot.account_id !== null && bot.account_id !== context.accountId))
				throw notFound();
		}
		inbox.agent_bot_id = botId;
		return ok();
	},

	'reset-inbox-secret': (request, context) => {
		const inbox = inboxOf(context, pathInt(request, 'id'));
		inbox.secret = context.state.newToken(24);
		return ok(context.views.inbox(inbox));
	},

	'get-inbox-members': (request, context) => {
		const inbox = inboxOf(context, pathInt(request, 'inbox_id'));
		return ok({ payload: agentsView(context, context.state.inboxMembers.get(inbox.id) ?? []) });
	},

	'add-new-agent-to-inbox': (request, context) => {
		const body = bodyOf<{ inbox_id: number; user_ids: number[] }>(request);
		const inbox = inboxOf(context, Number(body.inbox_id));
		const members = context.state.membersOf(context.state.inboxMembers, inbox.id);
		for (const id of accountMembers(context, body.user_ids)) members.add(id);
		return ok({ payload: agentsView(context, members) });
	},

	'update-agents-in-inbox': (request, context) => {
		const body = bodyOf<{ inbox_id: string; user_ids: number[] }>(request);
		const inbox = inboxOf(context, Number(body.inbox_id));
		context.state.inboxMembers.set(inbox.id, new Set(accountMembers(context, body.user_ids)));
		return ok({ payload: agentsView(context, context.state.inboxMembers.get(inbox.id) ?? []) });
	},

	'delete-agent-in-inbox': (request, context) => {
		const body = bodyOf<{ inbox_id: string; user_ids: number[] }>(request);
		const members = context.state.membersOf(
			context.state.inboxMembers,
			inboxOf(context, Number(body.inbox_id)).id,
		);
		for (const id of body.user_ids) members.delete(id);
		return ok();
	},

	// ---- files and instance ----

	'upload-a-file': (request, context) => {
		const file =
			request.parsedBody.kind === 'multipart'
				? request.parsedBody.parts.find((p) => p.name === 'attachment')
				: undefined;
		const name =
			file?.filename ??
			(bodyOf<{ external_url?: string }>(request).external_url ?? 'file').split('/').pop() ??
			'file';
		const blobId = context.state.nextId('blobs');
		const blobKey = context.state.newToken(28);
		return ok({
			file_url: `${context.state.publicBaseUrl}/rails/active_storage/blobs/redirect/${blobKey}/${encodeURIComponent(name)}`,
			blob_key: blobKey,
			blob_id: blobId,
		});
	},

	'get-instance-info': () =>
		ok({
			version: '4.16.2',
			timestamp: new Date().toISOString(),
			queue_services: 'ok',
			data_services: 'ok',
		}),

	'get-instance-health': () => ok({ status: 'woot' }),
};

function callerId(context: ChatwootContext): number | null {
	return context.caller.kind === 'user' ? context.caller.user.id : null;
}

/**
 * Chatwoot shows an agent bot's secret to the account's administrators, and never of a global bot
 * (api/v1/models/_agent_bot.json.jbuilder:10).
 */
function botSecretShown(context: ChatwootContext, bot: AgentBotRecord): { secret: boolean } {
	const administrator =
		context.caller.kind === 'user' &&
		context.state.accountUser(context.accountId, context.caller.user.id)?.role === 'administrator';
	return { secret: administrator && bot.account_id !== null };
}

/** An agent bot visible to the account; `own` requires it to belong to the account (not a shared platform bot). */
function accountBot(context: ChatwootContext, id: number, own = false) {
	const bot = context.state.agentBots.get(id);
	if (bot === undefined) throw notFound();
	if (bot.account_id === context.accountId || (!own && bot.account_id === null)) return bot;
	throw notFound();
}
