// In-memory store of the Chatwoot sandbox: one Map per table, the indexes lookups need, and the
// mutations that keep related records consistent (a new message moves its conversation's activity
// time, a deleted contact takes its conversations along...).
import { seededRandom, seededUuids } from '../core/random.mts';
import type {
	AccountRecord,
	AccountUserRecord,
	AgentBotRecord,
	AttachmentRecord,
	CannedResponseRecord,
	ContactInboxRecord,
	ContactRecord,
	ConversationRecord,
	ConversationStatus,
	CustomAttributeDefinitionRecord,
	GenericRecord,
	InboxRecord,
	Json,
	LabelRecord,
	MessageRecord,
	NotificationRecord,
	TeamRecord,
	UserRecord,
	WebhookRecord,
} from './records.mts';
import { seedChatwoot, type ChatwootSeed } from './seed.mts';

export interface SandboxTokens {
	user: string;
	bot: string;
	platform: string;
}

export type TokenOwner =
	| { kind: 'user'; user: UserRecord }
	| { kind: 'bot'; bot: AgentBotRecord }
	| { kind: 'platform' };

/** Outcome of one outgoing webhook POST. */
export interface WebhookDelivery {
	webhookId: number;
	url: string;
	event: string;
	deliveryId: string;
	/** `X-Chatwoot-Timestamp` sent. */
	timestamp: number;
	/** `X-Chatwoot-Signature` sent, or null when omitted. */
	signature: string | null;
	/** Raw body bytes as sent (UTF-8). */
	body: string;
	attempt: number;
	/** Receiver's HTTP status, or null when the POST failed. */
	status: number | null;
	error: string | null;
}

/** Outcome of one POST to an agent bot's outgoing URL (one attempt; retries keep the delivery id). */
export interface AgentBotDelivery extends Omit<WebhookDelivery, 'webhookId'> {
	agentBotId: number;
}

/** Storage of the collections the sandbox models generically (see generic.mts). */
export class GenericStore {
	/** Concrete collection path -> id -> record. */
	readonly collections = new Map<string, Map<string, GenericRecord>>();
	/** Concrete path -> stored object of a singleton resource (settings, preferences...). */
	readonly singletons = new Map<string, Json>();
	private readonly counters = new Map<string, number>();

	collection(path: string): Map<string, GenericRecord> {
		let records = this.collections.get(path);
		if (records === undefined) {
			records = new Map();
			this.collections.set(path, records);
		}
		return records;
	}

	/** Next id of a collection template (ids are per template, like one table per resource). */
	nextId(template: string): number {
		const next = (this.counters.get(template) ?? 0) + 1;
		this.counters.set(template, next);
		return next;
	}

	clear(): void {
		this.collections.clear();
		this.singletons.clear();
		this.counters.clear();
	}
}

const FROZEN_EMPTY_OBJECT: Json = Object.freeze({});
const FROZEN_EMPTY_LIST: readonly never[] = Object.freeze([]);

function memberKey(accountId: number, userId: number): string {
	return `${accountId}:${userId}`;
}

/** Index of the first item whose id is >= `id` in an id-ascending array. */
function lowerBound(items: readonly { id: number }[], id: number): number {
	let low = 0;
	let high = items.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (items[middle].id < id) low = middle + 1;
		else high = middle;
	}
	return low;
}

export class ChatwootState {
	/** Bumped on every change; list caches compare it. */
	version = 0;
	seed!: ChatwootSeed;
	/** Where the sandbox is reachable; attachment URLs point here. */
	publicBaseUrl = 'http://127.0.0.1';
	/** Epoch ms the current seed was built at. */
	seededAt = 0;

	readonly accounts = new Map<number, AccountRecord>();
	readonly users = new Map<number, UserRecord>();
	readonly accountUsers = new Map<string, AccountUserRecord>();
	readonly agentBots = new Map<number, AgentBotRecord>();
	readonly inboxes = new Map<number, InboxRecord>();
	/** inbox id -> user ids */
	readonly inboxMembers = new Map<number, Set<number>>();
	readonly teams = new Map<number, TeamRecord>();
	/** team id -> user ids */
	readonly teamMembers = new Map<number, Set<number>>();
	readonly contacts = new Map<number, ContactRecord>();
	readonly contactInboxes = new Map<number, ContactInboxRecord>();
	readonly conversations = new Map<number, ConversationRecord>();
	readonly messages = new Map<number, MessageRecord>();
	readonly labels = new Map<number, LabelRecord>();
	readonly cannedResponses = new Map<number, CannedResponseRecord>();
	readonly customAttributes = new Map<number, CustomAttributeDefinitionRecord>();
	readonly webhooks = new Map<number, WebhookRecord>();
	readonly notifications = new Map<number, NotificationRecord>();
	readonly generic = new GenericStore();
	/** Most recent outgoing webhook deliveries (newest last, at most 1000). */
	readonly webhookDeliveries: WebhookDelivery[] = [];
	readonly agentBotDeliveries: AgentBotDelivery[] = [];

