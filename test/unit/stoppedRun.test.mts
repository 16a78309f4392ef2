// A run without Continue On Fail stops at its first failed send: no request starts after it (retries and
// the later steps of an item in flight included), the requests already in flight finish.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { IBinaryData, IDataObject, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';

import { executeNode } from '../../nodes/shared/engine/executeNode.ts';
import { runItems } from '../../nodes/shared/engine/itemRunner.ts';
import { indexRanges } from '../../nodes/shared/engine/stoppedRunReport.ts';
import { ApiClient, DEFAULT_SETTINGS, isNotSent } from '../../nodes/shared/transport/apiClient.ts';
import { sendFile } from '../../nodes/WtsChat/actions/message/sendFile.operation.ts';
import { sendText } from '../../nodes/WtsChat/actions/message/sendText.operation.ts';
import { wtsNode } from '../../nodes/WtsChat/wtsDefinition.ts';
import { wtsProfile } from '../../nodes/WtsChat/transport/wtsProfile.ts';
import { createContext, workflow, wtsCredentials } from './fakeContext.mts';
import { reply, withServer, type Handler } from './testServer.mts';

const fastOptions = { paceToLimits: false, maxRetries: 0, timeout: 5000 };
const phone = (i: number) => `+55|1190000${String(i).padStart(4, '0')}`;
const items = (count: number, extra: (i: number) => Partial<INodeExecutionData> = () => ({})): INodeExecutionData[] =>
	Array.from({ length: count }, (_, i) => ({ json: { i }, ...extra(i) }));
const recipientOf = (body: string) => (JSON.parse(body) as { to: string }).to;
const refused = { text: 'Número inválido', key: 'INVALID_NUMBER' };
/** A WTS batch endpoint that refuses the batch holding item 150 and takes the others. */
const refuseBatchOfItem150: Handler = (req, res) => {
	const messages = (JSON.parse(req.body) as { messages: Array<{ to: string }> }).messages;
	if (messages.some((m) => m.to === phone(150))) reply(res, 422, refused);
	else reply(res, 200, { results: messages.map((m) => ({ id: `id-${m.to}`, status: 'PROCESSING' })) });
};
/** 350 template sends through the batch endpoint. */
const batchTemplateRun = (baseUrl: string) =>
	createContext({
		credentials: wtsCredentials(baseUrl),
		items: items(350),
		params: { resource: 'message', operation: 'queueTemplate', from: 'channel-1', templateId: 'tpl-1', to: phone, requestOptions: { ...fastOptions, useBatchEndpoints: true } },
	});

describe('the client refuses to start requests once the run has stopped', () => {
	test('a request after the stop is not sent and says so', async () => {
		await withServer(
			(_req, res) => reply(res, 200, {}),
			async (server) => {
				const ctx = createContext({ credentials: wtsCredentials(server.baseUrl) });
				const client = new ApiClient(ctx, wtsProfile, { ...DEFAULT_SETTINGS, paceToLimits: false, stopped: () => true });
				await assert.rejects(client.request({ method: 'POST', path: '/chat/v1/message/send', body: {}, itemIndex: 3 }), (error: Error & { context?: { itemIndex?: number } }) => {
					assert.equal(error.message, 'Not sent: the run stopped at a failed item');
					assert.equal(error.context?.itemIndex, 3);
					assert.ok(isNotSent(error));
					return true;
				});
				assert.equal(server.requests.length, 0);
			},
		);
	});

	test('a 429 answered after the stop is not tried again', async () => {
		let stopped = false;
		await withServer(
			(_req, res) => {
				stopped = true;
				reply(res, 429, { text: 'slow down' }, { 'Retry-After': '0' });
			},
			async (server) => {
				const ctx = createContext({ credentials: wtsCredentials(server.baseUrl) });
				const client = new ApiClient(ctx, wtsProfile, { ...DEFAULT_SETTINGS, paceToLimits: false, maxRetries: 3, stopped: () => stopped });
				await assert.rejects(client.request({ method: 'POST', path: '/chat/v1/message/send', body: {} }), (error: Error) => isNotSent(error));
				assert.equal(server.requests.length, 1);
			},
		);
	});
});

