// Deterministic seed: the same ids and names on every start, with times relative to the start.
// Sized so every paginated list needs several pages (62 conversations at 25/page, 40 contacts at
// 15/page, 55 messages in one conversation at 20/page, 20 notifications at 15/page).
import type {
	ConversationRecord,
	ConversationStatus,
	InboxRecord,
	Priority,
	UserRecord,
} from './records.mts';
import type { ChatwootState } from './state.mts';

const SANDBOX_API_INBOX_IDENTIFIER = 'sandboxApiInboxIdentifier1';
const SECOND_ACCOUNT_INBOX_IDENTIFIER = 'sandboxApiInboxIdentifier2';

export interface ChatwootSeed {
	/** The account every token reaches (user: administrator; bot: its inbox's account). */
	accountId: number;
	/** A second account the user token also reaches. */
	secondAccountId: number;
	/** An account the user is not a member of (401) and the platform app did not create (401). */
	foreignAccountId: number;
	/** Owner of the user token; administrator of accounts 1 and 2. */
	userId: number;
	/** User ids of account 1's agents (the administrator included). */
	agentIds: number[];
	/** A user of the foreign account only. */
	foreignUserId: number;
	/** Owner of the bot token; connected to the API inbox. */
	botId: number;
	/** A platform-level bot (account_id null). */
	platformBotId: number;
	inboxIds: { website: number; api: number; email: number };
	/** `inbox_identifier` of the API inbox, for the Client API. */
	apiInboxIdentifier: string;
	secondAccountInboxId: number;
	teamIds: number[];
	labelIds: number[];
	labelTitles: string[];
	cannedResponseIds: number[];
	customAttributeIds: { contact: number[]; conversation: number[] };
	/** Account 1's contacts, oldest first. */
	contactIds: number[];
	/** Client API identities of the first contacts on the API inbox. */
	apiContacts: Array<{ contactId: number; sourceId: string; pubsubToken: string }>;
	/** Display ids of account 1's conversations. */
	conversationIds: number[];
	conversationsByStatus: Record<ConversationStatus, number[]>;
	/** Display id of the conversation with many messages, and how many it has. */
	longConversationId: number;
	longConversationMessageCount: number;
	/** Notifications of the token user in account 1. */
	notificationIds: number[];
	secondAccountContactIds: number[];
	secondAccountConversationIds: number[];
}

const FIRST_NAMES = [
	'Alice',
	'Bernardo',
	'Camila',
	'Diego',
	'Elisa',
	'Fábio',
	'Gabriela',
	'Heitor',
	'Isabela',
	'João',
];
const LAST_NAMES = ['Almeida', 'Barbosa', 'Cardoso', 'Duarte'];
const CITIES = [
	{ city: 'São Paulo', country: 'Brazil', country_code: 'BR' },
	{ city: 'Lisbon', country: 'Portugal', country_code: 'PT' },
	{ city: 'Buenos Aires', country: 'Argentina', country_code: 'AR' },
];
const PLANS = ['free', 'pro', 'enterprise'];
// 31 statuses repeated twice: 30 open, 10 pending, 16 resolved, 6 snoozed, interleaved so every page mixes them.
// prettier-ignore
const STATUS_CYCLE: ConversationStatus[] = [
	'open', 'resolved', 'open', 'pending', 'open', 'resolved', 'open', 'snoozed', 'open', 'pending', 'resolved',
	'open', 'open', 'resolved', 'pending', 'open', 'resolved', 'open', 'snoozed', 'open', 'pending', 'resolved',
	'open', 'resolved', 'open', 'pending', 'open', 'open', 'snoozed', 'resolved', 'open',
];
const PRIORITIES: Array<Priority | null> = [
	null,
	'low',
	null,
	'medium',
	null,
	'high',
	null,
	'urgent',
];
const LABELS = [
	{ title: 'vip', description: 'High-value customer', color: '#e11d48' },
	{ title: 'billing', description: 'Payments and invoices', color: '#2563eb' },
	{ title: 'support', description: 'Product questions', color: '#16a34a' },
	{ title: 'bug', description: 'Something is broken', color: '#ea580c' },
	{ title: 'lead', description: 'Sales opportunity', color: '#9333ea' },
];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function user(
	state: ChatwootState,
	id: number,
	name: string,
	email: string,
	token: string,
	platformOwned: boolean,
	createdAt: number,
): UserRecord {
	return state.addUser({
		id,
		name,
		display_name: null,
		email,
		access_token: token,
		pubsub_token: state.newToken(24),
		message_signature: null,
		ui_settings: {},
		custom_attributes: {},
		confirmed: true,
		mfa_enabled: false,
		created_at: createdAt,
		platformOwned,
	});
}