	private readonly conversationByDisplay = new Map<string, number>();
	private readonly nextDisplayId = new Map<number, number>();
	/** Internal conversation id -> its messages, id ascending. */
	private readonly messagesByConversation = new Map<number, MessageRecord[]>();
	private readonly contactInboxesByContact = new Map<number, ContactInboxRecord[]>();
	private readonly contactInboxBySource = new Map<string, ContactInboxRecord>();
	private readonly tokenOwners = new Map<string, TokenOwner>();
	private ids = new Map<string, number>();
	private uuid: () => string = seededUuids(1);
	private random: () => number = seededRandom(1);

	constructor(
		readonly tokens: SandboxTokens,
		/** Seeds the generically modelled collections after the main seed. */
		private readonly seedGeneric: (state: ChatwootState) => void = () => undefined,
	) {
		this.reset();
	}

	/** Drops everything and loads the deterministic seed again. */
	reset(): void {
		for (const value of Object.values(this)) if (value instanceof Map) value.clear();
		this.generic.clear();
		this.webhookDeliveries.length = 0;
		this.agentBotDeliveries.length = 0;
		this.ids = new Map();
		this.uuid = seededUuids(20250101);
		this.random = seededRandom(20250101);
		this.tokenOwners.set(this.tokens.platform, { kind: 'platform' });
		this.seededAt = Date.now();
		this.seed = seedChatwoot(this, this.seededAt);
		this.seedGeneric(this);
		this.touch();
	}

	touch(): void {
		this.version++;
	}

	nextId(table: string): number {
		const next = (this.ids.get(table) ?? 0) + 1;
		this.ids.set(table, next);
		return next;
	}

	newUuid(): string {
		return this.uuid();
	}

	/** A deterministic token-like string (`length` base-36 characters). */
	newToken(length = 24): string {
		let token = '';
		while (token.length < length) token += Math.floor(this.random() * 36).toString(36);
		return token;
	}

	// ---- tokens, accounts, users ----

	tokenOwner(token: string): TokenOwner | undefined {
		return this.tokenOwners.get(token);
	}

	setUserToken(user: UserRecord, token: string): void {
		this.tokenOwners.delete(user.access_token);
		user.access_token = token;
		this.tokenOwners.set(token, { kind: 'user', user });
	}

	setBotToken(bot: AgentBotRecord, token: string): void {
		this.tokenOwners.delete(bot.access_token);
		bot.access_token = token;
		this.tokenOwners.set(token, { kind: 'bot', bot });
	}

	addUser(user: UserRecord): UserRecord {
		this.users.set(user.id, user);
		this.tokenOwners.set(user.access_token, { kind: 'user', user });
		return user;
	}

	removeUser(id: number): void {
		const user = this.users.get(id);
		if (user === undefined) return;
		this.tokenOwners.delete(user.access_token);
		this.users.delete(id);
		for (const [key, member] of this.accountUsers)
			if (member.user_id === id) this.accountUsers.delete(key);
		for (const members of [...this.inboxMembers.values(), ...this.teamMembers.values()])
			members.delete(id);
	}

	addAgentBot(bot: AgentBotRecord): AgentBotRecord {
		this.agentBots.set(bot.id, bot);
		this.tokenOwners.set(bot.access_token, { kind: 'bot', bot });
		return bot;
	}

	removeAgentBot(id: number): void {
		const bot = this.agentBots.get(id);
		if (bot === undefined) return;
		this.tokenOwners.delete(bot.access_token);
		this.agentBots.delete(id);
		for (const inbox of this.inboxes.values())
			if (inbox.agent_bot_id === id) inbox.agent_bot_id = null;
	}

	accountUser(accountId: number, userId: number): AccountUserRecord | undefined {
		return this.accountUsers.get(memberKey(accountId, userId));
	}

	setAccountUser(member: AccountUserRecord): void {
		this.accountUsers.set(memberKey(member.account_id, member.user_id), member);
	}