describe('a run stops at its first failed send', () => {
	test('one item at a time: the items after the failed one are never sent', async () => {
		await withServer(
			(req, res) => (recipientOf(req.body) === phone(2) ? reply(res, 422, refused) : reply(res, 200, { id: recipientOf(req.body) })),
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					items: items(6),
					params: { resource: 'message', operation: sendText.value, from: 'channel-1', to: phone, text: 'oi', options: {}, requestOptions: { ...fastOptions, concurrency: 1 } },
				});
				await assert.rejects(executeNode(ctx, wtsNode), /WTS Chat answered 422: Número inválido/);
				assert.deepEqual(server.requests.map((r) => recipientOf(r.body)), [0, 1, 2].map(phone));
			},
		);
	});

	test('an item in flight when another fails finishes its request but starts no further one', async () => {
		// Item 0 fails at its send; item 1 is then between its upload slot and its storage upload. Item 1's slot
		// is answered only once item 0's failure has reached the runner.
		let runnerSawFailure: () => void = () => undefined;
		const failureSeen = new Promise<void>((resolve) => (runnerSawFailure = resolve));
		await withServer(
			async (req, res) => {
				if (req.method === 'GET' && req.query.get('Name') === 'one.pdf') {
					await failureSeen;
					reply(res, 200, { urlUpload: `http://${String(req.headers.host)}/storage/one`, tempFileId: 'tmp-one' });
				} else if (req.method === 'GET') reply(res, 200, { urlUpload: `http://${String(req.headers.host)}/storage/zero`, tempFileId: 'tmp-zero' });
				else if (req.method === 'PUT') reply(res, 200, '');
				else if (req.path === '/core/v2/file') reply(res, 201, { id: `file-${String(JSON.parse(req.body).tempFileId)}` });
				else reply(res, 422, refused);
			},
			async (server) => {
				const binary = (name: string): IBinaryData => ({ data: Buffer.from('%PDF').toString('base64'), mimeType: 'application/pdf', fileName: name });
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					items: items(2, (i) => ({ binary: { data: binary(i === 0 ? 'zero.pdf' : 'one.pdf') } })),
					params: { resource: 'message', operation: sendFile.value, from: 'channel-1', to: phone, fileSource: 'binary', binaryPropertyName: 'data', options: {}, requestOptions: { ...fastOptions, concurrency: 2 } },
				});
				const send = ctx.helpers.httpRequestWithAuthentication;
				ctx.helpers.httpRequestWithAuthentication = async function (this: unknown, type: string, options: IHttpRequestOptions) {
					const answer: unknown = await send.call(this as never, type, options);
					// The runner takes up the failure in the microtasks after this answer; setImmediate runs after them.
					if (String(options.url).endsWith('/chat/v1/message/send')) setImmediate(runnerSawFailure);
					return answer;
				};
				await assert.rejects(executeNode(ctx, wtsNode), /WTS Chat answered 422/);
				assert.deepEqual(server.lines, [
					'GET /core/v2/file?Type=PDF&Name=zero.pdf&MimeType=application%2Fpdf',
					'GET /core/v2/file?Type=PDF&Name=one.pdf&MimeType=application%2Fpdf',
					'PUT /storage/zero',
					'POST /core/v2/file',
					'POST /chat/v1/message/send',
				]);
			},
		);
	});

	test('Use Batch Endpoints: no batch request is sent after one failed', async () => {
		await withServer(
			refuseBatchOfItem150,
			async (server) => {
				const ctx = batchTemplateRun(server.baseUrl);
				await assert.rejects(executeNode(ctx, wtsNode), /WTS Chat answered 422/);
				assert.deepEqual(
					server.requests.map((r) => (JSON.parse(r.body) as { messages: unknown[] }).messages.length),
					[100, 100],
				);
			},
		);
	});
});

