import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { eventSummary, filteredOut, incomingAttachments, proxiedBlobUrl } from '../../nodes/ChatwootTrigger/chatwootEvent.ts';
import { signatureProblem, type SignedDelivery } from '../../nodes/ChatwootTrigger/signature.ts';

const SECRET = 'whsec_sandbox_0123456789abcdef';
const NOW = 1_750_000_000;

/** A delivery signed the way Chatwoot's Webhooks::Trigger signs it. */
function signed(body: string, overrides: Partial<SignedDelivery> = {}): SignedDelivery {
	const timestamp = String(NOW - 3);
	const signature = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
	return { secret: SECRET, signature, timestamp, rawBody: Buffer.from(body), nowSeconds: NOW, toleranceSeconds: 300, acceptUnsigned: false, ...overrides };
}

describe('Chatwoot signature', () => {
	const body = JSON.stringify({ event: 'message_created', id: 1, content: 'Olá, ação!' });

	test('a delivery signed with the webhook secret passes, over the raw UTF-8 bytes', () => {
		assert.equal(signatureProblem(signed(body)), undefined);
		const upperCaseHex = `sha256=${(signed(body).signature ?? '').slice('sha256='.length).toUpperCase()}`;
		assert.equal(signatureProblem(signed(body, { signature: upperCaseHex })), undefined);
	});

	test('another secret, another body or a missing signature is refused', () => {
		assert.match(signatureProblem(signed(body, { secret: 'other' })) ?? '', /does not match/);
		assert.match(signatureProblem({ ...signed(body), rawBody: Buffer.from(body.replace('1', '2')) }) ?? '', /does not match/);
		assert.match(signatureProblem(signed(body, { signature: undefined })) ?? '', /Missing X-Chatwoot-Signature/);
	});

	test('the timestamp is part of what is signed and must be recent', () => {
		assert.match(signatureProblem(signed(body, { timestamp: String(NOW - 2) })) ?? '', /does not match/);
		assert.match(signatureProblem(signed(body, { nowSeconds: NOW + 600 })) ?? '', /too old/);
		assert.match(signatureProblem(signed(body, { nowSeconds: NOW - 600 })) ?? '', /too old or in the future/);
		assert.match(signatureProblem(signed(body, { timestamp: undefined })) ?? '', /Missing or invalid X-Chatwoot-Timestamp/);
		assert.match(signatureProblem(signed(body, { timestamp: '12a' })) ?? '', /Missing or invalid/);
	});

	test('unsigned deliveries pass only when accepted, and no known secret is never a pass by itself', () => {
		assert.equal(signatureProblem(signed(body, { signature: undefined, timestamp: undefined, acceptUnsigned: true })), undefined);
		assert.match(signatureProblem(signed(body, { secret: undefined })) ?? '', /No signing secret/);
		assert.match(signatureProblem(signed(body, { secret: '' })) ?? '', /No signing secret/);
		assert.equal(signatureProblem(signed(body, { secret: '', acceptUnsigned: true })), undefined);
		// With a known secret, a signature is checked even when unsigned deliveries are accepted.
		assert.match(signatureProblem(signed(body, { secret: 'other', acceptUnsigned: true })) ?? '', /does not match/);
	});
});

const contact = { id: 7, name: 'Ana Souza', email: 'ana@example.com', phone_number: '+5511999990000', identifier: null, type: 'contact' };
const conversation = {
	id: 3,
	account_id: 1,
	inbox_id: 2,
	status: 'open',
	labels: ['vip'],
	channel: 'Channel::Api',
	meta: { sender: contact, assignee: { id: 9, name: 'Bruno' } },
	contact_inbox: { contact_id: 7, inbox_id: 2 },
};

