// Chatwoot authentication and access checks, run before validation as Chatwoot's before_actions do.
// The core hands the auth hook only the request headers, so the server remembers each request's
// method and path by its headers object (see `remember`) and the hook routes the request itself.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { HttpError } from '../core/errors.mts';
import type { AuthResult } from '../core/http-server.mts';
import { OpenApiRouter } from '../core/router.mts';
import { apiFamily, CHATWOOT_OPERATIONS } from './contract.mts';
import type { AgentBotRecord, UserRecord } from './records.mts';
import type { ChatwootState } from './state.mts';

export type Caller =
	| { kind: 'user'; user: UserRecord; token: string }
	| { kind: 'bot'; bot: AgentBotRecord; token: string }
	| { kind: 'platform'; token: string }
	| { kind: 'anonymous' };

/** Credential recorded for requests that need none (Client API, instance endpoints). */
const ANONYMOUS_CREDENTIAL = 'anonymous';

/**
 * What an agent-bot token may call (access_token_auth_helper.rb in Chatwoot 4.16); anything else
 * is 401 "Access to this endpoint is not authorized for bots".
 */
const BOT_ALLOWED_OPERATIONS: ReadonlySet<string> = new Set([
	'get-details-of-a-conversation',
	'newConversation',
	'update-conversation',
	'toggle-status-of-a-conversation',
	'toggle-priority-of-a-conversation',
	'toggle-typing-status-of-a-conversation',
	'update-custom-attributes-of-a-conversation',
	'create-a-new-message-in-a-conversation',
	'assign-a-conversation',
	'list-all-labels-of-a-conversation',
	'conversation-add-labels',
]);

const MESSAGES = {
	signIn: 'You need to sign in or sign up before continuing.',
	invalidToken: 'Invalid Access Token',
	botNotAllowed: 'Access to this endpoint is not authorized for bots',
	accountNotAllowed: 'You are not authorized to access this account',
	accountSuspended: 'Account is suspended',
	platformToken: 'Invalid access_token',
	nonPermissible: 'Non permissible resource',
} as const;

function unauthorized(message: string): HttpError {
	return new HttpError(401, 'UNAUTHORIZED', message);
}

function notFound(): HttpError {
	return new HttpError(404, 'NOT_FOUND', 'Resource could not be found');
}

/** Rack reads the token from `api_access_token` and from `Api-Access-Token` alike (both become one env key). */
function headerToken(headers: IncomingHttpHeaders): string | null {
	const value = headers.api_access_token ?? headers['api-access-token'];
	const token = Array.isArray(value) ? value[0] : value;
	return token === undefined || token.trim() === '' ? null : token.trim();
}

export class ChatwootAuthenticator {
	private readonly router = new OpenApiRouter([...CHATWOOT_OPERATIONS]);
	private readonly routes = new WeakMap<IncomingHttpHeaders, { method: string; path: string }>();
	private readonly callers = new WeakMap<IncomingHttpHeaders, Caller>();

	constructor(private readonly state: ChatwootState) {}

	/** Called for every incoming request before the core pipeline runs. */
	remember(request: IncomingMessage): void {
		const path = new URL(request.url ?? '/', 'http://sandbox.invalid').pathname;
		this.routes.set(request.headers, { method: request.method ?? 'GET', path });
	}

	/** Who made the request (set by `authenticate`). */
	callerOf(headers: IncomingHttpHeaders): Caller {
		return this.callers.get(headers) ?? { kind: 'anonymous' };
	}

