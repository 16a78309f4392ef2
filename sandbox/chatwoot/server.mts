/**
 * Chatwoot sandbox: a stateful local Chatwoot (Application, Client and Platform APIs, 438 operations)
 * that validates every request against the merged contract (specs/chatwoot/swagger.json +
 * supplement.json, see specs/chatwoot/SUPPLEMENT.md) and answers in Chatwoot's shapes.
 *
 *   const sb = await startChatwootSandbox({
 *     port?: number,               // 0 (default) = any free port
 *     host?: string,               // default 127.0.0.1
 *     userToken?: string,          // default 'cw_user_token_sandbox'  (administrator of accounts 1 and 2)
 *     botToken?: string,           // default 'cw_bot_token_sandbox'   (agent bot of account 1)
 *     platformToken?: string,      // default 'cw_platform_token_sandbox'
 *     rateLimits?: 'off' | 'chatwoot' | Partial<RackAttackLimits>,  // default 'chatwoot' (see rack-attack.mts)
 *     rateLimitClock?: () => number, // Unix time in ms the throttles' windows follow (default Date.now)
 *     lenientQuery?: boolean,      // ignore unknown query keys instead of 400 (default false)
 *     validateResponses?: boolean, // check answers against the contract; violations -> 500 + recorded
 *     autoWebhooks?: boolean,      // deliver events caused by API calls to account webhooks and to the
 *                                  // agent bots of their inboxes (default true)
 *     agentBotRetryDelayMs?: number, // pause before an agent-bot delivery answered 429/500 is sent again (3000)
 *     webhookTimeoutMs?: number,   // a webhook or agent-bot receiver not answering within this fails the
 *                                  // delivery (default 5000, Chatwoot's WEBHOOK_TIMEOUT)
 *     webhookHosts?: 'local' | 'any', // 'local' (default): webhooks on public hosts are recorded, not called
 *     faultSeed?: number,          // seed of probabilistic faults (default 1)
 *   });
 *   sb.url, sb.port, sb.userToken, sb.botToken, sb.platformToken, sb.accountId (1),
 *   sb.seed (ids of the seeded data, see seed.mts), sb.state (the store; state.seedMessages(displayId, n),
 *   state.seedConversations(n), state.webhookDeliveries), sb.recorder (requests(filter), countBy(opId),
 *   invalidRequests(), responseViolations(), reset()), sb.faults (add/clear rules),
 *   sb.emitWebhook(event, payload, opts), sb.emitAgentBot(event, payload, opts) (see webhook-emitter.mts;
 *   attempts in state.agentBotDeliveries), sb.adaptations, await sb.close().
 *
 * Tokens go in the `api_access_token` header. Order of checks per request: fault rule -> auth (401/404
 * as Chatwoot's before_actions: missing or unknown token, bot outside its allow-list, platform app on a
 * resource it did not create, account not found or not the caller's) -> rack-attack's throttles (429
 * `Retry later`, no Retry-After; rack-attack.mts)
 * -> route (404/405) -> path/query/body validation (400, 415; Chatwoot's own 422s come from handlers)
 * -> handler. Client API requests need no token (recorded with credential 'anonymous'); an unknown
 * `inbox_identifier` is 404.
 * Dedicated models: accounts, profile, agents, agent bots, teams, inboxes (+members), contacts,
 * conversations, messages, labels, canned responses, custom attributes, webhooks, notifications,
 * search, CSV reports, Client API and Platform API. Every other operation is answered by the generic
 * path-derived store of generic.mts. Every JSON answer is fitted to the operation's response schema
 * (conform.mts); `sb.adaptations` counts where the contract forced a change.
 * Admin API (no auth) under /__sandbox/: GET requests, POST reset, GET|POST|DELETE faults, POST emit
 * {event, payload, ...options}, GET state/summary, POST seed-messages {conversationId, count},
 * POST seed-conversations {count}, GET webhook-deliveries, GET agent-bot-deliveries, GET adaptations.
 * Agent bots: a bot connected to an inbox (set_agent_bot) gets that inbox's events at its outgoing_url,
 * signed with its secret and retried on 429/500 with the same X-Chatwoot-Delivery; a conversation created in
 * such an inbox starts pending.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { HttpError } from '../core/errors.mts';
import type { FaultInjector } from '../core/faults.mts';
import {
	startSandboxServer,
	type HandlerResponse,
	type OperationHandler,
	type OperationRequest,
	type SandboxServerConfig,
} from '../core/http-server.mts';
import { responseFor, type ContractOperation } from '../core/openapi.mts';
import type { RequestRecorder } from '../core/recorder.mts';
import { ChatwootAuthenticator } from './auth.mts';
import { RackAttack, rackAttackDefaults, type RackAttackLimits } from './rack-attack.mts';
import { ResponseShaper } from './conform.mts';
import { CHATWOOT_CONTRACT, CHATWOOT_OPERATIONS } from './contract.mts';
import { ChatwootViews } from './dto.mts';
import { GenericModel, genericHandler } from './generic.mts';
import type {
	ChatwootContext,
	ChatwootHandler,
	ChatwootHandlers,
	ChatwootResponse,
} from './handler-kit.mts';
import { accountHandlers } from './handlers/account.mts';
import { clientHandlers } from './handlers/client.mts';
import { contactHandlers } from './handlers/contacts.mts';
import { conversationHandlers } from './handlers/conversations.mts';
import { platformHandlers } from './handlers/platform.mts';
import { reportHandlers } from './handlers/reports.mts';
import { settingsHandlers } from './handlers/settings.mts';
import { WEBHOOK_EVENTS, type Json, type WebhookEvent } from './records.mts';
import type { ChatwootSeed } from './seed.mts';
import { ChatwootState, type AgentBotDelivery, type WebhookDelivery } from './state.mts';
import {
	AGENT_BOT_EVENTS,
	WebhookEmitter,
	type AgentBotEvent,
	type BotEmitOptions,
	type EmitOptions,
} from './webhook-emitter.mts';

export { CHATWOOT_CONTRACT } from './contract.mts';

export const DEFAULT_CHATWOOT_TOKENS = {
	user: 'cw_user_token_sandbox',
	bot: 'cw_bot_token_sandbox',
	platform: 'cw_platform_token_sandbox',
} as const;

/**
 * `chatwoot` (the default) = Chatwoot 4.16.2's rack-attack throttles with their default values; an object
 * sets some of them as Chatwoot's environment variables would (`{ general: 300 }` = `RACK_ATTACK_LIMIT=300`).
 */
