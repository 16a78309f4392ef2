/**
 * The bad-input table: each case runs a node over good items around one or more bad ones, under Continue
 * On Fail. A bad item must be refused before any request with an error naming the field (its output is
 * paired with it, so the item is named too), or be sent exactly as given (text bytes, ids as one encoded
 * path segment). The good items around it must all go through, each sent once.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

import { jsonBodyOf, type RecordedRequest } from '../../sandbox/core/recorder.mts';
import { wtsSentText } from '../../sandbox/wts/server.mts';
import {
	codeNode,
	manualTrigger,
	workflow,
	type ExecutionResult,
	type NodeSpec,
	type Workflow,
} from '../harness/n8n.mts';
import {
	brief,
	outcomesOf,
	runFailureOf,
	singleOutcome,
	unclearReasons,
	type ItemOutcome,
} from './outcomes.mts';
import {
	chatwootSeedOf,
	itemsWorkflow,
	locatorById,
	platformNode,
	startPlatformSandbox,
	wtsSeedOf,
	type PlatformSandbox,
	type SandboxOptions,
} from './platforms.mts';
import type { SummaryRow } from './summary.mts';

type Input = Record<string, unknown>;

type Expectation =
	/** Refused before any request; message and description name `mentions`. */
	| { kind: 'refused'; message: RegExp; mentions: string[] }
	/** Sent once, carrying exactly `expectedValue` (strings compared as UTF-8 bytes). */
	| {
			kind: 'intact';
			sentValue(request: RecordedRequest): unknown;
			expectedValue(input: Input): string | number;
	  }
	/** Refused naming `mentions`, or sent with the id as one encoded segment; never to another path. */
	| { kind: 'oneSegment'; mentions: string[] }
	/** Sent, refused by the API, and the item says why. */
	| { kind: 'apiRefusal'; message: RegExp };

/** Where a case's items come from. */
type Source =
	| { kind: 'json' }
	/** Each input `{fileName, size}` becomes an item with a binary property `data` of that size. */
	| { kind: 'binary' }
	/** Sparse files on disk, read by n8n's Read Files node: large binaries without building them in memory. */
	| { kind: 'files' };

interface Operation {
	parameters(sandbox: PlatformSandbox): Record<string, unknown>;
	/** Whether a recorded request is this item's (its main request). */
	sentFor(request: RecordedRequest, input: Input): boolean;
	/** The raw path the item's main request must have (checked by the one-segment cases). */
	pathFor?(input: Input): string;
	/** Requests one good item makes (an upload makes several). */
	requestsPerItem?: number;
}

export interface BadInputCase {
	name: string;
	platform: 'wts' | 'chatwoot';
	operation: Operation;
	inputs(sandbox: PlatformSandbox): Input[];
	bad: number[];
	expect: Expectation;
	source?: Source;
	sandboxOptions?: SandboxOptions;
	/** Run without Continue On Fail: the refusal must stop the run and name the item. */
	stopsRun?: boolean;
}

const NODE = 'Node Under Test';
const enc = encodeURIComponent;
const tag = () => Math.random().toString(36).slice(2, 8);

/** Exactly 10,000 characters, ending in a non-ASCII one. */
const LONG_TEXT = `${Array.from({ length: 1200 }, (_, i) => `linha${String(i).padStart(4, '0')} `)
	.join('')
	.slice(0, 9_998)}ç!`;
/** Emoji with skin tone and ZWJ sequences, a flag, Arabic and Hebrew (right-to-left), a combining mark. */
const EMOJI_RTL_TEXT =
	'Olá 👋🏽 família 👨‍👩‍👧‍👦 🇧🇷 — مرحبا بالعالم — שלום עולם — e\u0301 \u200fRTL\u200f fim';
/** Ids that would leave their path segment if sent as they are. */
const HOSTILE_IDS = ['../x', 'a/b', 'a?b#c', '..'];

// --- WTS operations -----------------------------------------------------------------------------------

const wtsChannel = (sandbox: PlatformSandbox) => wtsSeedOf(sandbox).channels[0].id;
const wtsContacts = (sandbox: PlatformSandbox) => wtsSeedOf(sandbox).contacts;

const sendText: Operation = {
	parameters: () => ({
		resource: 'message',
		operation: 'sendText',
		from: '={{ $json.from }}',
		to: '={{ $json.to }}',
		text: '={{ $json.text }}',
		options: {},
	}),
	sentFor: (request, input) =>
		request.method === 'POST' && wtsSentText(request) === String(input.text),
};

const sendTextInputs = (sandbox: PlatformSandbox, badValues: Input): Input[] =>
	[0, 1, 2].map((i) => ({
		from: wtsChannel(sandbox),
		to: `+55|1198000000${i}`,
		text: `bom ${i} ${tag()}`,
		...(i === 1 ? badValues : {}),
	}));