function message(overrides: IDataObject = {}): IDataObject {
	return {
		event: 'message_created',
		id: 42,
		content: 'Oi, quero um orçamento',
		content_type: 'text',
		message_type: 'incoming',
		private: false,
		source_id: 'wamid.1',
		created_at: '2025-06-01T12:00:00.000Z',
		sender: contact,
		conversation,
		inbox: { id: 2, name: 'WhatsApp' },
		account: { id: 1, name: 'Loja' },
		attachments: [{ id: 5, file_type: 'image', extension: 'jpg', data_url: 'https://chat.example.com/rails/active_storage/blobs/redirect/abc/foto.jpg', file_size: 2048 }],
		...overrides,
	};
}

describe('Chatwoot event summary', () => {
	test('a message event names its account, inbox, conversation, message and sender', () => {
		assert.deepEqual(eventSummary('message_created', message(), 'delivery-1'), {
			event: 'message_created',
			deliveryId: 'delivery-1',
			account: { id: 1, name: 'Loja' },
			inbox: { id: 2, name: 'WhatsApp' },
			conversation: { id: 3, status: 'open', inboxId: 2, contactId: 7, assigneeId: 9, labels: ['vip'], channel: 'Channel::Api' },
			message: {
				id: 42,
				content: 'Oi, quero um orçamento',
				type: 'incoming',
				contentType: 'text',
				private: false,
				createdAt: '2025-06-01T12:00:00.000Z',
				sourceId: 'wamid.1',
				attachments: [{ id: 5, fileType: 'image', extension: 'jpg', url: 'https://chat.example.com/rails/active_storage/blobs/redirect/abc/foto.jpg', size: 2048 }],
			},
			sender: { id: 7, name: 'Ana Souza', type: 'contact', email: 'ana@example.com', phoneNumber: '+5511999990000', identifier: null },
			changedAttributes: null,
		});
	});

	test('a conversation event is its own conversation; the contact is the sender', () => {
		const summary = eventSummary('conversation_status_changed', { event: 'conversation_status_changed', ...conversation, status: 'resolved', changed_attributes: [{ status: { previous_value: 'open', current_value: 'resolved' } }] });
		assert.deepEqual(summary.account, { id: 1, name: null });
		assert.deepEqual(summary.inbox, { id: 2, name: null });
		assert.equal((summary.conversation as IDataObject).status, 'resolved');
		assert.equal(summary.message, null);
		assert.equal((summary.sender as IDataObject).id, 7);
		assert.ok(Array.isArray(summary.changedAttributes));
	});

	test('contact, typing, widget and inbox events', () => {
		const created = eventSummary('contact_created', { event: 'contact_created', ...contact, type: undefined, account: { id: 1, name: 'Loja' } });
		assert.deepEqual([created.conversation, created.inbox, (created.sender as IDataObject).type], [null, null, 'contact']);
		const typing = eventSummary('conversation_typing_on', { event: 'conversation_typing_on', conversation, user: { id: 9, name: 'Bruno', type: 'user' }, is_private: false });
		assert.deepEqual([(typing.sender as IDataObject).type, (typing.conversation as IDataObject).id], ['user', 3]);
		const widget = eventSummary('webwidget_triggered', { event: 'webwidget_triggered', contact, inbox: { id: 4, name: 'Site' }, account: { id: 1, name: 'Loja' }, current_conversation: null, event_info: {} });
		assert.deepEqual([widget.inbox, widget.conversation, (widget.sender as IDataObject).id], [{ id: 4, name: 'Site' }, null, 7]);
		const inbox = eventSummary('inbox_updated', { event: 'inbox_updated', id: 4, name: 'Site novo', account_id: 1 });
		assert.deepEqual([inbox.inbox, inbox.account], [{ id: 4, name: 'Site novo' }, { id: 1, name: null }]);
	});

	test('message types sent as numbers are named', () => {
		assert.equal(((eventSummary('message_created', message({ message_type: 1 })).message) as IDataObject).type, 'outgoing');
	});
});