export type ChatwootRateLimits = 'off' | 'chatwoot' | Partial<RackAttackLimits>;

export interface ChatwootSandboxOptions {
	port?: number;
	host?: string;
	userToken?: string;
	botToken?: string;
	platformToken?: string;
	rateLimits?: ChatwootRateLimits;
	rateLimitClock?: () => number;
	lenientQuery?: boolean;
	validateResponses?: boolean;
	autoWebhooks?: boolean;
	agentBotRetryDelayMs?: number;
	webhookTimeoutMs?: number;
	webhookHosts?: 'local' | 'any';
	faultSeed?: number;
}

export interface ChatwootSandbox {
	url: string;
	port: number;
	userToken: string;
	botToken: string;
	platformToken: string;
	/** The seeded account every token reaches. */
	accountId: number;
	/** Ids of the seeded data (the same on every start and after a reset). */
	readonly seed: ChatwootSeed;
	state: ChatwootState;
	recorder: RequestRecorder;
	faults: FaultInjector;
	operations: ContractOperation[];
	/** Where answers had to bend to the contract: `<operationId> <field>: <change>` -> count. */
	adaptations: Map<string, number>;
	/** POSTs `{...payload, event}` to the account's webhooks subscribed to `event`, signed. */
	emitWebhook: (
		event: WebhookEvent,
		payload: Json,
		options?: EmitOptions,
	) => Promise<WebhookDelivery[]>;
	/** POSTs `{...payload, event}` to the agent bot connected to the payload's inbox, as Chatwoot's job does. */
	emitAgentBot: (
		event: AgentBotEvent,
		payload: Json,
		options?: BotEmitOptions,
	) => Promise<AgentBotDelivery[]>;
	close: () => Promise<void>;
}

/**
 * What an event of the account becomes for agent bots: the same payload for the events bots get, and
 * conversation_opened or conversation_resolved before a status change to open or resolved
 * (Conversation#notify_status_change, app/models/conversation.rb:361-371).
 */
function agentBotEventsOf(event: string, payload: Json): Array<{ event: AgentBotEvent; payload: Json }> {
	const events: Array<{ event: AgentBotEvent; payload: Json }> = [];
	if (event === 'conversation_status_changed') {
		const { changed_attributes: changes, ...conversation } = payload;
		const status = (changes as Array<{ status?: { current_value?: string } }> | undefined)?.[0]?.status
			?.current_value;
		if (status === 'open') events.push({ event: 'conversation_opened', payload: conversation });
		if (status === 'resolved') events.push({ event: 'conversation_resolved', payload: conversation });
	}
	if ((AGENT_BOT_EVENTS as readonly string[]).includes(event))
		events.push({ event: event as AgentBotEvent, payload });
	return events;
}

const ALL_HANDLERS: ChatwootHandlers = {
	...accountHandlers,
	...contactHandlers,
	...conversationHandlers,
	...settingsHandlers,
	...reportHandlers,
	...clientHandlers,
	...platformHandlers,
};

/** Set on a handler answer whose body is text; removed before the answer leaves (see `sendTextBodies`). */
const TEXT_BODY_HEADER = 'x-chatwoot-sandbox-text-body';

