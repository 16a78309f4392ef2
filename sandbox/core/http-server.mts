// The platform-neutral sandbox HTTP server. Pipeline for every non-admin request:
//   record -> fault rule? -> raw route (e.g. presigned upload) | gate -> auth -> rate limit -> route
//   -> body -> validate -> handler -> (response validation) -> answer (possibly through a fault).
// Platform specifics (auth, error bodies, gate rules, handlers, rate-limit buckets) come in via config.
import {
	createServer,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	BodySyntaxError,
	BodyTooLargeError,
	parseBody,
	readBody,
	type ParsedBody,
} from './body.mts';
import { HttpError } from './errors.mts';
import { FaultInjector, faultRuleFromJson, type FaultRule } from './faults.mts';
import {
	listOperations,
	responseFor,
	type ContractOperation,
	type OpenApiDocument,
} from './openapi.mts';
import type { QueryParseOptions } from './query.mts';
import type { SlidingWindowRateLimiter } from './rate-limiter.mts';
import { RequestRecorder, type RecordedBody, type RecordedRequest, type RequestFilter } from './recorder.mts';
import { RequestValidator } from './request-validator.mts';
import { OpenApiRouter } from './router.mts';
import { ContractSchemas } from './schema-validator.mts';

export const ADMIN_PREFIX = '/__sandbox/';

/** What a contract handler receives. */
export interface OperationRequest {
	operation: ContractOperation;
	pathParams: Record<string, unknown>;
	/** Query values with contract defaults applied, keyed by the contract's names. */
	query: Record<string, unknown>;
	/** Parsed JSON, multipart fields object, or undefined. */
	body: unknown;
	/** The parsed body as received (multipart parts keep their bytes here). */
	parsedBody: ParsedBody;
	headers: IncomingHttpHeaders;
	credential: string;
	/** `http://host:port` as the client addressed the sandbox. */
	baseUrl: string;
}

export interface HandlerResponse {
	/** Defaults to 200. */
	status?: number;
	/** Serialised as JSON; undefined sends an empty body. */
	body?: unknown;
	headers?: Record<string, string>;
}

export type OperationHandler = (
	request: OperationRequest,
) => HandlerResponse | Promise<HandlerResponse>;

export interface RawRouteRequest {
	method: string;
	/** Raw pathname. */
	path: string;
	rawQuery: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
	baseUrl: string;
}

export interface RawResponse {
	status: number;
	headers?: Record<string, string>;
	body?: string | Buffer;
	/** Whether the request took effect. */
	processed: boolean;
}

/** A non-contract, unauthenticated route (e.g. a presigned upload URL). */
export interface RawRoute {
	name: string;
	pathPrefix: string;
	maxBodyBytes: number;
	/** Answer when the body exceeds `maxBodyBytes`. */
	tooLarge: (limit: number) => RawResponse;
	handle: (request: RawRouteRequest) => RawResponse | Promise<RawResponse>;
}

/** An extra admin endpoint under `/__sandbox/`; answers JSON 200 with the returned value. */
export interface AdminRoute {
	method: string;
	/** Path after `/__sandbox/`, e.g. `state/summary`. */
	path: string;
	handle: (body: unknown, query: URLSearchParams) => unknown;
}

export interface ThrottleRequest {
	method: string;
	path: string;
	/** The client's address as the server sees it. */
	ip: string;
	headers: IncomingHttpHeaders;
}

export type AuthResult = { credential: string | null; error: HttpError | null };

