// In-memory store of the WTS sandbox: one Map per collection plus the few indexes lookups need.
import { HttpError } from '../core/errors.mts';
import { seededUuids } from '../core/random.mts';
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
	LostReasonRecord,
	MembershipRecord,
	MessageRecord,
	OtpRecord,
	PanelRecord,
	PanelTagRecord,
	PortfolioRecord,
	ScheduledMessageRecord,
	SequenceRecord,
	SessionRecord,
	StepRecord,
	TagRecord,
	TemplateRecord,
	UploadSlot,
	WebhookSubscriptionRecord,
} from './records.mts';
import { seedWts, type WtsSeed } from './seed.mts';

export const COMPANY_ID = '5b1d2c3e-0f4a-4b6c-8d7e-9f0a1b2c3d4e';
export const WINDOW_MS = 24 * 60 * 60 * 1000;
const EMPTY: readonly string[] = Object.freeze([]);
const EMPTY_OBJECT = Object.freeze({});

/** Digits of a phone, used as the lookup key whatever the spelling (`+55|11...`, `5511...`). */
export function phoneKey(phone: string): string {
	return phone.replace(/\D/g, '');
}

/**
 * Canonical stored form: `+<country>|<number>` keeps the caller's split; other spellings become
 * `+<digits>`. Returns null for something that is not a phone (too short/long, letters).
 */
export function canonicalPhone(phone: string): string | null {
	const trimmed = phone.trim();
	const piped = /^\+?(\d{1,3})\|(\d{6,14})$/.exec(trimmed);
	if (piped) return `+${piped[1]}|${piped[2]}`;
	if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
	const digits = phoneKey(trimmed);
	return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
}

/** `+55|11999999999` -> `+55 11 99999-9999`; other forms are returned with the pipe dropped. */
export function formatPhone(phone: string | null): string | null {
	if (phone === null) return null;
	const br = /^\+55\|(\d{2})(\d{4,5})(\d{4})$/.exec(phone);
	if (br) return `+55 ${br[1]} ${br[2]}-${br[3]}`;
	return phone.replace('|', ' ');
}

export function iso(ms: number): string {
	return new Date(ms).toISOString();
}

export function notFound(what: string, id: string): HttpError {
	return new HttpError(404, 'NOT_FOUND', `${what} ${id} not found`);
}

export function badRequest(code: string, message: string): HttpError {
	return new HttpError(400, code, message);
}

function need<T>(map: Map<string, T>, id: string, what: string): T {
	const value = map.get(id);
	if (value === undefined) throw notFound(what, id);
	return value;
}

export class WtsState {
	/** Bumped on every change; list caches compare it. */
	version = 0;
	seed!: WtsSeed;
	/** How long an outgoing message stays in flight before SENT (and again before DELIVERED). */
	statusDelayMs = 50;
	/** Where the sandbox is reachable; file URLs point here. */
	publicBaseUrl = 'http://127.0.0.1';
	nextId!: () => string;
	private bulkCounter = 0;

	channels = new Map<string, ChannelRecord>();
	chatbots = new Map<string, ChatbotRecord>();
	departments = new Map<string, DepartmentRecord>();
	agents = new Map<string, AgentRecord>();
	tags = new Map<string, TagRecord>();
	customFields = new Map<string, CustomFieldRecord>();
	contacts = new Map<string, ContactRecord>();
	portfolios = new Map<string, PortfolioRecord>();
	portfolioContacts = new Map<string, MembershipRecord>();
	sequences = new Map<string, SequenceRecord>();
	sequenceContacts = new Map<string, MembershipRecord>();
	templates = new Map<string, TemplateRecord>();
	sessions = new Map<string, SessionRecord>();
	messages = new Map<string, MessageRecord>();
	chatbotDispatches = new Map<string, ChatbotDispatchRecord>();
	otps = new Map<string, OtpRecord>();
	scheduledMessages = new Map<string, ScheduledMessageRecord>();
	panels = new Map<string, PanelRecord>();
	steps = new Map<string, StepRecord>();
	panelTags = new Map<string, PanelTagRecord>();
	lostReasons = new Map<string, LostReasonRecord>();
	cards = new Map<string, CardRecord>();
	cardNotes = new Map<string, CardNoteRecord>();
	webhookSubscriptions = new Map<string, WebhookSubscriptionRecord>();
	files = new Map<string, FileRecord>();
	uploads = new Map<string, UploadSlot>();

	private contactByPhone = new Map<string, string>();
	private contactByInstagram = new Map<string, string>();

	constructor() {
		this.reset();
	}

