// Chatwoot's message operations (Create, Add Note, Send Attachments) against the Chatwoot sandbox, through the real transport.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { HandMadeOperation } from '../../nodes/shared/engine/executeNode.ts';
import { addNote } from '../../nodes/Chatwoot/actions/message/addNote.operation.ts';
import { createMessage } from '../../nodes/Chatwoot/actions/message/create.operation.ts';
import { sendAttachments } from '../../nodes/Chatwoot/actions/message/sendAttachments.operation.ts';
import { ApiClient, DEFAULT_SETTINGS } from '../../nodes/shared/transport/apiClient.ts';
import { chatwootProfile } from '../../nodes/Chatwoot/transport/chatwootProfile.ts';
import { jsonBodyOf } from '../../sandbox/core/recorder.mts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { createContext, type ParamValue } from './fakeContext.mts';

let sandbox: ChatwootSandbox;
before(async () => {
	sandbox = await startChatwootSandbox({});
});
after(async () => {
	await sandbox.close();
});

const binary = (fileName: string, mimeType: string, text: string) => ({ data: Buffer.from(text).toString('base64'), fileName, mimeType });

async function sendMessage(params: Record<string, ParamValue>, item: INodeExecutionData, binaryStore?: Record<string, Buffer>, operation: HandMadeOperation = createMessage) {
	const ctx = createContext({
		binaryStore,
		params: { accountId: String(sandbox.accountId), messageType: 'outgoing', private: false, ...params },
		items: [item],
		credentials: { chatwootApi: { url: sandbox.url, accessToken: sandbox.userToken, accountId: String(sandbox.accountId) } },
	});
	const client = new ApiClient(ctx, chatwootProfile('Chatwoot', 'chatwootApi', 'accessToken'), { ...DEFAULT_SETTINGS, maxRetries: 0 });
	const [output] = await (await operation.prepare.call(ctx, 0, client)).send();
	return { ...output.json, streamsOpened: ctx.streamsOpened } as IDataObject & { streamsOpened: string[] };
}

describe('Message › Create', () => {
	test('"Send Audio as Voice Message" sends is_voice_message, so Chatwoot tags the audio as a voice note', async () => {
		const conversationId = sandbox.seed.conversationIds[0];
		const message = await sendMessage(
			{ conversationId: String(conversationId), content: '', attachments: 'voice, invoice', options: { voiceMessage: true } },
			{ json: {}, binary: { voice: binary('nota.ogg', 'audio/ogg', 'OggS-voice'), invoice: binary('fatura.pdf', 'application/pdf', '%PDF-1.4') } },
		);
		const request = sandbox.recorder.requests({ operationId: 'create-a-new-message-in-a-conversation' }).at(-1);
		assert.ok(request && request.body.kind === 'multipart');
		assert.equal(request.invalid, false);
		const fields = Object.fromEntries(request.body.parts.filter((p) => p.filename === null).map((p) => [p.name, p.data.toString('utf8')]));
		assert.equal(fields.is_voice_message, 'true');
		assert.equal(fields.is_recorded_audio, undefined);
		const stored = sandbox.state.messages.get(Number(message.id));
		assert.deepEqual(
			stored?.attachments.map((a) => [a.file_name, a.meta]),
			[
				['nota.ogg', { is_voice_message: true }],
				['fatura.pdf', {}],
			],
		);
	});

	test('without the option no attachment is tagged and no flag is sent', async () => {
		const message = await sendMessage(
			{ conversationId: String(sandbox.seed.conversationIds[0]), content: 'audio', attachments: 'voice' },
			{ json: {}, binary: { voice: binary('nota.ogg', 'audio/ogg', 'OggS-voice') } },
		);
		const request = sandbox.recorder.requests({ operationId: 'create-a-new-message-in-a-conversation' }).at(-1);
		assert.ok(request && request.body.kind === 'multipart');
		assert.deepEqual(request.body.parts.filter((p) => p.name.includes('voice') || p.name.includes('recorded')), []);
		assert.deepEqual(sandbox.state.messages.get(Number(message.id))?.attachments.map((a) => a.meta), [{}]);
	});

	test('an attachment in n8n\'s binary store streams into the multipart body between the other parts; the same bytes arrive', async () => {
		const video = randomBytes(2 * 1024 * 1024 + 5);
		const id = 'filesystem-v2:workflows/1/executions/2/binary_data/clip';
		const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
		const message = await sendMessage(
			{ conversationId: String(sandbox.seed.conversationIds[0]), content: 'clip and invoice', attachments: 'clip, invoice' },
			{
				json: {},
				binary: {
					clip: { id, data: 'filesystem-v2', fileName: 'clip.mp4', mimeType: 'video/mp4', bytes: video.length },
					invoice: binary('fatura.pdf', 'application/pdf', '%PDF-1.4'),
				},
			},
			{ [id]: video },
		);
		assert.deepEqual(message.streamsOpened, [id]);
		const request = sandbox.recorder.requests({ operationId: 'create-a-new-message-in-a-conversation' }).at(-1);
		assert.ok(request && request.body.kind === 'multipart');
		assert.equal(request.invalid, false);
		const files = request.body.parts.filter((p) => p.filename !== null);
		assert.deepEqual(
			files.map((p) => [p.filename, p.data.length, sha256(p.data)]),
			[
				['clip.mp4', video.length, sha256(video)],
				['fatura.pdf', 8, sha256(Buffer.from('%PDF-1.4'))],
			],
		);
		assert.equal(Object.fromEntries(request.body.parts.filter((p) => p.filename === null).map((p) => [p.name, p.data.toString()])).content, 'clip and invoice');
	});
});

