// Stored shapes of the Chatwoot sandbox. Field names follow Chatwoot's columns; times are epoch
// milliseconds (answers render unix seconds or ISO text, as each Chatwoot view does). Arrays and
// objects on records are replaced, never mutated, so bulk-seeded records can share frozen empties.

export type Json = Record<string, unknown>;
export type Role = 'agent' | 'administrator';
export type Availability = 'online' | 'busy' | 'offline';
export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export type Priority = 'urgent' | 'high' | 'medium' | 'low';
export type ChannelType =
	| 'Channel::Api'
	| 'Channel::WebWidget'
	| 'Channel::Email'
	| 'Channel::Line'
	| 'Channel::Telegram'
	| 'Channel::Whatsapp'
	| 'Channel::Sms';
export type MessageStatus = 'sent' | 'delivered' | 'read' | 'failed' | 'progress';
export type SenderType = 'Contact' | 'User' | 'AgentBot';
export type FileType = 'image' | 'audio' | 'video' | 'file';

/** Chatwoot's message_type enum: the integer is what views render. */
export const MESSAGE_TYPES = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;

export interface AccountRecord {
	id: number;
	name: string;
	locale: string;
	domain: string | null;
	support_email: string | null;
	status: 'active' | 'suspended';
	features: Record<string, boolean>;
	limits: Json;
	custom_attributes: Json;
	settings: {
		auto_resolve_after: number | null;
		auto_resolve_message: string | null;
		auto_resolve_ignore_waiting: boolean | null;
	};
	created_at: number;
	/** Created by (so visible to) the sandbox platform app. */
	platformOwned: boolean;
}

export interface UserRecord {
	id: number;
	name: string;
	display_name: string | null;
	email: string;
	access_token: string;
	pubsub_token: string;
	message_signature: string | null;
	ui_settings: Json;
	custom_attributes: Json;
	confirmed: boolean;
	mfa_enabled: boolean;
	created_at: number;
	platformOwned: boolean;
}

export interface AccountUserRecord {
	account_id: number;
	user_id: number;
	role: Role;
	availability: Availability;
	auto_offline: boolean;
	active_at: number | null;
}

export interface AgentBotRecord {
	id: number;
	name: string;
	description: string | null;
	outgoing_url: string | null;
	bot_type: string;
	bot_config: Json;
	/** null for a platform-level bot shared by every account. */
	account_id: number | null;
	access_token: string;
	secret: string;
	platformOwned: boolean;
}

export interface InboxRecord {
	id: number;
	account_id: number;
	channel_id: number;
	channel_type: ChannelType;
	name: string;
	/** API channel: the `inbox_identifier` of the Client API. */
	identifier: string | null;
	/** API channel: HMAC secret of its outgoing webhook. */
	secret: string | null;
	webhook_url: string | null;
	hmac_token: string;
	website_url: string | null;
	website_token: string | null;
	email: string | null;
	greeting_enabled: boolean;
	greeting_message: string | null;
	enable_auto_assignment: boolean;
	working_hours_enabled: boolean;
	timezone: string;
	csat_survey_enabled: boolean;
	allow_messages_after_resolved: boolean;
	lock_to_single_conversation: boolean;
	agent_bot_id: number | null;
	/** Other writable settings sent on create/update, echoed back as given. */
	settings: Json;
	created_at: number;
}

export interface TeamRecord {
	id: number;
	account_id: number;
	name: string;
	description: string | null;
	allow_auto_assign: boolean;
}

export interface ContactRecord {
	id: number;
	account_id: number;
	name: string | null;
	email: string | null;
	phone_number: string | null;
	identifier: string | null;
	blocked: boolean;
	additional_attributes: Json;
	custom_attributes: Json;
	labels: readonly string[];
	created_at: number;
	updated_at: number;
	last_activity_at: number | null;
}

export interface ContactInboxRecord {
	id: number;
	contact_id: number;
	inbox_id: number;
	source_id: string;
	pubsub_token: string;
	hmac_verified: boolean;
}

export interface ConversationRecord {
	/** Internal id; the API addresses conversations by `display_id`. */
	id: number;
	display_id: number;
	uuid: string;
	account_id: number;
	inbox_id: number;
	contact_id: number;
	contact_inbox_id: number | null;
	status: ConversationStatus;
	priority: Priority | null;
	assignee_id: number | null;
	team_id: number | null;
	sla_policy_id: number | null;
	labels: readonly string[];
	custom_attributes: Json;
	additional_attributes: Json;
	muted: boolean;
	snoozed_until: number | null;
	created_at: number;
	updated_at: number;
	last_activity_at: number;
	waiting_since: number | null;
	first_reply_created_at: number | null;
	agent_last_seen_at: number | null;
	contact_last_seen_at: number | null;
	participant_ids: readonly number[];
}

export interface AttachmentRecord {
	id: number;
	message_id: number;
	account_id: number;
	file_type: FileType;
	/** As received: multipart file name, declared content type and byte size. */
	file_name: string;
	content_type: string;
	file_size: number;
	extension: string | null;
	data_url: string;
	thumb_url: string;
	/** Internal metadata, not rendered: `is_voice_message` on audio sent as a voice note. */
	meta: Json;
	created_at: number;
}

export interface MessageRecord {
	id: number;
	account_id: number;
	/** Internal conversation id (views render the display id). */
	conversation_id: number;
	inbox_id: number;
	content: string | null;
	content_type: string;
	content_attributes: Json;
	message_type: number;
	private: boolean;
	status: MessageStatus;
	source_id: string | null;
	echo_id: string | null;
	sender_type: SenderType | null;
	sender_id: number | null;
	attachments: readonly AttachmentRecord[];
	external_error: string | null;
	created_at: number;
	updated_at: number;
}

export interface LabelRecord {
	id: number;
	account_id: number;
	title: string;
	description: string | null;
	color: string;
	show_on_sidebar: boolean;
}

export interface CannedResponseRecord {
	id: number;
	account_id: number;
	short_code: string;
	content: string;
	created_at: number;
	updated_at: number;
}

export interface CustomAttributeDefinitionRecord {
	id: number;
	account_id: number;
	attribute_display_name: string;
	attribute_display_type: string;
	attribute_description: string | null;
	attribute_key: string;
	attribute_values: readonly string[];
	attribute_model: 'conversation_attribute' | 'contact_attribute';
	default_value: string | null;
	regex_pattern: string | null;
	regex_cue: string | null;
	created_at: number;
	updated_at: number;
}

export const WEBHOOK_EVENTS = [
	'conversation_created',
	'conversation_status_changed',
	'conversation_updated',
	'message_created',
	'message_updated',
	'contact_created',
	'contact_updated',
	'webwidget_triggered',
	'conversation_typing_on',
	'conversation_typing_off',
	'inbox_created',
	'inbox_updated',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookRecord {
	id: number;
	account_id: number;
	name: string | null;
	url: string;
	subscriptions: readonly WebhookEvent[];
	inbox_id: number | null;
	secret: string;
}

export interface NotificationRecord {
	id: number;
	account_id: number;
	user_id: number;
	notification_type: string;
	primary_actor_type: 'Conversation';
	/** Internal conversation id. */
	primary_actor_id: number;
	push_message_title: string;
	read_at: number | null;
	snoozed_until: number | null;
	created_at: number;
	last_activity_at: number;
}

/** A record of a collection the sandbox models generically (macros, portals, captain...). */
export interface GenericRecord {
	id: number | string;
	[field: string]: unknown;
}
