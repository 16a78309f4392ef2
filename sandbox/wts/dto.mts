// Stored records -> the contract's response DTOs (derived fields, optional details, live statuses).
import type {
	AgentRecord,
	CardNoteRecord,
	CardRecord,
	ChannelRecord,
	ChatbotDispatchRecord,
	ChatbotRecord,
	ContactRecord,
	CustomFieldRecord,
	DepartmentRecord,
	FileRecord,
	Json,
	LostReasonRecord,
	MembershipRecord,
	MessageRecord,
	MessageStatus,
	OtpRecord,
	PanelRecord,
	PortfolioRecord,
	ScheduledMessageRecord,
	SequenceRecord,
	SessionRecord,
	StepRecord,
	TagRecord,
	TemplateRecord,
	WebhookEventName,
	WebhookSubscriptionRecord,
} from './records.mts';
import { COMPANY_ID, formatPhone, iso, WINDOW_MS, type WtsState } from './state.mts';

export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventName, string> = {
	SESSION_NEW: 'New session',
	SESSION_UPDATE: 'Session updated',
	SESSION_COMPLETE: 'Session completed',
	MESSAGE_RECEIVED: 'Message received',
	MESSAGE_SENT: 'Message sent',
	MESSAGE_UPDATED: 'Message updated',
	CONTACT_NEW: 'New contact',
	CONTACT_UPDATE: 'Contact updated',
	CONTACT_TAG_UPDATE: 'Contact tags updated',
	PAYMENT_NEW: 'New payment',
	PAYMENT_UPDATE: 'Payment updated',
	PANEL_CARD_NEW: 'New card',
	PANEL_CARD_UPDATE: 'Card updated',
	PANEL_CARD_STEP_CHANGE: 'Card moved to another step',
	PANEL_CARD_NOTE_NEW: 'New card note',
	PANEL_CARD_NOTE_UPDATE: 'Card note updated',
};

const CHANNEL_TYPE_UPPER: Record<ChannelRecord['type'], string> = {
	GupShup_WhatsApp: 'GUPSHUP_WHATSAPP',
	Dialog360_WhatsApp: 'DIALOG360_WHATSAPP',
	CloudAPI_WhatsApp: 'CLOUDAPI_WHATSAPP',
	ZAPI_WhatsApp: 'ZAPI_WHATSAPP',
	EvolutionApi_WhatsApp: 'EVOLUTIONAPI_WHATSAPP',
	Instagram: 'INSTAGRAM',
	Messenger: 'MESSENGER',
};

export function isWhatsApp(channel: ChannelRecord): boolean {
	return channel.type.endsWith('_WhatsApp');
}

/** Live status of an outgoing message: in flight for one `statusDelayMs`, then SENT, then DELIVERED (or FAILED). */
export function messageStatus(
	message: MessageRecord,
	statusDelayMs: number,
	now = Date.now(),
): MessageStatus {
	if (message.deletedAt !== null) return 'DELETED';
	if (message.settledStatus !== null) return message.settledStatus;
	const age = now - message.acceptedAtMs;
	if (age < statusDelayMs) return message.initialStatus;
	if (message.failedReason !== null) return 'FAILED';
	return age < 2 * statusDelayMs ? 'SENT' : 'DELIVERED';
}

export function windowStatus(
	session: SessionRecord,
	now = Date.now(),
): 'ACTIVE' | 'EXPIRED' | 'NOT_STARTED' {
	if (session.lastMessageIn === null) return 'NOT_STARTED';
	return now - Date.parse(session.lastMessageIn) < WINDOW_MS ? 'ACTIVE' : 'EXPIRED';
}

