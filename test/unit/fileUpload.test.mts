import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';

import { ApiClient, DEFAULT_SETTINGS } from '../../nodes/shared/transport/apiClient.ts';
import { checkUploadInput, fileTypeOf, uploadBinary } from '../../nodes/WtsChat/transport/fileUpload.ts';
import { wtsProfile } from '../../nodes/WtsChat/transport/wtsProfile.ts';
import { API_KEY, createContext, workflow, wtsCredentials } from './fakeContext.mts';
import { reply, withServer } from './testServer.mts';

const bytes = Buffer.from('%PDF-1.4 fake pdf bytes');
const item = { json: {}, binary: { data: { data: bytes.toString('base64'), mimeType: 'application/pdf', fileName: 'boleto.pdf', fileExtension: 'pdf' } } };

describe('WTS file upload (binary helpers and the unauthenticated storage PUT)', () => {
	test('asks for a slot, PUTs the bytes to the presigned URL without the API key, then confirms', async () => {
		await withServer(
			(req, res) => {
				if (req.method === 'GET') reply(res, 200, { urlUpload: `http://127.0.0.1:${(req.headers.host ?? '').split(':')[1]}/storage/put?sig=1`, tempFileId: 'tmp-1' });
				else if (req.method === 'PUT') reply(res, 200, '');
				else reply(res, 201, { id: 'file-1', name: 'boleto.pdf' });
			},
			async (server) => {
				const ctx = createContext({ credentials: wtsCredentials(server.baseUrl), items: [item] });
				const client = new ApiClient(ctx, wtsProfile, { ...DEFAULT_SETTINGS, paceToLimits: false, maxRetries: 0 });
				const stored = await uploadBinary(ctx, client, checkUploadInput(ctx, 0, ' data '));
				assert.deepEqual(stored, { id: 'file-1', name: 'boleto.pdf' });
				const [slot, put, confirm] = server.requests;
				assert.equal(slot.path, '/core/v2/file');
				assert.deepEqual(Object.fromEntries(slot.query), { Type: 'PDF', Name: 'boleto.pdf', MimeType: 'application/pdf' });
				assert.equal(put.method, 'PUT');
				assert.equal(put.url, '/storage/put?sig=1');
				assert.equal(put.body, bytes.toString());
				assert.equal(put.headers['content-type'], 'application/pdf');
				assert.equal(put.headers.authorization, undefined, 'the storage URL must not receive the API key');
				assert.ok(!JSON.stringify(put.headers).includes(API_KEY));
				assert.equal(confirm.method, 'POST');
				assert.deepEqual(JSON.parse(confirm.body), { tempFileId: 'tmp-1' });
				assert.equal(ctx.plainRequests.length, 1);
			},
		);
	});

	test('a file in n8n\'s binary store streams to the storage: never read whole, sent with its length, the same bytes arrive', async () => {
		const stored = randomBytes(3 * 1024 * 1024 + 17);
		const id = 'filesystem-v2:workflows/1/executions/1/binary_data/video';
		const video = { json: {}, binary: { data: { id, data: 'filesystem-v2', mimeType: 'video/mp4', fileName: 'aula.mp4', fileExtension: 'mp4', bytes: stored.length } } };
		const received: { length: number; sha256: string }[] = [];
		await withServer(
			(req, res) => {
				if (req.method === 'GET') reply(res, 200, { urlUpload: `http://127.0.0.1:${(req.headers.host ?? '').split(':')[1]}/storage/put?sig=1`, tempFileId: 'tmp-2' });
				else if (req.method === 'PUT') reply(res, 200, '');
				else reply(res, 201, { id: 'file-2' });
			},
			async (server) => {
				const ctx = createContext({ credentials: wtsCredentials(server.baseUrl), items: [video], binaryStore: { [id]: stored } });
				const client = new ApiClient(ctx, wtsProfile, { ...DEFAULT_SETTINGS, paceToLimits: false, maxRetries: 0 });
				assert.deepEqual(await uploadBinary(ctx, client, checkUploadInput(ctx, 0, 'data')), { id: 'file-2' });
				assert.deepEqual(ctx.streamsOpened, [id]);
				const [put] = ctx.plainRequests;
				assert.ok(put.body instanceof Readable, 'the PUT body is a stream');
				assert.equal(put.disableFollowRedirect, true, 'a redirect would keep a copy of the bytes sent');
				const upload = server.requests.find((r) => r.method === 'PUT');
				assert.ok(upload);
				assert.equal(upload.headers['content-length'], String(stored.length));
				received.push({ length: upload.bytes.length, sha256: createHash('sha256').update(upload.bytes).digest('hex') });
			},
		);
		assert.deepEqual(received, [{ length: stored.length, sha256: createHash('sha256').update(stored).digest('hex') }]);
	});

	test('a missing binary property is refused naming it and the item', () => {
		const ctx = createContext({ credentials: wtsCredentials('http://127.0.0.1:9'), items: [{ json: {} }, item] });
		assert.throws(() => checkUploadInput(ctx, 0, 'data'), (error: Error & { context?: { itemIndex?: number } }) => {
			assert.ok(error instanceof workflow.NodeOperationError);
			assert.equal(error.message, 'No binary property "data" on item 0');
			assert.equal(error.context?.itemIndex, 0);
			return true;
		});
		assert.throws(() => checkUploadInput(ctx, 1, '  '), /"Input Binary Field" is required/);
	});

	test('file types follow the MIME type', () => {
		assert.equal(fileTypeOf('image/png'), 'IMAGE');
		assert.equal(fileTypeOf('audio/ogg'), 'AUDIO');
		assert.equal(fileTypeOf('video/mp4'), 'VIDEO');
		assert.equal(fileTypeOf('application/pdf'), 'PDF');
		assert.equal(fileTypeOf('text/csv'), 'EXCEL');
		assert.equal(fileTypeOf('application/vnd.openxmlformats-officedocument.wordprocessingml.document'), 'WORD');
		assert.equal(fileTypeOf('application/zip'), 'DOCUMENT');
	});
});
