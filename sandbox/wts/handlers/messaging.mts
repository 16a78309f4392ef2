// Messages: the classic send (+sync), the /chat/v1/send/* family, chatbots, OTP, typing,
// and reading/deleting messages.
import type { OperationRequest } from '../../core/http-server.mts';
import {
	toMessage,
	toMessageStatus,
	toOtp,
	toQuickMessage,
	toSendResult,
	toSession,
} from '../dto.mts';
import {
	bodyOf,
	CREATED_UPDATED,
	dateFilter,
	ok,
	page,
	pathParam,
	queryString,
	type WtsContext,
	type WtsHandler,
	type WtsHandlers,
} from '../handler-kit.mts';
import {
	byIdOrSender,
	checkFileRef,
	checkTemplate,
	checkTemplateUsable,
	findTemplate,
	openSession,
	recordOutgoing,
	resolveChannel,
	resolveDepartment,
	resolveRecipient,
	resolveUser,
	type DepartmentRef,
	type TemplateParameters,
	type UserRef,
} from '../outbound.mts';
import type {
	ChatbotDispatchRecord,
	ChatbotRecord,
	Json,
	MessageRecord,
	OtpRecord,
	SessionRecord,
} from '../records.mts';
import { badRequest, canonicalPhone, type WtsState } from '../state.mts';

