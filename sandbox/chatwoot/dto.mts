// Renders stored records the way Chatwoot's jbuilder views do (api/v1/models/*, conversation and
// message partials, public API models, push_event_data / webhook_data). Integer times are unix
// seconds; a few views render ISO text, as noted.
import { isoTime, unixSeconds } from './handler-kit.mts';
import {
	MESSAGE_TYPES,
	type AccountRecord,
	type AgentBotRecord,
	type AttachmentRecord,
	type ContactInboxRecord,
	type ContactRecord,
	type ConversationRecord,
	type InboxRecord,
	type Json,
	type MessageRecord,
	type NotificationRecord,
	type TeamRecord,
	type UserRecord,
	type WebhookRecord,
} from './records.mts';
import type { ChatwootState } from './state.mts';

const CHATWOOT_VERSION = '4.16.2';
const MESSAGE_TYPE_NAMES = Object.fromEntries(
	Object.entries(MESSAGE_TYPES).map(([name, value]) => [value, name]),
) as Record<number, string>;

export class ChatwootViews {
	constructor(private readonly state: ChatwootState) {}

	account(account: AccountRecord): Json {
		return {
			id: account.id,
			name: account.name,
			locale: account.locale,
			domain: account.domain,
			support_email: account.support_email,
			status: account.status,
			created_at: isoTime(account.created_at),
			cache_keys: {
				label: String(this.state.version),
				inbox: String(this.state.version),
				team: String(this.state.version),
			},
			features: account.features,
			settings: account.settings,
			custom_attributes: account.custom_attributes,
			latest_chatwoot_version: CHATWOOT_VERSION,
			subscribed_features: [],
		};
	}

	platformAccount(account: AccountRecord): Json {
		return {
			id: account.id,
			name: account.name,
			locale: account.locale,
			domain: account.domain,
			support_email: account.support_email,
			status: account.status,
			features: account.features,
			limits: account.limits,
			custom_attributes: account.custom_attributes,
			created_at: isoTime(account.created_at),
		};
	}

	/** api/v1/models/_agent: a user as a member of one account. */
	agent(user: UserRecord, accountId: number): Json {
		const member = this.state.accountUser(accountId, user.id);
		return {
			id: user.id,
			account_id: accountId,
			availability_status: member?.availability ?? 'offline',
			auto_offline: member?.auto_offline ?? true,
			confirmed: user.confirmed,
			email: user.email,
			available_name: user.display_name ?? user.name,
			name: user.name,
			role: member?.role ?? 'agent',
			thumbnail: '',
			custom_role_id: null,
			type: 'User',
		};
	}

	/** api/v1/models/_user (profile, platform users): the user with every account membership. */
	user(user: UserRecord): Json {
		const memberships = [...this.state.accountUsers.values()].filter(
			(member) => member.user_id === user.id,
		);
		const first = memberships[0];
		return {
			id: user.id,
			access_token: user.access_token,
			account_id: first?.account_id ?? null,
			available_name: user.display_name ?? user.name,
			avatar_url: '',
			confirmed: user.confirmed,
			display_name: user.display_name,
			message_signature: user.message_signature,
			email: user.email,
			hmac_identifier: `hmac-${user.id}`,
			inviter_id: null,
			name: user.name,
			provider: 'email',
			pubsub_token: user.pubsub_token,
			custom_attributes: user.custom_attributes,
			role: first?.role ?? 'agent',
			ui_settings: user.ui_settings,
			uid: user.email,
			type: 'User',
			mfa_enabled: user.mfa_enabled,
			accounts: memberships.map((member) => ({
				id: member.account_id,
				name: this.state.accounts.get(member.account_id)?.name ?? '',
				status: this.state.accounts.get(member.account_id)?.status ?? 'active',
				active_at: isoTime(member.active_at),
				role: member.role,
				permissions: [member.role],
				availability: member.availability,
				availability_status: member.availability,
				auto_offline: member.auto_offline,
				custom_role_id: null,
				custom_role: null,
			})),
		};
	}

