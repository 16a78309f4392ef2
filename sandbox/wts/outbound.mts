// Sending: resolving `from`/`to`, opening sessions, template checks, and recording outgoing messages
// with the WhatsApp 24 h window rule (free-form messages outside the window end FAILED).
import { isWhatsApp, templateVariables, windowStatus } from './dto.mts';
import type {
	ChannelRecord,
	ContactRecord,
	MessageRecord,
	MessageStatus,
	SessionRecord,
	TemplateRecord,
} from './records.mts';
import { badRequest, canonicalPhone, notFound, phoneKey, type WtsState } from './state.mts';

export const WINDOW_CLOSED_REASON =
	'WhatsApp 24h window is closed: start the conversation with an approved template (/chat/v1/send/template)';

export interface UserRef {
	id?: string | null;
	phoneNumber?: string | null;
	email?: string | null;
}
export interface DepartmentRef {
	id?: string | null;
	name?: string | null;
}
export type TemplateParameters = Record<string, string | number | boolean | null>;

/** `from` = channel id, channel number (any spelling) or `@user`; absent = the first active channel that can reach `to`. */
export function resolveChannel(
	state: WtsState,
	from: string | null | undefined,
	to: string | null | undefined,
): ChannelRecord {
	const channels = [...state.channels.values()].filter((c) => c.active);
	if (from) {
		const digits = phoneKey(from);
		const found =
			state.channels.get(from) ??
			channels.find((c) => (c.identity.humanId ?? '').toLowerCase() === from.toLowerCase()) ??
			channels.find((c) => c.number !== null && digits.length > 0 && phoneKey(c.number) === digits);
		if (found === undefined)
			throw badRequest(
				'CHANNEL_NOT_FOUND',
				`from "${from}" is not a channel id, channel number or @user of this account (GET /chat/v1/channel)`,
			);
		return found;
	}
	const wantsInstagram = to?.startsWith('@') ?? false;
	const found = channels.find((c) => (wantsInstagram ? c.type === 'Instagram' : isWhatsApp(c)));
	if (found === undefined)
		throw badRequest('CHANNEL_NOT_FOUND', 'No active channel can reach this recipient');
	return found;
}

/** `to` = phone (`+55|11999999999`) or `@instagramuser`; unknown recipients become contacts. */
export function resolveRecipient(
	state: WtsState,
	to: string,
	channel: ChannelRecord,
): ContactRecord {
	if (to.startsWith('@')) {
		if (channel.type !== 'Instagram')
			throw badRequest(
				'INVALID_RECIPIENT',
				`to "${to}" is an Instagram user but channel ${channel.id} is ${channel.type}`,
			);
		return (
			state.contactByInstagramUser(to) ??
			state.newContact({ instagram: to, origin: 'CREATED_FROM_HUB' })
		);
	}
	const phone = canonicalPhone(to);
	if (phone === null)
		throw badRequest(
			'INVALID_RECIPIENT',
			`to "${to}" is neither a phone number (+55|11999999999) nor an @instagram user`,
		);
	if (!isWhatsApp(channel))
		throw badRequest(
			'INVALID_RECIPIENT',
			`to "${to}" is a phone number but channel ${channel.id} is ${channel.type}`,
		);
	return (
		state.contactByPhoneNumber(phone) ??
		state.newContact({ phoneNumber: phone, origin: 'CREATED_FROM_HUB' })
	);
}

export function resolveUser(state: WtsState, ref: UserRef | null | undefined): string | null {
	if (!ref || (!ref.id && !ref.email && !ref.phoneNumber)) return null;
	const found = [...state.agents.values()].find(
		(a) =>
			a.id === ref.id ||
			(ref.email && a.email?.toLowerCase() === ref.email.toLowerCase()) ||
			(ref.phoneNumber && a.phoneNumber && phoneKey(a.phoneNumber) === phoneKey(ref.phoneNumber)),
	);
	if (found === undefined)
		throw badRequest('USER_NOT_FOUND', `user ${JSON.stringify(ref)} does not exist`);
	return found.id;
}