export function toContact(
	state: WtsState,
	contact: ContactRecord,
	details: readonly unknown[] = [],
): Json {
	const dto: Json = {
		id: contact.id,
		createdAt: contact.createdAt,
		updatedAt: contact.updatedAt,
		companyId: COMPANY_ID,
		name: contact.name,
		nameWhatsapp: contact.phoneNumber ? contact.name : null,
		nameInstagram: contact.instagram ? contact.name : null,
		nameMessenger: null,
		phoneNumber: contact.phoneNumber,
		phoneNumberFormatted: formatPhone(contact.phoneNumber),
		email: contact.email,
		instagram: contact.instagram,
		messengerId: null,
		annotation: contact.annotation,
		tagIds: contact.tagIds,
		status: contact.status,
		origin: contact.origin,
		importedAt: contact.origin === 'IMPORTED' ? contact.createdAt : null,
		utm: contact.utm,
		portfolioIds: contact.portfolioIds,
		metadata: contact.metadata,
		pictureUrl: contact.pictureUrl,
	};
	if (details.includes('Tags'))
		dto.tagNames = contact.tagIds.map((id) => state.tags.get(id)?.name ?? '');
	if (details.includes('CustomFields')) dto.customFields = contact.customFields;
	if (details.includes('Portfolios'))
		dto.portfolioNames = contact.portfolioIds.map((id) => state.portfolios.get(id)?.name ?? '');
	return dto;
}

export function toTag(tag: TagRecord): Json {
	return {
		id: tag.id,
		createdAt: tag.createdAt,
		updatedAt: tag.updatedAt,
		name: tag.name,
		color: tag.color,
	};
}

/** Flat list, or GROUP fields with their children nested (`NestedList=true`). */
export function toCustomFields(fields: CustomFieldRecord[], nested: boolean): Json[] {
	const dto = (field: CustomFieldRecord): Json => ({
		id: field.id,
		createdAt: field.createdAt,
		updatedAt: field.updatedAt,
		parentId: field.parentId,
		type: field.type,
		entityType: field.entityType,
		scopeId: field.scopeId,
		companyId: COMPANY_ID,
		name: field.name,
		key: field.key,
		position: field.position,
		required: field.required,
		visible: true,
		isValueRange: false,
		options: field.options,
	});
	if (!nested) return fields.map(dto);
	return fields
		.filter((f) => f.parentId === null)
		.map((f) => ({
			...dto(f),
			children: fields.filter((child) => child.parentId === f.id).map(dto),
		}));
}

export function toAgent(agent: AgentRecord): Json {
	return {
		id: agent.id,
		createdAt: agent.createdAt,
		updatedAt: agent.updatedAt,
		companyId: COMPANY_ID,
		userId: agent.id,
		name: agent.name,
		shortName: agent.shortName,
		email: agent.email,
		phoneNumber: agent.phoneNumber,
		phoneNumberFormatted: formatPhone(agent.phoneNumber),
		profile: agent.profile,
		isOwner: agent.isOwner,
		departments: agent.departments.map((d) => ({ agentId: agent.id, userId: agent.id, ...d })),
		availability: agent.availability,
	};
}

export function toDepartment(
	state: WtsState,
	department: DepartmentRecord,
	details: readonly unknown[] = ['All'],
): Json {
	const all = details.includes('All');
	const dto: Json = {
		id: department.id,
		companyId: COMPANY_ID,
		createdAt: department.createdAt,
		updatedAt: department.updatedAt,
		directLinks: {},
		name: department.name,
		description: department.description,
		isDefault: department.isDefault,
		// The contract spells the response field `distribuitionEnabled` (sic) while requests use `distributionIsEnabled`.
		distribuitionEnabled: department.distributionEnabled,
		restrictionType: department.restrictionType,
		distributionConfig: department.distributionConfig,
		isPrivate: department.isPrivate,
	};
	if (all || details.includes('Agents')) {
		dto.agents = [...state.agents.values()].flatMap((agent) =>
			agent.departments
				.filter((m) => m.departmentId === department.id)
				.map((m) => ({
					userId: agent.id,
					departmentId: department.id,
					isAgent: m.isAgent,
					isSupervisor: m.isSupervisor,
				})),
		);
	}
	if (all || details.includes('Channels')) {
		dto.channels = departmentChannelIds(state, department).map((id) => {
			const channel = state.channel(id);
			return {
				id,
				number: channel.number ?? channel.identity.humanId ?? '',
				name: channel.identity.displayName ?? '',
				type: channel.type,
			};
		});
	}
	return dto;
}