	removeAccountUser(accountId: number, userId: number): void {
		this.accountUsers.delete(memberKey(accountId, userId));
		for (const inbox of this.inboxesOf(accountId)) this.inboxMembers.get(inbox.id)?.delete(userId);
		for (const team of this.teamsOf(accountId)) this.teamMembers.get(team.id)?.delete(userId);
	}

	/** Agents (account users) of an account, by user id. */
	agentsOf(accountId: number): Array<{ user: UserRecord; member: AccountUserRecord }> {
		const agents: Array<{ user: UserRecord; member: AccountUserRecord }> = [];
		for (const member of this.accountUsers.values()) {
			const user = member.account_id === accountId ? this.users.get(member.user_id) : undefined;
			if (user) agents.push({ user, member });
		}
		return agents.sort((a, b) => a.user.id - b.user.id);
	}

	/** A bot may act in an account it belongs to or whose inbox it is connected to. */
	botServesAccount(bot: AgentBotRecord, accountId: number): boolean {
		if (bot.account_id === accountId) return true;
		for (const inbox of this.inboxes.values())
			if (inbox.account_id === accountId && inbox.agent_bot_id === bot.id) return true;
		return false;
	}

	/** Deletes an account and everything that belongs to it. */
	removeAccount(id: number): void {
		for (const conversation of this.conversationsOf(id)) this.removeConversation(conversation.id);
		for (const contact of this.contactsOf(id)) this.removeContact(contact.id);
		for (const inbox of this.inboxesOf(id)) this.removeInbox(inbox.id);
		for (const team of this.teamsOf(id)) {
			this.teams.delete(team.id);
			this.teamMembers.delete(team.id);
		}
		for (const table of [
			this.labels,
			this.cannedResponses,
			this.customAttributes,
			this.webhooks,
			this.notifications,
		]) {
			for (const [recordId, record] of table) if (record.account_id === id) table.delete(recordId);
		}
		for (const [key, member] of this.accountUsers)
			if (member.account_id === id) this.accountUsers.delete(key);
		for (const bot of [...this.agentBots.values()])
			if (bot.account_id === id) this.removeAgentBot(bot.id);
		for (const path of [...this.generic.collections.keys(), ...this.generic.singletons.keys()]) {
			if (
				path.startsWith(`/api/v1/accounts/${id}/`) ||
				path.startsWith(`/api/v2/accounts/${id}/`)
			) {
				this.generic.collections.delete(path);
				this.generic.singletons.delete(path);
			}
		}
		this.accounts.delete(id);
	}

	// ---- inboxes and teams ----

	inboxesOf(accountId: number): InboxRecord[] {
		return [...this.inboxes.values()].filter((inbox) => inbox.account_id === accountId);
	}

	inboxByIdentifier(identifier: string): InboxRecord | undefined {
		for (const inbox of this.inboxes.values()) if (inbox.identifier === identifier) return inbox;
		return undefined;
	}

	teamsOf(accountId: number): TeamRecord[] {
		return [...this.teams.values()].filter((team) => team.account_id === accountId);
	}

	membersOf(memberships: Map<number, Set<number>>, id: number): Set<number> {
		let members = memberships.get(id);
		if (members === undefined) {
			members = new Set();
			memberships.set(id, members);
		}
		return members;
	}

	removeInbox(id: number): void {
		this.inboxes.delete(id);
		this.inboxMembers.delete(id);
		for (const conversation of [...this.conversations.values()])
			if (conversation.inbox_id === id) this.removeConversation(conversation.id);
		for (const contactInbox of [...this.contactInboxes.values()])
			if (contactInbox.inbox_id === id) this.removeContactInbox(contactInbox);
	}

	// ---- contacts ----

	newContact(
		accountId: number,
		fields: Partial<ContactRecord>,
		createdAt = Date.now(),
	): ContactRecord {
		const contact: ContactRecord = {
			id: this.nextId('contacts'),
			account_id: accountId,
			name: null,
			email: null,
			phone_number: null,
			identifier: null,
			blocked: false,
			additional_attributes: FROZEN_EMPTY_OBJECT,
			custom_attributes: FROZEN_EMPTY_OBJECT,
			labels: FROZEN_EMPTY_LIST,
			created_at: createdAt,
			updated_at: createdAt,
			last_activity_at: null,
			...fields,
		};
		this.contacts.set(contact.id, contact);
		return contact;
	}

	contactsOf(accountId: number): ContactRecord[] {
		return [...this.contacts.values()].filter((contact) => contact.account_id === accountId);
	}

