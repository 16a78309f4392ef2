/**
 * WTS Chat sandbox: a stateful local server speaking the WTS wire format and validating every
 * request against specs/wts/openapi.json.
 *
 *   const sb = await startWtsSandbox({
 *     port?: number,                 // 0 (default) = any free port
 *     host?: string,                 // default 127.0.0.1
 *     apiKeys?: string[],            // default ['pn_sandbox_demo_key']; sent as `Authorization: Bearer <key>`
 *     rateLimits?: 'off' | 'wts' | { general?, burst?, send?: { limit, windowMs } },  // default 'off'
 *     rateLimitClock?: () => number, // milliseconds the rate limits count by (default performance.now)
 *     lenientQuery?: boolean,        // ignore unknown query keys instead of 400 (default false)
 *     validateResponses?: boolean,   // check answers against the contract; violations -> 500 + recorded
 *     syncDelayMs?: number,          // wait of the *-sync sends (default 50)
 *     statusDelayMs?: number,        // in flight -> SENT after this, -> DELIVERED after twice this (default 50)
 *     maxUploadBytes?: number,       // presigned PUT limit (default 100 MiB; over it: 400 EntityTooLarge, like S3)
 *     webhookTimeoutMs?: number,     // a webhook receiver not answering within this fails the delivery (default 5000)
 *     faultSeed?: number,            // seed of probabilistic faults (default 1)
 *   });
 *   sb.url, sb.port, sb.apiKey (first key), sb.seed (ids of seeded data, see seed.mts), sb.state (the store;
 *   sb.state.seedContacts(n)), sb.recorder (requests(filter), countBy(opId), invalidRequests(), reset()),
 *   sb.faults (add/clear rules), sb.emitWebhook(eventType, content, opts), await sb.close().
 *
 * Order of checks per request: fault rule -> service prefix (400) -> auth (401) -> rate limit (429)
 * -> route (404/405) -> body/query/path validation (400/415) -> handler.
 * Admin API (no auth) under /__sandbox/: GET requests, POST reset, GET|POST|DELETE faults, POST emit,
 * GET state/summary, POST seed-contacts {count}.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from '../core/errors.mts';
import type { FaultInjector } from '../core/faults.mts';
import {
	startSandboxServer,
	type AuthResult,
	type OperationHandler,
} from '../core/http-server.mts';
import { listOperations, loadOpenApiDocument, type ContractOperation } from '../core/openapi.mts';
import { SlidingWindowRateLimiter, type RateLimitBucket } from '../core/rate-limiter.mts';
import { jsonBodyOf, type RecordedRequest, type RequestRecorder } from '../core/recorder.mts';
import type { WtsContext, WtsHandlers } from './handler-kit.mts';
import { automationHandlers } from './handlers/automation.mts';
import { contactHandlers } from './handlers/contacts.mts';
import { crmHandlers } from './handlers/crm.mts';
import { directoryHandlers } from './handlers/directory.mts';
import { fileHandlers, filesRoute, uploadRoute } from './handlers/files.mts';
import { groupHandlers } from './handlers/groups.mts';
import { messagingHandlers } from './handlers/messaging.mts';
import { sessionHandlers } from './handlers/sessions.mts';
import { webhookHandlers } from './handlers/webhooks.mts';
import type { WebhookEventName } from './records.mts';
import type { WtsSeed } from './seed.mts';
import { WtsState } from './state.mts';
import { deliverWebhook, type EmitOptions, type WebhookDelivery } from './webhook-emitter.mts';

export const WTS_CONTRACT = loadOpenApiDocument(
	new URL('../../specs/wts/openapi.json', import.meta.url),
);
export const DEFAULT_WTS_API_KEY = 'pn_sandbox_demo_key';

export interface WindowLimit {
	limit: number;
	windowMs: number;
}

/**
 * `wts` = the published limits per API key: general 1000/300 s AND burst 200/5 s, and the
 * `/chat/v1/send/*` family 1000/120 s. Send requests count ONLY in the send bucket: the contract's
 * `x-rate-limits.send.scope` says "independent bucket" and each send operation's `x-rate-limit`
 * says "separate bucket". A custom object keeps that topology with scaled-down numbers.
 */
export type WtsRateLimits =
	| 'off'
	| 'wts'
	| { general?: WindowLimit; burst?: WindowLimit; send?: WindowLimit };