	agentBot(bot: AgentBotRecord, options: { secret?: boolean } = {}): Json {
		return {
			id: bot.id,
			name: bot.name,
			description: bot.description,
			thumbnail: '',
			outgoing_url: bot.outgoing_url,
			bot_type: bot.bot_type,
			bot_config: bot.bot_config,
			account_id: bot.account_id,
			access_token: bot.access_token,
			system_bot: false,
			...(options.secret ? { secret: bot.secret } : {}),
		};
	}

	inbox(inbox: InboxRecord): Json {
		const api = inbox.channel_type === 'Channel::Api';
		const widget = inbox.channel_type === 'Channel::WebWidget';
		// Defaults Chatwoot renders, then the settings sent on create/update, then the stored columns.
		const defaults: Json = {
			avatar_url: '',
			enable_email_collect: true,
			auto_assignment_config: {},
			out_of_office_message: null,
			working_hours: [],
			callback_webhook_url: null,
			sender_name_type: 'friendly',
			business_name: null,
			hmac_mandatory: false,
			...(widget ? { widget_color: '#1f93ff', welcome_title: null, welcome_tagline: null } : {}),
		};
		return {
			...defaults,
			...inbox.settings,
			id: inbox.id,
			channel_id: inbox.channel_id,
			name: inbox.name,
			channel_type: inbox.channel_type,
			greeting_enabled: inbox.greeting_enabled,
			greeting_message: inbox.greeting_message,
			working_hours_enabled: inbox.working_hours_enabled,
			csat_survey_enabled: inbox.csat_survey_enabled,
			enable_auto_assignment: inbox.enable_auto_assignment,
			timezone: inbox.timezone,
			allow_messages_after_resolved: inbox.allow_messages_after_resolved,
			lock_to_single_conversation: inbox.lock_to_single_conversation,
			hmac_token: inbox.hmac_token,
			...(widget
				? {
						website_url: inbox.website_url,
						website_token: inbox.website_token,
						web_widget_script: `<script>window.chatwootSettings={websiteToken:'${inbox.website_token}'}</script>`,
					}
				: {}),
			...(api
				? {
						webhook_url: inbox.webhook_url,
						inbox_identifier: inbox.identifier,
						secret: inbox.secret,
					}
				: {}),
			...(inbox.channel_type === 'Channel::Email' ? { email: inbox.email, provider: null } : {}),
		};
	}

	/** An inbox rendered as its model's attributes (`json.inbox @inbox`, as in contacts/create.json.jbuilder). */
	inboxAttributes(inbox: InboxRecord): Json {
		return {
			id: inbox.id,
			channel_id: inbox.channel_id,
			account_id: inbox.account_id,
			name: inbox.name,
			created_at: new Date(inbox.created_at).toISOString(),
			updated_at: new Date(inbox.created_at).toISOString(),
			channel_type: inbox.channel_type,
			enable_auto_assignment: inbox.enable_auto_assignment,
			greeting_enabled: inbox.greeting_enabled,
			greeting_message: inbox.greeting_message,
			working_hours_enabled: inbox.working_hours_enabled,
			out_of_office_message: null,
			timezone: inbox.timezone,
			enable_email_collect: true,
			csat_survey_enabled: inbox.csat_survey_enabled,
			allow_messages_after_resolved: inbox.allow_messages_after_resolved,
			auto_assignment_config: {},
			lock_to_single_conversation: inbox.lock_to_single_conversation,
			portal_id: null,
			sender_name_type: 'friendly',
			business_name: null,
		};
	}

	/** The short inbox of contact_inboxes (`api/v1/models/_inbox_slim`). */
	inboxSlim(inbox: InboxRecord): Json {
		return {
			id: inbox.id,
			avatar_url: '',
			channel_id: inbox.channel_id,
			name: inbox.name,
			channel_type: inbox.channel_type,
			provider: null,
		};
	}

	team(team: TeamRecord, viewerId: number | null): Json {
		return {
			id: team.id,
			name: team.name,
			description: team.description,
			allow_auto_assign: team.allow_auto_assign,
			account_id: team.account_id,
			is_member: viewerId !== null && (this.state.teamMembers.get(team.id)?.has(viewerId) ?? false),
		};
	}

