import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { IBinaryData, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { attachmentProperty, downloadFiles } from '../../nodes/shared/trigger/attachments.ts';
import { ApiClient, DEFAULT_SETTINGS } from '../../nodes/shared/transport/apiClient.ts';
import { wtsProfile } from '../../nodes/WtsChat/transport/wtsProfile.ts';
import { asWtsPayload, deliveryKey, messageDirection, messageFiles, messageFilteredOut, type WtsPayload } from '../../nodes/WtsChatTrigger/delivery.ts';
import { API_KEY, createContext, wtsCredentials } from './fakeContext.mts';
import { reply, withServer } from './testServer.mts';

function payload(eventType: string, content: IDataObject = {}): WtsPayload {
	return { eventType, date: '2025-06-01T12:00:00.1230000Z', content: { id: 'm1', sessionId: 's1', origin: 'DEFAULT', userId: null, text: 'Oi', ...content } };
}

describe('WTS deliveries', () => {
	test('a payload needs an event type and a content object', () => {
		assert.ok(asWtsPayload(payload('MESSAGE_RECEIVED')));
		assert.equal(asWtsPayload({ eventType: 'MESSAGE_RECEIVED' }), undefined);
		assert.equal(asWtsPayload({ eventType: 'MESSAGE_RECEIVED', content: [] }), undefined);
		assert.equal(asWtsPayload({ content: {} }), undefined);
		assert.equal(asWtsPayload(undefined), undefined);
	});

	test('the delivery key follows event and content, not the delivery date', () => {
		const first = payload('MESSAGE_RECEIVED');
		assert.equal(deliveryKey(first), deliveryKey({ ...first, date: '2025-06-01T12:05:00Z' }));
		assert.notEqual(deliveryKey(first), deliveryKey(payload('MESSAGE_UPDATED')));
		assert.notEqual(deliveryKey(first), deliveryKey(payload('MESSAGE_RECEIVED', { status: 'READ' })));
		assert.match(deliveryKey(first), /^MESSAGE_RECEIVED:[0-9a-f]{32}$/);
	});

	test('direction comes from the event; an update is outgoing when an agent or a non-default origin sent it', () => {
		// The direction field itself is ignored: inbound messages were seen with FROM_HUB.
		assert.equal(messageDirection('MESSAGE_RECEIVED', { direction: 'FROM_HUB' }), 'incoming');
		assert.equal(messageDirection('MESSAGE_SENT', { direction: 'TO_HUB' }), 'outgoing');
		assert.equal(messageDirection('MESSAGE_UPDATED', { origin: 'DEFAULT', userId: null }), 'incoming');
		assert.equal(messageDirection('MESSAGE_UPDATED', { origin: 'DEFAULT', userId: 'u1' }), 'outgoing');
		assert.equal(messageDirection('MESSAGE_UPDATED', { origin: 'CAMPAIGN' }), 'outgoing');
	});

	test('direction and API filters apply to message events only', () => {
		assert.equal(messageFilteredOut(payload('MESSAGE_RECEIVED'), { direction: 'incoming' }), undefined);
		assert.match(messageFilteredOut(payload('MESSAGE_SENT'), { direction: 'incoming' }) ?? '', /incoming/);
		assert.match(messageFilteredOut(payload('MESSAGE_SENT', { origin: 'API' }), { ignoreApiMessages: true }) ?? '', /API/);
		assert.equal(messageFilteredOut(payload('MESSAGE_SENT', { origin: 'BOT' }), { ignoreApiMessages: true }), undefined);
		assert.equal(messageFilteredOut(payload('SESSION_NEW', { origin: 'API' }), { direction: 'incoming', ignoreApiMessages: true }), undefined);
	});

	test('media comes from details.files, else details.file', () => {
		const file = (name: string) => ({ name, publicUrl: `https://api.wts.chat/files/${name}` });
		assert.deepEqual(messageFiles({ details: { file: file('a.png') } }), [{ url: 'https://api.wts.chat/files/a.png', fileName: 'a.png' }]);
		assert.deepEqual(messageFiles({ details: { file: file('a.png'), files: [file('b.pdf'), { name: 'no url' }] } }), [{ url: 'https://api.wts.chat/files/b.pdf', fileName: 'b.pdf' }]);
		assert.deepEqual(messageFiles({ details: null }), []);
		assert.deepEqual(messageFiles({}), []);
	});
});

describe('attachment download', () => {
	function webhookContext(baseUrl: string): IWebhookFunctions {
		const ctx = createContext({ credentials: wtsCredentials(baseUrl) });
		Object.assign(ctx.helpers, {
			prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> => ({ data: data.toString('base64'), fileName, mimeType: mimeType ?? 'application/octet-stream' }),
		});
		return ctx as unknown as IWebhookFunctions;
	}

	test('files below the API base URL are downloaded through the transport into binary properties', async () => {
		await withServer(
			(req, res) => (req.path.endsWith('.png') ? reply(res, 200, 'PNG-bytes', { 'Content-Type': 'image/png; charset=binary' }) : reply(res, 404, { text: 'gone' })),
			async (server) => {
				const ctx = webhookContext(server.baseUrl);
				const client = new ApiClient(ctx, wtsProfile, { ...DEFAULT_SETTINGS, paceToLimits: false, maxRetries: 0 });
				const result = await downloadFiles(ctx, client, [{ url: `${server.baseUrl}/__files/1/foto%20nova.png` }, { url: `${server.baseUrl}/__files/2/missing.pdf`, fileName: 'missing.pdf' }]);
				const binary = result.binary[attachmentProperty(0)];
				assert.equal(Buffer.from(binary.data, 'base64').toString(), 'PNG-bytes');
				assert.equal(binary.mimeType, 'image/png');
				assert.equal(binary.fileName, 'foto nova.png');
				assert.equal(result.binary[attachmentProperty(1)], undefined);
				assert.deepEqual(result.failures.map((f) => f.index), [1]);
				assert.match(String(result.failures[0].error), /404/);
			},
		);
	});

	test('files on another host (storage, CDN) are fetched without the API key', async () => {
		await withServer(
			(_req, res) => reply(res, 200, 'JPEG-bytes', { 'Content-Type': 'image/jpeg' }),
			async (elsewhere) => {
				const ctx = webhookContext('https://api.wts.chat');
				const client = new ApiClient(ctx, wtsProfile, { ...DEFAULT_SETTINGS, paceToLimits: false });
				const result = await downloadFiles(ctx, client, [{ url: `${elsewhere.baseUrl}/media/x.jpg?X-Amz-Signature=abc` }]);
				assert.equal(Buffer.from(result.binary[attachmentProperty(0)].data, 'base64').toString(), 'JPEG-bytes');
				assert.equal(result.binary[attachmentProperty(0)].fileName, 'x.jpg');
				assert.equal(elsewhere.requests.length, 1);
				assert.ok(!JSON.stringify(elsewhere.requests[0].headers).includes(API_KEY), 'the key went to another host');
				assert.deepEqual(result.failures, []);
			},
		);
	});
});
