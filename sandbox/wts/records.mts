// Stored shapes of the WTS sandbox. They follow the contract's DTOs; derived fields
// (formatted phones, names of referenced things, live message status) are computed on output.

export type Json = Record<string, unknown>;
export type ContactStatus = 'ACTIVE' | 'ARCHIVED' | 'BLOCKED';
export type ContactOrigin = 'CREATED_BY_USER' | 'CREATED_FROM_HUB' | 'IMPORTED';
export type ChannelType =
	| 'GupShup_WhatsApp'
	| 'Dialog360_WhatsApp'
	| 'CloudAPI_WhatsApp'
	| 'ZAPI_WhatsApp'
	| 'EvolutionApi_WhatsApp'
	| 'Instagram'
	| 'Messenger';
export type SessionStatus =
	| 'UNDEFINED'
	| 'STARTED'
	| 'PENDING'
	| 'IN_PROGRESS'
	| 'COMPLETED'
	| 'HIDDEN';
export type MessageStatus =
	| 'PROCESSING'
	| 'SAVED'
	| 'QUEUED'
	| 'SENT'
	| 'DELIVERED'
	| 'READ'
	| 'FAILED'
	| 'DELETED'
	| 'WAIT_REPLY';
export type FileType =
	| 'UNDEFINED'
	| 'PDF'
	| 'EXCEL'
	| 'WORD'
	| 'IMAGE'
	| 'AUDIO'
	| 'VIDEO'
	| 'DOCUMENT';
export type WebhookEventName =
	| 'SESSION_NEW'
	| 'SESSION_UPDATE'
	| 'SESSION_COMPLETE'
	| 'MESSAGE_RECEIVED'
	| 'MESSAGE_SENT'
	| 'MESSAGE_UPDATED'
	| 'CONTACT_NEW'
	| 'CONTACT_UPDATE'
	| 'CONTACT_TAG_UPDATE'
	| 'PAYMENT_NEW'
	| 'PAYMENT_UPDATE'
	| 'PANEL_CARD_NEW'
	| 'PANEL_CARD_UPDATE'
	| 'PANEL_CARD_STEP_CHANGE'
	| 'PANEL_CARD_NOTE_NEW'
	| 'PANEL_CARD_NOTE_UPDATE';

export interface Utm {
	sourceId?: string | null;
	source?: string | null;
	clid?: string | null;
	medium?: string | null;
	campaign?: string | null;
	content?: string | null;
	headline?: string | null;
	term?: string | null;
	referralUrl?: string | null;
}

interface Timestamps {
	id: string;
	/** ISO-8601 UTC with milliseconds, so strings compare chronologically. */
	createdAt: string;
	updatedAt: string;
}

export interface ChannelRecord extends Timestamps {
	active: boolean;
	type: ChannelType;
	number: string | null;
	numberFormatted: string | null;
	identity: {
		humanId: string | null;
		platform: string | null;
		provider: string | null;
		providerVariable: string | null;
		pictureUrl: string | null;
		displayName: string | null;
	};
}

export interface ChatbotRecord extends Timestamps {
	key: string;
	name: string;
	type: 'Reactive' | 'Automation';
	channelIds: string[];
	defaultDepartmentId: string | null;
	publishStatus: 'Not_Published' | 'Publishing' | 'Ready' | 'Failed';
	automationUsage: Array<'Api' | 'Manual' | 'Campaign' | 'Sequence'>;
	archived: boolean;
}

export interface DepartmentRecord extends Timestamps {
	name: string;
	description: string | null;
	isDefault: boolean;
	distributionEnabled: boolean;
	restrictionType: 'NONE' | 'DEPARTMENT_RESTRICTION' | 'USER_RESTRICTION';
	distributionConfig: {
		expirationIsEnabled?: boolean;
		maximumDurationInMinutes?: number;
		inactivityTimeInMinutes?: number;
	} | null;
	channelsConfig: { scope: 'ALL' | 'NONE' | 'SELECTED'; channels: string[] };
	isPrivate: boolean;
}

export interface AgentMembership {
	departmentId: string;
	isAgent: boolean;
	isSupervisor: boolean;
}