	contactInbox(contactInbox: ContactInboxRecord): Json {
		const inbox = this.state.inboxes.get(contactInbox.inbox_id);
		return { source_id: contactInbox.source_id, inbox: inbox ? this.inboxSlim(inbox) : null };
	}

	contact(contact: ContactRecord, options: { withContactInboxes?: boolean } = {}): Json {
		return {
			additional_attributes: contact.additional_attributes,
			availability_status: 'offline',
			email: contact.email,
			id: contact.id,
			name: contact.name ?? '',
			phone_number: contact.phone_number,
			blocked: contact.blocked,
			identifier: contact.identifier,
			thumbnail: '',
			custom_attributes: contact.custom_attributes,
			last_activity_at: unixSeconds(contact.last_activity_at),
			created_at: unixSeconds(contact.created_at),
			...(options.withContactInboxes === false
				? {}
				: {
						contact_inboxes: this.state
							.contactInboxesOf(contact.id)
							.map((ci) => this.contactInbox(ci)),
					}),
		};
	}

	/** `push_event_data` of a message sender. */
	sender(type: MessageRecord['sender_type'], id: number | null): Json | null {
		if (id === null) return null;
		if (type === 'Contact') {
			const contact = this.state.contacts.get(id);
			return contact
				? {
						id: contact.id,
						name: contact.name,
						avatar: '',
						thumbnail: '',
						type: 'contact',
						email: contact.email,
						phone_number: contact.phone_number,
						identifier: contact.identifier,
						blocked: contact.blocked,
						additional_attributes: contact.additional_attributes,
						custom_attributes: contact.custom_attributes,
					}
				: null;
		}
		if (type === 'User') {
			const user = this.state.users.get(id);
			return user
				? {
						id: user.id,
						name: user.name,
						available_name: user.display_name ?? user.name,
						avatar_url: '',
						thumbnail: '',
						type: 'user',
						availability_status: 'online',
					}
				: null;
		}
		const bot = this.state.agentBots.get(id);
		return bot
			? { id: bot.id, name: bot.name, avatar_url: '', thumbnail: '', type: 'agent_bot' }
			: null;
	}

	attachment(attachment: AttachmentRecord, conversationDisplayId: number): Json {
		return {
			id: attachment.id,
			message_id: attachment.message_id,
			file_type: attachment.file_type,
			account_id: attachment.account_id,
			extension: attachment.extension,
			data_url: attachment.data_url,
			thumb_url: attachment.thumb_url,
			file_size: attachment.file_size,
			width: null,
			height: null,
			// Not in Chatwoot's view: what the sandbox received, so tests can check uploads.
			file_name: attachment.file_name,
			content_type: attachment.content_type,
			created_at: unixSeconds(attachment.created_at),
			conversation_id: conversationDisplayId,
		};
	}

	private displayIdOf(conversationId: number): number {
		return this.state.conversations.get(conversationId)?.display_id ?? conversationId;
	}

	/** Message `push_event_data` (also the message partial of the Application API). */
	message(message: MessageRecord): Json {
		const displayId = this.displayIdOf(message.conversation_id);
		return {
			id: message.id,
			content: message.content,
			account_id: message.account_id,
			inbox_id: message.inbox_id,
			conversation_id: displayId,
			message_type: message.message_type,
			content_type: message.content_type,
			status: message.status,
			content_attributes: message.content_attributes,
			created_at: unixSeconds(message.created_at),
			updated_at: unixSeconds(message.updated_at),
			private: message.private,
			source_id: message.source_id,
			echo_id: message.echo_id,
			sender_type: message.sender_type,
			sender_id: message.sender_id,
			external_error: message.external_error,
			...(message.sender_id !== null
				? { sender: this.sender(message.sender_type, message.sender_id) ?? {} }
				: {}),
			...(message.attachments.length > 0
				? { attachments: message.attachments.map((a) => this.attachment(a, displayId)) }
				: {}),
		};
	}

