// Platform-neutral sandbox pieces: run with `node --import tsx --test test/sandbox/core.test.mts`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseMultipart } from '../../sandbox/core/body.mts';
import { HttpError } from '../../sandbox/core/errors.mts';
import { startSandboxServer, type SandboxServer } from '../../sandbox/core/http-server.mts';
import { minimalRequest } from '../../sandbox/core/minimal-request.mts';
import {
	listOperations,
	loadOpenApiDocument,
	type OpenApiDocument,
	type ResolvedParameter,
} from '../../sandbox/core/openapi.mts';
import { parseQuery } from '../../sandbox/core/query.mts';
import { SlidingWindowRateLimiter } from '../../sandbox/core/rate-limiter.mts';
import { RequestValidator } from '../../sandbox/core/request-validator.mts';
import { OpenApiRouter } from '../../sandbox/core/router.mts';
import { ContractSchemas } from '../../sandbox/core/schema-validator.mts';

function queryParam(
	name: string,
	schema: ResolvedParameter['schema'],
	extra: Partial<ResolvedParameter> = {},
): ResolvedParameter {
	return { name, in: 'query', required: false, schema, style: 'form', explode: true, ...extra };
}

describe('query parsing', () => {
	const parameters = [
		queryParam('IncludeDetails', { type: 'array', items: { type: 'string' } }),
		queryParam('Ids', { type: 'array', items: { type: 'integer' } }, { explode: false }),
		queryParam('PageSize', { type: 'integer' }),
		queryParam('Archived', { type: 'boolean' }),
		queryParam('CreatedAt.After', { type: 'string', format: 'date-time' }),
		queryParam(
			'Metadata',
			{ type: 'object', additionalProperties: { type: 'string' } },
			{ style: 'deepObject' },
		),
	];

	test('arrays, coercion, dotted and deepObject names, case-insensitive matching, empty values', () => {
		const parsed = parseQuery(
			'includedetails=Tags&IncludeDetails=CustomFields&Ids=1,2&pagesize=20&archived=True&CreatedAt.After=2025-01-01T00:00:00Z&metadata[pedido]=A1&Other=x&Empty=',
			parameters,
			{
				caseInsensitiveNames: true,
				ignoreEmptyValues: true,
			},
		);
		assert.deepEqual(parsed.values, {
			IncludeDetails: ['Tags', 'CustomFields'],
			Ids: [1, 2],
			PageSize: 20,
			Archived: true,
			'CreatedAt.After': '2025-01-01T00:00:00Z',
			Metadata: { pedido: 'A1' },
		});
		assert.deepEqual(parsed.unknownKeys, ['Other']);
	});

	test('exact names when case-insensitivity is off; repeated scalars are reported; bad numbers stay strings', () => {
		const parsed = parseQuery('pagesize=1&PageSize=abc&PageSize=3', parameters, {
			caseInsensitiveNames: false,
			ignoreEmptyValues: false,
		});
		assert.equal(parsed.values.PageSize, 'abc');
		assert.deepEqual(parsed.repeatedScalars, ['PageSize']);
		assert.deepEqual(parsed.unknownKeys, ['pagesize']);
	});
});

describe('router', () => {
	const document: OpenApiDocument = {
		openapi: '3.1.0',
		paths: {
			'/a/{id}/note': { get: { operationId: 'listNotes' } },
			'/a/note/{id}': { get: { operationId: 'getNote' }, delete: { operationId: 'deleteNote' } },
			'/a/{id}': { get: { operationId: 'getA' } },
			'/a/color': { get: { operationId: 'colors' } },
		},
	};
	const router = new OpenApiRouter(listOperations(document));

	test('literal segments win, decoding happens per segment, methods are checked', () => {
		const matched = (method: string, path: string) => {
			const match = router.match(method, path);
			return match.kind === 'matched'
				? [match.operation.operationId, match.pathParams]
				: [match.kind];
		};
		assert.deepEqual(matched('GET', '/a/note/x'), ['getNote', { id: 'x' }]);
		assert.deepEqual(matched('GET', '/a/x/note'), ['listNotes', { id: 'x' }]);
		assert.deepEqual(matched('GET', '/a/color'), ['colors', {}]);
		assert.deepEqual(matched('GET', '/a/%2B55%7C11999999999'), ['getA', { id: '+55|11999999999' }]);
		assert.deepEqual(matched('GET', '/a/a%2Fb'), ['getA', { id: 'a/b' }]);
		assert.deepEqual(matched('GET', '/a/x/'), ['getA', { id: 'x' }]);
		assert.deepEqual(matched('PUT', '/a/note/x'), ['method-not-allowed']);
		assert.deepEqual(matched('GET', '/a/x/y/z'), ['not-found']);
		assert.deepEqual(matched('GET', '/a/%E0%A4%A'), ['bad-path']);
	});
});