export interface WtsSandboxOptions {
	port?: number;
	host?: string;
	apiKeys?: string[];
	rateLimits?: WtsRateLimits;
	rateLimitClock?: () => number;
	lenientQuery?: boolean;
	validateResponses?: boolean;
	syncDelayMs?: number;
	statusDelayMs?: number;
	maxUploadBytes?: number;
	webhookTimeoutMs?: number;
	faultSeed?: number;
}

export interface WtsSandbox {
	url: string;
	port: number;
	/** The first accepted API key. */
	apiKey: string;
	apiKeys: string[];
	/** Ids of the seeded data (the same on every start). */
	readonly seed: WtsSeed;
	state: WtsState;
	recorder: RequestRecorder;
	faults: FaultInjector;
	operations: ContractOperation[];
	/** POSTs `{eventType, date, content, changeMetadata?}` to every enabled subscription of the event. */
	emitWebhook: (
		eventType: WebhookEventName,
		content: Record<string, unknown>,
		options?: EmitOptions,
	) => Promise<WebhookDelivery[]>;
	close: () => Promise<void>;
}

const SERVICE_PREFIX = /^\/(core|chat|crm)\//;
const SEND_FAMILY = '/chat/v1/send/';
const WTS_LIMITS = {
	general: { limit: 1000, windowMs: 300_000 },
	burst: { limit: 200, windowMs: 5_000 },
	send: { limit: 1000, windowMs: 120_000 },
};

/** The WTS error envelope (`ErrorEnvelope` in the contract); core codes become `ERROR_<CODE>` keys. */
export function wtsErrorEnvelope(error: HttpError): Record<string, unknown> {
	const id = randomUUID();
	return {
		id: { value: id, shortValue: id.slice(0, 8) },
		httpStatusCode: error.status,
		error: true,
		date: new Date().toISOString(),
		key: `ERROR_${error.code}`,
		text: error.message,
		isUnsolvableError: error.status >= 500,
	};
}

function rateLimiter(
	setting: WtsRateLimits,
	now: (() => number) | undefined,
): SlidingWindowRateLimiter | undefined {
	if (setting === 'off') return undefined;
	const limits = setting === 'wts' ? WTS_LIMITS : setting;
	const buckets: RateLimitBucket[] = Object.entries(limits).map(([name, limit]) => ({
		name,
		...limit,
	}));
	const has = (name: string) => buckets.some((b) => b.name === name);
	return new SlidingWindowRateLimiter({
		buckets,
		bucketsFor: ({ path }) =>
			path.startsWith(SEND_FAMILY)
				? has('send')
					? ['send']
					: []
				: ['general', 'burst'].filter(has),
		graceMs: 5,
		now,
	});
}

function authenticator(apiKeys: string[]): (headers: IncomingHttpHeaders) => AuthResult {
	return (headers) => {
		const header = headers.authorization;
		if (header === undefined || header.trim() === '') {
			return {
				credential: null,
				error: new HttpError(
					401,
					'UNAUTHORIZED',
					'Acesso negado: envie Authorization: Bearer <token>',
				),
			};
		}
		const bearer = /^Bearer\s+(.+)$/i.exec(header.trim());
		const credential = bearer ? bearer[1].trim() : header.trim();
		if (!bearer)
			return {
				credential,
				error: new HttpError(
					401,
					'UNAUTHORIZED',
					'Acesso negado: o token deve ir como "Bearer <token>"',
				),
			};
		if (!apiKeys.includes(credential))
			return {
				credential,
				error: new HttpError(401, 'UNAUTHORIZED', 'Acesso negado: token inválido'),
			};
		return { credential, error: null };
	};
}

const ALL_HANDLERS: WtsHandlers = {
	...contactHandlers,
	...directoryHandlers,
	...groupHandlers,
	...fileHandlers,
	...webhookHandlers,
	...sessionHandlers,
	...messagingHandlers,
	...automationHandlers,
	...crmHandlers,
};

/** How many times the sandbox took (200) a classic send (`POST /chat/v1/message/send`) of each text. */
export function sentTextCounts(recorder: RequestRecorder): Map<string, number> {
	const counts = new Map<string, number>();
	for (const request of recorder.requests({ path: '/chat/v1/message/send', status: 200 })) {
		const text = wtsSentText(request);
		if (typeof text === 'string') counts.set(text, (counts.get(text) ?? 0) + 1);
	}
	return counts;
}