	publicMessage(message: MessageRecord): Json {
		const displayId = this.displayIdOf(message.conversation_id);
		return {
			id: message.id,
			content: message.content,
			message_type: message.message_type,
			content_type: message.content_type,
			content_attributes: message.content_attributes,
			created_at: unixSeconds(message.created_at),
			conversation_id: displayId,
			attachments: message.attachments.map((a) => this.attachment(a, displayId)),
			sender: this.sender(message.sender_type, message.sender_id) ?? {},
		};
	}

	private lastNonActivityMessage(conversation: ConversationRecord): MessageRecord | undefined {
		const messages = this.state.messagesOf(conversation.id);
		for (let i = messages.length - 1; i >= 0; i--)
			if (messages[i].message_type !== 2) return messages[i];
		return undefined;
	}

	/** The conversation partial of lists, show, filter and search. */
	conversation(conversation: ConversationRecord): Json {
		const contact = this.state.contacts.get(conversation.contact_id);
		const assignee =
			conversation.assignee_id === null
				? undefined
				: this.state.users.get(conversation.assignee_id);
		const team =
			conversation.team_id === null ? undefined : this.state.teams.get(conversation.team_id);
		const inbox = this.state.inboxes.get(conversation.inbox_id);
		const messages = this.state.messagesOf(conversation.id);
		const last = messages.at(-1);
		const lastNonActivity = this.lastNonActivityMessage(conversation);
		const seen = conversation.agent_last_seen_at ?? 0;
		return {
			meta: {
				sender: contact ? this.contact(contact) : {},
				channel: inbox?.channel_type ?? 'Channel::Api',
				...(assignee ? { assignee: this.agent(assignee, conversation.account_id) } : {}),
				...(team ? { team: this.team(team, null) } : {}),
				hmac_verified: false,
			},
			id: conversation.display_id,
			messages: last ? [this.message(last)] : [],
			account_id: conversation.account_id,
			uuid: conversation.uuid,
			additional_attributes: conversation.additional_attributes,
			agent_last_seen_at: unixSeconds(conversation.agent_last_seen_at),
			assignee_last_seen_at: unixSeconds(conversation.agent_last_seen_at),
			can_reply: true,
			contact_last_seen_at: unixSeconds(conversation.contact_last_seen_at),
			custom_attributes: conversation.custom_attributes,
			inbox_id: conversation.inbox_id,
			labels: conversation.labels,
			muted: conversation.muted,
			snoozed_until: unixSeconds(conversation.snoozed_until),
			status: conversation.status,
			created_at: unixSeconds(conversation.created_at),
			updated_at: unixSeconds(conversation.updated_at),
			timestamp: unixSeconds(conversation.last_activity_at),
			first_reply_created_at: unixSeconds(conversation.first_reply_created_at),
			unread_count: messages.filter((m) => m.message_type === 0 && m.created_at > seen).length,
			last_non_activity_message: lastNonActivity ? this.message(lastNonActivity) : null,
			last_activity_at: unixSeconds(conversation.last_activity_at),
			priority: conversation.priority,
			waiting_since: unixSeconds(conversation.waiting_since),
			sla_policy_id: conversation.sla_policy_id,
		};
	}

	/** Conversation `webhook_data` (event payloads): like the partial, with the contact inbox. */
	conversationEvent(conversation: ConversationRecord): Json {
		const contactInbox =
			conversation.contact_inbox_id === null
				? undefined
				: this.state.contactInboxes.get(conversation.contact_inbox_id);
		const { meta, ...rest } = this.conversation(conversation);
		return {
			...rest,
			channel: (meta as Json).channel,
			contact_inbox: contactInbox
				? {
						id: contactInbox.id,
						contact_id: contactInbox.contact_id,
						inbox_id: contactInbox.inbox_id,
						source_id: contactInbox.source_id,
						hmac_verified: contactInbox.hmac_verified,
						pubsub_token: contactInbox.pubsub_token,
					}
				: null,
			meta,
		};
	}