export interface SandboxServerConfig {
	document: OpenApiDocument;
	host?: string;
	/** 0 = any free port. */
	port?: number;
	query: QueryParseOptions;
	/** Ignore query keys the contract does not declare instead of rejecting them. */
	lenientQuery?: boolean;
	/** Check every JSON response against the contract; a violation is recorded and answered as 500. */
	validateResponses?: boolean;
	/** Limit for contract request bodies (default 10 MiB). */
	maxBodyBytes?: number;
	rateLimiter?: SlidingWindowRateLimiter;
	/**
	 * A platform's own throttle, checked where `rateLimiter` is (after auth): a returned answer is sent as it
	 * is (status, headers, text body) instead of the contract's pipeline. Reset with the sandbox.
	 */
	throttle?: {
		check(request: ThrottleRequest): { status: number; headers: Record<string, string>; body: string } | null;
		reset(): void;
	};
	faultSeed?: number;
	/** Runs before auth; a returned error is answered as-is (e.g. WTS: missing service prefix). */
	gate?: (method: string, path: string) => HttpError | null;
	authenticate: (headers: IncomingHttpHeaders) => AuthResult;
	/** Builds the platform's error body for an error. */
	renderError: (error: HttpError) => unknown;
	handlers: Partial<Record<string, OperationHandler>>;
	rawRoutes?: RawRoute[];
	adminRoutes?: AdminRoute[];
	/** Called by `POST /__sandbox/reset` after recorder, faults and limiter are cleared. */
	onReset?: () => void;
}

export interface SandboxServer {
	url: string;
	port: number;
	server: Server;
	operations: ContractOperation[];
	schemas: ContractSchemas;
	recorder: RequestRecorder;
	faults: FaultInjector;
	close: () => Promise<void>;
}