	removeContact(id: number): void {
		for (const conversation of [...this.conversations.values()])
			if (conversation.contact_id === id) this.removeConversation(conversation.id);
		for (const contactInbox of this.contactInboxesOf(id)) this.removeContactInbox(contactInbox);
		this.contacts.delete(id);
	}

	newContactInbox(
		contactId: number,
		inboxId: number,
		sourceId: string = this.newUuid(),
	): ContactInboxRecord {
		const contactInbox: ContactInboxRecord = {
			id: this.nextId('contact_inboxes'),
			contact_id: contactId,
			inbox_id: inboxId,
			source_id: sourceId,
			pubsub_token: this.newToken(24),
			hmac_verified: false,
		};
		this.contactInboxes.set(contactInbox.id, contactInbox);
		this.contactInboxBySource.set(`${inboxId}:${sourceId}`, contactInbox);
		const list = this.contactInboxesByContact.get(contactId);
		if (list) list.push(contactInbox);
		else this.contactInboxesByContact.set(contactId, [contactInbox]);
		return contactInbox;
	}

	private removeContactInbox(contactInbox: ContactInboxRecord): void {
		this.contactInboxes.delete(contactInbox.id);
		this.contactInboxBySource.delete(`${contactInbox.inbox_id}:${contactInbox.source_id}`);
		const list = this.contactInboxesByContact.get(contactInbox.contact_id);
		if (list)
			this.contactInboxesByContact.set(
				contactInbox.contact_id,
				list.filter((c) => c !== contactInbox),
			);
	}

	contactInboxesOf(contactId: number): ContactInboxRecord[] {
		return this.contactInboxesByContact.get(contactId) ?? [];
	}

	contactInboxBySourceId(inboxId: number, sourceId: string): ContactInboxRecord | undefined {
		return this.contactInboxBySource.get(`${inboxId}:${sourceId}`);
	}

	/** Moves `mergee`'s conversations, inboxes and labels onto `base` and deletes `mergee` (contact_merge). */
	mergeContacts(base: ContactRecord, mergee: ContactRecord): void {
		for (const conversation of this.conversations.values())
			if (conversation.contact_id === mergee.id) conversation.contact_id = base.id;
		for (const contactInbox of this.contactInboxesOf(mergee.id)) {
			this.removeContactInbox(contactInbox);
			this.newContactInbox(base.id, contactInbox.inbox_id, contactInbox.source_id);
		}
		base.labels = [...new Set([...base.labels, ...mergee.labels])];
		base.custom_attributes = { ...mergee.custom_attributes, ...base.custom_attributes };
		base.additional_attributes = { ...mergee.additional_attributes, ...base.additional_attributes };
		for (const key of ['email', 'phone_number', 'identifier', 'name'] as const)
			base[key] ??= mergee[key];
		base.updated_at = Date.now();
		this.contacts.delete(mergee.id);
	}

	// ---- conversations ----

	newConversation(
		fields: Pick<ConversationRecord, 'account_id' | 'inbox_id' | 'contact_id'> &
			Partial<ConversationRecord>,
		createdAt = Date.now(),
	): ConversationRecord {
		const displayId = this.nextDisplayId.get(fields.account_id) ?? 1;
		this.nextDisplayId.set(fields.account_id, displayId + 1);
		const conversation: ConversationRecord = {
			id: this.nextId('conversations'),
			display_id: displayId,
			uuid: this.newUuid(),
			contact_inbox_id: null,
			status: 'open',
			priority: null,
			assignee_id: null,
			team_id: null,
			sla_policy_id: null,
			labels: FROZEN_EMPTY_LIST,
			custom_attributes: FROZEN_EMPTY_OBJECT,
			additional_attributes: FROZEN_EMPTY_OBJECT,
			muted: false,
			snoozed_until: null,
			created_at: createdAt,
			updated_at: createdAt,
			last_activity_at: createdAt,
			waiting_since: createdAt,
			first_reply_created_at: null,
			agent_last_seen_at: null,
			contact_last_seen_at: null,
			participant_ids: FROZEN_EMPTY_LIST,
			...fields,
		};
		this.conversations.set(conversation.id, conversation);
		this.conversationByDisplay.set(`${conversation.account_id}:${displayId}`, conversation.id);
		return conversation;
	}

	conversationByDisplayId(accountId: number, displayId: number): ConversationRecord | undefined {
		const id = this.conversationByDisplay.get(`${accountId}:${displayId}`);
		return id === undefined ? undefined : this.conversations.get(id);
	}