export function departmentChannelIds(state: WtsState, department: DepartmentRecord): string[] {
	const config = department.channelsConfig;
	if (config.scope === 'ALL') return [...state.channels.keys()];
	return config.scope === 'NONE' ? [] : config.channels.filter((id) => state.channels.has(id));
}

export function toPortfolio(
	state: WtsState,
	portfolio: PortfolioRecord,
	details: readonly unknown[],
): Json {
	const dto: Json = {
		id: portfolio.id,
		createdAt: portfolio.createdAt,
		updatedAt: portfolio.updatedAt,
		active: portfolio.active,
		companyId: COMPANY_ID,
		name: portfolio.name,
		automaticAttribution: portfolio.automaticAttribution,
		expirationDurationInMonths: portfolio.expirationDurationInMonths,
		type: portfolio.type,
	};
	if (details.includes('ContactCount'))
		dto.contactsCount = [...state.portfolioContacts.values()].filter(
			(m) => m.groupId === portfolio.id,
		).length;
	if (details.includes('Departments')) dto.departments = portfolio.departments;
	return dto;
}

export function toPortfolioContact(state: WtsState, membership: MembershipRecord): Json {
	const contact = state.contacts.get(membership.contactId);
	return {
		id: membership.id,
		createdAt: membership.createdAt,
		updatedAt: membership.updatedAt,
		active: true,
		companyId: COMPANY_ID,
		portfolioId: membership.groupId,
		contactId: membership.contactId,
		contactDetails: contact
			? {
					id: contact.id,
					name: contact.name,
					phonenumber: contact.phoneNumber,
					phonenumberFormatted: formatPhone(contact.phoneNumber),
					instagram: contact.instagram,
					nameMessenger: null,
					email: contact.email,
					annotation: contact.annotation,
				}
			: null,
	};
}

export function toSequence(
	state: WtsState,
	sequence: SequenceRecord,
	details: readonly unknown[],
): Json {
	const dto: Json = {
		id: sequence.id,
		createdAt: sequence.createdAt,
		updatedAt: sequence.updatedAt,
		active: sequence.active,
		name: sequence.name,
		enabled: sequence.enabled,
	};
	if (details.includes('ContactExecutingCount'))
		dto.contactExecutingCount = [...state.sequenceContacts.values()].filter(
			(m) => m.groupId === sequence.id,
		).length;
	if (details.includes('ExecutionStats'))
		dto.executionStats = { executing: dto.contactExecutingCount ?? null, completed: 0 };
	return dto;
}

export function toSequenceContact(
	state: WtsState,
	membership: MembershipRecord,
	withDetails: boolean,
): Json {
	const contact = state.contacts.get(membership.contactId);
	return {
		id: membership.id,
		active: true,
		sequenceId: membership.groupId,
		contactId: membership.contactId,
		contactName: contact?.name ?? null,
		origin: membership.origin,
		addedByUserId: null,
		addedByChatbotId: null,
		lastAddedAt: membership.updatedAt,
		contactDetails: withDetails && contact ? toContact(state, contact) : null,
	};
}

export function templateVariables(template: TemplateRecord): string[] {
	return [...new Set([...(template.text ?? '').matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]))];
}

export function toTemplate(
	state: WtsState,
	template: TemplateRecord,
	details: readonly unknown[],
): Json {
	const channel = state.channels.get(template.channelId);
	const dto: Json = {
		id: template.id,
		active: template.active,
		archived: template.archived,
		channelId: template.channelId,
		name: template.name,
		text: template.text,
		footerText: template.footerText,
		status: template.status,
		channelType: channel?.type ?? null,
		type: template.type,
		internalName: template.internalName,
		fileType: template.fileType,
		quickReplyAlias: null,
		rejectedDescription: template.rejectedDescription,
		categoryId: null,
		categoryName: template.categoryName,
	};
	if (details.includes('All') || details.includes('Params'))
		dto.params = templateVariables(template).map((name) => ({ name, templateId: template.id }));
	return dto;
}