describe('multipart', () => {
	test('parses fields and files built by FormData', async () => {
		const form = new FormData();
		form.append('content', 'olá "mundo"');
		form.append('private', 'true');
		form.append(
			'attachments[]',
			new Blob([Buffer.from([0, 1, 2, 255])], { type: 'image/png' }),
			'pixel.png',
		);
		form.append('attachments[]', new Blob(['second']), 'b.txt');
		const request = new Request('http://sandbox.invalid/', { method: 'POST', body: form });
		const parts = parseMultipart(
			Buffer.from(await request.arrayBuffer()),
			request.headers.get('content-type') ?? '',
		);
		assert.deepEqual(
			parts.map((p) => [p.name, p.filename, p.data.length]),
			[
				['content', null, Buffer.byteLength('olá "mundo"')],
				['private', null, 4],
				['attachments[]', 'pixel.png', 4],
				['attachments[]', 'b.txt', 6],
			],
		);
		assert.equal(parts[0].data.toString('utf8'), 'olá "mundo"');
		assert.deepEqual([...parts[2].data], [0, 1, 2, 255]);
		assert.equal(parts[2].contentType, 'image/png');
	});
});

describe('rate limiter', () => {
	test('sliding windows over several buckets, exact Retry-After', () => {
		let now = 0;
		const limiter = new SlidingWindowRateLimiter({
			buckets: [
				{ name: 'burst', limit: 2, windowMs: 1_000 },
				{ name: 'long', limit: 3, windowMs: 10_000 },
			],
			bucketsFor: () => ['burst', 'long'],
			now: () => now,
		});
		const check = () => limiter.check('key', { method: 'GET', path: '/' });
		assert.equal(check().allowed, true);
		now = 100;
		assert.equal(check().allowed, true);
		now = 200;
		assert.deepEqual(check(), {
			allowed: false,
			bucket: 'burst',
			retryAfterMs: 800,
			retryAfterSeconds: 1,
		});
		now = 1_000;
		assert.equal(check().allowed, true, 'the first slot frees exactly one window later');
		now = 1_200;
		const refused = check();
		assert.equal(refused.allowed, false);
		assert.ok(!refused.allowed && refused.bucket === 'long' && refused.retryAfterSeconds === 9);
		assert.equal(
			limiter.check('other key', { method: 'GET', path: '/' }).allowed,
			true,
			'subjects are independent',
		);
	});
});