	/** Message `webhook_data`: what the `message_created` / `message_updated` events carry. */
	messageEvent(message: MessageRecord): Json {
		const conversation = this.state.conversations.get(message.conversation_id);
		const inbox = this.state.inboxes.get(message.inbox_id);
		const account = this.state.accounts.get(message.account_id);
		const displayId = conversation?.display_id ?? message.conversation_id;
		return {
			id: message.id,
			content: message.content,
			content_type: message.content_type,
			content_attributes: message.content_attributes,
			additional_attributes: {},
			message_type: MESSAGE_TYPE_NAMES[message.message_type] ?? 'incoming',
			private: message.private,
			source_id: message.source_id,
			created_at: isoTime(message.created_at),
			sender: this.sender(message.sender_type, message.sender_id),
			conversation: conversation ? this.conversationEvent(conversation) : null,
			inbox: inbox ? { id: inbox.id, name: inbox.name } : null,
			account: account ? { id: account.id, name: account.name } : null,
			...(message.attachments.length > 0
				? { attachments: message.attachments.map((a) => this.attachment(a, displayId)) }
				: {}),
		};
	}

	publicContact(contact: ContactRecord, contactInbox: ContactInboxRecord): Json {
		return {
			id: contact.id,
			source_id: contactInbox.source_id,
			name: contact.name,
			email: contact.email,
			phone_number: contact.phone_number,
			pubsub_token: contactInbox.pubsub_token,
		};
	}

	/** The contact model the public contact update renders (the Contact record itself). */
	publicContactRecord(contact: ContactRecord): Json {
		return {
			id: contact.id,
			name: contact.name,
			email: contact.email,
			phone_number: contact.phone_number,
			identifier: contact.identifier,
			blocked: contact.blocked,
			additional_attributes: contact.additional_attributes,
			custom_attributes: contact.custom_attributes,
			contact_type: 'lead',
			country_code: null,
			last_activity_at: isoTime(contact.last_activity_at),
			created_at: isoTime(contact.created_at),
			updated_at: isoTime(contact.updated_at),
			account_id: contact.account_id,
			company_id: null,
			label_list: contact.labels,
		};
	}

	publicConversation(conversation: ConversationRecord): Json {
		const contact = this.state.contacts.get(conversation.contact_id);
		return {
			id: conversation.display_id,
			uuid: conversation.uuid,
			inbox_id: conversation.inbox_id,
			contact_last_seen_at: unixSeconds(
				conversation.contact_last_seen_at ?? conversation.created_at,
			),
			status: conversation.status,
			agent_last_seen_at: unixSeconds(conversation.agent_last_seen_at ?? conversation.created_at),
			messages: this.state
				.messagesOf(conversation.id)
				.filter((m) => !m.private)
				.map((m) => this.publicMessage(m)),
			contact: contact
				? {
						id: contact.id,
						name: contact.name,
						email: contact.email,
						phone_number: contact.phone_number,
					}
				: {},
		};
	}

	webhook(webhook: WebhookRecord): Json {
		const inbox = webhook.inbox_id === null ? undefined : this.state.inboxes.get(webhook.inbox_id);
		return {
			id: webhook.id,
			name: webhook.name,
			url: webhook.url,
			account_id: webhook.account_id,
			subscriptions: webhook.subscriptions,
			...(inbox ? { inbox: { id: inbox.id, name: inbox.name } } : {}),
			secret: webhook.secret,
		};
	}

	notification(notification: NotificationRecord): Json {
		const conversation = this.state.conversations.get(notification.primary_actor_id);
		const user = this.state.users.get(notification.user_id);
		return {
			id: notification.id,
			notification_type: notification.notification_type,
			push_message_title: notification.push_message_title,
			primary_actor_type: notification.primary_actor_type,
			primary_actor_id: notification.primary_actor_id,
			primary_actor: conversation
				? {
						id: conversation.display_id,
						inbox_id: conversation.inbox_id,
						status: conversation.status,
						uuid: conversation.uuid,
					}
				: {},
			read_at: unixSeconds(notification.read_at),
			secondary_actor: {},
			user: user ? { id: user.id, name: user.name, email: user.email } : {},
			created_at: unixSeconds(notification.created_at),
			last_activity_at: unixSeconds(notification.last_activity_at),
			snoozed_until: isoTime(notification.snoozed_until),
			meta: {},
		};
	}
}