describe('the error of a stopped run says what was sent', () => {
	test('index ranges', () => {
		assert.equal(indexRanges([]), '');
		assert.equal(indexRanges([4]), '4');
		assert.equal(indexRanges([0, 1, 2, 3]), '0-3');
		assert.equal(indexRanges([601, 0, 1, 2, 599, 598]), '0-2, 598-599, 601');
		assert.equal(indexRanges([3, 3, 5]), '3, 5');
	});

	test('one item at a time: the failed item, the accepted ones and the ones not sent, in message, description and context', async () => {
		await withServer(
			(req, res) => (recipientOf(req.body) === phone(5) ? reply(res, 422, refused) : reply(res, 200, { id: recipientOf(req.body) })),
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					items: items(8),
					params: { resource: 'message', operation: sendText.value, from: 'channel-1', to: phone, text: 'oi', options: {}, requestOptions: { ...fastOptions, concurrency: 1 } },
				});
				await assert.rejects(executeNode(ctx, wtsNode), (error: Error & { description?: string; context?: IDataObject; httpCode?: string }) => {
					assert.ok(error instanceof workflow.NodeApiError, 'the API error keeps its kind');
					assert.equal(error.httpCode, '422');
					assert.equal(error.message, 'Item 5 failed: WTS Chat answered 422: Número inválido. 5 of 8 items had already been accepted (0-4)');
					assert.match(String(error.description), /^Error key: INVALID_NUMBER\n/);
					assert.ok(
						String(error.description).endsWith(
							'\n\nAccepted by the API before the run stopped: 5 items: 0-4.\nFailed: 1 item: 5.\nNot sent: 2 items: 6-7.\nTo finish the run, send only items 5-7 again.',
						),
						String(error.description),
					);
					assert.deepEqual(
						{ ...error.context },
						{ itemIndex: 5, itemCount: 8, acceptedCount: 5, acceptedItems: '0-4', failedItems: '5', notSentItems: '6-7' },
					);
					return true;
				});
				assert.deepEqual(server.requests.map((r) => recipientOf(r.body)), [0, 1, 2, 3, 4, 5].map(phone));
			},
		);
	});

	test('items in flight with the failed one are listed as accepted when the API took them', async () => {
		let runnerSawFailure: () => void = () => undefined;
		const failureSeen = new Promise<void>((resolve) => (runnerSawFailure = resolve));
		await withServer(
			async (req, res) => {
				const to = recipientOf(req.body);
				if (to === phone(2)) return reply(res, 422, refused);
				// The others answer once item 2's refusal has reached the runner: they were in flight when it failed.
				await failureSeen;
				reply(res, 200, { id: to });
			},
			async (server) => {
				const ctx = createContext({
					credentials: wtsCredentials(server.baseUrl),
					items: items(10),
					params: { resource: 'message', operation: sendText.value, from: 'channel-1', to: phone, text: 'oi', options: {}, requestOptions: { ...fastOptions, concurrency: 4 } },
				});
				const send = ctx.helpers.httpRequestWithAuthentication;
				ctx.helpers.httpRequestWithAuthentication = async function (this: unknown, type: string, options: IHttpRequestOptions) {
					const answer = (await send.call(this as never, type, options)) as { statusCode: number };
					if (answer.statusCode === 422) setImmediate(runnerSawFailure);
					return answer;
				};
				await assert.rejects(executeNode(ctx, wtsNode), (error: Error & { context?: IDataObject }) => {
					assert.equal(error.message, 'Item 2 failed: WTS Chat answered 422: Número inválido. 3 of 10 items had already been accepted (0-1, 3)');
					assert.equal(error.context?.notSentItems, '4-9');
					return true;
				});
				assert.deepEqual(server.requests.map((r) => recipientOf(r.body)).sort(), [0, 1, 2, 3].map(phone));
			},
		);
	});

	test('Use Batch Endpoints: the refused batch names its items; the batches before it are accepted', async () => {
		await withServer(
			refuseBatchOfItem150,
			async (server) => {
				const ctx = batchTemplateRun(server.baseUrl);
				await assert.rejects(executeNode(ctx, wtsNode), (error: Error & { description?: string; context?: IDataObject }) => {
					assert.equal(error.message, 'Items 100-199 failed: WTS Chat answered 422: Número inválido. 100 of 350 items had already been accepted (0-99)');
					assert.match(String(error.description), /Not sent: 150 items: 200-349\.\nTo finish the run, send only items 100-349 again\.$/);
					assert.equal(error.context?.acceptedItems, '0-99');
					return true;
				});
			},
		);
	});

	test('a failure that is not a node error becomes one, with the item it belongs to', async () => {
		const ctx = createContext({ items: items(3) });
		await assert.rejects(
			runItems(ctx, 3, async (i) => {
				if (i === 1) throw new Error('boom');
				return [{ json: { i } }];
			}, { concurrency: 1 }),
			(error: Error & { context?: IDataObject }) => {
				assert.ok(error instanceof workflow.NodeOperationError);
				assert.equal(error.message, 'Item 1 failed: boom. 1 of 3 items had already been accepted (0)');
				assert.equal(error.context?.itemIndex, 1);
				return true;
			},
		);
	});

	test('a single-item run keeps its error as it is', async () => {
		await assert.rejects(
			runItems(createContext(), 1, async () => {
				throw new Error('boom');
			}, { concurrency: 1 }),
			(error: Error) => error.message === 'boom' && !(error instanceof workflow.NodeOperationError),
		);
	});
});