const updateContact = (updateFields: Record<string, unknown>): Operation => ({
	parameters: () => ({
		resource: 'contact',
		operation: 'update',
		contactId: '={{ $json.id }}',
		updateFields,
	}),
	sentFor: (request, input) =>
		request.method === 'PUT' && request.path === `/core/v2/contact/${enc(String(input.id))}`,
	pathFor: (input) => `/core/v2/contact/${enc(String(input.id))}`,
});

const contactInputs = (sandbox: PlatformSandbox, badValues: Input): Input[] =>
	[0, 1, 2].map((i) => ({
		id: wtsContacts(sandbox)[i].id,
		email: `cliente${i}+teste@exemplo.com.br`,
		metadata: `{"ordem": ${i}}`,
		...(i === 1 ? badValues : {}),
	}));

/** Good items first and last, one hostile id in every slot between. */
const hostileInputs = (good: (i: number) => Input, key: string): Input[] => [
	good(0),
	...HOSTILE_IDS.map((id) => ({ ...good(1), [key]: id })),
	good(2),
];
const HOSTILE_INDEXES = HOSTILE_IDS.map((_, i) => i + 1);

const getContact: Operation = {
	parameters: () => ({ resource: 'contact', operation: 'get', contactId: '={{ $json.id }}' }),
	sentFor: (request, input) =>
		request.method === 'GET' && request.path === `/core/v1/contact/${enc(String(input.id))}`,
	pathFor: (input) => `/core/v1/contact/${enc(String(input.id))}`,
};

const getContactByPhone: Operation = {
	parameters: () => ({
		resource: 'contact',
		operation: 'getByPhone',
		phone: '={{ $json.phone }}',
	}),
	sentFor: (request, input) =>
		request.method === 'GET' &&
		request.path === `/core/v1/contact/phonenumber/${enc(String(input.phone))}`,
	pathFor: (input) => `/core/v1/contact/phonenumber/${enc(String(input.phone))}`,
};

const updateContactTags: Operation = {
	parameters: () => ({
		resource: 'contact',
		operation: 'setTags',
		contactId: '={{ $json.id }}',
		operationField: 'InsertIfNotExists',
		additionalFields: { tagNames: 'vip' },
	}),
	sentFor: (request, input) =>
		request.method === 'POST' && request.path === `/core/v1/contact/${enc(String(input.id))}/tags`,
	pathFor: (input) => `/core/v1/contact/${enc(String(input.id))}/tags`,
};

/** Send File from binary: an item's upload is told apart by the file name it asks a slot for. */
const sendFile: Operation = {
	parameters: () => ({
		resource: 'message',
		operation: 'sendFile',
		from: '={{ $json.from }}',
		to: '={{ $json.to }}',
		fileSource: 'binary',
		binaryPropertyName: '={{ $json.property ?? "data" }}',
		options: {},
	}),
	sentFor: (request, input) =>
		request.method === 'GET' &&
		request.path === '/core/v2/file' &&
		request.query.Name === input.fileName,
	// Slot, upload, file record, send.
	requestsPerItem: 4,
};

const fileInputs = (
	sandbox: PlatformSandbox,
	files: Array<{ fileName: string; size: number; property?: string }>,
): Input[] =>
	files.map((file, i) => ({ from: wtsChannel(sandbox), to: `+55|1198100000${i}`, ...file }));

// --- Chatwoot operations ------------------------------------------------------------------------------

const conversations = (sandbox: PlatformSandbox) => chatwootSeedOf(sandbox).conversationIds;
const apiInbox = (sandbox: PlatformSandbox) => ({
	id: chatwootSeedOf(sandbox).inboxIds.api,
	identifier: chatwootSeedOf(sandbox).apiInboxIdentifier,
});

const createMessage = (extra: Record<string, unknown> = {}): Operation => ({
	parameters: () => ({
		api: 'application',
		resource: 'message',
		operation: 'create',
		conversationId: '={{ $json.conversation }}',
		content: '={{ $json.content }}',
		messageType: 'outgoing',
		private: false,
		attachments: '',
		options: {},
		...extra,
	}),
	sentFor: (request, input) =>
		request.method === 'POST' &&
		request.path.endsWith(`/conversations/${enc(String(input.conversation))}/messages`) &&
		(request.body.kind === 'multipart' || jsonBodyOf(request)?.content === input.content),
});

const messageInputs = (sandbox: PlatformSandbox, badValues: Input, extra: Input = {}): Input[] =>
	[0, 1, 2].map((i) => ({
		conversation: conversations(sandbox)[i],
		content: `bom ${i} ${tag()}`,
		...extra,
		...(i === 1 ? badValues : {}),
	}));

const getConversation: Operation = {
	parameters: () => ({
		api: 'application',
		resource: 'conversation',
		operation: 'get',
		conversationId: locatorById('={{ $json.conversation }}'),
	}),
	sentFor: (request, input) =>
		request.method === 'GET' &&
		request.path.endsWith(`/conversations/${enc(String(input.conversation))}`),
};