	readonly authenticate = (headers: IncomingHttpHeaders): AuthResult => {
		const route = this.routes.get(headers);
		if (route === undefined)
			throw new Error('Chatwoot sandbox: request reached auth without its route being remembered');
		const token = headerToken(headers);
		const match = this.router.match(route.method, route.path);
		// Rails routes before it authenticates: unknown paths fall through to the core's 404/405.
		if (match.kind !== 'matched') return { credential: token ?? ANONYMOUS_CREDENTIAL, error: null };
		const params = match.pathParams;
		switch (apiFamily(match.operation.path)) {
			case 'instance':
				return { credential: token ?? ANONYMOUS_CREDENTIAL, error: null };
			case 'client':
				return { credential: token ?? ANONYMOUS_CREDENTIAL, error: this.checkClientInbox(params) };
			case 'platform':
				return this.authenticatePlatform(headers, token, match.operation.path, params);
			case 'application':
				return this.authenticateApplication(headers, token, match.operation.operationId, params);
		}
	};

	private checkClientInbox(params: Record<string, string>): HttpError | null {
		const identifier = params.inbox_identifier;
		if (identifier === undefined) return null;
		return this.state.inboxByIdentifier(identifier) ? null : notFound();
	}

	private authenticatePlatform(
		headers: IncomingHttpHeaders,
		token: string | null,
		template: string,
		params: Record<string, string>,
	): AuthResult {
		if (token === null || this.state.tokenOwner(token)?.kind !== 'platform')
			return { credential: token, error: unauthorized(MESSAGES.platformToken) };
		this.callers.set(headers, { kind: 'platform', token });
		return { credential: token, error: this.checkPermissible(template, params) };
	}

	/** Platform apps only reach accounts, users and bots they created. */
	private checkPermissible(template: string, params: Record<string, string>): HttpError | null {
		const numeric = (value: string | undefined) =>
			value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
		const check = (record: { platformOwned: boolean } | undefined) =>
			record === undefined
				? notFound()
				: record.platformOwned
					? null
					: unauthorized(MESSAGES.nonPermissible);
		const accountId = numeric(params.account_id);
		if (accountId !== undefined) return check(this.state.accounts.get(accountId));
		const id = numeric(params.id);
		if (id === undefined) return null;
		if (template.startsWith('/platform/api/v1/users/')) return check(this.state.users.get(id));
		if (template.startsWith('/platform/api/v1/agent_bots/'))
			return check(this.state.agentBots.get(id));
		return null;
	}

	private authenticateApplication(
		headers: IncomingHttpHeaders,
		token: string | null,
		operationId: string,
		params: Record<string, string>,
	): AuthResult {
		if (token === null) return { credential: null, error: unauthorized(MESSAGES.signIn) };
		const owner = this.state.tokenOwner(token);
		if (owner === undefined)
			return { credential: token, error: unauthorized(MESSAGES.invalidToken) };
		// A platform app token is neither a user nor a bot, so Chatwoot refuses it like a bot.
		if (owner.kind === 'platform')
			return { credential: token, error: unauthorized(MESSAGES.botNotAllowed) };
		if (owner.kind === 'bot' && !BOT_ALLOWED_OPERATIONS.has(operationId))
			return { credential: token, error: unauthorized(MESSAGES.botNotAllowed) };
		const caller: Caller =
			owner.kind === 'user'
				? { kind: 'user', user: owner.user, token }
				: { kind: 'bot', bot: owner.bot, token };
		this.callers.set(headers, caller);
		return { credential: token, error: this.checkAccount(caller, params.account_id) };
	}

	private checkAccount(caller: Caller, rawAccountId: string | undefined): HttpError | null {
		// A malformed id is left to contract validation, which names the parameter.
		if (rawAccountId === undefined || !/^\d+$/.test(rawAccountId)) return null;
		const account = this.state.accounts.get(Number(rawAccountId));
		if (account === undefined) return notFound();
		if (account.status !== 'active') return unauthorized(MESSAGES.accountSuspended);
		const allowed =
			caller.kind === 'user'
				? this.state.accountUser(account.id, caller.user.id) !== undefined
				: caller.kind === 'bot' && this.state.botServesAccount(caller.bot, account.id);
		return allowed ? null : unauthorized(MESSAGES.accountNotAllowed);
	}
}