export function toChannel(channel: ChannelRecord): Json {
	return { ...channel, identity: { ...channel.identity } };
}

export function toChatbot(chatbot: ChatbotRecord): Json {
	return {
		id: chatbot.id,
		key: chatbot.key,
		name: chatbot.name,
		type: chatbot.type,
		channelIds: chatbot.channelIds,
		defaultDepartmentId: chatbot.defaultDepartmentId,
		publishStatus: chatbot.publishStatus,
		automationUsage: chatbot.automationUsage,
		archived: chatbot.archived,
	};
}

export function toSession(
	state: WtsState,
	session: SessionRecord,
	details: readonly unknown[] = [],
): Json {
	const channel = state.channels.get(session.channelId);
	const dto: Json = {
		id: session.id,
		createdAt: session.createdAt,
		updatedAt: session.updatedAt,
		startAt: session.startAt,
		endAt: session.endAt,
		status: session.status,
		companyId: COMPANY_ID,
		contactId: session.contactId,
		channelId: session.channelId,
		departmentId: session.departmentId,
		userId: session.userId,
		number: session.number,
		utm: session.utm,
		origin: session.origin,
		classification: session.classification,
		statusDescription: null,
		timeService:
			session.endAt && session.startAt
				? Math.round((Date.parse(session.endAt) - Date.parse(session.startAt)) / 1000)
				: 0,
		timeWait: 0,
		firstResponseAt: session.lastMessageOut,
		botId: session.botId,
		unreadCount: 0,
		lastMessageText: session.lastMessageText,
		lastInteractionDate: session.lastInteractionDate,
		lastMessageOut: session.lastMessageOut,
		lastMessageIn: session.lastMessageIn,
		windowStatus: windowStatus(session),
		metadata: session.metadata,
		channelType: channel ? CHANNEL_TYPE_UPPER[channel.type] : 'CLOUDAPI_WHATSAPP',
		type: session.type,
	};
	const contact = state.contacts.get(session.contactId);
	if (details.includes('ContactDetails') && contact)
		dto.contactDetails = toContact(state, contact, ['Tags']);
	const agent = session.userId ? state.agents.get(session.userId) : undefined;
	if (details.includes('AgentDetails'))
		dto.agentDetails = agent ? { id: agent.id, name: agent.name, email: agent.email } : null;
	const department = session.departmentId ? state.departments.get(session.departmentId) : undefined;
	if (details.includes('DepartmentsDetails'))
		dto.departmentDetails = department ? { id: department.id, name: department.name } : null;
	if ((details.includes('ChannelDetails') || details.includes('ChannelTypeDetails')) && channel)
		dto.channelDetails = { ...channel.identity };
	return dto;
}

export function toMessage(state: WtsState, message: MessageRecord): Json {
	const file = message.fileId ? state.files.get(message.fileId) : undefined;
	const status = messageStatus(message, state.statusDelayMs);
	return {
		id: message.id,
		createdAt: message.createdAt,
		updatedAt: message.updatedAt,
		timestamp: message.createdAt,
		type: message.type,
		senderId: message.senderId,
		sessionId: message.sessionId,
		templateId: message.templateId,
		userId: message.userId,
		direction: message.direction,
		status,
		origin: message.origin,
		text: message.text,
		fileId: message.fileId,
		refId: message.refId,
		readContactAt: status === 'READ' ? message.updatedAt : null,
		active: message.deletedAt === null,
		editedAt: null,
		waitingOptIn: false,
		details: file ? { file: toFile(state, file) } : null,
		failedReason: status === 'FAILED' ? message.failedReason : null,
		filesIds: message.filesIds,
	};
}