function inbox(
	state: ChatwootState,
	accountId: number,
	fields: Partial<InboxRecord> & Pick<InboxRecord, 'name' | 'channel_type'>,
	createdAt: number,
): InboxRecord {
	const id = state.nextId('inboxes');
	const record: InboxRecord = {
		id,
		account_id: accountId,
		channel_id: id,
		identifier: null,
		secret: null,
		webhook_url: null,
		hmac_token: state.newToken(24),
		website_url: null,
		website_token: null,
		email: null,
		greeting_enabled: false,
		greeting_message: null,
		enable_auto_assignment: true,
		working_hours_enabled: false,
		timezone: 'America/Sao_Paulo',
		csat_survey_enabled: false,
		allow_messages_after_resolved: true,
		lock_to_single_conversation: false,
		agent_bot_id: null,
		settings: {},
		created_at: createdAt,
		...fields,
	};
	state.inboxes.set(id, record);
	return record;
}

export function seedChatwoot(state: ChatwootState, now: number): ChatwootSeed {
	const longAgo = now - 90 * DAY;
	const account = (name: string, platformOwned: boolean) => {
		const id = state.nextId('accounts');
		state.accounts.set(id, {
			id,
			name,
			locale: 'en',
			domain: null,
			support_email: `support@account${id}.sandbox.test`,
			status: 'active',
			features: {
				inbound_emails: true,
				channel_email: true,
				help_center: true,
				agent_bots: true,
				macros: true,
			},
			limits: {},
			custom_attributes: {},
			settings: {
				auto_resolve_after: null,
				auto_resolve_message: null,
				auto_resolve_ignore_waiting: false,
			},
			created_at: longAgo,
			platformOwned,
		});
		return id;
	};
	const accountId = account('Sandbox Inc', true);
	const secondAccountId = account('Sandbox Second Account', true);
	const foreignAccountId = account('Foreign Account', false);

	const admin = user(
		state,
		state.nextId('users'),
		'Sandbox Admin',
		'admin@sandbox.test',
		state.tokens.user,
		true,
		longAgo,
	);
	const agents = [
		admin,
		user(
			state,
			state.nextId('users'),
			'Ana Souza',
			'ana@sandbox.test',
			state.newToken(24),
			true,
			longAgo,
		),
		user(
			state,
			state.nextId('users'),
			'Bruno Lima',
			'bruno@sandbox.test',
			state.newToken(24),
			true,
			longAgo,
		),
		user(
			state,
			state.nextId('users'),
			'Carla Dias',
			'carla@sandbox.test',
			state.newToken(24),
			true,
			longAgo,
		),
	];
	const availabilities = ['online', 'online', 'busy', 'offline'] as const;
	agents.forEach((agent, i) =>
		state.setAccountUser({
			account_id: accountId,
			user_id: agent.id,
			role: i === 0 ? 'administrator' : 'agent',
			availability: availabilities[i],
			auto_offline: true,
			active_at: now - i * HOUR,
		}),
	);
	state.setAccountUser({
		account_id: secondAccountId,
		user_id: admin.id,
		role: 'administrator',
		availability: 'online',
		auto_offline: true,
		active_at: now,
	});
	const foreignUser = user(
		state,
		state.nextId('users'),
		'Foreign Owner',
		'owner@foreign.test',
		state.newToken(24),
		false,
		longAgo,
	);
	state.setAccountUser({
		account_id: foreignAccountId,
		user_id: foreignUser.id,
		role: 'administrator',
		availability: 'offline',
		auto_offline: true,
		active_at: null,
	});

	const website = inbox(
		state,
		accountId,
		{
			name: 'Website',
			channel_type: 'Channel::WebWidget',
			website_url: 'https://www.sandbox.test',
			website_token: state.newToken(24),
		},
		longAgo,
	);
	const api = inbox(
		state,
		accountId,
		{
			name: 'API Inbox',
			channel_type: 'Channel::Api',
			identifier: SANDBOX_API_INBOX_IDENTIFIER,
			secret: state.newToken(24),
			webhook_url: null,
		},
		longAgo,
	);
	const email = inbox(
		state,
		accountId,
		{ name: 'Support Email', channel_type: 'Channel::Email', email: 'support@sandbox.test' },
		longAgo,
	);
	const secondInbox = inbox(
		state,
		secondAccountId,
		{
			name: 'Second API Inbox',
			channel_type: 'Channel::Api',
			identifier: SECOND_ACCOUNT_INBOX_IDENTIFIER,
			secret: state.newToken(24),
		},
		longAgo,
	);
	state.membersOf(state.inboxMembers, website.id).add(agents[1].id).add(agents[2].id);
	state.membersOf(state.inboxMembers, api.id).add(agents[0].id).add(agents[1].id).add(agents[3].id);
	state.membersOf(state.inboxMembers, email.id).add(agents[2].id).add(agents[3].id);

	const bot = state.addAgentBot({
		id: state.nextId('agent_bots'),
		name: 'Sandbox Bot',
		description: 'Answers first',
		// No outgoing URL: Chatwoot sends such a bot nothing (agent_bot_listener.rb:86), so the API inbox's
		// conversations stay pending until someone answers them.
		outgoing_url: null,
		bot_type: 'webhook',
		bot_config: {},
		account_id: accountId,
		access_token: state.tokens.bot,
		secret: state.newToken(24),
		platformOwned: false,
	});
	api.agent_bot_id = bot.id;
	const platformBot = state.addAgentBot({
		id: state.nextId('agent_bots'),
		name: 'Platform Bot',
		description: null,
		outgoing_url: 'http://127.0.0.1:9/platform-bot',
		bot_type: 'webhook',
		bot_config: {},
		account_id: null,
		access_token: state.newToken(24),
		secret: state.newToken(24),
		platformOwned: true,
	});

	const teamIds = [
		{ name: 'Sales', description: 'New business', members: [agents[1], agents[2]] },
		{ name: 'Support', description: 'Customer care', members: [agents[2], agents[3]] },
	].map((team) => {
		const id = state.nextId('teams');
		state.teams.set(id, {
			id,
			account_id: accountId,
			name: team.name,
			description: team.description,
			allow_auto_assign: true,
		});
		for (const member of team.members) state.membersOf(state.teamMembers, id).add(member.id);
		return id;
	});

	const labelIds = LABELS.map((label) => {
		const id = state.nextId('labels');
		state.labels.set(id, { id, account_id: accountId, show_on_sidebar: true, ...label });
		return id;
	});
	const cannedResponseIds = [
		['greeting', 'Hello! How can we help you today?'],
		['thanks', 'Thank you for reaching out.'],
		['closing', 'Is there anything else we can do for you?'],
	].map(([short_code, content]) => {
		const id = state.nextId('canned_responses');
		state.cannedResponses.set(id, {
			id,
			account_id: accountId,
			short_code,
			content,
			created_at: longAgo,
			updated_at: longAgo,
		});
		return id;
	});
	const definition = (
		model: 'contact_attribute' | 'conversation_attribute',
		key: string,
		name: string,
		type: string,
		values: string[] = [],
	) => {
		const id = state.nextId('custom_attribute_definitions');
		state.customAttributes.set(id, {
			id,
			account_id: accountId,
			attribute_display_name: name,
			attribute_display_type: type,
			attribute_description: `${name} of the ${model === 'contact_attribute' ? 'contact' : 'conversation'}`,
			attribute_key: key,
			attribute_values: values,
			attribute_model: model,
			default_value: null,
			regex_pattern: null,
			regex_cue: null,
			created_at: longAgo,
			updated_at: longAgo,
		});
		return id;
	};
	const customAttributeIds = {
		contact: [
			definition('contact_attribute', 'plan', 'Plan', 'list', PLANS),
			definition('contact_attribute', 'cpf', 'CPF', 'text'),
		],
		conversation: [
			definition('conversation_attribute', 'order_id', 'Order', 'text'),
			definition('conversation_attribute', 'order_value', 'Order value', 'number'),
		],
	};

	const contacts = Array.from({ length: 40 }, (_, i) => {
		const first = FIRST_NAMES[i % FIRST_NAMES.length];
		const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length];
		const createdAt = now - (60 - i) * DAY;
		const contact = state.newContact(
			accountId,
			{
				name: `${first} ${last}`,
				email: `${first
					.normalize('NFD')
					.replace(/[^A-Za-z]/g, '')
					.toLowerCase()}.${last.toLowerCase()}${i}@example.com`,
				phone_number: `+5511${String(900000000 + i * 7919).padStart(9, '0')}`,
				identifier: `customer-${1000 + i}`,
				additional_attributes: {
					...CITIES[i % CITIES.length],
					company_name: i % 4 === 0 ? 'Acme Ltda' : '',
				},
				custom_attributes: { plan: PLANS[i % PLANS.length] },
				labels: i % 6 === 0 ? ['vip'] : i % 7 === 0 ? ['lead'] : [],
				last_activity_at: createdAt,
			},
			createdAt,
		);
		state.newContactInbox(contact.id, api.id);
		return contact;
	});
	const apiContacts = contacts.slice(0, 5).map((contact) => {
		const contactInbox = state.contactInboxesOf(contact.id)[0];
		return {
			contactId: contact.id,
			sourceId: contactInbox.source_id,
			pubsubToken: contactInbox.pubsub_token,
		};
	});

	const inboxCycle = [website, api, email];
	const contactInboxFor = (contactId: number, target: InboxRecord) =>
		state.contactInboxesOf(contactId).find((ci) => ci.inbox_id === target.id) ??
		state.newContactInbox(
			contactId,
			target.id,
			target.channel_type === 'Channel::Email'
				? (state.contacts.get(contactId)?.email ?? state.newUuid())
				: state.newUuid(),
		);
	const conversationsByStatus: Record<ConversationStatus, number[]> = {
		open: [],
		resolved: [],
		pending: [],
		snoozed: [],
	};
	const conversations: ConversationRecord[] = [];
	for (let i = 0; i < 62; i++) {
		const contact = contacts[i % contacts.length];
		const target = i === 0 ? api : inboxCycle[i % 3];
		const status = STATUS_CYCLE[i % STATUS_CYCLE.length];
		const createdAt = now - (62 - i) * 11 * HOUR;
		const labels = [
			i % 4 === 0 ? 'vip' : '',
			i % 5 === 0 ? 'billing' : '',
			i % 3 === 1 ? 'support' : '',
		].filter(Boolean);
		const conversation = state.newConversation(
			{
				account_id: accountId,
				inbox_id: target.id,
				contact_id: contact.id,
				contact_inbox_id: contactInboxFor(contact.id, target).id,
				status,
				priority: PRIORITIES[i % PRIORITIES.length],
				assignee_id: i % 5 === 4 ? null : agents[i % agents.length].id,
				team_id: i % 3 === 2 ? null : teamIds[i % 2],
				labels,
				custom_attributes: i % 2 === 0 ? { order_id: `ORD-${5000 + i}` } : {},
				additional_attributes:
					target.channel_type === 'Channel::WebWidget'
						? { browser: { browser_name: 'Firefox' }, referer: 'https://www.sandbox.test/pricing' }
						: {},
				snoozed_until: status === 'snoozed' ? Math.floor((now + 3 * DAY) / 1000) * 1000 : null,
				participant_ids: i % 10 === 0 ? [agents[1].id] : [],
			},
			createdAt,
		);
		const messageCount = i === 0 ? 55 : 2 + (i % 3);
		for (let m = 0; m < messageCount; m++) {
			const incoming = m % 2 === 0;
			state.addMessage(
				conversation,
				{
					content: incoming
						? m === 0
							? `Hello, I need help with order ORD-${5000 + i}.`
							: `Follow-up ${m} from ${contact.name}`
						: `Reply ${m} from the team`,
					message_type: incoming ? 0 : 1,
					sender_type: incoming ? 'Contact' : 'User',
					sender_id: incoming ? contact.id : (conversation.assignee_id ?? admin.id),
					status: incoming ? 'sent' : 'delivered',
				},
				createdAt + m * 60_000,
			);
		}
		if (status === 'resolved' || status === 'pending')
			state.addMessage(
				conversation,
				{ content: `Conversation was marked ${status} by Sandbox Admin`, message_type: 2 },
				createdAt + messageCount * 60_000,
			);
		conversation.agent_last_seen_at = conversation.last_activity_at;
		conversations.push(conversation);
		conversationsByStatus[status].push(conversation.display_id);
	}

	const notificationIds = conversations.slice(0, 20).map((conversation, i) => {
		const id = state.nextId('notifications');
		state.notifications.set(id, {
			id,
			account_id: accountId,
			user_id: admin.id,
			notification_type:
				i % 2 === 0 ? 'conversation_assignment' : 'assigned_conversation_new_message',
			primary_actor_type: 'Conversation',
			primary_actor_id: conversation.id,
			push_message_title: `[#${conversation.display_id}] New activity`,
			read_at: i % 3 === 0 ? conversation.last_activity_at : null,
			snoozed_until: null,
			created_at: conversation.last_activity_at,
			last_activity_at: conversation.last_activity_at,
		});
		return id;
	});

	const secondAccountContacts = ['Olivia Second', 'Pedro Second', 'Quésia Second'].map(
		(name, i) => {
			const contact = state.newContact(
				secondAccountId,
				{ name, email: `second${i}@example.com`, last_activity_at: now - DAY },
				now - 10 * DAY,
			);
			state.newContactInbox(contact.id, secondInbox.id);
			return contact;
		},
	);
	const secondAccountConversations = secondAccountContacts.slice(0, 2).map((contact, i) => {
		const conversation = state.newConversation(
			{
				account_id: secondAccountId,
				inbox_id: secondInbox.id,
				contact_id: contact.id,
				contact_inbox_id: state.contactInboxesOf(contact.id)[0].id,
			},
			now - (5 - i) * DAY,
		);
		state.addMessage(
			conversation,
			{
				content: 'Hello from the second account',
				message_type: 0,
				sender_type: 'Contact',
				sender_id: contact.id,
			},
			now - (5 - i) * DAY,
		);
		return conversation.display_id;
	});

	return {
		accountId,
		secondAccountId,
		foreignAccountId,
		userId: admin.id,
		agentIds: agents.map((agent) => agent.id),
		foreignUserId: foreignUser.id,
		botId: bot.id,
		platformBotId: platformBot.id,
		inboxIds: { website: website.id, api: api.id, email: email.id },
		apiInboxIdentifier: SANDBOX_API_INBOX_IDENTIFIER,
		secondAccountInboxId: secondInbox.id,
		teamIds,
		labelIds,
		labelTitles: LABELS.map((label) => label.title),
		cannedResponseIds,
		customAttributeIds,
		contactIds: contacts.map((contact) => contact.id),
		apiContacts,
		conversationIds: conversations.map((conversation) => conversation.display_id),
		conversationsByStatus,
		longConversationId: conversations[0].display_id,
		longConversationMessageCount: state.messagesOf(conversations[0].id).length,
		notificationIds,
		secondAccountContactIds: secondAccountContacts.map((contact) => contact.id),
		secondAccountConversationIds: secondAccountConversations,
	};
}