const GENERIC_MODEL = new GenericModel(CHATWOOT_CONTRACT, new Set(Object.keys(ALL_HANDLERS)));

/** Operations without a dedicated handler, answered by the generic store. */
export function genericOperationIds(): string[] {
	return CHATWOOT_OPERATIONS.map((o) => o.operationId).filter(
		(id) => ALL_HANDLERS[id] === undefined,
	);
}

/** Chatwoot's error bodies: `{error}` for auth/not-found, `{message, attributes}` for RecordInvalid, field errors for contract violations. */
function chatwootErrorBody(error: HttpError): Json {
	switch (error.code) {
		case 'VALIDATION':
		case 'UNKNOWN_QUERY_PARAMETER':
		case 'UNSUPPORTED_MEDIA_TYPE':
		case 'INVALID_BODY':
			return {
				message: error.message,
				errors: error.issues.map((issue) => ({
					field: issue.field,
					message: issue.message,
					code: 'invalid',
				})),
			};
		case 'UNPROCESSABLE':
			return { message: error.message, attributes: error.issues.map((issue) => issue.field) };
		default:
			return { error: error.message };
	}
}

function rackAttack(
	setting: ChatwootRateLimits,
	now: (() => number) | undefined,
): SandboxServerConfig['throttle'] {
	if (setting === 'off') return undefined;
	const throttle = new RackAttack(rackAttackDefaults(setting === 'chatwoot' ? {} : setting), now);
	return {
		check: ({ method, path, ip, headers }) => {
			const token = headers.api_access_token;
			const decision = throttle.check({ method, path, ip, token: Array.isArray(token) ? token[0] : token });
			if (decision.allowed) return null;
			return { status: 429, headers: { 'content-type': 'text/plain' }, body: 'Retry later\n' };
		},
		reset: () => throttle.reset(),
	};
}

/**
 * The core serialises every handler body as JSON; text answers (CSV) travel as a JSON string marked
 * with TEXT_BODY_HEADER and are turned back into raw text here, on their way out.
 */