	/** Drops everything and loads the deterministic seed again. */
	reset(): void {
		for (const value of Object.values(this)) if (value instanceof Map) value.clear();
		this.nextId = seededUuids(20250101);
		this.bulkCounter = 0;
		this.seed = seedWts(this, Date.now());
		this.touch();
	}

	touch(): void {
		this.version++;
	}

	nowIso(): string {
		return new Date().toISOString();
	}

	channel(id: string): ChannelRecord {
		return need(this.channels, id, 'Channel');
	}
	department(id: string): DepartmentRecord {
		return need(this.departments, id, 'Department');
	}
	agent(id: string): AgentRecord {
		return need(this.agents, id, 'User');
	}
	tag(id: string): TagRecord {
		return need(this.tags, id, 'Tag');
	}
	contact(id: string): ContactRecord {
		return need(this.contacts, id, 'Contact');
	}
	portfolio(id: string): PortfolioRecord {
		return need(this.portfolios, id, 'Portfolio');
	}
	sequence(id: string): SequenceRecord {
		return need(this.sequences, id, 'Sequence');
	}
	session(id: string): SessionRecord {
		return need(this.sessions, id, 'Session');
	}
	message(id: string): MessageRecord {
		const message = need(this.messages, id, 'Message');
		if (message.isNote) throw notFound('Message', id);
		return message;
	}
	note(id: string): MessageRecord {
		const note = need(this.messages, id, 'Note');
		if (!note.isNote) throw notFound('Note', id);
		return note;
	}
	scheduled(id: string): ScheduledMessageRecord {
		return need(this.scheduledMessages, id, 'Scheduled message');
	}
	panel(id: string): PanelRecord {
		return need(this.panels, id, 'Panel');
	}
	step(id: string): StepRecord {
		return need(this.steps, id, 'Step');
	}
	card(id: string): CardRecord {
		return need(this.cards, id, 'Card');
	}
	subscription(id: string): WebhookSubscriptionRecord {
		return need(this.webhookSubscriptions, id, 'Webhook subscription');
	}
	file(id: string): FileRecord {
		return need(this.files, id, 'File');
	}

	contactByPhoneNumber(phone: string): ContactRecord | undefined {
		const id = this.contactByPhone.get(phoneKey(phone));
		return id === undefined ? undefined : this.contacts.get(id);
	}

	contactByInstagramUser(user: string): ContactRecord | undefined {
		const id = this.contactByInstagram.get(user.replace(/^@/, '').toLowerCase());
		return id === undefined ? undefined : this.contacts.get(id);
	}

	/** Stores a contact (new or changed) and keeps the phone/Instagram indexes in step. */
	saveContact(contact: ContactRecord): ContactRecord {
		const previous = this.contacts.get(contact.id);
		if (previous?.phoneNumber) this.contactByPhone.delete(phoneKey(previous.phoneNumber));
		if (previous?.instagram)
			this.contactByInstagram.delete(previous.instagram.replace(/^@/, '').toLowerCase());
		this.contacts.set(contact.id, contact);
		if (contact.phoneNumber) this.contactByPhone.set(phoneKey(contact.phoneNumber), contact.id);
		if (contact.instagram)
			this.contactByInstagram.set(contact.instagram.replace(/^@/, '').toLowerCase(), contact.id);
		return contact;
	}

	newContact(fields: Partial<ContactRecord>, createdAt = this.nowIso()): ContactRecord {
		return this.saveContact({
			id: this.nextId(),
			createdAt,
			updatedAt: createdAt,
			name: null,
			phoneNumber: null,
			email: null,
			instagram: null,
			annotation: null,
			pictureUrl: null,
			tagIds: EMPTY,
			portfolioIds: EMPTY,
			status: 'ACTIVE',
			origin: 'CREATED_BY_USER',
			customFields: EMPTY_OBJECT,
			metadata: EMPTY_OBJECT,
			utm: null,
			...fields,
		});
	}

	/**
	 * Adds `count` plain contacts quickly (Return-All benchmarks). They share empty arrays/objects,
	 * so 100,000 of them stay well under 100 MB.
	 */
	seedContacts(count: number): void {
		const start = Date.now();
		for (let i = 0; i < count; i++) {
			const n = ++this.bulkCounter;
			const digits = String(n).padStart(9, '0');
			this.newContact(
				{ name: `Bulk contact ${n}`, phoneNumber: `+55|21${digits}`, origin: 'IMPORTED' },
				iso(start + i),
			);
		}
	}

	/** Counts per collection, for the admin API and the demo. */
	summary(): Record<string, number> {
		const counts: Record<string, number> = {};
		for (const [name, value] of Object.entries(this))
			if (value instanceof Map && !name.startsWith('contactBy')) counts[name] = value.size;
		return counts;
	}
}