export function resolveDepartment(
	state: WtsState,
	ref: DepartmentRef | null | undefined,
): string | null {
	if (!ref || (!ref.id && !ref.name)) return null;
	const found = [...state.departments.values()].find(
		(d) => d.id === ref.id || (ref.name && d.name.toLowerCase() === ref.name.toLowerCase()),
	);
	if (found === undefined)
		throw badRequest('DEPARTMENT_NOT_FOUND', `department ${JSON.stringify(ref)} does not exist`);
	return found.id;
}

export interface SessionOptions {
	userId?: string | null;
	departmentId?: string | null;
	hidden?: boolean | null;
	forceStart?: boolean | null;
}

/** The contact's open session on the channel, or a new one. */
export function openSession(
	state: WtsState,
	contact: ContactRecord,
	channel: ChannelRecord,
	options: SessionOptions = {},
): SessionRecord {
	if (!options.forceStart) {
		let latest: SessionRecord | undefined;
		for (const session of state.sessions.values()) {
			if (
				session.contactId === contact.id &&
				session.channelId === channel.id &&
				session.status !== 'COMPLETED' &&
				(!latest || session.createdAt > latest.createdAt)
			)
				latest = session;
		}
		if (latest) return latest;
	}
	// The previous session's last inbound message still counts for the 24 h window.
	let lastMessageIn: string | null = null;
	for (const session of state.sessions.values()) {
		if (
			session.contactId === contact.id &&
			session.channelId === channel.id &&
			session.lastMessageIn &&
			(!lastMessageIn || session.lastMessageIn > lastMessageIn)
		)
			lastMessageIn = session.lastMessageIn;
	}
	const now = state.nowIso();
	const session: SessionRecord = {
		id: state.nextId(),
		createdAt: now,
		updatedAt: now,
		startAt: now,
		endAt: null,
		status: options.hidden ? 'HIDDEN' : options.userId ? 'IN_PROGRESS' : 'PENDING',
		contactId: contact.id,
		channelId: channel.id,
		departmentId: options.departmentId ?? null,
		userId: options.userId ?? null,
		number: String(1000 + state.sessions.size),
		utm: null,
		origin: 'API',
		classification: null,
		botId: null,
		lastMessageText: null,
		lastInteractionDate: null,
		lastMessageOut: null,
		lastMessageIn,
		metadata: null,
		type: 'INDIVIDUAL',
		reactivateOnNewMessage: false,
	};
	state.sessions.set(session.id, session);
	return session;
}

export function findTemplate(
	state: WtsState,
	idOrName: string,
	channel: ChannelRecord,
): TemplateRecord {
	const template =
		state.templates.get(idOrName) ??
		[...state.templates.values()].find((t) => t.name === idOrName && t.channelId === channel.id);
	if (template === undefined) throw notFound('Template', idOrName);
	return template;
}

/** A template can be sent only when approved, active and owned by the sending channel. */
export function checkTemplateUsable(template: TemplateRecord, channel: ChannelRecord): void {
	if (template.status !== 'Approved')
		throw badRequest(
			'TEMPLATE_NOT_APPROVED',
			`Template ${template.name} is ${template.status}; only Approved templates can be sent`,
		);
	if (template.archived || !template.active)
		throw badRequest('TEMPLATE_NOT_APPROVED', `Template ${template.name} is archived`);
	if (template.channelId !== channel.id)
		throw badRequest(
			'TEMPLATE_CHANNEL_MISMATCH',
			`Template ${template.name} belongs to channel ${template.channelId}, not to ${channel.id}`,
		);
}