	conversationsOf(accountId: number): ConversationRecord[] {
		const list: ConversationRecord[] = [];
		for (const conversation of this.conversations.values())
			if (conversation.account_id === accountId) list.push(conversation);
		return list;
	}

	removeConversation(id: number): void {
		const conversation = this.conversations.get(id);
		if (conversation === undefined) return;
		for (const message of this.messagesByConversation.get(id) ?? [])
			this.messages.delete(message.id);
		this.messagesByConversation.delete(id);
		this.conversationByDisplay.delete(`${conversation.account_id}:${conversation.display_id}`);
		this.conversations.delete(id);
		for (const notification of [...this.notifications.values()])
			if (notification.primary_actor_id === id) this.notifications.delete(notification.id);
	}

	// ---- messages ----

	/**
	 * Stores a message and updates its conversation the way Chatwoot's callbacks do: activity time,
	 * waiting_since (cleared by a reply, set by an incoming message), first reply time, contact activity.
	 */
	addMessage(
		conversation: ConversationRecord,
		fields: Partial<MessageRecord>,
		createdAt = Date.now(),
	): MessageRecord {
		const message: MessageRecord = {
			id: this.nextId('messages'),
			account_id: conversation.account_id,
			conversation_id: conversation.id,
			inbox_id: conversation.inbox_id,
			content: null,
			content_type: 'text',
			content_attributes: FROZEN_EMPTY_OBJECT,
			message_type: 0,
			private: false,
			status: 'sent',
			source_id: null,
			echo_id: null,
			sender_type: null,
			sender_id: null,
			attachments: FROZEN_EMPTY_LIST,
			external_error: null,
			created_at: createdAt,
			updated_at: createdAt,
			...fields,
		};
		this.messages.set(message.id, message);
		const list = this.messagesByConversation.get(conversation.id);
		if (list) list.push(message);
		else this.messagesByConversation.set(conversation.id, [message]);
		if (message.message_type !== 2) {
			conversation.last_activity_at = Math.max(conversation.last_activity_at, createdAt);
			conversation.updated_at = conversation.last_activity_at;
		}
		if (message.message_type === 0) {
			conversation.waiting_since ??= createdAt;
			const contact = this.contacts.get(conversation.contact_id);
			if (contact) contact.last_activity_at = Math.max(contact.last_activity_at ?? 0, createdAt);
		} else if (message.message_type === 1 && !message.private) {
			conversation.waiting_since = null;
			conversation.first_reply_created_at ??= createdAt;
		}
		return message;
	}

	messagesOf(conversationId: number): readonly MessageRecord[] {
		return this.messagesByConversation.get(conversationId) ?? FROZEN_EMPTY_LIST;
	}

	/**
	 * Chatwoot's message cursor: no cursor = the latest `limit`; `before` = the `limit` messages just
	 * older than it; `after` = up to `afterLimit` newer ones; both = what lies between (up to 1000).
	 * Always oldest first.
	 */
	messagePage(
		conversationId: number,
		cursor: { before?: number; after?: number },
		limit = 20,
	): MessageRecord[] {
		const all = this.messagesOf(conversationId);
		const end = cursor.before === undefined ? all.length : lowerBound(all, cursor.before);
		if (cursor.after !== undefined) {
			const start = lowerBound(all, cursor.after + 1);
			const cap = cursor.before === undefined ? 100 : 1000;
			return all.slice(start, Math.min(end, start + cap));
		}
		return all.slice(Math.max(0, end - limit), end);
	}

	newAttachment(
		message: Pick<MessageRecord, 'id' | 'account_id'>,
		file: { name: string; contentType: string; size: number; voiceMessage?: boolean },
	): AttachmentRecord {
		const id = this.nextId('attachments');
		const extension = /\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? null;
		const type = file.contentType.split('/')[0];
		const url = `${this.publicBaseUrl}/rails/active_storage/blobs/${id}/${encodeURIComponent(file.name)}`;
		return {
			id,
			message_id: message.id,
			account_id: message.account_id,
			file_type: type === 'image' || type === 'audio' || type === 'video' ? type : 'file',
			file_name: file.name,
			content_type: file.contentType,
			file_size: file.size,
			extension,
			data_url: url,
			thumb_url: type === 'image' ? `${url}?thumb=1` : '',
			// Chatwoot tags audio only, whatever else the message carries.
			meta: file.voiceMessage === true && type === 'audio' ? { is_voice_message: true } : {},
			created_at: Date.now(),
		};
	}