interface Outgoing {
	status: number;
	headers: Record<string, string>;
	payload: Buffer;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function jsonOutgoing(
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): Outgoing {
	if (body === undefined) return { status, headers, payload: Buffer.alloc(0) };
	return {
		status,
		headers: { 'content-type': JSON_TYPE, ...headers },
		payload: Buffer.from(JSON.stringify(body)),
	};
}

/** A body as recorded: parsed where it can be, kept as bytes with the parser's complaint otherwise. */
function parseBodyOrRaw(bytes: Buffer, contentType: string | undefined): RecordedBody {
	try {
		return parseBody(bytes, contentType);
	} catch (error) {
		return { kind: 'unparsable', bytes, error: (error as Error).message };
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A recorded request as JSON-friendly data (bytes become base64). */
export function serializeRecord(record: RecordedRequest): Record<string, unknown> {
	const body = record.body;
	const serializedBody =
		body.kind === 'raw'
			? {
					kind: 'raw',
					contentType: body.contentType,
					size: body.bytes.length,
					base64: body.bytes.toString('base64'),
				}
			: body.kind === 'unparsable'
				? {
						kind: 'unparsable',
						error: body.error,
						size: body.bytes.length,
						base64: body.bytes.toString('base64'),
					}
				: body.kind === 'multipart'
					? {
							kind: 'multipart',
							parts: body.parts.map((p) => ({
								name: p.name,
								filename: p.filename,
								contentType: p.contentType,
								size: p.data.length,
								base64: p.data.toString('base64'),
							})),
						}
					: body;
	return { ...record, body: serializedBody };
}

function requestFilterFromQuery(query: URLSearchParams): RequestFilter & { sinceSeq?: number } {
	const bool = (name: string) => (query.has(name) ? query.get(name) === 'true' : undefined);
	const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
	return {
		operationId: query.get('operationId') ?? undefined,
		method: query.get('method') ?? undefined,
		path: query.get('path') ?? undefined,
		invalid: bool('invalid'),
		processed: bool('processed'),
		status: number('status'),
		sinceSeq: number('sinceSeq'),
	};
}

// Compiled validators are costly (about 1 s for a 125-operation contract), so sandboxes share them per document.
const schemasByDocument = new WeakMap<OpenApiDocument, ContractSchemas>();

export async function startSandboxServer(config: SandboxServerConfig): Promise<SandboxServer> {
	const operations = listOperations(config.document);
	const router = new OpenApiRouter(operations);
	const schemas = schemasByDocument.get(config.document) ?? new ContractSchemas(config.document);
	schemasByDocument.set(config.document, schemas);
	const validator = new RequestValidator(config.document, schemas, config.query);
	const recorder = new RequestRecorder();
	const faults = new FaultInjector(config.faultSeed ?? 1);
	const maxBodyBytes = config.maxBodyBytes ?? 10 * 1024 * 1024;
	const host = config.host ?? '127.0.0.1';

	const errorOutgoing = (error: HttpError): Outgoing =>
		jsonOutgoing(error.status, config.renderError(error), error.headers);

	const adminRoutes: AdminRoute[] = [
		{
			method: 'GET',
			path: 'requests',
			handle: (_body, query) => {
				const { sinceSeq, ...filter } = requestFilterFromQuery(query);
				return recorder
					.requests(filter)
					.filter((r) => sinceSeq === undefined || r.seq > sinceSeq)
					.map(serializeRecord);
			},
		},
		{
			method: 'POST',
			path: 'reset',
			handle: () => {
				recorder.reset();
				faults.clear();
				config.rateLimiter?.reset();
				config.throttle?.reset();
				config.onReset?.();
				return { ok: true };
			},
		},
		{
			method: 'GET',
			path: 'faults',
			handle: () =>
				faults
					.list()
					.map((r) => ({ ...r, path: r.path instanceof RegExp ? String(r.path) : r.path })),
		},
		{
			method: 'POST',
			path: 'faults',
			handle: (body) => ({ id: faults.add(faultRuleFromJson(body)).id }),
		},
		{
			method: 'DELETE',
			path: 'faults',
			handle: (_body, query) => {
				if (query.has('id')) faults.remove(Number(query.get('id')));
				else faults.clear();
				return { ok: true };
			},
		},
		...(config.adminRoutes ?? []),
	];

	async function handleAdmin(
		request: IncomingMessage,
		response: ServerResponse,
		url: URL,
	): Promise<void> {
		const path = url.pathname.slice(ADMIN_PREFIX.length);
		const route = adminRoutes.find((r) => r.method === request.method && r.path === path);
		let outgoing: Outgoing;
		if (route === undefined) {
			outgoing = jsonOutgoing(404, { error: `no admin route ${request.method} ${url.pathname}` });
		} else {
			try {
				const bytes = await readBody(request, maxBodyBytes);
				const body = bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined;
				outgoing = jsonOutgoing(200, (await route.handle(body, url.searchParams)) ?? { ok: true });
			} catch (error) {
				outgoing = jsonOutgoing(400, { error: (error as Error).message });
			}
		}
		write(response, outgoing);
	}

	function write(response: ServerResponse, outgoing: Outgoing): void {
		response.writeHead(outgoing.status, {
			...outgoing.headers,
			'content-length': String(outgoing.payload.length),
		});
		response.end(outgoing.payload);
	}

	/** The request body, or the error reading it gave (rethrown where the body is read in the pipeline). */
	async function readBodyOrError(request: IncomingMessage): Promise<Buffer | Error> {
		try {
			return await readBody(request, maxBodyBytes);
		} catch (error) {
			return error instanceof Error ? error : new Error(String(error));
		}
	}

	/** Contract pipeline; fills `record` as it goes and returns the answer. `preRead`: the body, read already. */
	async function processContractRequest(
		request: IncomingMessage,
		url: URL,
		record: RecordedRequest,
		baseUrl: string,
		preRead?: Buffer | Error,
	): Promise<Outgoing> {
		const method = request.method ?? 'GET';
		const path = url.pathname;
		const rawQuery = url.search.slice(1);
		record.query = Object.fromEntries(new URLSearchParams(rawQuery));

		// A gate refusal means the path cannot be a contract operation, so it counts as invalid.
		const gateError = config.gate?.(method, path) ?? null;
		if (gateError) {
			record.invalid = true;
			return errorOutgoing(gateError);
		}

		const auth = config.authenticate(request.headers);
		record.credential = auth.credential;
		if (auth.error || auth.credential === null) {
			return errorOutgoing(auth.error ?? new HttpError(401, 'UNAUTHORIZED', 'Missing credentials'));
		}

		const throttled = config.throttle?.check({ method, path, ip: request.socket.remoteAddress ?? '', headers: request.headers });
		if (throttled) return { status: throttled.status, headers: throttled.headers, payload: Buffer.from(throttled.body, 'utf8') };

		if (config.rateLimiter) {
			const decision = config.rateLimiter.check(auth.credential, { method, path });
			if (!decision.allowed) {
				return errorOutgoing(
					new HttpError(
						429,
						'TOO_MANY_REQUESTS',
						`Rate limit exceeded (${decision.bucket}); retry in ${decision.retryAfterSeconds} s`,
						[],
						{
							'retry-after': String(decision.retryAfterSeconds),
						},
					),
				);
			}
		}

		const match = router.match(method, path);
		if (match.kind !== 'matched') {
			record.invalid = true;
			const error =
				match.kind === 'method-not-allowed'
					? new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}`, [], {
							allow: match.allowed.join(', '),
						})
					: match.kind === 'bad-path'
						? new HttpError(
								400,
								'BAD_PATH',
								`Malformed percent-encoding in path segment ${match.segment}`,
							)
						: new HttpError(404, 'ROUTE_NOT_FOUND', `No operation ${method} ${path}`);
			return errorOutgoing(error);
		}
		const operation = match.operation;
		record.operationId = operation.operationId;

		let parsedBody: ParsedBody;
		let bytes: Buffer = Buffer.alloc(0);
		try {
			if (preRead instanceof Error) throw preRead;
			bytes = preRead ?? (await readBody(request, maxBodyBytes));
			parsedBody = parseBody(bytes, request.headers['content-type']);
			record.body = parsedBody;
		} catch (error) {
			if (error instanceof BodyTooLargeError)
				return errorOutgoing(new HttpError(413, 'PAYLOAD_TOO_LARGE', error.message));
			if (error instanceof BodySyntaxError) {
				record.invalid = true;
				record.body = { kind: 'unparsable', bytes, error: error.message };
				const issue = { location: 'body' as const, field: 'body', message: error.message };
				record.validationErrors = [issue];
				return errorOutgoing(new HttpError(400, 'INVALID_BODY', error.message, [issue]));
			}
			throw error;
		}

		const validated = validator.validate(operation, match.pathParams, rawQuery, parsedBody);
		record.query = validated.query;
		const issues = [...validated.issues];
		if (!config.lenientQuery) {
			for (const key of validated.unknownQueryKeys) {
				issues.push({
					location: 'query',
					field: key,
					message: `${key} is not a query parameter of ${operation.operationId}`,
				});
			}
		}
		if (issues.length > 0) {
			record.invalid = true;
			record.validationErrors = issues;
			const message = issues.map((i) => i.message).join('; ');
			const error = validated.unsupportedMediaType
				? new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', message, issues)
				: new HttpError(
						400,
						validated.unknownQueryKeys.length > 0 && validated.issues.length === 0
							? 'UNKNOWN_QUERY_PARAMETER'
							: 'VALIDATION',
						message,
						issues,
					);
			return checkResponse(operation, record, errorOutgoing(error));
		}

		const handler = config.handlers[operation.operationId];
		if (handler === undefined) {
			return errorOutgoing(
				new HttpError(501, 'NOT_IMPLEMENTED', `No sandbox handler for ${operation.operationId}`),
			);
		}
		let result: HandlerResponse;
		try {
			result = await handler({
				operation,
				pathParams: validated.pathParams,
				query: validated.queryWithDefaults,
				body: validated.body,
				parsedBody,
				headers: request.headers,
				credential: auth.credential,
				baseUrl,
			});
		} catch (error) {
			if (error instanceof HttpError) return checkResponse(operation, record, errorOutgoing(error));
			throw error;
		}
		record.processed = true;
		const status = result.status ?? 200;
		return checkResponse(operation, record, jsonOutgoing(status, result.body, result.headers));
	}

	/** Validates a JSON answer against the operation's response schema when enabled. */
	function checkResponse(
		operation: ContractOperation,
		record: RecordedRequest,
		outgoing: Outgoing,
	): Outgoing {
		if (!config.validateResponses || outgoing.payload.length === 0) return outgoing;
		const schema = responseFor(operation, outgoing.status)?.content['application/json'];
		if (schema === undefined) return outgoing;
		const issues = schemas.validate(
			schema,
			JSON.parse(outgoing.payload.toString('utf8')),
			'response',
		);
		if (issues.length === 0) return outgoing;
		record.responseErrors = issues;
		const message = `Sandbox answer for ${operation.operationId} (${outgoing.status}) breaks the contract: ${issues.map((i) => i.message).join('; ')}`;
		return errorOutgoing(new HttpError(500, 'RESPONSE_INVALID', message, issues));
	}

	async function processRawRoute(
		route: RawRoute,
		request: IncomingMessage,
		url: URL,
		record: RecordedRequest,
		baseUrl: string,
	): Promise<Outgoing> {
		record.rawRoute = route.name;
		let body: Buffer;
		try {
			body = await readBody(request, route.maxBodyBytes);
		} catch (error) {
			if (!(error instanceof BodyTooLargeError)) throw error;
			const answer = route.tooLarge(error.limit);
			return {
				status: answer.status,
				headers: answer.headers ?? {},
				payload: Buffer.from(answer.body ?? ''),
			};
		}
		record.body = {
			kind: 'raw',
			contentType: request.headers['content-type'] ?? null,
			bytes: body,
		};
		const answer = await route.handle({
			method: request.method ?? 'GET',
			path: url.pathname,
			rawQuery: url.search.slice(1),
			headers: request.headers,
			body,
			baseUrl,
		});
		record.processed = answer.processed;
		return {
			status: answer.status,
			headers: answer.headers ?? {},
			payload:
				typeof answer.body === 'string'
					? Buffer.from(answer.body)
					: (answer.body ?? Buffer.alloc(0)),
		};
	}

	/** Answers that replace processing: reset-before, status, html. Returns true when handled. */
	function applyFaultInsteadOfProcessing(
		rule: FaultRule,
		request: IncomingMessage,
		response: ServerResponse,
		record: RecordedRequest,
	): boolean {
		const fault = rule.fault;
		if (fault.kind === 'reset-before') {
			request.socket.destroy();
			return true;
		}
		if (fault.kind === 'status') {
			const headers: Record<string, string> = {};
			if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
			const outgoing =
				fault.body !== undefined
					? {
							status: fault.status,
							headers: {
								...headers,
								'content-type': fault.contentType ?? 'text/plain; charset=utf-8',
							},
							payload: Buffer.from(fault.body),
						}
					: errorOutgoing(
							new HttpError(
								fault.status,
								'FAULT_INJECTED',
								`Injected fault (rule ${rule.id})`,
								[],
								headers,
							),
						);
			recorder.answered(record, outgoing.status);
			write(response, outgoing);
			return true;
		}
		if (fault.kind === 'html') {
			const status = fault.status ?? 502;
			const title = `${status} Bad Gateway`;
			recorder.answered(record, status);
			write(response, {
				status,
				headers: { 'content-type': 'text/html; charset=utf-8' },
				payload: Buffer.from(
					`<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
				),
			});
			return true;
		}
		return false;
	}

	/** Releases of the requests each barrier rule holds. */
	const heldAtBarrier = new Map<FaultRule, Array<() => void>>();

	/** Waits until `count` requests have hit the rule (hits are counted on arrival) or `ms` has passed. */
	async function passBarrier(rule: FaultRule, { count, ms }: { count: number; ms: number }): Promise<void> {
		const held = heldAtBarrier.get(rule) ?? [];
		if (rule.hits >= count) {
			heldAtBarrier.delete(rule);
			for (const release of held) release();
			return;
		}
		heldAtBarrier.set(rule, held);
		await new Promise<void>((resolve) => {
			// unref: a request held on a closed sandbox must not keep the process alive.
			const deadline = setTimeout(resolve, ms).unref();
			held.push(() => {
				clearTimeout(deadline);
				resolve();
			});
		});
	}

	/** Sends a processed answer, through reset-mid-body / delay / barrier / timeout / malformed-json when a rule says so. */
	async function deliver(
		response: ServerResponse,
		outgoing: Outgoing,
		rule: FaultRule | undefined,
		record: RecordedRequest,
	): Promise<void> {
		const fault = rule?.fault;
		if (fault?.kind === 'timeout') return; // never answer; closeAllConnections() ends it on close()
		if (fault?.kind === 'delay') await sleep(fault.ms);
		if (fault?.kind === 'barrier' && rule) await passBarrier(rule, fault);
		if (fault?.kind === 'malformed-json') {
			const json =
				outgoing.payload.length > 1 ? outgoing.payload : Buffer.from('{"items":[{"id":1}]}');
			outgoing = {
				status: 200,
				headers: { 'content-type': JSON_TYPE },
				payload: json.subarray(0, Math.max(1, Math.floor(json.length / 2))),
			};
		}
		recorder.answered(record, outgoing.status);
		if (fault?.kind === 'reset-mid-body') {
			const full =
				outgoing.payload.length > 1
					? outgoing.payload
					: Buffer.from('{"padding":"................"}');
			response.writeHead(outgoing.status, {
				...outgoing.headers,
				'content-length': String(full.length),
			});
			response.write(full.subarray(0, Math.floor(full.length / 2)), () =>
				response.socket?.destroy(),
			);
			return;
		}
		write(response, outgoing);
	}

	async function onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
		if (url.pathname.startsWith(ADMIN_PREFIX)) return handleAdmin(request, response, url);

		const record = recorder.start({
			method: request.method ?? 'GET',
			path: url.pathname,
			rawQuery: url.search.slice(1),
			headers: request.headers,
		});
		const rawRoute = config.rawRoutes?.find((r) => url.pathname.startsWith(r.pathPrefix));
		// A rule that looks for a text in the body needs the body before the fault is decided.
		const preRead = !rawRoute && faults.matchesBodies() ? await readBodyOrError(request) : undefined;
		const rule = faults.take(record.method, url.pathname, Buffer.isBuffer(preRead) ? preRead.toString('utf8') : undefined);
		if (rule) record.fault = `${rule.fault.kind}#${rule.id}`;
		if (Buffer.isBuffer(preRead) && rule) record.body = parseBodyOrRaw(preRead, request.headers['content-type']);
		if (rule && applyFaultInsteadOfProcessing(rule, request, response, record)) return;

		const baseUrl = `http://${request.headers.host ?? `${host}:${port}`}`;
		let outgoing: Outgoing;
		try {
			outgoing = rawRoute
				? await processRawRoute(rawRoute, request, url, record, baseUrl)
				: await processContractRequest(request, url, record, baseUrl, preRead);
		} catch (error) {
			outgoing = errorOutgoing(
				new HttpError(500, 'INTERNAL', `Sandbox error: ${(error as Error).stack ?? String(error)}`),
			);
		}
		await deliver(response, outgoing, rule, record);
	}

	const server = createServer((request, response) => {
		onRequest(request, response).catch((error: unknown) => {
			response.destroy(error instanceof Error ? error : new Error(String(error)));
		});
	});
	server.keepAliveTimeout = 5_000;
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port ?? 0, host, () => resolve());
	});
	const port = (server.address() as AddressInfo).port;

	return {
		url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
		port,
		server,
		operations,
		schemas,
		recorder,
		faults,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				server.closeAllConnections();
			}),
	};
}