/** Agents are users: the sandbox uses one id for both `id` and `userId` (the docs call the path id "User id"). */
export interface AgentRecord extends Timestamps {
	name: string;
	shortName: string | null;
	email: string | null;
	phoneNumber: string | null;
	profile: 'Admin' | 'Agent' | 'RestrictedAgent';
	isOwner: boolean;
	availability: 'AVAILABLE' | 'UNAVAILABLE';
	departments: AgentMembership[];
	status: 'Active' | 'Blocked';
}

export interface TagRecord extends Timestamps {
	name: string;
	color: string | null;
}

export interface CustomFieldRecord extends Timestamps {
	parentId: string | null;
	type:
		| 'GROUP'
		| 'STRING'
		| 'TEXT'
		| 'INTEGER'
		| 'FLOAT'
		| 'SINGLESELECT'
		| 'MULTISELECT'
		| 'DATE'
		| 'TIME'
		| 'DATETIME'
		| 'BOOLEAN';
	entityType: 'CONTACT' | 'PANEL';
	/** Panel id for PANEL fields. */
	scopeId: string | null;
	name: string;
	key: string;
	position: number;
	required: boolean;
	options: Array<{ id: string; name: string }>;
}

export interface ContactRecord extends Timestamps {
	name: string | null;
	/** Canonical `+<country>|<number>` when the country code is known, else `+<digits>`. */
	phoneNumber: string | null;
	email: string | null;
	instagram: string | null;
	annotation: string | null;
	pictureUrl: string | null;
	/** Arrays and objects are replaced, never mutated, so seeded contacts can share empty ones. */
	tagIds: readonly string[];
	portfolioIds: readonly string[];
	status: ContactStatus;
	origin: ContactOrigin;
	customFields: Readonly<Json>;
	metadata: Readonly<Json>;
	utm: Utm | null;
}

export interface PortfolioRecord extends Timestamps {
	active: boolean;
	name: string;
	automaticAttribution: boolean;
	expirationDurationInMonths: number | null;
	type: 'MULTIPLE' | 'SINGLE';
	departments: Array<{ departmentId: string; userIds: string[] }>;
}

export interface MembershipRecord extends Timestamps {
	/** Portfolio or sequence id. */
	groupId: string;
	contactId: string;
	origin: 'USER_SINGLE' | 'USER_FILTER' | 'CHATBOT' | 'API';
}

export interface SequenceRecord extends Timestamps {
	active: boolean;
	name: string;
	enabled: boolean;
}

export interface TemplateRecord extends Timestamps {
	active: boolean;
	archived: boolean;
	channelId: string;
	name: string;
	internalName: string | null;
	text: string | null;
	footerText: string | null;
	status: 'Draft' | 'Approved' | 'Disapproved' | 'InRevision' | 'Paused' | 'Disabled' | 'Deleted';
	type: Array<
		'QUICKREPLY' | 'ATTENDANCE' | 'CAMPAIGN' | 'SEQUENCE' | 'SCHEDULEDMESSAGE' | 'AUTHENTICATION'
	>;
	/** Media header kind; anything but UNDEFINED needs a file on send. */
	fileType: 'UNDEFINED' | 'IMAGE' | 'VIDEO' | 'DOCUMENT';
	categoryName: string | null;
	rejectedDescription: string | null;
}

export interface Classification {
	id?: string | null;
	category?: 'UNDEFINED' | 'WON' | 'LOST' | 'INFO' | 'OTHER';
	categoryDescription?: string | null;
	amount?: number | null;
	categoryName?: string | null;
}

export interface SessionRecord extends Timestamps {
	startAt: string | null;
	endAt: string | null;
	status: SessionStatus;
	contactId: string;
	channelId: string;
	departmentId: string | null;
	userId: string | null;
	number: string | null;
	utm: Utm | null;
	origin: string | null;
	classification: Classification | null;
	botId: string | null;
	lastMessageText: string | null;
	lastInteractionDate: string | null;
	lastMessageOut: string | null;
	/** Last inbound message; the WhatsApp 24 h window is measured from it. */
	lastMessageIn: string | null;
	metadata: Json | null;
	type: 'INDIVIDUAL' | 'GROUP';
	reactivateOnNewMessage: boolean;
}

