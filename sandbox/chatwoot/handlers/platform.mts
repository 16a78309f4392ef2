// The Platform API (platform app token): accounts, users, account users and agent bots. The app
// only reaches what it created; auth.mts answers 401 "Non permissible resource" for the rest.
import {
	bodyOf,
	notFound,
	ok,
	pathInt,
	unprocessable,
	type ChatwootContext,
	type ChatwootHandlers,
} from '../handler-kit.mts';
import type { AccountRecord, AgentBotRecord, Json, Role, UserRecord } from '../records.mts';

interface AccountFields {
	name?: string;
	locale?: string;
	domain?: string;
	support_email?: string;
	status?: 'active' | 'suspended';
	limits?: Json;
	custom_attributes?: Json;
}

interface UserFields {
	name?: string;
	display_name?: string;
	email?: string;
	password?: string;
	custom_attributes?: Json;
}

function account(context: ChatwootContext, id: number): AccountRecord {
	const found = context.state.accounts.get(id);
	if (found === undefined) throw notFound();
	return found;
}

function user(context: ChatwootContext, id: number): UserRecord {
	const found = context.state.users.get(id);
	if (found === undefined) throw notFound();
	return found;
}

function bot(context: ChatwootContext, id: number): AgentBotRecord {
	const found = context.state.agentBots.get(id);
	if (found === undefined) throw notFound();
	return found;
}

function applyAccount(record: AccountRecord, fields: AccountFields): void {
	if (fields.name !== undefined) record.name = fields.name;
	if (fields.locale !== undefined) record.locale = fields.locale;
	if (fields.domain !== undefined) record.domain = fields.domain;
	if (fields.support_email !== undefined) record.support_email = fields.support_email;
	if (fields.status !== undefined) record.status = fields.status;
	if (fields.limits !== undefined) record.limits = { ...record.limits, ...fields.limits };
	if (fields.custom_attributes !== undefined)
		record.custom_attributes = { ...record.custom_attributes, ...fields.custom_attributes };
}

function applyUser(context: ChatwootContext, record: UserRecord, fields: UserFields): void {
	if (fields.email !== undefined) {
		const taken = [...context.state.users.values()].some(
			(u) => u.id !== record.id && u.email.toLowerCase() === fields.email?.toLowerCase(),
		);
		if (taken) throw unprocessable('Email has already been taken', ['email']);
		record.email = fields.email;
	}
	if (fields.name !== undefined) record.name = fields.name;
	if (fields.display_name !== undefined) record.display_name = fields.display_name;
	if (fields.custom_attributes !== undefined)
		record.custom_attributes = { ...record.custom_attributes, ...fields.custom_attributes };
}

function accountUserView(accountId: number, userId: number, role: Role): Json {
	return { account_id: accountId, user_id: userId, role };
}