	// ---- bulk data for benchmarks ----

	/**
	 * Adds `count` alternating incoming/outgoing messages to a conversation (by display id). They share
	 * frozen empty attributes, so 100,000 of them stay well under 100 MB. Returns the new id range.
	 */
	seedMessages(
		conversationDisplayId: number,
		count: number,
		accountId = this.seed.accountId,
	): { firstId: number; lastId: number } {
		const conversation = this.conversationByDisplayId(accountId, conversationDisplayId);
		if (conversation === undefined)
			throw new Error(
				`seedMessages: no conversation ${conversationDisplayId} in account ${accountId}`,
			);
		const start = Math.max(Date.now() - count * 1000, conversation.last_activity_at + 1);
		let firstId = 0;
		let lastId = 0;
		for (let i = 0; i < count; i++) {
			const incoming = i % 2 === 0;
			const message = this.addMessage(
				conversation,
				{
					content: `Bulk message ${i + 1}`,
					message_type: incoming ? 0 : 1,
					sender_type: incoming ? 'Contact' : 'User',
					sender_id: incoming ? conversation.contact_id : this.seed.userId,
				},
				start + i,
			);
			if (i === 0) firstId = message.id;
			lastId = message.id;
		}
		this.touch();
		return { firstId, lastId };
	}

	/** Adds `count` open conversations spread over the seeded contacts and inboxes; returns their display ids range. */
	seedConversations(
		count: number,
		accountId = this.seed.accountId,
	): { firstDisplayId: number; lastDisplayId: number } {
		const contacts = this.contactsOf(accountId);
		const inboxes = this.inboxesOf(accountId);
		if (contacts.length === 0 || inboxes.length === 0)
			throw new Error(`seedConversations: account ${accountId} has no contacts or inboxes`);
		const start = Date.now() - count * 1000;
		let firstDisplayId = 0;
		let lastDisplayId = 0;
		for (let i = 0; i < count; i++) {
			const conversation = this.newConversation(
				{
					account_id: accountId,
					inbox_id: inboxes[i % inboxes.length].id,
					contact_id: contacts[i % contacts.length].id,
				},
				start + i,
			);
			if (i === 0) firstDisplayId = conversation.display_id;
			lastDisplayId = conversation.display_id;
		}
		this.touch();
		return { firstDisplayId, lastDisplayId };
	}

	/** Counts per table, for the admin API and the demo. */
	summary(): Record<string, number> {
		const tables: Record<string, Map<unknown, unknown>> = {
			accounts: this.accounts,
			users: this.users,
			accountUsers: this.accountUsers,
			agentBots: this.agentBots,
			inboxes: this.inboxes,
			teams: this.teams,
			contacts: this.contacts,
			contactInboxes: this.contactInboxes,
			conversations: this.conversations,
			messages: this.messages,
			labels: this.labels,
			cannedResponses: this.cannedResponses,
			customAttributes: this.customAttributes,
			webhooks: this.webhooks,
			notifications: this.notifications,
		};
		const counts = Object.fromEntries(
			Object.entries(tables).map(([name, table]) => [name, table.size]),
		);
		let genericRecords = 0;
		for (const records of this.generic.collections.values()) genericRecords += records.size;
		return { ...counts, genericRecords };
	}

	recordAgentBotDelivery(delivery: AgentBotDelivery): void {
		this.agentBotDeliveries.push(delivery);
		if (this.agentBotDeliveries.length > 1000)
			this.agentBotDeliveries.splice(0, this.agentBotDeliveries.length - 1000);
	}

	/** The agent bot connected to an inbox, if any. */
	inboxBot(inboxId: number): AgentBotRecord | undefined {
		const botId = this.inboxes.get(inboxId)?.agent_bot_id;
		return botId === null || botId === undefined ? undefined : this.agentBots.get(botId);
	}

	/**
	 * The status a new conversation gets: pending in an inbox with an agent bot, whatever was asked
	 * (Chatwoot's before_create determine_conversation_status, app/models/conversation.rb:291-309).
	 */
	createdStatus(inboxId: number, requested: ConversationStatus = 'open'): ConversationStatus {
		return this.inboxBot(inboxId) ? 'pending' : requested;
	}

	recordDelivery(delivery: WebhookDelivery): void {
		this.webhookDeliveries.push(delivery);
		if (this.webhookDeliveries.length > 1000)
			this.webhookDeliveries.splice(0, this.webhookDeliveries.length - 1000);
	}
}