describe('Chatwoot filters', () => {
	test('inbox filter applies to every event that has an inbox', () => {
		assert.equal(filteredOut('message_created', message(), { inboxIds: [2] }), undefined);
		assert.equal(filteredOut('message_created', message(), { inboxIds: ['2'] }), undefined);
		assert.match(filteredOut('message_created', message(), { inboxIds: [5] }) ?? '', /inbox 2/);
		assert.match(filteredOut('conversation_created', { ...conversation }, { inboxIds: [5] }) ?? '', /inbox 2/);
		assert.equal(filteredOut('contact_created', { ...contact }, { inboxIds: [5] }), undefined);
	});

	test('message types and private notes', () => {
		assert.equal(filteredOut('message_created', message(), { messageTypes: ['incoming'] }), undefined);
		assert.match(filteredOut('message_created', message({ message_type: 'activity' }), { messageTypes: ['incoming'] }) ?? '', /activity/);
		assert.match(filteredOut('message_created', message({ private: true }), { privateNotes: 'exclude' }) ?? '', /private note/);
		assert.match(filteredOut('message_created', message(), { privateNotes: 'only' }) ?? '', /not a private note/);
		assert.equal(filteredOut('message_created', message({ private: true }), { privateNotes: 'only' }), undefined);
		// Message filters leave other events alone.
		assert.equal(filteredOut('conversation_created', { ...conversation }, { messageTypes: ['incoming'], privateNotes: 'only' }), undefined);
	});

	test("the account's own messages are skipped: agents, bots, automations", () => {
		const own = { ignoreAgentAndBotMessages: true };
		assert.equal(filteredOut('message_created', message(), own), undefined);
		assert.ok(filteredOut('message_created', message({ message_type: 'outgoing', sender: { id: 9, type: 'user' } }), own));
		assert.ok(filteredOut('message_created', message({ message_type: 'outgoing', sender: { id: 3, type: 'agent_bot' } }), own));
		assert.ok(filteredOut('message_created', message({ message_type: 'template', sender: undefined }), own));
		assert.equal(filteredOut('message_created', message({ message_type: 'activity', sender: undefined }), own), undefined);
	});

	test('messages of listed users are skipped', () => {
		const agentNote = message({ message_type: 'outgoing', private: true, sender: { id: 12, type: 'user' } });
		assert.match(filteredOut('message_created', agentNote, { ignoreUserIds: '3, 12' }) ?? '', /user 12/);
		assert.equal(filteredOut('message_created', agentNote, { ignoreUserIds: '3' }), undefined);
		// A contact with the same id as a listed user is not an agent.
		assert.equal(filteredOut('message_created', message({ sender: { ...contact, id: 12 } }), { ignoreUserIds: '12' }), undefined);
	});

	test('attachments are downloaded for incoming messages only', () => {
		assert.deepEqual(incomingAttachments('message_created', message()), [{ url: 'https://chat.example.com/rails/active_storage/blobs/proxy/abc/foto.jpg' }]);
		assert.deepEqual(incomingAttachments('message_created', message({ message_type: 'outgoing' })), []);
		assert.deepEqual(incomingAttachments('conversation_created', { ...conversation }), []);
	});

	test('blob URLs are fetched through the proxy route, which serves the file from the instance', () => {
		const base = 'https://chat.example.com/rails/active_storage/blobs';
		assert.equal(proxiedBlobUrl(`${base}/redirect/eyJf--1a/nota.pdf`), `${base}/proxy/eyJf--1a/nota.pdf`);
		assert.equal(proxiedBlobUrl(`${base}/eyJf--1a/nota.pdf`), `${base}/proxy/eyJf--1a/nota.pdf`);
		assert.equal(proxiedBlobUrl(`${base}/proxy/eyJf--1a/nota.pdf`), `${base}/proxy/eyJf--1a/nota.pdf`);
		assert.equal(proxiedBlobUrl('https://cdn.example.com/x/nota.pdf'), 'https://cdn.example.com/x/nota.pdf');
	});
});