const createContact = (additionalFields: Record<string, unknown>): Operation => ({
	parameters: () => ({
		api: 'application',
		resource: 'contact',
		operation: 'create',
		additionalFields: { inboxId: '={{ $json.inbox }}', name: '={{ $json.name }}', ...additionalFields },
	}),
	sentFor: (request, input) =>
		request.method === 'POST' &&
		request.path.endsWith('/contacts') &&
		jsonBodyOf(request)?.name === input.name,
});

const contactCreateInputs = (sandbox: PlatformSandbox, badValues: Input): Input[] =>
	[0, 1, 2].map((i) => ({
		inbox: apiInbox(sandbox).id,
		name: `Contato ${i} ${tag()}`,
		email: `contato${i}@exemplo.com.br`,
		attributes: `{"plano": "pro${i}"}`,
		...(i === 1 ? badValues : {}),
	}));

const clientCreateContact: Operation = {
	parameters: () => ({
		api: 'client',
		resource: 'clientContact',
		operation: 'create',
		inboxIdentifier: '={{ $json.inbox }}',
		additionalFields: { name: '={{ $json.name }}' },
	}),
	// An unknown inbox is refused before the body is read: then the path alone tells the item.
	sentFor: (request, input) =>
		request.method === 'POST' &&
		request.path === `/public/api/v1/inboxes/${enc(String(input.inbox))}/contacts` &&
		(request.body.kind === 'unread' || jsonBodyOf(request)?.name === input.name),
	pathFor: (input) => `/public/api/v1/inboxes/${enc(String(input.inbox))}/contacts`,
};

const MIB = 1024 * 1024;
const sentText = {
	kind: 'intact',
	sentValue: wtsSentText,
	expectedValue: (input: Input) => String(input.text),
} as const;
const sentContent = {
	kind: 'intact',
	sentValue: (request: RecordedRequest) => jsonBodyOf(request)?.content,
	expectedValue: (input: Input) => String(input.content),
} as const;