function sendTextBodies(response: ServerResponse): void {
	type WriteHead = (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
	type End = (chunk?: Buffer) => ServerResponse;
	const realWriteHead = response.writeHead.bind(response) as WriteHead;
	const realEnd = response.end.bind(response) as End;
	let held: { status: number; headers: OutgoingHttpHeaders } | null = null;
	const patched = response as unknown as { writeHead: WriteHead; end: End };
	patched.writeHead = (status, headers = {}) => {
		if (headers[TEXT_BODY_HEADER] === undefined) return realWriteHead(status, headers);
		const { [TEXT_BODY_HEADER]: _marker, ...rest } = headers;
		held = { status, headers: rest };
		return response;
	};
	patched.end = (chunk) => {
		if (held === null) return realEnd(chunk);
		const text = Buffer.from(JSON.parse(chunk?.toString('utf8') ?? '""') as string, 'utf8');
		realWriteHead(held.status, { ...held.headers, 'content-length': String(text.length) });
		return realEnd(text);
	};
}

export async function startChatwootSandbox(
	options: ChatwootSandboxOptions = {},
): Promise<ChatwootSandbox> {
	const tokens = {
		user: options.userToken ?? DEFAULT_CHATWOOT_TOKENS.user,
		bot: options.botToken ?? DEFAULT_CHATWOOT_TOKENS.bot,
		platform: options.platformToken ?? DEFAULT_CHATWOOT_TOKENS.platform,
	};
	const shaper = new ResponseShaper(CHATWOOT_CONTRACT);
	const state = new ChatwootState(tokens, (s) => GENERIC_MODEL.seed(s, shaper));
	const views = new ChatwootViews(state);
	const auth = new ChatwootAuthenticator(state);
	const autoWebhooks = options.autoWebhooks ?? true;
	const emitter = new WebhookEmitter(
		state,
		options.webhookHosts === 'any',
		options.agentBotRetryDelayMs,
		options.webhookTimeoutMs,
	);
	const generic = genericHandler(GENERIC_MODEL);

	/** Fits a handler answer to the contract (JSON) or marks it as text (CSV). */
	const toResponse = (operation: ContractOperation, result: ChatwootResponse): HandlerResponse => {
		const status = result.status ?? 200;
		if (result.text !== undefined) {
			return {
				status,
				body: result.text,
				headers: {
					...result.headers,
					'content-type': result.contentType ?? 'text/plain; charset=utf-8',
					[TEXT_BODY_HEADER]: '1',
				},
			};
		}
		const declared =
			responseFor(operation, status) ??
			operation.responses[
				Object.keys(operation.responses).find((code) => code.startsWith('2')) ?? ''
			];
		const schema = declared?.content['application/json'];
		if (result.body === undefined || schema === undefined)
			return { status, headers: result.headers };
		return {
			status,
			body: shaper.conform(schema, result.body, operation.operationId),
			headers: result.headers,
		};
	};

	const wrap =
		(handler: ChatwootHandler): OperationHandler =>
		async (request: OperationRequest) => {
			const events: Array<{ event: WebhookEvent; payload: Json; accountId: number }> = [];
			const context: ChatwootContext = {
				state,
				views,
				caller: auth.callerOf(request.headers),
				accountId: Number(request.pathParams.account_id ?? state.seed.accountId),
				emit: (event, payload, accountId) => events.push({ event, payload, accountId }),
			};
			try {
				const response = toResponse(request.operation, await handler(request, context));
				// Chatwoot delivers webhooks from a background job, after the request has been answered.
				if (autoWebhooks && events.length > 0) {
					setImmediate(() => {
						for (const { event, payload, accountId } of events) {
							void emitter.deliver(event, payload, { accountId });
							for (const botEvent of agentBotEventsOf(event, payload))
								void emitter.deliverToBot(botEvent.event, botEvent.payload);
						}
					});
				}
				return response;
			} finally {
				if (request.operation.method !== 'GET') state.touch();
			}
		};

	const handlers: Record<string, OperationHandler> = {};
	for (const operation of CHATWOOT_OPERATIONS)
		handlers[operation.operationId] = wrap(ALL_HANDLERS[operation.operationId] ?? generic);

	const emitWebhook = (event: WebhookEvent, payload: Json, emitOptions: EmitOptions = {}) =>
		emitter.deliver(event, payload, emitOptions);
	const emitAgentBot = (event: AgentBotEvent, payload: Json, emitOptions: BotEmitOptions = {}) =>
		emitter.deliverToBot(event, payload, emitOptions);
	const countFrom = (body: unknown, name: string): number => {
		const value = Number((body as Record<string, unknown> | undefined)?.[name]);
		if (!Number.isInteger(value) || value < 0)
			throw new Error(`${name} must be a non-negative integer`);
		return value;
	};

	const server = await startSandboxServer({
		document: CHATWOOT_CONTRACT,
		host: options.host,
		port: options.port,
		// Rails matches query names exactly and keeps `key=` as an empty string.
		query: { caseInsensitiveNames: false, ignoreEmptyValues: false },
		lenientQuery: options.lenientQuery,
		validateResponses: options.validateResponses,
		throttle: rackAttack(options.rateLimits ?? 'chatwoot', options.rateLimitClock),
		faultSeed: options.faultSeed,
		authenticate: auth.authenticate,
		renderError: chatwootErrorBody,
		handlers,
		adminRoutes: [
			{
				method: 'POST',
				path: 'emit',
				handle: (body) => {
					const { event, payload, ...emitOptions } = (body ?? {}) as {
						event?: WebhookEvent;
						payload?: Json;
					} & EmitOptions;
					if (
						event === undefined ||
						!(WEBHOOK_EVENTS as readonly string[]).includes(event) ||
						payload === undefined
					)
						throw new Error(
							`emit needs {event: one of ${WEBHOOK_EVENTS.join(', ')}, payload: {...}}`,
						);
					return emitWebhook(event, payload, emitOptions);
				},
			},
			{
				method: 'GET',
				path: 'state/summary',
				handle: () => ({ url: server.url, tokens, counts: state.summary(), seed: state.seed }),
			},
			{
				method: 'POST',
				path: 'seed-messages',
				handle: (body) =>
					state.seedMessages(countFrom(body, 'conversationId'), countFrom(body, 'count')),
			},
			{
				method: 'POST',
				path: 'seed-conversations',
				handle: (body) => state.seedConversations(countFrom(body, 'count')),
			},
			{ method: 'GET', path: 'webhook-deliveries', handle: () => state.webhookDeliveries },
			{ method: 'GET', path: 'agent-bot-deliveries', handle: () => state.agentBotDeliveries },
			{ method: 'GET', path: 'adaptations', handle: () => Object.fromEntries(shaper.adaptations) },
		],
		onReset: () => {
			state.reset();
			shaper.adaptations.clear();
		},
	});
	server.server.prependListener('request', (request, response) => {
		auth.remember(request);
		sendTextBodies(response);
	});
	state.publicBaseUrl = server.url;

	return {
		url: server.url,
		port: server.port,
		userToken: tokens.user,
		botToken: tokens.bot,
		platformToken: tokens.platform,
		accountId: state.seed.accountId,
		get seed() {
			return state.seed;
		},
		state,
		recorder: server.recorder,
		faults: server.faults,
		operations: server.operations,
		adaptations: shaper.adaptations,
		emitWebhook,
		emitAgentBot,
		close: async () => {
			emitter.close();
			await server.close();
		},
	};
}