export const platformHandlers: ChatwootHandlers = {
	'list-all-platform-accounts': (_request, context) =>
		ok(
			[...context.state.accounts.values()]
				.filter((a) => a.platformOwned)
				.map((a) => context.views.platformAccount(a)),
		),

	'create-an-account': (request, context) => {
		const fields = bodyOf<AccountFields>(request);
		if (!fields.name) throw unprocessable("Name can't be blank", ['name']);
		const id = context.state.nextId('accounts');
		const record: AccountRecord = {
			id,
			name: fields.name,
			locale: 'en',
			domain: null,
			support_email: null,
			status: 'active',
			features: {},
			limits: {},
			custom_attributes: {},
			settings: {
				auto_resolve_after: null,
				auto_resolve_message: null,
				auto_resolve_ignore_waiting: false,
			},
			created_at: Date.now(),
			platformOwned: true,
		};
		applyAccount(record, fields);
		context.state.accounts.set(id, record);
		return ok(context.views.platformAccount(record));
	},

	'get-details-of-an-account': (request, context) =>
		ok(context.views.platformAccount(account(context, pathInt(request, 'account_id')))),

	'update-an-account': (request, context) => {
		const record = account(context, pathInt(request, 'account_id'));
		applyAccount(record, bodyOf<AccountFields>(request));
		return ok(context.views.platformAccount(record));
	},

	'delete-an-account': (request, context) => {
		context.state.removeAccount(account(context, pathInt(request, 'account_id')).id);
		return ok();
	},

	'list-all-account-users': (request, context) => {
		const accountId = account(context, pathInt(request, 'account_id')).id;
		return ok(
			context.state
				.agentsOf(accountId)
				.map(({ user: u, member }) => accountUserView(accountId, u.id, member.role)),
		);
	},

	'create-an-account-user': (request, context) => {
		const accountId = account(context, pathInt(request, 'account_id')).id;
		const body = bodyOf<{ user_id: number; role: string }>(request);
		const target = user(context, body.user_id);
		const role: Role = body.role === 'administrator' ? 'administrator' : 'agent';
		const existing = context.state.accountUser(accountId, target.id);
		context.state.setAccountUser({
			account_id: accountId,
			user_id: target.id,
			role,
			availability: existing?.availability ?? 'offline',
			auto_offline: existing?.auto_offline ?? true,
			active_at: existing?.active_at ?? null,
		});
		return ok(accountUserView(accountId, target.id, role));
	},

	'delete-an-account-user': (request, context) => {
		const accountId = account(context, pathInt(request, 'account_id')).id;
		context.state.removeAccountUser(accountId, bodyOf<{ user_id: number }>(request).user_id);
		return ok();
	},

	'list-all-agent-bots': (_request, context) =>
		ok(
			[...context.state.agentBots.values()]
				.filter((b) => b.platformOwned)
				.map((b) => context.views.agentBot(b)),
		),

	'create-an-agent-bot': (request, context) => {
		const body = bodyOf<{ name?: string; outgoing_url?: string; account_id?: number }>(request);
		if (body.account_id !== undefined) account(context, body.account_id);
		const state = context.state;
		const record = state.addAgentBot({
			id: state.nextId('agent_bots'),
			name: body.name ?? 'Agent bot',
			description: null,
			outgoing_url: body.outgoing_url ?? null,
			bot_type: 'webhook',
			bot_config: {},
			account_id: body.account_id ?? null,
			access_token: state.newToken(24),
			secret: state.newToken(24),
			platformOwned: true,
		});
		return ok(context.views.agentBot(record));
	},

	'get-details-of-a-single-agent-bot': (request, context) =>
		ok(context.views.agentBot(bot(context, pathInt(request, 'id')))),

	'update-an-agent-bot': (request, context) => {
		const record = bot(context, pathInt(request, 'id'));
		const body = bodyOf<{ name?: string; outgoing_url?: string; account_id?: number }>(request);
		if (body.name !== undefined) record.name = body.name;
		if (body.outgoing_url !== undefined) record.outgoing_url = body.outgoing_url;
		if (body.account_id !== undefined) record.account_id = account(context, body.account_id).id;
		return ok(context.views.agentBot(record));
	},

	'delete-an-agent-bot': (request, context) => {
		context.state.removeAgentBot(bot(context, pathInt(request, 'id')).id);
		return ok();
	},

	'create-a-user': (request, context) => {
		const fields = bodyOf<UserFields>(request);
		if (!fields.name) throw unprocessable("Name can't be blank", ['name']);
		if (!fields.email) throw unprocessable("Email can't be blank", ['email']);
		const state = context.state;
		const record: UserRecord = {
			id: state.nextId('users'),
			name: fields.name,
			display_name: null,
			email: '',
			access_token: state.newToken(24),
			pubsub_token: state.newToken(24),
			message_signature: null,
			ui_settings: {},
			custom_attributes: {},
			confirmed: true,
			mfa_enabled: false,
			created_at: Date.now(),
			platformOwned: true,
		};
		applyUser(context, record, fields);
		state.addUser(record);
		return ok(context.views.user(record));
	},

	'get-details-of-a-user': (request, context) =>
		ok(context.views.user(user(context, pathInt(request, 'id')))),

	'update-a-user': (request, context) => {
		const record = user(context, pathInt(request, 'id'));
		applyUser(context, record, bodyOf<UserFields>(request));
		return ok(context.views.user(record));
	},

	'delete-a-user': (request, context) => {
		context.state.removeUser(user(context, pathInt(request, 'id')).id);
		return ok();
	},

	'get-sso-url-of-a-user': (request, context) => {
		const record = user(context, pathInt(request, 'id'));
		return ok({
			url: `${context.state.publicBaseUrl}/app/login?email=${encodeURIComponent(record.email)}&sso_auth_token=${context.state.newToken(32)}`,
		});
	},

	'get-platform-user-token': (request, context) => {
		const record = user(context, pathInt(request, 'id'));
		return ok({
			access_token: record.access_token,
			expiry: null,
			user: {
				id: record.id,
				name: record.name,
				display_name: record.display_name,
				email: record.email,
				pubsub_token: record.pubsub_token,
			},
		});
	},
};