/** The fields of the last message request the sandbox took, JSON or multipart alike. */
function lastMessageFields(): Record<string, unknown> {
	const request = sandbox.recorder.requests({ operationId: 'create-a-new-message-in-a-conversation' }).at(-1);
	assert.ok(request);
	assert.equal(request.invalid, false);
	if (request.body.kind !== 'multipart') return jsonBodyOf(request) ?? {};
	return Object.fromEntries(request.body.parts.filter((p) => p.filename === null).map((p) => [p.name, p.data.toString('utf8')]));
}

describe('Message › Add Note', () => {
	test('posts a private outgoing message with the note as its content', async () => {
		const conversationId = sandbox.seed.conversationIds[0];
		const message = await sendMessage({ conversationId: String(conversationId), note: 'Customer wants a refund' }, { json: {} }, undefined, addNote);
		assert.deepEqual(lastMessageFields(), { content: 'Customer wants a refund', message_type: 'outgoing', private: true });
		assert.equal(sandbox.state.messages.get(Number(message.id))?.private, true);
	});

	test('an empty note without files is refused before anything is sent, naming the field and the item', async () => {
		const before = sandbox.recorder.requests().length;
		await assert.rejects(
			sendMessage({ conversationId: String(sandbox.seed.conversationIds[0]), note: '  ' }, { json: {} }, undefined, addNote),
			(error: Error & { description?: string }) => /Write a note/.test(error.message) && /"Note"/.test(String(error.description)),
		);
		assert.equal(sandbox.recorder.requests().length, before);
	});
});

describe('Message › Send Attachments', () => {
	test('sends the named binary fields to the contact, with the caption as content', async () => {
		const message = await sendMessage(
			{ conversationId: String(sandbox.seed.conversationIds[0]), attachments: 'data', caption: 'Your invoice' },
			{ json: {}, binary: { data: binary('fatura.pdf', 'application/pdf', '%PDF-1.4') } },
			undefined,
			sendAttachments,
		);
		assert.deepEqual(lastMessageFields(), { content: 'Your invoice', message_type: 'outgoing', private: 'false' });
		const stored = sandbox.state.messages.get(Number(message.id));
		assert.equal(stored?.private, false);
		assert.deepEqual(stored?.attachments.map((a) => a.file_name), ['fatura.pdf']);
	});

	test('without a binary field to send it is refused before anything is sent', async () => {
		const before = sandbox.recorder.requests().length;
		await assert.rejects(
			sendMessage({ conversationId: String(sandbox.seed.conversationIds[0]), attachments: '' }, { json: {} }, undefined, sendAttachments),
			/Name a binary field to send/,
		);
		assert.equal(sandbox.recorder.requests().length, before);
	});
});