export const BAD_INPUT_CASES: BadInputCase[] = [
	// WTS Chat
	{
		name: 'WTS Send Text: empty text',
		platform: 'wts',
		operation: sendText,
		inputs: (sb) => sendTextInputs(sb, { text: '' }),
		bad: [1],
		expect: { kind: 'refused', message: /^Write a text to send$/, mentions: ['Text'] },
	},
	{
		name: 'WTS Send Text: whitespace-only text',
		platform: 'wts',
		operation: sendText,
		inputs: (sb) => sendTextInputs(sb, { text: ' \t\n  ' }),
		bad: [1],
		expect: { kind: 'refused', message: /^Write a text to send$/, mentions: ['Text'] },
	},
	{
		name: 'WTS Send Text: whitespace-only text, without Continue On Fail',
		platform: 'wts',
		operation: sendText,
		inputs: (sb) => sendTextInputs(sb, { text: '   ' }),
		bad: [1],
		stopsRun: true,
		expect: { kind: 'refused', message: /^Write a text to send$/, mentions: ['Text'] },
	},
	{
		name: 'WTS Send Text: empty To',
		platform: 'wts',
		operation: sendText,
		inputs: (sb) => sendTextInputs(sb, { to: '' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^Set an Instagram number or username for sending$/,
			mentions: ['To'],
		},
	},
	{
		name: 'WTS Send Text: empty channel',
		platform: 'wts',
		operation: sendText,
		inputs: (sb) => sendTextInputs(sb, { from: '' }),
		bad: [1],
		expect: { kind: 'refused', message: /^Choose channel$/, mentions: ['From Channel'] },
	},
	{
		name: 'WTS Send Text: 10,000-character text',
		platform: 'wts',
		operation: sendText,
		inputs: (sb) => sendTextInputs(sb, { text: LONG_TEXT }),
		bad: [1],
		expect: sentText,
	},
	{
		name: 'WTS Send Text: emoji and RTL text',
		platform: 'wts',
		operation: sendText,
		inputs: (sb) => sendTextInputs(sb, { text: EMOJI_RTL_TEXT }),
		bad: [1],
		expect: sentText,
	},
	{
		name: 'WTS Send Text: number as text (expression)',
		platform: 'wts',
		operation: sendText,
		inputs: (sb) => sendTextInputs(sb, { text: 4815162342 }),
		bad: [1],
		expect: sentText,
	},
	{
		name: 'WTS Send Text: object as text (expression)',
		platform: 'wts',
		operation: sendText,
		inputs: (sb) => sendTextInputs(sb, { text: { pedido: 42 } }),
		bad: [1],
		expect: { kind: 'refused', message: /Text/, mentions: ['Text'] },
	},
	{
		name: 'WTS Contact Update: invalid email',
		platform: 'wts',
		operation: updateContact({ email: '={{ $json.email }}' }),
		inputs: (sb) => contactInputs(sb, { email: 'maria empresa.com' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^Invalid email "maria empresa\.com" in "Email"$/,
			mentions: ['Email'],
		},
	},
	{
		name: 'WTS Contact Update: invalid JSON',
		platform: 'wts',
		operation: updateContact({ metadata: '={{ $json.metadata }}' }),
		inputs: (sb) => contactInputs(sb, { metadata: '{"ordem": }' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^Invalid JSON in "Metadata \(JSON\)"$/,
			mentions: ['Metadata'],
		},
	},
	{
		name: 'WTS Contact Update: empty Contact ID',
		platform: 'wts',
		operation: updateContact({ name: 'Cliente' }),
		inputs: (sb) => contactInputs(sb, { id: '  ' }),
		bad: [1],
		expect: { kind: 'refused', message: /^Contact ID is empty$/, mentions: ['Contact ID'] },
	},
	{
		name: 'WTS Contact Update: ../, /, ?# and .. as Contact ID',
		platform: 'wts',
		operation: updateContact({ name: 'Cliente' }),
		inputs: (sb) => hostileInputs((i) => ({ id: wtsContacts(sb)[i].id }), 'id'),
		bad: HOSTILE_INDEXES,
		expect: { kind: 'oneSegment', mentions: ['Contact ID'] },
	},
	{
		name: 'WTS Get Contact: empty ID',
		platform: 'wts',
		operation: getContact,
		inputs: (sb) => [0, 1, 2].map((i) => ({ id: i === 1 ? '' : wtsContacts(sb)[i].id })),
		bad: [1],
		expect: { kind: 'refused', message: /^"Contact ID" is required$/, mentions: ['Contact ID'] },
	},
	{
		name: 'WTS Get Contact: ../, /, ?# and .. as ID',
		platform: 'wts',
		operation: getContact,
		inputs: (sb) => hostileInputs((i) => ({ id: wtsContacts(sb)[i].id }), 'id'),
		bad: HOSTILE_INDEXES,
		expect: { kind: 'oneSegment', mentions: ['ID'] },
	},
	{
		name: 'WTS Get Contact by Phone: ../, /, ?# and .. as Phone',
		platform: 'wts',
		operation: getContactByPhone,
		inputs: (sb) => hostileInputs((i) => ({ phone: wtsContacts(sb)[i].phoneNumber }), 'phone'),
		bad: HOSTILE_INDEXES,
		expect: { kind: 'oneSegment', mentions: ['Phone'] },
	},
	{
		name: 'WTS Contact Tags (POST): ../, /, ?# and .. as ID',
		platform: 'wts',
		operation: updateContactTags,
		inputs: (sb) => hostileInputs((i) => ({ id: wtsContacts(sb)[i].id }), 'id'),
		bad: HOSTILE_INDEXES,
		expect: { kind: 'oneSegment', mentions: ['ID'] },
	},
	{
		name: 'WTS Send File: missing binary property',
		platform: 'wts',
		operation: sendFile,
		source: { kind: 'binary' },
		inputs: (sb) =>
			fileInputs(sb, [
				{ fileName: 'a.pdf', size: 300 },
				{ fileName: 'b.pdf', size: 300, property: 'nope' },
				{ fileName: 'c.pdf', size: 300 },
			]),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^No binary property "nope" on item 1$/,
			mentions: ['Input Binary Field'],
		},
	},
	{
		name: "WTS Send File: 100 MB + 1 byte (the node's own limit)",
		platform: 'wts',
		operation: sendFile,
		source: { kind: 'files' },
		inputs: (sb) =>
			fileInputs(sb, [
				{ fileName: 'a-small.pdf', size: 2048 },
				{ fileName: 'b-big.pdf', size: 100 * MIB + 1 },
				{ fileName: 'c-small.pdf', size: 2048 },
			]),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^File "b-big\.pdf" is too large \(101 MB\)$/,
			mentions: ['b-big.pdf', '100 MB'],
		},
	},
	{
		name: 'WTS Send File: storage refuses the upload (sandbox maxUploadBytes 1 KiB)',
		platform: 'wts',
		operation: sendFile,
		source: { kind: 'binary' },
		sandboxOptions: { maxUploadBytes: 1024 },
		inputs: (sb) =>
			fileInputs(sb, [
				{ fileName: 'a.pdf', size: 512 },
				{ fileName: 'b.pdf', size: 4096 },
				{ fileName: 'c.pdf', size: 512 },
			]),
		bad: [1],
		expect: { kind: 'apiRefusal', message: /^WTS Chat .*(400|too large|EntityTooLarge)/i },
	},
	// Chatwoot
	{
		name: 'Chatwoot Create Message: empty content',
		platform: 'chatwoot',
		operation: createMessage(),
		inputs: (sb) => messageInputs(sb, { content: '' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^Write a message or attach a file$/,
			mentions: ['Content'],
		},
	},
	{
		name: 'Chatwoot Create Message: whitespace-only content',
		platform: 'chatwoot',
		operation: createMessage(),
		inputs: (sb) => messageInputs(sb, { content: '   \n\t' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^Write a message or attach a file$/,
			mentions: ['Content'],
		},
	},
	{
		name: 'Chatwoot Create Message: empty conversation ID',
		platform: 'chatwoot',
		operation: createMessage(),
		inputs: (sb) => messageInputs(sb, { conversation: '' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^Conversation ID (is empty|must be a number)$/,
			mentions: ['Conversation ID'],
		},
	},
	{
		name: 'Chatwoot Create Message: non-numeric conversation ID',
		platform: 'chatwoot',
		operation: createMessage(),
		inputs: (sb) => messageInputs(sb, { conversation: 'abc' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^Conversation ID must be a number$/,
			mentions: ['Conversation ID'],
		},
	},
	{
		name: 'Chatwoot Create Message: non-numeric conversation ID, without Continue On Fail',
		platform: 'chatwoot',
		operation: createMessage(),
		inputs: (sb) => messageInputs(sb, { conversation: 'abc' }),
		bad: [1],
		stopsRun: true,
		expect: {
			kind: 'refused',
			message: /^Conversation ID must be a number$/,
			mentions: ['Conversation ID'],
		},
	},
	{
		name: 'Chatwoot Create Message: ../, /, ?# and .. as conversation ID',
		platform: 'chatwoot',
		operation: createMessage(),
		inputs: (sb) =>
			hostileInputs(
				(i) => ({ conversation: conversations(sb)[i], content: `bom ${i} ${tag()}` }),
				'conversation',
			),
		bad: HOSTILE_INDEXES,
		expect: {
			kind: 'refused',
			message: /^Conversation ID must be a number$/,
			mentions: ['Conversation ID'],
		},
	},
	{
		name: 'Chatwoot Create Message: 10,000-character content',
		platform: 'chatwoot',
		operation: createMessage(),
		inputs: (sb) => messageInputs(sb, { content: LONG_TEXT }),
		bad: [1],
		expect: sentContent,
	},
	{
		name: 'Chatwoot Create Message: emoji and RTL content',
		platform: 'chatwoot',
		operation: createMessage(),
		inputs: (sb) => messageInputs(sb, { content: EMOJI_RTL_TEXT }),
		bad: [1],
		expect: sentContent,
	},
	{
		name: 'Chatwoot Create Message: text "yes" as Private Note (boolean)',
		platform: 'chatwoot',
		operation: createMessage({ private: '={{ $json.private }}' }),
		inputs: (sb) => messageInputs(sb, { private: 'yes' }, { private: false }),
		bad: [1],
		expect: { kind: 'refused', message: /Private Note/, mentions: ['Private Note'] },
	},
	{
		name: 'Chatwoot Create Message: missing binary property',
		platform: 'chatwoot',
		operation: createMessage({ attachments: '={{ $json.property }}' }),
		source: { kind: 'binary' },
		inputs: (sb) =>
			[0, 1, 2].map((i) => ({
				conversation: conversations(sb)[i],
				content: `anexo ${i} ${tag()}`,
				fileName: `${i}.pdf`,
				size: 300,
				property: i === 1 ? 'nope' : 'data',
			})),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^No binary property "nope" on item 1$/,
			mentions: ['Attachments'],
		},
	},
	{
		name: "Chatwoot Create Message: 40 MB + 1 byte attachment (the node's limit)",
		platform: 'chatwoot',
		operation: createMessage({ attachments: 'data' }),
		source: { kind: 'files' },
		inputs: (sb) =>
			['a-small.pdf', 'b-big.pdf', 'c-small.pdf'].map((fileName, i) => ({
				conversation: conversations(sb)[i],
				content: `anexo ${i} ${tag()}`,
				fileName,
				size: i === 1 ? 40 * MIB + 1 : 2048,
			})),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^(Attachment|File) "b-big\.pdf" is too large \(41 MB\)$/,
			mentions: ['b-big.pdf', '40 MB'],
		},
	},
	{
		name: 'Chatwoot Get Conversation: empty ID',
		platform: 'chatwoot',
		operation: getConversation,
		inputs: (sb) => messageInputs(sb, { conversation: ' ' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^"Conversation ID" is required$/,
			mentions: ['Conversation ID'],
		},
	},
	{
		name: 'Chatwoot Get Conversation: non-numeric ID',
		platform: 'chatwoot',
		operation: getConversation,
		inputs: (sb) => messageInputs(sb, { conversation: 'abc' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^"Conversation ID" must be a number$/,
			mentions: ['Conversation ID'],
		},
	},
	{
		name: 'Chatwoot Create Contact: invalid email',
		platform: 'chatwoot',
		operation: createContact({ email: '={{ $json.email }}' }),
		inputs: (sb) => contactCreateInputs(sb, { email: 'maria empresa.com' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^Invalid email "maria empresa\.com" in "Email"$/,
			mentions: ['Email'],
		},
	},
	{
		name: 'Chatwoot Create Contact: invalid JSON',
		platform: 'chatwoot',
		operation: createContact({ customAttributes: '={{ $json.attributes }}' }),
		inputs: (sb) => contactCreateInputs(sb, { attributes: '{"plano": pro}' }),
		bad: [1],
		expect: {
			kind: 'refused',
			message: /^Invalid JSON in "Custom Attributes"$/,
			mentions: ['Custom Attributes'],
		},
	},
	{
		name: 'Chatwoot Create Contact: inbox ID as text (expression)',
		platform: 'chatwoot',
		operation: createContact({}),
		inputs: (sb) => contactCreateInputs(sb, { inbox: String(apiInbox(sb).id) }),
		bad: [1],
		expect: {
			kind: 'intact',
			sentValue: (request) => jsonBodyOf(request)?.inbox_id,
			expectedValue: (input) => Number(input.inbox),
		},
	},
	{
		name: 'Chatwoot Create Contact: non-numeric inbox ID',
		platform: 'chatwoot',
		operation: createContact({}),
		inputs: (sb) => contactCreateInputs(sb, { inbox: 'caixa' }),
		bad: [1],
		expect: { kind: 'refused', message: /^"Inbox ID" must be a number$/, mentions: ['Inbox ID'] },
	},
	{
		name: 'Chatwoot Client API Create Contact: ../, /, ?# and .. as inbox identifier',
		platform: 'chatwoot',
		operation: clientCreateContact,
		inputs: (sb) =>
			hostileInputs(
				(i) => ({ inbox: apiInbox(sb).identifier, name: `Visitante ${i} ${tag()}` }),
				'inbox',
			),
		bad: HOSTILE_INDEXES,
		expect: { kind: 'oneSegment', mentions: ['Inbox Identifier'] },
	},
];

interface PreparedCase {
	testCase: BadInputCase;
	sandbox: PlatformSandbox;
	inputs: Input[];
	workflow: Workflow;
}

export interface PreparedBadInput {
	sandboxes: PlatformSandbox[];
	/** Sandboxes of runs stopped by a refused item: every item is checked before the first is sent, so they receive nothing. */
	silentSandboxes: PlatformSandbox[];
	workflows: Workflow[];
	evaluate(
		testCase: BadInputCase,
		results: Map<string, ExecutionResult>,
	): { row: SummaryRow; failures: string[] };
}

/** Small binary items built inside the workflow. */
function binaryItemsNode(inputs: Input[]): NodeSpec {
	return codeNode(
		'Input Items',
		`const inputs = ${JSON.stringify(inputs)};
const items = [];
for (const json of inputs) {
	items.push({ json, binary: { data: await this.helpers.prepareBinaryData(Buffer.alloc(json.size, 65), json.fileName, 'application/pdf') } });
}
return items;`,
	);
}

/** Sparse files on disk, read by n8n, then put in input order with each input's fields. */
function fileItemsNodes(inputs: Input[], folder: string): NodeSpec[] {
	mkdirSync(folder, { recursive: true });
	for (const input of inputs) {
		const file = openSync(join(folder, String(input.fileName)), 'w');
		ftruncateSync(file, Number(input.size));
		closeSync(file);
	}
	return [
		{
			name: 'Read Files',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1.1,
			parameters: { operation: 'read', fileSelector: `${folder}/*.pdf`, options: {} },
		},
		codeNode(
			'Input Items',
			`const inputs = ${JSON.stringify(inputs)};
return inputs.map((json) => {
	const read = $input.all().find((item) => item.binary?.data?.fileName === json.fileName);
	if (!read) throw new Error('file ' + json.fileName + ' was not read');
	return { json, binary: read.binary };
});`,
		),
	];
}

export async function prepareBadInput(filesFolder: string): Promise<PreparedBadInput> {
	const prepared = new Map<BadInputCase, PreparedCase>();
	for (const [n, testCase] of BAD_INPUT_CASES.entries()) {
		const sandbox = await startPlatformSandbox(
			testCase.platform,
			`bad input ${n}`,
			testCase.sandboxOptions,
		);
		const inputs = testCase.inputs(sandbox);
		const node = platformNode(sandbox, NODE, testCase.operation.parameters(sandbox), {
			continueOnFail: !testCase.stopsRun,
		});
		const name = `Reliability bad input: ${testCase.name}`;
		const source = testCase.source?.kind ?? 'json';
		const wf =
			source === 'json'
				? itemsWorkflow(name, inputs, node)
				: workflow({
						name,
						nodes: [
							manualTrigger(),
							...(source === 'binary'
								? [binaryItemsNode(inputs)]
								: fileItemsNodes(inputs, join(filesFolder, `case-${n}`))),
							node,
						],
					});
		prepared.set(testCase, { testCase, sandbox, inputs, workflow: wf });
	}
	return {
		sandboxes: [...prepared.values()].map((entry) => entry.sandbox),
		silentSandboxes: [...prepared.values()].filter((entry) => entry.testCase.stopsRun).map((entry) => entry.sandbox),
		workflows: [...prepared.values()].map((entry) => entry.workflow),
		evaluate: (testCase, results) => {
			const entry = prepared.get(testCase);
			if (!entry) throw new Error(`case "${testCase.name}" was not prepared`);
			const result = results.get(entry.workflow.id);
			return testCase.stopsRun ? evaluateStoppedRun(entry, result) : evaluateCase(entry, result);
		},
	};
}

function describeExpectation(expectation: Expectation): string {
	switch (expectation.kind) {
		case 'refused':
			return `refused before sending (${String(expectation.message)}), naming ${expectation.mentions.join(', ')}`;
		case 'intact':
			return 'sent once, value identical at the sandbox';
		case 'oneSegment':
			return `refused naming ${expectation.mentions.join(', ')}, or sent as one encoded segment`;
		case 'apiRefusal':
			return `the API refuses it; the item says why (${String(expectation.message)})`;
	}
}

/** How many requests the sandbox must have received: every item sent makes `requestsPerItem`. */
function expectedRequestCount(testCase: BadInputCase, inputCount: number): number {
	const perItem = testCase.operation.requestsPerItem ?? 1;
	const goods = inputCount - testCase.bad.length;
	switch (testCase.expect.kind) {
		case 'refused':
			return goods * perItem;
		case 'apiRefusal':
			// A refused upload stops after asking for its slot and the PUT.
			return goods * perItem + testCase.bad.length * 2;
		default:
			return inputCount * perItem;
	}
}

function evaluateCase(
	entry: PreparedCase,
	result: ExecutionResult | undefined,
): { row: SummaryRow; failures: string[] } {
	const { testCase, sandbox, inputs } = entry;
	const { operation, expect } = testCase;
	const failures: string[] = [];
	const requests = sandbox.recorder.requests();
	const outcomes = outcomesOf(result, NODE, inputs.length);
	if (outcomes.unpaired) failures.push(`${outcomes.unpaired} output item(s) paired with no input`);
	const observedBad: string[] = [];
	let goodOk = 0;

	inputs.forEach((input, index) => {
		const outcome = singleOutcome(outcomes, index);
		if (typeof outcome === 'string') {
			failures.push(outcome);
			if (testCase.bad.includes(index)) observedBad.push(outcome);
			return;
		}
		const sent = requests.filter((request) => operation.sentFor(request, input));
		if (testCase.bad.includes(index)) {
			observedBad.push(checkBadItem(testCase, input, index, outcome, sent, failures));
			return;
		}
		const processed = sent.filter((request) => request.processed).length;
		if (outcome.error !== undefined) failures.push(`good item ${index} failed: ${outcome.error}`);
		else if (processed !== 1) failures.push(`good item ${index} was processed ${processed} times`);
		else goodOk++;
	});

	if (expect.kind === 'oneSegment') {
		const ownPaths = new Set(inputs.map((input) => operation.pathFor?.(input)));
		for (const request of requests) {
			if (!ownPaths.has(request.path))
				failures.push(
					`a request went to ${request.method} ${request.path}, not to any item's own path`,
				);
		}
	} else {
		const expected = expectedRequestCount(testCase, inputs.length);
		if (requests.length !== expected)
			failures.push(`the sandbox received ${requests.length} requests, expected ${expected}`);
	}
	const goods = inputs.length - testCase.bad.length;
	return {
		row: {
			group: 'Bad input',
			scenario: testCase.name,
			expected: describeExpectation(expect),
			observed: `${brief([...new Set(observedBad)].join(' | '), 160)}; good items sent once: ${goodOk}/${goods}`,
			passed: failures.length === 0,
		},
		failures,
	};
}

/** Without Continue On Fail the first refusal stops the run: n8n must show the field error for the bad item. */
function evaluateStoppedRun(
	entry: PreparedCase,
	result: ExecutionResult | undefined,
): { row: SummaryRow; failures: string[] } {
	const { testCase, sandbox, inputs } = entry;
	const failures: string[] = [];
	const [badIndex] = testCase.bad;
	const failure = runFailureOf(result);
	if (testCase.expect.kind !== 'refused')
		throw new Error(`"${testCase.name}": only refusals can stop a run`);
	if (!failure) failures.push('the run did not fail');
	else {
		if (!testCase.expect.message.test(failure.message))
			failures.push(
				`run error "${failure.message}" does not match ${String(testCase.expect.message)}`,
			);
		if (failure.name !== 'NodeOperationError')
			failures.push(
				`run error is a ${failure.name ?? 'nameless error'}, expected a NodeOperationError`,
			);
		if (failure.itemIndex !== badIndex)
			failures.push(`run error names item ${String(failure.itemIndex)}, expected item ${badIndex}`);
		if (failure.node !== NODE) failures.push(`run error names node ${String(failure.node)}`);
		const text = `${failure.message}\n${failure.description ?? ''}`.toLowerCase();
		for (const mention of testCase.expect.mentions)
			if (!text.includes(mention.toLowerCase()))
				failures.push(`run error does not name "${mention}"`);
		for (const reason of unclearReasons(failure.message, failure.description))
			failures.push(`run error ${reason}`);
	}
	const sentForBad = sandbox.recorder
		.requests()
		.filter((request) => testCase.operation.sentFor(request, inputs[badIndex]));
	if (sentForBad.length)
		failures.push(`${sentForBad.length} request(s) were sent for the refused item`);
	// Every item is checked before the first one is sent: the good items before the bad one are not sent either.
	const received = sandbox.recorder.requests().length;
	if (received) failures.push(`the sandbox received ${received} request(s); a refused item must stop the node before any`);
	return {
		row: {
			group: 'Bad input',
			scenario: testCase.name,
			expected: `run stops with a NodeOperationError ${String(testCase.expect.message)} naming item ${badIndex} and ${testCase.expect.mentions.join(', ')}; nothing sent`,
			observed: failure
				? `run stopped: ${failure.name ?? '?'} "${brief(failure.message, 60)}", item ${String(failure.itemIndex)}, node "${failure.node ?? '?'}"`
				: 'run did not fail',
			passed: failures.length === 0,
		},
		failures,
	};
}

/** Checks one bad item against its case's expectation; returns what was observed, for the table. */
function checkBadItem(
	testCase: BadInputCase,
	input: Input,
	index: number,
	outcome: ItemOutcome,
	sent: RecordedRequest[],
	failures: string[],
): string {
	const { expect } = testCase;
	const text = `${outcome.error ?? ''}\n${outcome.description ?? ''}`;
	const where = `bad item ${index}`;
	const mentionsAll = (mentions: string[]) => {
		for (const mention of mentions) {
			if (!text.toLowerCase().includes(mention.toLowerCase()))
				failures.push(`${where}: the error does not name "${mention}": ${brief(text, 300)}`);
		}
	};
	const clear = () => {
		for (const reason of unclearReasons(outcome.error, outcome.description))
			failures.push(`${where}: error ${reason}: ${brief(text, 300)}`);
	};
	switch (expect.kind) {
		case 'refused':
			if (outcome.error === undefined) {
				failures.push(
					`${where} was not refused; sent ${sent.length} time(s): ${brief(JSON.stringify(sent.map((request) => request.body)), 200)}`,
				);
				return `not refused, sent ${sent.length} time(s)${sent[0] ? ` as ${brief(JSON.stringify(wtsSentText(sent[0]) ?? jsonBodyOf(sent[0])), 40)}` : ''}`;
			}
			if (!expect.message.test(outcome.error))
				failures.push(
					`${where}: error "${outcome.error}" does not match ${String(expect.message)}`,
				);
			mentionsAll(expect.mentions);
			clear();
			if (sent.length)
				failures.push(`${where}: refused, yet ${sent.length} request(s) were sent for it`);
			return `refused: "${outcome.error}"`;
		case 'intact': {
			const processed = sent.filter((request) => request.processed);
			if (outcome.error !== undefined) failures.push(`${where} failed: ${outcome.error}`);
			if (processed.length !== 1) {
				failures.push(`${where} was processed ${processed.length} times`);
				return outcome.error ? `error: "${outcome.error}"` : `processed ${processed.length} times`;
			}
			const want = expect.expectedValue(input);
			const got = expect.sentValue(processed[0]);
			const same =
				typeof want === 'string'
					? typeof got === 'string' && Buffer.from(got, 'utf8').equals(Buffer.from(want, 'utf8'))
					: got === want;
			if (!same)
				failures.push(
					`${where}: sent ${brief(JSON.stringify(got), 120)}, expected ${brief(JSON.stringify(want), 120)}`,
				);
			return same
				? `sent intact (${typeof want === 'string' ? `${Buffer.byteLength(want)} UTF-8 bytes` : JSON.stringify(want)})`
				: `sent altered: ${brief(JSON.stringify(got), 60)}`;
		}
		case 'oneSegment': {
			const id = String(Object.values(input).find((value) => HOSTILE_IDS.includes(String(value))));
			const path = testCase.operation.pathFor?.(input) ?? '';
			if (outcome.error !== undefined) clear();
			if (sent.length === 0) {
				// Refused, or sent to another path: the check of every recorded path tells which.
				if (outcome.error === undefined)
					failures.push(`${where} succeeded without a request to ${path}`);
				else mentionsAll(expect.mentions);
				return `"${id}": ${outcome.error === undefined ? 'succeeded' : `error "${brief(outcome.error, 50)}"`}, nothing sent to its path`;
			}
			if (sent.length !== 1)
				failures.push(`${where}: expected one request to ${path}, got ${sent.length}`);
			return `"${id}" sent once as ${path}`;
		}
		case 'apiRefusal':
			if (outcome.error === undefined) {
				failures.push(`${where} succeeded, expected the API's refusal`);
				return 'succeeded';
			}
			if (!expect.message.test(outcome.error))
				failures.push(
					`${where}: error "${outcome.error}" does not match ${String(expect.message)}`,
				);
			clear();
			return `error: "${outcome.error}"`;
	}
}