/** The checks WhatsApp applies to a template send (usable, every variable filled, header file); returns the rendered text. */
export function checkTemplate(
	template: TemplateRecord,
	channel: ChannelRecord,
	parameters: TemplateParameters | null | undefined,
	file: string | null | undefined,
): string {
	checkTemplateUsable(template, channel);
	const values = new Map(
		Object.entries(parameters ?? {}).map(([key, value]) => [
			key.replace(/^\{\{|\}\}$/g, ''),
			value,
		]),
	);
	const missing = templateVariables(template).filter(
		(name) =>
			values.get(name) === undefined || values.get(name) === null || values.get(name) === '',
	);
	if (missing.length > 0)
		throw badRequest(
			'TEMPLATE_PARAMETER_MISSING',
			`Template ${template.name} needs parameters ${missing.map((m) => `{{${m}}}`).join(', ')}`,
		);
	if (template.fileType !== 'UNDEFINED' && !file)
		throw badRequest(
			'TEMPLATE_FILE_REQUIRED',
			`Template ${template.name} has a ${template.fileType} header; send fileIdOrUrl`,
		);
	return (template.text ?? '').replace(/\{\{(\w+)\}\}/g, (_, name: string) =>
		String(values.get(name)),
	);
}

/** A file id of this account or an http(s) URL; returns the file id (null for URLs). */
export function checkFileRef(
	state: WtsState,
	fileIdOrUrl: string | null | undefined,
): string | null {
	if (!fileIdOrUrl) return null;
	if (/^https?:\/\//i.test(fileIdOrUrl)) return null;
	if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(fileIdOrUrl))
		return state.file(fileIdOrUrl).id;
	throw badRequest(
		'INVALID_FILE',
		`"${fileIdOrUrl}" is neither a file id (POST /core/v2/file) nor an http(s) URL`,
	);
}

export interface OutgoingMessage {
	type: string;
	text?: string | null;
	fileId?: string | null;
	templateId?: string | null;
	userId?: string | null;
	senderId?: string | null;
	refId?: string | null;
	callbackUrl?: string | null;
	origin?: MessageRecord['origin'];
	initialStatus: MessageStatus;
}

/** Records a message leaving the account; free-form WhatsApp messages outside the 24 h window will fail. */
export function recordOutgoing(
	state: WtsState,
	session: SessionRecord,
	message: OutgoingMessage,
): MessageRecord {
	const channel = state.channel(session.channelId);
	const now = state.nowIso();
	const windowClosed =
		isWhatsApp(channel) && message.type !== 'TEMPLATE' && windowStatus(session) !== 'ACTIVE';
	const record: MessageRecord = {
		id: state.nextId(),
		createdAt: now,
		updatedAt: now,
		sessionId: session.id,
		type: message.type,
		direction: 'FROM_HUB',
		origin: message.origin ?? 'API',
		text: message.text ?? null,
		fileId: message.fileId ?? null,
		templateId: message.templateId ?? null,
		userId: message.userId ?? null,
		senderId: message.senderId ?? null,
		refId: message.refId ?? null,
		initialStatus: message.initialStatus,
		settledStatus: null,
		acceptedAtMs: Date.now(),
		failedReason: windowClosed ? WINDOW_CLOSED_REASON : null,
		deletedAt: null,
		callbackUrl: message.callbackUrl ?? null,
		isNote: false,
		filesIds: null,
	};
	state.messages.set(record.id, record);
	state.sessions.set(session.id, {
		...session,
		updatedAt: now,
		lastMessageOut: now,
		lastInteractionDate: now,
		lastMessageText: record.text ?? session.lastMessageText,
	});
	return record;
}

/** Finds a message or dispatch by its id or by the caller's `senderId`. */
export function byIdOrSender<T extends { id: string; senderId: string | null }>(
	map: Map<string, T>,
	key: string,
	what: string,
): T {
	const found = map.get(key) ?? [...map.values()].find((item) => item.senderId === key);
	if (found === undefined) throw notFound(what, key);
	return found;
}