/** Answer of async sends (classic and session message). */
export function toQuickMessage(state: WtsState, message: MessageRecord, baseUrl: string): Json {
	const status = messageStatus(message, state.statusDelayMs);
	return {
		id: message.id,
		createdAt: message.createdAt,
		updatedAt: message.updatedAt,
		sessionId: message.sessionId,
		senderId: message.senderId,
		status,
		statusUrl: `${baseUrl}/chat/v1/message/${message.id}/status`,
		failureReason: status === 'FAILED' ? message.failedReason : null,
	};
}

export function toMessageStatus(state: WtsState, message: MessageRecord): Json {
	const status = messageStatus(message, state.statusDelayMs);
	return {
		id: message.id,
		createdAt: message.createdAt,
		updatedAt: message.updatedAt,
		sessionId: message.sessionId,
		status,
		failureReason: status === 'FAILED' ? message.failedReason : null,
	};
}

/** Answer of the `/chat/v1/send/*` family, for messages and chatbot dispatches. */
export function toSendResult(
	state: WtsState,
	sent: MessageRecord | ChatbotDispatchRecord,
	baseUrl: string,
): Json {
	const isMessage = 'direction' in sent;
	const status: MessageStatus = isMessage
		? messageStatus(sent, state.statusDelayMs)
		: Date.now() - sent.acceptedAtMs < state.statusDelayMs
			? 'QUEUED'
			: sent.failedReason !== null
				? 'FAILED'
				: 'SENT';
	return {
		id: sent.id,
		createdAt: sent.createdAt,
		updatedAt: sent.updatedAt,
		companyId: COMPANY_ID,
		sessionId: sent.sessionId,
		status,
		senderId: sent.senderId,
		statusUrl: `${baseUrl}/chat/v1/send/${isMessage ? 'message' : 'chatbot'}/${sent.id}`,
		sentAt:
			status === 'SENT' || status === 'DELIVERED'
				? iso(sent.acceptedAtMs + state.statusDelayMs)
				: null,
		failedReason: status === 'FAILED' ? sent.failedReason : null,
		callbackUrl: sent.callbackUrl,
		waitReply: false,
	};
}

export function toOtp(state: WtsState, otp: OtpRecord, baseUrl: string, statusPath: string): Json {
	const sent = Date.now() - otp.acceptedAtMs >= state.statusDelayMs;
	return {
		id: otp.id,
		createdAt: otp.createdAt,
		updatedAt: otp.updatedAt,
		code: otp.code,
		status: sent ? 'SENT' : 'PENDING',
		from: otp.from,
		templateId: otp.templateId,
		companyId: COMPANY_ID,
		senderId: otp.senderId,
		channelId: otp.channelId,
		sentAt: sent ? iso(otp.acceptedAtMs + state.statusDelayMs) : null,
		receivedAt: null,
		contactPhoneNumber: otp.contactPhoneNumber,
		failedReason: null,
		callbackUrl: otp.callbackUrl,
		statusUrl: `${baseUrl}${statusPath}/${otp.id}`,
	};
}

export function scheduledStatus(record: ScheduledMessageRecord): 'SCHEDULED' | 'SENT' | 'CANCELED' {
	if (record.status === 'CANCELED') return 'CANCELED';
	return Date.parse(record.scheduling) <= Date.now() ? 'SENT' : 'SCHEDULED';
}

