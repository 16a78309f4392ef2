import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { chatwootSignature } from '../../nodes/ChatwootTrigger/signature.ts';
import { constantTimeEqual } from '../../nodes/shared/trigger/constantTimeEqual.ts';
import { deliveryKey } from '../../nodes/WtsChatTrigger/delivery.ts';

// Known answers computed with OpenSSL (`printf '%s' '<timestamp>.<body>' | openssl dgst -sha256 -hmac '<secret>'`).
describe('Chatwoot signature: HMAC-SHA256 of "<timestamp>.<raw body>"', () => {
	test('known answers', () => {
		assert.equal(
			chatwootSignature('whsec_test', '1700000000', Buffer.from('{"event":"message_created","id":1}')),
			'sha256=ba55871d2fd9eab97ecf99c4cb52f005f74b4d28e892450237808d85a43a3ea7',
		);
		assert.equal(chatwootSignature('k', '1700000000', new Uint8Array(0)), 'sha256=5c2999a43333a6877f49c8003f235c4f6de40f85b1b7414b70bd470a8db53d97');
	});

	test('a secret longer than a hash block', () => {
		assert.equal(
			chatwootSignature('x'.repeat(100), '1700000000', Buffer.from('{"event":"conversation_created"}')),
			'sha256=dee09a7d94dda842d1b0f8be7bde092c411d7be0623f06bbf9f20062f78874e5',
		);
	});

	test('multi-byte characters in the secret and the body are signed as their UTF-8 bytes', () => {
		assert.equal(
			chatwootSignature('segredo-ç', '1700000000', Buffer.from('{"content":"Olá 👋"}', 'utf8')),
			'sha256=3f2ad21cba1aabc42a2bac1c33047ba45ecf5f175469dca93c4a06e78dfe830d',
		);
	});

	test('the bytes received are signed, not the JSON they parse to', () => {
		const compact = chatwootSignature('whsec_test', '1700000000', Buffer.from('{"id":1}'));
		assert.notEqual(chatwootSignature('whsec_test', '1700000000', Buffer.from('{ "id": 1 }')), compact);
		assert.notEqual(chatwootSignature('whsec_test', '1700000001', Buffer.from('{"id":1}')), compact);
	});
});

describe('WTS delivery key', () => {
	test('the event and the first 128 bits of the SHA-256 of [content, changeMetadata]', () => {
		// printf '%s' '[{},null]' | sha256sum
		assert.equal(
			deliveryKey({ eventType: 'CONTACT_UPDATED', date: '2025-06-01T12:00:00Z', content: {} }),
			'CONTACT_UPDATED:f430e673d93ac3f880c8b552c72b8d1e',
		);
	});
});

describe('constantTimeEqual', () => {
	test('compares whole strings, whatever their lengths', () => {
		assert.equal(constantTimeEqual('sha256=abc', 'sha256=abc'), true);
		assert.equal(constantTimeEqual('sha256=abc', 'sha256=abd'), false);
		assert.equal(constantTimeEqual('sha256=abc', 'sha256=ab'), false);
		assert.equal(constantTimeEqual('', 'x'), false);
		assert.equal(constantTimeEqual('', ''), true);
	});

	test('strings of one length in characters but not in bytes are unequal, not an error', () => {
		assert.equal(constantTimeEqual('secret-é', 'secret-e'), false);
		assert.equal(constantTimeEqual('secret-é', 'secret-é'), true);
	});
});