/** The text a WTS classic send carried (`body.text`), or undefined. */
export function wtsSentText(request: RecordedRequest): unknown {
	const message = jsonBodyOf(request)?.body;
	return typeof message === 'object' && message !== null ? (message as Record<string, unknown>).text : undefined;
}

/** Operation ids of the contract that have no sandbox handler (should be empty). */
export function missingHandlers(): string[] {
	return listOperations(WTS_CONTRACT)
		.map((o) => o.operationId)
		.filter((id) => ALL_HANDLERS[id] === undefined);
}

export async function startWtsSandbox(options: WtsSandboxOptions = {}): Promise<WtsSandbox> {
	const apiKeys = options.apiKeys ?? [DEFAULT_WTS_API_KEY];
	const state = new WtsState();
	state.statusDelayMs = options.statusDelayMs ?? 50;
	const context: WtsContext = { state, syncDelayMs: options.syncDelayMs ?? 50 };

	const handlers: Record<string, OperationHandler> = {};
	for (const [operationId, handler] of Object.entries(ALL_HANDLERS)) {
		handlers[operationId] = async (request) => {
			try {
				return await handler(request, context);
			} finally {
				// Anything but a read may have changed the store: invalidate list caches.
				if (request.operation.method !== 'GET') state.touch();
			}
		};
	}

	const validatePayload = (eventType: WebhookEventName, payload: Record<string, unknown>) => {
		const schema =
			WTS_CONTRACT.webhooks?.[eventType]?.post?.requestBody?.content?.['application/json']?.schema;
		return schema ? server.schemas.validate(schema, payload, 'body') : [];
	};
	const emitWebhook = (
		eventType: WebhookEventName,
		content: Record<string, unknown>,
		emitOptions: EmitOptions = {},
	) =>
		deliverWebhook(
			state,
			options.validateResponses ? validatePayload : null,
			options.webhookTimeoutMs ?? 5_000,
			eventType,
			content,
			emitOptions,
		);

	const server = await startSandboxServer({
		document: WTS_CONTRACT,
		host: options.host,
		port: options.port,
		query: { caseInsensitiveNames: true, ignoreEmptyValues: true },
		lenientQuery: options.lenientQuery,
		validateResponses: options.validateResponses,
		rateLimiter: rateLimiter(options.rateLimits ?? 'off', options.rateLimitClock),
		faultSeed: options.faultSeed,
		gate: (_method, path) =>
			SERVICE_PREFIX.test(path)
				? null
				: new HttpError(
						400,
						'INVALID_SERVICE',
						`Path ${path} must start with a service prefix: /core, /chat or /crm`,
					),
		authenticate: authenticator(apiKeys),
		renderError: wtsErrorEnvelope,
		handlers,
		rawRoutes: [uploadRoute(state, options.maxUploadBytes ?? 100 * 1024 * 1024), filesRoute(state)],
		adminRoutes: [
			{
				method: 'POST',
				path: 'emit',
				handle: (body) => {
					const input = (body ?? {}) as {
						eventType?: WebhookEventName;
						content?: Record<string, unknown>;
					} & EmitOptions;
					if (!input.eventType || !input.content)
						throw new Error('emit needs eventType and content');
					return emitWebhook(input.eventType, input.content, input);
				},
			},
			{
				method: 'GET',
				path: 'state/summary',
				handle: () => ({ url: server.url, apiKeys, counts: state.summary(), seed: state.seed }),
			},
			{
				method: 'POST',
				path: 'seed-contacts',
				handle: (body) => {
					const count = Number((body as { count?: unknown } | undefined)?.count);
					if (!Number.isInteger(count) || count < 0)
						throw new Error('seed-contacts needs {"count": <non-negative integer>}');
					state.seedContacts(count);
					return { contacts: state.contacts.size };
				},
			},
		],
		onReset: () => state.reset(),
	});
	state.publicBaseUrl = server.url;

	return {
		url: server.url,
		port: server.port,
		apiKey: apiKeys[0],
		apiKeys,
		get seed() {
			return state.seed;
		},
		state,
		recorder: server.recorder,
		faults: server.faults,
		operations: server.operations,
		emitWebhook,
		close: server.close,
	};
}