export function toScheduledMessage(
	state: WtsState,
	record: ScheduledMessageRecord,
	details: readonly unknown[] = [],
): Json {
	const dto: Json = {
		id: record.id,
		createdAt: record.createdAt,
		updatedAt: record.updatedAt,
		active: record.status !== 'CANCELED',
		companyId: COMPANY_ID,
		sessionId: record.sessionId,
		contactId: record.contactId,
		userId: record.userId,
		channelId: record.channelId,
		departmentId: record.departmentId,
		status: scheduledStatus(record),
		type: record.type,
		templateId: record.templateId,
		botId: record.botId,
		scheduling: record.scheduling,
		hiddenSession: record.hiddenSession,
		failureReason: null,
	};
	const contact = state.contacts.get(record.contactId);
	if (details.includes('Contact') && contact) {
		dto.contact = {
			id: contact.id,
			name: contact.name,
			phonenumberFormatted: formatPhone(contact.phoneNumber),
			instagram: contact.instagram,
			pictureUrl: contact.pictureUrl,
		};
	}
	const channel = state.channels.get(record.channelId);
	if (details.includes('Channel') && channel)
		dto.channel = { id: channel.id, humanId: channel.identity.humanId ?? '', type: channel.type };
	const user = record.userId ? state.agents.get(record.userId) : undefined;
	if (details.includes('User')) dto.user = user ? { id: user.id, name: user.name } : null;
	const department = record.departmentId ? state.departments.get(record.departmentId) : undefined;
	if (details.includes('Department'))
		dto.department = department ? { id: department.id, name: department.name } : null;
	const template = record.templateId ? state.templates.get(record.templateId) : undefined;
	if (details.includes('Template')) {
		const file = record.templateParams?.fileId
			? state.files.get(record.templateParams.fileId)
			: undefined;
		dto.template = template
			? {
					id: template.id,
					name: template.name,
					templateParams: {
						parameters: record.templateParams?.parameters ?? null,
						file: file ? toFile(state, file) : null,
					},
				}
			: null;
	}
	const chatbot = record.botId ? state.chatbots.get(record.botId) : undefined;
	if (details.includes('Chatbot'))
		dto.chatbot = chatbot ? { id: chatbot.id, botId: chatbot.id, name: chatbot.name } : null;
	return dto;
}

export function toStep(state: WtsState, step: StepRecord, details: readonly unknown[]): Json {
	const dto: Json = {
		id: step.id,
		createdAt: step.createdAt,
		updatedAt: step.updatedAt,
		companyId: COMPANY_ID,
		panelId: step.panelId,
		title: step.title,
		archived: step.archived,
		position: step.position,
		isInitial: step.isInitial,
		isFinal: step.isFinal,
	};
	const cards = () => [...state.cards.values()].filter((c) => c.stepId === step.id && !c.archived);
	if (details.includes('StepsCardCount') || details.includes('Cards')) {
		dto.cardCount = cards().length;
		dto.overdueCardCount = cards().filter(isOverdue).length;
		dto.monetaryAmount = cards().reduce((sum, c) => sum + (c.monetaryAmount ?? 0), 0);
	}
	if (details.includes('StepsFields')) {
		dto.fields = ['Title', 'Description', 'MonetaryAmount', 'DueDate'].map((key, position) => ({
			key,
			type: 'DEFAULT_FIELD',
			position,
			visible: true,
		}));
	}
	if (details.includes('Cards')) {
		const items = cards().map((c) => toCard(state, c, []));
		dto.cards = {
			pageNumber: 1,
			pageSize: items.length,
			orderBy: null,
			orderDirection: null,
			items,
			totalItems: items.length,
			totalPages: 1,
			hasMorePages: false,
		};
	}
	return dto;
}

function isOverdue(card: CardRecord): boolean {
	return card.dueDate !== null && card.status === 'OPEN' && Date.parse(card.dueDate) < Date.now();
}

export function toPanel(state: WtsState, panel: PanelRecord, details: readonly unknown[]): Json {
	const steps = [...state.steps.values()]
		.filter((s) => s.panelId === panel.id)
		.sort((a, b) => a.position - b.position);
	const dto: Json = {
		id: panel.id,
		createdAt: panel.createdAt,
		updatedAt: panel.updatedAt,
		companyId: COMPANY_ID,
		title: panel.title,
		description: panel.description,
		archived: panel.archived,
		scope: panel.scope,
		departmentIds: panel.departmentIds,
		userId: panel.userId,
		thumbnailId: null,
		thumbnailFile: null,
		key: panel.key,
		stepTitles: steps.map((s) => s.title),
		type: panel.type,
		autoLossDays: panel.autoLossDays,
	};
	if (details.includes('PanelCardOverdueCount'))
		dto.overdueCardCount = [...state.cards.values()].filter(
			(c) => c.panelId === panel.id && isOverdue(c),
		).length;
	if (details.includes('Tags'))
		dto.tags = [...state.panelTags.values()]
			.filter((t) => t.panelId === panel.id)
			.map((t) => ({ ...t, companyId: COMPANY_ID }));
	if (
		details.some(
			(d) => d === 'Steps' || d === 'StepsFields' || d === 'StepsCardCount' || d === 'Cards',
		)
	)
		dto.steps = steps.map((s) => toStep(state, s, details));
	return dto;
}