/** Body of the classic send and of session messages. */
export interface QuickSendBody {
	text?: string | null;
	templateId?: string | null;
	parameters?: TemplateParameters | null;
	fileUrl?: string | null;
	fileId?: string | null;
	refId?: string | null;
}
interface ClassicSendBody {
	from?: string | null;
	to: string;
	botKey?: string | null;
	body: QuickSendBody;
	department?: DepartmentRef | null;
	user?: UserRef | null;
	options?: {
		enableBot?: boolean | null;
		hiddenSession?: boolean | null;
		forceStartSession?: boolean | null;
	} | null;
}
interface SendOptions {
	hiddenSession?: boolean | null;
	forceStartSession?: boolean | null;
	user?: UserRef | null;
	department?: DepartmentRef | null;
}
interface SendBase {
	to?: string | null;
	from?: string | null;
	sessionId?: string | null;
	refId?: string | null;
	callbackUrl?: string | null;
	senderId?: string | null;
	options?: SendOptions | null;
}
interface SendContentBody extends SendBase {
	text?: string | null;
	fileIdOrUrl?: string;
}
interface TemplateRecipient {
	to: string;
	parameters?: TemplateParameters | null;
	fileIdOrUrl?: string | null;
	callbackUrl?: string | null;
	senderId?: string | null;
	sessionMetadata?: Json | null;
}
interface SendTemplateBody extends TemplateRecipient {
	from: string;
	templateId: string;
	sessionId?: string | null;
	options?: SendOptions | null;
}
interface ChatbotTarget {
	to?: string | null;
	sessionId?: string | null;
	sessionMetadata?: Json | null;
	contactMetadata?: Json | null;
	senderId?: string | null;
	callbackUrl?: string | null;
}
interface SendChatbotBody extends ChatbotTarget {
	botKey?: string | null;
	botId?: string | null;
	from?: string | null;
	options?: { hiddenSession?: boolean | null; forceStartSession?: boolean | null } | null;
}
interface SendOtpBody {
	code?: string | null;
	templateId?: string | null;
	from: string;
	to: string;
	callbackUrl?: string | null;
	senderId?: string | null;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The session a send-family request targets: `sessionId`, or `to` (+ `from`). */
function targetSession(state: WtsState, body: SendBase): SessionRecord {
	if (body.sessionId) return state.session(body.sessionId);
	if (!body.to) throw badRequest('RECIPIENT_REQUIRED', 'Send either to or sessionId');
	const channel = resolveChannel(state, body.from, body.to);
	const contact = resolveRecipient(state, body.to, channel);
	return openSession(state, contact, channel, {
		userId: resolveUser(state, body.options?.user),
		departmentId: resolveDepartment(state, body.options?.department),
		hidden: body.options?.hiddenSession,
		forceStart: body.options?.forceStartSession,
	});
}

/** A QuickSendBody (classic send, session messages) sent into `session`. */
export function sendQuickBody(
	state: WtsState,
	session: SessionRecord,
	body: QuickSendBody,
	extra: { userId?: string | null },
): MessageRecord {
	const channel = state.channel(session.channelId);
	if (body.templateId) {
		const template = findTemplate(state, body.templateId, channel);
		const text = checkTemplate(template, channel, body.parameters, body.fileId ?? body.fileUrl);
		return recordOutgoing(state, session, {
			type: 'TEMPLATE',
			text,
			templateId: template.id,
			fileId: checkFileRef(state, body.fileId),
			refId: body.refId,
			userId: extra.userId,
			initialStatus: 'PROCESSING',
		});
	}
	const fileId = checkFileRef(state, body.fileId ?? body.fileUrl);
	const file = fileId ? state.file(fileId) : undefined;
	const type = file
		? file.type === 'IMAGE' || file.type === 'AUDIO' || file.type === 'VIDEO'
			? file.type
			: 'DOCUMENT'
		: body.fileUrl
			? 'DOCUMENT'
			: 'TEXT';
	return recordOutgoing(state, session, {
		type,
		text: body.text,
		fileId,
		refId: body.refId,
		userId: extra.userId,
		initialStatus: 'PROCESSING',
	});
}

function classicSend(request: OperationRequest, state: WtsState): MessageRecord {
	const body = bodyOf<ClassicSendBody>(request);
	const channel = resolveChannel(state, body.from, body.to);
	const contact = resolveRecipient(state, body.to, channel);
	const userId = resolveUser(state, body.user);
	const session = openSession(state, contact, channel, {
		userId,
		departmentId: resolveDepartment(state, body.department),
		hidden: body.options?.hiddenSession,
		forceStart: body.options?.forceStartSession,
	});
	if (body.botKey)
		state.sessions.set(session.id, {
			...state.session(session.id),
			botId: chatbotByKey(state, body.botKey, channel.id).id,
		});
	return sendQuickBody(state, state.session(session.id), body.body, { userId });
}

function contentSend(type: string): WtsHandler {
	return (request, { state }) => {
		const body = bodyOf<SendContentBody>(request);
		const session = targetSession(state, body);
		const fileId = checkFileRef(state, body.fileIdOrUrl);
		const message = recordOutgoing(state, session, {
			type,
			text: body.text,
			fileId,
			refId: body.refId,
			senderId: body.senderId,
			callbackUrl: body.callbackUrl,
			userId: resolveUser(state, body.options?.user),
			initialStatus: 'QUEUED',
		});
		return ok(toSendResult(state, message, request.baseUrl));
	};
}

function sendTemplateTo(
	state: WtsState,
	from: string,
	templateId: string,
	recipient: TemplateRecipient,
	options: SendOptions | null | undefined,
	sessionId: string | null | undefined,
): MessageRecord {
	const session = targetSession(state, { to: recipient.to, from, sessionId, options });
	const channel = state.channel(session.channelId);
	const template = findTemplate(state, templateId, channel);
	const text = checkTemplate(template, channel, recipient.parameters, recipient.fileIdOrUrl);
	if (recipient.sessionMetadata)
		state.sessions.set(session.id, {
			...state.session(session.id),
			metadata: { ...session.metadata, ...recipient.sessionMetadata },
		});
	return recordOutgoing(state, state.session(session.id), {
		type: 'TEMPLATE',
		text,
		templateId: template.id,
		fileId: checkFileRef(state, recipient.fileIdOrUrl),
		senderId: recipient.senderId,
		callbackUrl: recipient.callbackUrl,
		initialStatus: 'QUEUED',
	});
}

/** The contract leaves botKey optional on single sends, but a chatbot cannot start without it. */
function requiredBotKey(body: SendChatbotBody): string {
	// The legacy node sends botId (and `sessionMetada`); the API only knows botKey.
	if (!body.botKey)
		throw badRequest(
			'VALIDATION',
			`botKey is required (Chatbot.key)${body.botId ? '; botId is not accepted' : ''}`,
		);
	return body.botKey;
}

/** Chatbots are addressed by `key`, not `id`. */
function chatbotByKey(state: WtsState, key: string, channelId: string | null): ChatbotRecord {
	const chatbot = [...state.chatbots.values()].find((c) => c.key === key);
	if (chatbot === undefined) {
		const byId = state.chatbots.get(key);
		throw badRequest(
			'CHATBOT_NOT_FOUND',
			`No chatbot with key ${key}${byId ? ` (that is the id of "${byId.name}"; send its key)` : ''}`,
		);
	}
	if (chatbot.archived || chatbot.publishStatus !== 'Ready')
		throw badRequest(
			'CHATBOT_NOT_PUBLISHED',
			`Chatbot ${chatbot.name} is ${chatbot.archived ? 'archived' : chatbot.publishStatus}`,
		);
	if (channelId !== null && !chatbot.channelIds.includes(channelId))
		throw badRequest(
			'CHATBOT_CHANNEL_MISMATCH',
			`Chatbot ${chatbot.name} does not run on channel ${channelId}`,
		);
	return chatbot;
}

/** Starts a chatbot in the target's session; metadata is merged into the session and the contact. */
function startChatbot(
	state: WtsState,
	botKey: string,
	from: string | null | undefined,
	target: ChatbotTarget,
	options: SendChatbotBody['options'],
): SessionRecord {
	if (!target.to && !target.sessionId)
		throw badRequest('RECIPIENT_REQUIRED', 'Send either to or sessionId');
	const session = targetSession(state, {
		to: target.to,
		from,
		sessionId: target.sessionId,
		options: {
			hiddenSession: options?.hiddenSession,
			forceStartSession: options?.forceStartSession,
		},
	});
	const chatbot = chatbotByKey(state, botKey, session.channelId);
	const contact = state.contact(session.contactId);
	if (target.contactMetadata)
		state.saveContact({
			...contact,
			metadata: { ...contact.metadata, ...target.contactMetadata },
			updatedAt: state.nowIso(),
		});
	const next: SessionRecord = {
		...session,
		botId: chatbot.id,
		metadata: target.sessionMetadata
			? { ...session.metadata, ...target.sessionMetadata }
			: session.metadata,
		updatedAt: state.nowIso(),
	};
	state.sessions.set(next.id, next);
	return next;
}

function dispatchChatbot(
	state: WtsState,
	botKey: string,
	from: string | null | undefined,
	target: ChatbotTarget,
	options: SendChatbotBody['options'],
): ChatbotDispatchRecord {
	const session = startChatbot(state, botKey, from, target, options);
	const now = state.nowIso();
	const dispatch: ChatbotDispatchRecord = {
		id: state.nextId(),
		createdAt: now,
		updatedAt: now,
		chatbotId: session.botId ?? '',
		sessionId: session.id,
		senderId: target.senderId ?? null,
		callbackUrl: target.callbackUrl ?? null,
		acceptedAtMs: Date.now(),
		failedReason: null,
	};
	state.chatbotDispatches.set(dispatch.id, dispatch);
	return dispatch;
}

/** Per-recipient failures of a batch become FAILED results instead of failing the whole batch. */
function failedResult(
	state: WtsState,
	senderId: string | null | undefined,
	callbackUrl: string | null | undefined,
	reason: string,
	request: OperationRequest,
): Json {
	const now = state.nowIso();
	const dispatch: ChatbotDispatchRecord = {
		id: state.nextId(),
		createdAt: now,
		updatedAt: now,
		chatbotId: '',
		sessionId: null,
		senderId: senderId ?? null,
		callbackUrl: callbackUrl ?? null,
		acceptedAtMs: 0,
		failedReason: reason,
	};
	state.chatbotDispatches.set(dispatch.id, dispatch);
	return toSendResult(state, dispatch, request.baseUrl);
}

function sendOtp(request: OperationRequest, state: WtsState): OtpRecord {
	const body = bodyOf<SendOtpBody>(request);
	const channel = resolveChannel(state, body.from, body.to);
	const phone = canonicalPhone(body.to);
	if (phone === null)
		throw badRequest('INVALID_RECIPIENT', `to "${body.to}" is not a phone number`);
	let templateId: string | null = null;
	if (body.templateId) {
		const template = findTemplate(state, body.templateId, channel);
		if (!template.type.includes('AUTHENTICATION'))
			throw badRequest(
				'TEMPLATE_NOT_AUTHENTICATION',
				`Template ${template.name} is not an AUTHENTICATION template`,
			);
		checkTemplate(template, channel, { '1': body.code ?? '000000' }, null);
		templateId = template.id;
	}
	const now = state.nowIso();
	const otp: OtpRecord = {
		id: state.nextId(),
		createdAt: now,
		updatedAt: now,
		code: body.code ?? String(100000 + Math.floor(Math.random() * 900000)),
		from: body.from,
		templateId,
		senderId: body.senderId ?? null,
		channelId: channel.id,
		contactPhoneNumber: phone,
		callbackUrl: body.callbackUrl ?? null,
		acceptedAtMs: Date.now(),
	};
	state.otps.set(otp.id, otp);
	return otp;
}

async function afterSync(context: WtsContext): Promise<void> {
	await sleep(context.syncDelayMs);
}

export const messagingHandlers: WtsHandlers = {
	sendMessage: (request, { state }) =>
		ok(toQuickMessage(state, classicSend(request, state), request.baseUrl)),

	sendMessageSync: async (request, context) => {
		const message = classicSend(request, context.state);
		await afterSync(context);
		return ok(toMessage(context.state, message));
	},

	sendSessionMessage: (request, { state }) => {
		const session = state.session(pathParam(request));
		return ok(
			toQuickMessage(
				state,
				sendQuickBody(state, session, bodyOf<QuickSendBody>(request), {}),
				request.baseUrl,
			),
		);
	},

	sendSessionMessageSync: async (request, context) => {
		const session = context.state.session(pathParam(request));
		const message = sendQuickBody(context.state, session, bodyOf<QuickSendBody>(request), {});
		await afterSync(context);
		return ok(toMessage(context.state, message));
	},

	listMessages: (request, { state }) => {
		const session = state.session(queryString(request, 'SessionId') ?? '');
		const inDates = dateFilter(request, CREATED_UPDATED);
		return ok(
			page(
				request,
				[...state.messages.values()].filter(
					(m) => m.sessionId === session.id && !m.isNote && inDates(m),
				),
				(m) => toMessage(state, m),
			),
		);
	},

	getMessage: (request, { state }) => ok(toMessage(state, state.message(pathParam(request)))),

	deleteMessage: (request, { state }) => {
		const message = state.message(pathParam(request));
		const deleted = {
			...message,
			deletedAt: message.deletedAt ?? state.nowIso(),
			updatedAt: state.nowIso(),
		};
		state.messages.set(deleted.id, deleted);
		return ok(toMessage(state, deleted));
	},

	getMessageStatus: (request, { state }) =>
		ok(toMessageStatus(state, state.message(pathParam(request)))),

	sendText: (request, { state }) => {
		const body = bodyOf<SendContentBody>(request);
		const session = targetSession(state, body);
		const message = recordOutgoing(state, session, {
			type: 'TEXT',
			text: body.text,
			refId: body.refId,
			senderId: body.senderId,
			callbackUrl: body.callbackUrl,
			userId: resolveUser(state, body.options?.user),
			initialStatus: 'QUEUED',
		});
		return ok(toSendResult(state, message, request.baseUrl));
	},
	sendImage: contentSend('IMAGE'),
	sendAudio: contentSend('AUDIO'),
	sendVideo: contentSend('VIDEO'),
	sendDocument: contentSend('DOCUMENT'),

	sendTemplate: (request, { state }) => {
		const body = bodyOf<SendTemplateBody>(request);
		return ok(
			toSendResult(
				state,
				sendTemplateTo(state, body.from, body.templateId, body, body.options, body.sessionId),
				request.baseUrl,
			),
		);
	},

	sendTemplateBatch: (request, { state }) => {
		const body = bodyOf<{
			from: string;
			templateId: string;
			options?: SendOptions | null;
			messages: TemplateRecipient[];
		}>(request);
		// Template-level problems (unknown, not approved, wrong channel) reject the whole batch.
		const channel = resolveChannel(state, body.from, body.messages[0].to);
		const template = findTemplate(state, body.templateId, channel);
		checkTemplateUsable(template, channel);
		const results = body.messages.map((recipient) => {
			try {
				return toSendResult(
					state,
					sendTemplateTo(state, body.from, template.id, recipient, body.options, null),
					request.baseUrl,
				);
			} catch (error) {
				return failedResult(
					state,
					recipient.senderId,
					recipient.callbackUrl,
					(error as Error).message,
					request,
				);
			}
		});
		return ok({ results });
	},

	sendChatbot: (request, { state }) => {
		const body = bodyOf<SendChatbotBody>(request);
		return ok(
			toSession(state, startChatbot(state, requiredBotKey(body), body.from, body, body.options)),
		);
	},

	sendChatbotQueued: (request, { state }) => {
		const body = bodyOf<SendChatbotBody>(request);
		return ok(
			toSendResult(
				state,
				dispatchChatbot(state, requiredBotKey(body), body.from, body, body.options),
				request.baseUrl,
			),
		);
	},

	sendChatbotBatch: (request, { state }) => {
		const body = bodyOf<{
			botKey: string;
			from?: string | null;
			options?: SendChatbotBody['options'];
			messages: ChatbotTarget[];
		}>(request);
		chatbotByKey(state, body.botKey, null);
		const results = body.messages.map((target) => {
			try {
				return toSendResult(
					state,
					dispatchChatbot(state, body.botKey, body.from, target, body.options),
					request.baseUrl,
				);
			} catch (error) {
				return failedResult(
					state,
					target.senderId,
					target.callbackUrl,
					(error as Error).message,
					request,
				);
			}
		});
		return ok({ results });
	},

	getChatbotSendStatus: (request, { state }) =>
		ok(
			toSendResult(
				state,
				byIdOrSender(state.chatbotDispatches, pathParam(request), 'Chatbot dispatch'),
				request.baseUrl,
			),
		),

	getSendMessageStatus: (request, { state }) => {
		const message = byIdOrSender(state.messages, pathParam(request), 'Message');
		return ok(toSendResult(state, message, request.baseUrl));
	},

	sendOtp: (request, { state }) =>
		ok(toOtp(state, sendOtp(request, state), request.baseUrl, '/chat/v1/send/otp')),
	getOtpStatus: (request, { state }) =>
		ok(
			toOtp(
				state,
				byIdOrSender(state.otps, pathParam(request), 'OTP'),
				request.baseUrl,
				'/chat/v1/send/otp',
			),
		),
	sendOtpBroadcastLegacy: (request, { state }) =>
		ok(toOtp(state, sendOtp(request, state), request.baseUrl, '/chat/v1/broadcast/otp')),
	getOtpBroadcastLegacy: (request, { state }) =>
		ok(
			toOtp(
				state,
				byIdOrSender(state.otps, pathParam(request), 'OTP'),
				request.baseUrl,
				'/chat/v1/broadcast/otp',
			),
		),

	sendTyping: (request, { state }) => {
		state.session(bodyOf<{ sessionId: string }>(request).sessionId);
		return ok();
	},
};