export interface MessageRecord extends Timestamps {
	sessionId: string;
	type: string;
	direction: 'FROM_HUB' | 'TO_HUB';
	origin: 'DEFAULT' | 'CAMPAIGN' | 'OFFICE_HOURS' | 'BOT' | 'API' | 'PAYMENT' | 'GATEWAY';
	text: string | null;
	fileId: string | null;
	templateId: string | null;
	userId: string | null;
	senderId: string | null;
	refId: string | null;
	/** Status reported while the message is in flight (classic send: PROCESSING, send family: QUEUED). */
	initialStatus: MessageStatus;
	/** Set for messages whose status no longer moves (inbound, seeded, notes). */
	settledStatus: MessageStatus | null;
	/** Epoch ms the message was accepted; the live status is derived from its age. */
	acceptedAtMs: number;
	/** When set the message ends FAILED with this reason. */
	failedReason: string | null;
	deletedAt: string | null;
	callbackUrl: string | null;
	/** Internal session note rather than a chat message. */
	isNote: boolean;
	filesIds: string[] | null;
}

export interface ChatbotDispatchRecord extends Timestamps {
	chatbotId: string;
	sessionId: string | null;
	senderId: string | null;
	callbackUrl: string | null;
	acceptedAtMs: number;
	failedReason: string | null;
}

export interface OtpRecord extends Timestamps {
	code: string;
	from: string;
	templateId: string | null;
	senderId: string | null;
	channelId: string | null;
	contactPhoneNumber: string;
	callbackUrl: string | null;
	acceptedAtMs: number;
}

export interface ScheduledTemplateParams {
	parameters?: Record<string, string | number | boolean | null> | null;
	fileUrl?: string | null;
	fileId?: string | null;
}

export interface ScheduledMessageRecord extends Timestamps {
	sessionId: string | null;
	contactId: string;
	userId: string | null;
	channelId: string;
	departmentId: string | null;
	/** SCHEDULED until cancelled; reported as SENT once `scheduling` has passed. */
	status: 'SCHEDULED' | 'CANCELED';
	type: 'TEMPLATE' | 'CHATBOT';
	templateId: string | null;
	botId: string | null;
	scheduling: string;
	hiddenSession: boolean;
	templateParams: ScheduledTemplateParams | null;
}

export interface PanelRecord extends Timestamps {
	title: string;
	description: string | null;
	archived: boolean;
	scope: 'COMPANY' | 'DEPARTMENT' | 'USER';
	departmentIds: string[] | null;
	userId: string | null;
	key: string | null;
	type: 'MANAGEMENT' | 'SALES';
	autoLossDays: number | null;
}

export interface StepRecord extends Timestamps {
	panelId: string;
	title: string;
	position: number;
	isInitial: boolean;
	isFinal: boolean;
	archived: boolean;
}

export interface PanelTagRecord extends Timestamps {
	panelId: string;
	name: string;
	nameColor: string | null;
	bgColor: string | null;
}

export interface LostReasonRecord extends Timestamps {
	panelId: string;
	name: string;
	description: string | null;
}

export interface CardRecord extends Timestamps {
	panelId: string;
	stepId: string;
	title: string;
	description: string | null;
	position: number;
	number: number;
	key: string;
	dueDate: string | null;
	tagIds: string[];
	sessionId: string | null;
	monetaryAmount: number | null;
	responsibleUserId: string | null;
	contactIds: string[];
	customFields: Json;
	metadata: Json;
	status: 'OPEN' | 'WON' | 'LOST' | 'ARCHIVED';
	lostReasonId: string | null;
	archived: boolean;
}

export interface CardNoteRecord extends Timestamps {
	panelId: string;
	cardId: string;
	userId: string | null;
	text: string | null;
	fileUrls: string[];
	isFromPublicApi: boolean;
}

export interface WebhookSubscriptionRecord extends Timestamps {
	name: string;
	url: string;
	enabled: boolean;
	events: WebhookEventName[];
}

export interface FileRecord extends Timestamps {
	userId: string | null;
	name: string;
	extension: string;
	mimeType: string;
	type: FileType;
	size: number;
	key: string;
	bytes: Buffer;
}

/** A presigned upload slot (v2 `tempFileId` or v1 `keyS3`). */
export interface UploadSlot {
	id: string;
	name: string;
	mimeType: string | null;
	type: FileType;
	signature: string;
	/** Raw bytes once the PUT arrived. */
	bytes: Buffer | null;
	contentType: string | null;
	/** File created from this slot; saving again returns it. */
	savedFileId: string | null;
}