describe('a second platform on the core (Chatwoot-style)', () => {
	const document: OpenApiDocument = {
		openapi: '3.1.0',
		paths: {
			'/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages': {
				parameters: [
					{ name: 'account_id', in: 'path', required: true, schema: { type: 'integer' } },
					{ $ref: '#/components/parameters/conversation_id', name: '', in: 'path' },
				],
				post: {
					operationId: 'createMessage',
					requestBody: {
						required: true,
						content: {
							'application/json': { schema: { $ref: '#/components/schemas/MessageCreate' } },
							'multipart/form-data': { schema: { $ref: '#/components/schemas/MessageCreate' } },
						},
					},
					responses: {
						'200': {
							content: {
								'application/json': {
									schema: {
										type: 'object',
										required: ['id'],
										properties: { id: { type: 'integer' } },
									},
								},
							},
						},
					},
				},
			},
		},
		components: {
			parameters: {
				conversation_id: {
					name: 'conversation_id',
					in: 'path',
					required: true,
					schema: { type: 'integer' },
				},
			},
			schemas: {
				MessageCreate: {
					type: 'object',
					required: ['content'],
					properties: {
						content: { type: 'string' },
						private: { type: 'boolean' },
						attachments: { type: 'array', items: { type: 'string', format: 'binary' } },
					},
				},
			},
		},
	};
	let server: SandboxServer;
	const received: unknown[] = [];

	before(async () => {
		server = await startSandboxServer({
			document,
			query: { caseInsensitiveNames: false, ignoreEmptyValues: false },
			validateResponses: true,
			authenticate: (headers) => {
				const token =
					typeof headers.api_access_token === 'string' ? headers.api_access_token : null;
				return {
					credential: token,
					error:
						token === 'secret' ? null : new HttpError(401, 'UNAUTHORIZED', 'You need to sign in'),
				};
			},
			renderError: (error) => ({ error: error.message }),
			handlers: {
				createMessage: (request) => {
					received.push(request.body);
					return { body: { id: Number(request.pathParams.conversation_id) } };
				},
			},
		});
	});
	after(() => server.close());

	test('api_access_token auth, path-level $ref parameters, multipart bodies with coercion, own error body', async () => {
		const url = `${server.url}/api/v1/accounts/1/conversations/7/messages`;
		const denied = await fetch(url, { method: 'POST' });
		assert.equal(denied.status, 401);
		assert.deepEqual(await denied.json(), { error: 'You need to sign in' });

		const form = new FormData();
		form.append('content', 'hi');
		form.append('private', 'true');
		form.append('attachments[]', new Blob(['abc'], { type: 'text/plain' }), 'a.txt');
		const created = await fetch(url, {
			method: 'POST',
			headers: { api_access_token: 'secret' },
			body: form,
		});
		assert.equal(created.status, 200);
		assert.deepEqual(await created.json(), { id: 7 });
		assert.deepEqual(received.at(-1), { content: 'hi', private: true, attachments: ['a.txt'] });
		const record = server.recorder.requests({ operationId: 'createMessage' }).at(-1);
		assert.ok(record?.body.kind === 'multipart' && record.body.parts[2].data.toString() === 'abc');

		const invalid = await fetch(url.replace('/7/', '/seven/'), {
			method: 'POST',
			headers: { api_access_token: 'secret', 'content-type': 'application/json' },
			body: '{}',
		});
		assert.equal(invalid.status, 400);
		assert.match(
			((await invalid.json()) as { error: string }).error,
			/conversation_id must be integer; content is required/,
		);
		assert.equal(server.recorder.invalidRequests().length, 1);
	});
});

describe('minimalRequest', () => {
	test('builds valid requests for every operation of another contract (Chatwoot)', () => {
		const document = loadOpenApiDocument(
			new URL('../../specs/chatwoot/swagger.json', import.meta.url),
		);
		const operations = listOperations(document);
		const validator = new RequestValidator(document, new ContractSchemas(document), {
			caseInsensitiveNames: false,
			ignoreEmptyValues: false,
		});
		const problems: string[] = [];
		for (const operation of operations) {
			const request = minimalRequest(document, operation, {
				valueFor: ({ location, schema }) =>
					location === 'path' && schema.type === 'string' ? 'x1' : undefined,
			});
			const match = new OpenApiRouter(operations).match(request.method, request.path);
			if (match.kind !== 'matched') {
				problems.push(`${operation.operationId}: ${match.kind}`);
				continue;
			}
			const body =
				request.body === undefined
					? { kind: 'none' as const }
					: { kind: 'json' as const, value: request.body };
			const multipart = request.contentType === 'multipart/form-data';
			if (multipart) continue; // form bodies are exercised in the Chatwoot-style server test above
			const result = validator.validate(
				match.operation,
				match.pathParams,
				new URLSearchParams(request.query).toString(),
				body,
			);
			if (result.issues.length > 0)
				problems.push(
					`${operation.operationId}: ${result.issues.map((i) => i.message).join('; ')}`,
				);
		}
		assert.ok(operations.length > 100);
		assert.deepEqual(problems, []);
	});
});