export function toLostReason(reason: LostReasonRecord): Json {
	return { ...reason, companyId: COMPANY_ID };
}

export function toCard(state: WtsState, card: CardRecord, details: readonly unknown[]): Json {
	const step = state.steps.get(card.stepId);
	const dto: Json = {
		id: card.id,
		createdAt: card.createdAt,
		updatedAt: card.updatedAt,
		companyId: COMPANY_ID,
		panelId: card.panelId,
		stepId: card.stepId,
		position: card.position,
		key: card.key,
		number: card.number,
		title: card.title,
		description: card.description,
		dueDate: card.dueDate,
		isOverdue: isOverdue(card),
		tagIds: card.tagIds,
		sessionId: card.sessionId,
		monetaryAmount: card.monetaryAmount,
		responsibleUserId: card.responsibleUserId,
		contactIds: card.contactIds,
		metadata: card.metadata,
		status: card.status,
		archived: card.archived,
	};
	if (details.includes('PanelTitle'))
		dto.panelTitle = state.panels.get(card.panelId)?.title ?? null;
	if (details.includes('StepTitle')) dto.stepTitle = step?.title ?? null;
	if (details.includes('StepPhase'))
		dto.stepPhase = step?.isInitial ? 'INITIAL' : step?.isFinal ? 'FINAL' : 'NONE';
	if (details.includes('ResponsibleUser')) {
		const user = card.responsibleUserId ? state.agents.get(card.responsibleUserId) : undefined;
		dto.responsibleUser = user ? { id: user.id, name: user.name } : null;
	}
	if (details.includes('Contacts'))
		dto.contacts = card.contactIds.map((id) => ({
			id,
			name: state.contacts.get(id)?.name ?? null,
		}));
	if (details.includes('CustomFields')) dto.customFields = card.customFields;
	if (details.includes('LostReason')) {
		const reason = card.lostReasonId ? state.lostReasons.get(card.lostReasonId) : undefined;
		dto.lostReason = reason ? { id: reason.id, name: reason.name } : null;
	}
	return dto;
}

export function toCardNote(note: CardNoteRecord): Json {
	return {
		id: note.id,
		panelId: note.panelId,
		cardId: note.cardId,
		userId: note.userId,
		text: note.text,
		files: [],
		isFromPublicApi: note.isFromPublicApi,
		createdAt: note.createdAt,
		updatedAt: note.updatedAt,
	};
}

export function toSubscription(subscription: WebhookSubscriptionRecord): Json {
	return {
		id: subscription.id,
		createdAt: subscription.createdAt,
		updatedAt: subscription.updatedAt,
		companyId: COMPANY_ID,
		name: subscription.name,
		url: subscription.url,
		enabled: subscription.enabled,
		events: subscription.events.map((event) => ({
			event,
			description: WEBHOOK_EVENT_DESCRIPTIONS[event],
		})),
	};
}

export function toFile(state: WtsState, file: FileRecord): Json {
	const url = `${state.publicBaseUrl}/__files/${file.id}/${encodeURIComponent(file.name)}`;
	return {
		id: file.id,
		companyId: COMPANY_ID,
		userId: file.userId,
		name: file.name,
		extension: file.extension,
		mimeType: file.mimeType,
		type: file.type,
		publicUrl: url,
		publicUrlDownload: `${url}?download=1`,
		size: file.size,
		isThumbnail: false,
		thumbnail: null,
		key: file.key,
	};
}
