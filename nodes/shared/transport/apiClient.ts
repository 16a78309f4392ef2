import {
	sleep,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IWebhookFunctions,
	type NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { toNodeApiError } from './apiError';
import type { ApiProfile } from './apiProfile';
import { limiterFor, type AccountLimiter, type ReleaseSlot } from './rateLimiter';
import { pacedRules } from './rateLimitShare';
import { redactText, redactValue } from './redact';
import { backoffMs, mayRetry, parseRetryAfter, type FailureKind } from './retryPolicy';

export type TransportContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export interface TransportSettings {
	timeoutMs: number;
	/** Attempts after the first, for failures that may be retried. */
	maxRetries: number;
	/** Pace requests to the platform's published limits before the server has to refuse them. */
	paceToLimits: boolean;
	skipSslCertificateValidation?: boolean;
	proxy?: IHttpRequestOptions['proxy'];
	/** Told about every 429 and every success, so the item runner can adapt its concurrency. */
	onRateLimited?: () => void;
	onSuccess?: () => void;
	/** True once the run has stopped at a failed send: from then on no request starts, retries included. */
	stopped?: () => boolean;
}

export const DEFAULT_SETTINGS: TransportSettings = { timeoutMs: 60_000, maxRetries: 5, paceToLimits: true };

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, already built with `pathTo` so ids are encoded. */
	path: string;
	qs?: IDataObject;
	/** A JSON value, or raw bytes (multipart bodies, uploads). */
	body?: unknown;
	/**
	 * A body that can be read only once (a stream from n8n's binary store), opened afresh for each attempt and
	 * sent without following redirects, which would keep a copy of every byte sent in case it must be resent.
	 */
	openBody?: () => Promise<unknown>;
	headers?: Record<string, string>;
	/** `binary` answers with the raw bytes instead of parsed JSON. */
	response?: 'json' | 'binary';
	itemIndex?: number;
	timeoutMs?: number;
	/**
	 * A file on another host (a storage or CDN link the API handed out): fetched at this absolute URL
	 * without the credential, which must never leave for a host other than the API's.
	 */
	publicUrl?: string;
}

/** What the client saw of one item's requests (see `ApiClient.watchItem`). */
export interface ItemRequests {
	/** Requests that got as far as leaving (or were stopped by `beforeFirst`). */
	started: number;
	/** Requests answered with a 2xx. */
	answered: number;
}

export interface ApiResponse<T> {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
}

interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** Why one attempt produced no usable answer. */
interface AttemptFailure {
	kind: FailureKind;
	detail: string;
	retryAfterMs?: number;
	response?: RawResponse;
}

type Attempt = { ok: true; response: RawResponse; body: unknown } | { ok: false; failure: AttemptFailure };

const failed = (kind: FailureKind, detail: string, retryAfterMs?: number, response?: RawResponse): Attempt => ({
	ok: false,
	failure: { kind, detail, retryAfterMs, response },
});

const notSentErrors = new WeakSet<object>();

/** Whether an error says the request was never started because the run had stopped. */
export function isNotSent(error: unknown): boolean {
	return typeof error === 'object' && error !== null && notSentErrors.has(error);
}

/** Builds a path from a template, encoding each value so `a/b`, `../x` or `+55|11...` stays one segment. */
export function pathTo(template: string, values: Record<string, string | number>): string {
	return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
		const value = values[name];
		if (value === undefined || value === '') throw new Error(`Missing path value "${name}"`);
		return encodeURIComponent(String(value));
	});
}

/**
 * The one HTTP client of the package: auth through n8n's credential helper, pacing, retries that never
 * repeat a request the server may have taken, error mapping and secret redaction.
 */
export class ApiClient {
	private credentials?: Promise<ICredentialDataDecryptedObject>;
	private decrypted?: ICredentialsDecrypted;
	private limiter?: AccountLimiter;
	private readonly watchedItems = new Map<number, { beforeFirst: () => Promise<boolean>; requests: ItemRequests }>();

	constructor(
		private readonly ctx: TransportContext,
		readonly profile: ApiProfile,
		readonly settings: TransportSettings = DEFAULT_SETTINGS,
	) {}

	async credentialData(): Promise<ICredentialDataDecryptedObject> {
		this.credentials ??= this.ctx.getCredentials(this.profile.credentialType);
		return await this.credentials;
	}

	/**
	 * The credential as read once for this client, handed to n8n's authenticated request helper with every
	 * request: without it n8n reads the credential again for each request (a database query and a decryption),
	 * which a bulk run of thousands of requests pays in CPU and latency. n8n still applies the credential's
	 * authentication to each request.
	 */
	private credentialsDecrypted(data: ICredentialDataDecryptedObject): ICredentialsDecrypted {
		const type = this.profile.credentialType;
		const reference = this.ctx.getNode().credentials?.[type];
		this.decrypted ??= { id: reference?.id ?? '', name: reference?.name ?? '', type, data };
		return this.decrypted;
	}

	/**
	 * Follows the requests of item `itemIndex` in this run: `beforeFirst` runs once, when its first request is
	 * about to leave, after that request's wait for a slot (Send Once per Key records its key there, so an item
	 * still waiting when n8n stops holds no key). It never throws; when it answers false the request is not sent
	 * and fails as not sent. The returned record counts the item's requests.
	 */
	watchItem(itemIndex: number, beforeFirst: () => Promise<boolean>): ItemRequests {
		const requests: ItemRequests = { started: 0, answered: 0 };
		this.watchedItems.set(itemIndex, { beforeFirst, requests });
		return requests;
	}

	async request<T = unknown>(req: ApiRequest): Promise<T> {
		return (await this.requestFull<T>(req)).body;
	}

	async requestFull<T = unknown>(req: ApiRequest): Promise<ApiResponse<T>> {
		const credentials = await this.credentialData();
		const secrets = this.profile.secrets(credentials);
		const baseUrl = this.profile.baseUrl(credentials);
		if (this.settings.paceToLimits && !this.limiter) {
			this.limiter = limiterFor(`${this.profile.credentialType}|${this.profile.accountKey(credentials)}`, pacedRules(this.profile, credentials));
		}
		for (let attempt = 0; ; attempt++) {
			this.ensureRunning(req.itemIndex);
			const release = req.publicUrl ? undefined : await this.acquireSlot(req);
			if (this.settings.stopped?.()) {
				// The run stopped while this request waited for its slot: the slot goes back unused.
				release?.(false);
				this.ensureRunning(req.itemIndex);
			}
			const watched = req.itemIndex === undefined ? undefined : this.watchedItems.get(req.itemIndex);
			if (watched && attempt === 0 && watched.requests.started++ === 0 && !(await watched.beforeFirst())) {
				release?.(false);
				throw this.notSent(req.itemIndex, 'Not sent: held back before its first request', 'The item was not sent.');
			}
			const attemptResult = await this.send(baseUrl, req, secrets, credentials);
			// A 429 or a refused connection was not counted by the server: its slot is given back.
			release?.(attemptResult.ok || (attemptResult.failure.kind !== 'rate-limited' && attemptResult.failure.kind !== 'refused'));
			if (attemptResult.ok) {
				if (watched) watched.requests.answered++;
				this.limiter?.answered();
				this.settings.onSuccess?.();
				const { response } = attemptResult;
				return { status: response.statusCode, headers: response.headers, body: attemptResult.body as T };
			}
			const { failure } = attemptResult;
			const retryable = mayRetry(req.method, failure.kind) && attempt < this.settings.maxRetries;
			const pauseMs = failure.kind === 'rate-limited' ? this.afterRateLimit(req, failure.retryAfterMs, attempt) : undefined;
			if (!retryable) throw this.toError(req, failure, secrets);
			await sleep(pauseMs ?? failure.retryAfterMs ?? backoffMs(attempt));
		}
	}

	/** A slot of the account's budget; a budget spent for longer than its rule lets a request wait is an error. */
	private async acquireSlot(req: ApiRequest): Promise<ReleaseSlot | undefined> {
		if (!this.limiter) return undefined;
		const slot = await this.limiter.acquire(req.path, req.method);
		if (typeof slot === 'function') return slot;
		const { rule, freesAt } = slot;
		throw new NodeOperationError(this.ctx.getNode(), `${this.profile.platformName}: rate limit reached (${req.method} ${req.path})`, {
			itemIndex: req.itemIndex,
			description: `${this.profile.platformName} allows ${rule.description ?? `${rule.requests} such requests per ${rule.windowMs / 1000} s`}, and that budget is spent until ${new Date(freesAt).toISOString()}. The request was not sent; run it again after that time.`,
		});
	}

	/**
	 * A 429: the item runner is told, and the profile's pause (the whole account, for a platform whose
	 * limits count per account or address) or the answer's Retry-After (the refused path's rules) holds
	 * what comes next. Returns how long this request itself waits before its next try, when the limiter
	 * does not hold it already.
	 */
	private afterRateLimit(req: ApiRequest, retryAfterMs: number | undefined, attempt: number): number | undefined {
		this.settings.onRateLimited?.();
		const now = Date.now();
		// Without pacing there is no account-wide count: this request's own 429s in a row stand in for it.
		const refusals = this.limiter?.refused() ?? attempt + 1;
		const pausedUntil = this.profile.pauseAfterRateLimit?.(refusals, retryAfterMs, now);
		if (pausedUntil !== undefined) {
			this.limiter?.pauseUntil(pausedUntil);
			// The limiter holds every request until then, this one's next try included.
			return this.limiter ? 0 : Math.max(0, pausedUntil - now);
		}
		if (retryAfterMs !== undefined) this.limiter?.blockUntil(req.path, now + retryAfterMs, req.method);
		return undefined;
	}

	/**
	 * Refuses to start a request once the run has stopped at a failed send; the item is then reported as not
	 * sent. Requests outside this client (a presigned upload) ask here too before they start.
	 */
	ensureRunning(itemIndex?: number): void {
		if (!this.settings.stopped?.()) return;
		throw this.notSent(itemIndex, 'Not sent: the run stopped at a failed item', 'Another item of this run failed first, so this one was not sent.');
	}

	private notSent(itemIndex: number | undefined, message: string, description: string): NodeOperationError {
		const error = new NodeOperationError(this.ctx.getNode(), message, { itemIndex, description });
		notSentErrors.add(error);
		return error;
	}

	/** A listing that cannot go on (see pagination.ts): names the node, the item and the request. */
	pagingError(message: string, description: string, req: ApiRequest): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), `${this.profile.platformName}: ${message} (${req.method} ${req.path})`, {
			description,
			itemIndex: req.itemIndex,
		});
	}

	/** One attempt. Every outcome, HTTP error or transport failure, comes back as a value. */
	private async send(baseUrl: string, req: ApiRequest, secrets: string[], credentials: ICredentialDataDecryptedObject): Promise<Attempt> {
		const options: IHttpRequestOptions = {
			method: req.method,
			url: req.publicUrl ?? `${baseUrl}${req.path}`,
			qs: req.qs,
			arrayFormat: 'repeat',
			headers: { Accept: 'application/json', ...req.headers },
			encoding: req.response === 'binary' ? 'arraybuffer' : 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: req.timeoutMs ?? this.settings.timeoutMs,
			skipSslCertificateValidation: this.settings.skipSslCertificateValidation,
			proxy: this.settings.proxy,
		};
		if (req.body !== undefined) options.body = req.body as IHttpRequestOptions['body'];
		if (req.openBody) {
			options.body = (await req.openBody()) as IHttpRequestOptions['body'];
			options.disableFollowRedirect = true;
		}
		let raw: RawResponse;
		try {
			raw = (
				req.publicUrl
					? await this.ctx.helpers.httpRequest(options)
					: await this.ctx.helpers.httpRequestWithAuthentication.call(this.ctx, this.profile.credentialType, options, {
							credentialsDecrypted: this.credentialsDecrypted(credentials),
						})
			) as RawResponse;
		} catch (error) {
			return classifyTransportError(error);
		}
		const status = raw.statusCode;
		if (status === 429) return failed('rate-limited', 'rate limited', parseRetryAfter(raw.headers['retry-after']), raw);
		if (status >= 500) return failed('server-error', `status ${status}`, parseRetryAfter(raw.headers['retry-after']), raw);
		if (status >= 400) return failed('refused-request', `status ${status}`, undefined, raw);
		if (req.response === 'binary') return { ok: true, response: raw, body: raw.body };
		const text = typeof raw.body === 'string' ? raw.body : '';
		if (text.trim() === '') return { ok: true, response: raw, body: {} };
		// A declared non-JSON answer (a CSV report, a text export) is returned as text.
		const contentType = String(raw.headers['content-type'] ?? '');
		if (contentType && !/json/i.test(contentType) && !/html/i.test(contentType)) return { ok: true, response: raw, body: redactText(text, secrets) };
		try {
			const body = JSON.parse(text) as unknown;
			// Some answers echo the caller's own token (a profile, say): it must not reach the output.
			return { ok: true, response: raw, body: secrets.some((secret) => text.includes(secret)) ? redactValue(body, secrets) : body };
		} catch {
			// A cut or garbled body: the server may have acted, so it is retried only where that is safe.
			return failed('reset', `answered ${status} with a body that is not valid JSON`);
		}
	}

	private toError(req: ApiRequest, failure: AttemptFailure, secrets: string[]): NodeApiError {
		const response = failure.response;
		const status = response?.statusCode;
		const common = {
			platformName: this.profile.platformName,
			method: req.method,
			path: req.path,
			itemIndex: req.itemIndex,
			secrets,
		};
		if (status !== undefined && response) {
			const details = this.profile.readError(parseErrorBody(response.body));
			if (!details.text && !details.key) details.text = describeNonJsonBody(response.body, status);
			return toNodeApiError(this.ctx.getNode(), { ...common, status, details });
		}
		const mayHaveActed = failure.kind === 'reset' || failure.kind === 'timeout';
		const note =
			mayHaveActed && !mayRetry(req.method, failure.kind)
				? ' (not retried: the server may already have acted on it; check before sending again)'
				: '';
		return toNodeApiError(this.ctx.getNode(), {
			...common,
			transportProblem: redactText(`${failure.detail}${note}`, secrets),
		});
	}
}

function parseErrorBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return undefined;
	}
}

/** An HTML error page (a proxy's 502, say) is reduced to its title instead of dumping markup. */
function describeNonJsonBody(body: unknown, status: number): string {
	const text = typeof body === 'string' ? body : '';
	const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
	if (title) return title;
	if (/<html/i.test(text)) return `an HTML page instead of JSON (status ${status})`;
	const plain = text.trim().slice(0, 200);
	return plain || `status ${status} without a body`;
}

function errorCode(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function classifyTransportError(error: unknown): Attempt {
	if (error instanceof NodeOperationError) throw error;
	const code = errorCode(error);
	switch (code) {
		case 'ECONNREFUSED':
			return failed('refused', 'connection refused');
		case 'ECONNABORTED':
		case 'ETIMEDOUT':
		case 'UND_ERR_HEADERS_TIMEOUT':
		case 'UND_ERR_BODY_TIMEOUT':
			return failed('timeout', 'no answer before the timeout');
		case 'ECONNRESET':
		case 'EPIPE':
		case 'UND_ERR_SOCKET':
		case 'ERR_BAD_RESPONSE':
			return failed('reset', 'the connection was closed before the answer was complete');
		default: {
			if (code) return failed('reset', `connection failed (${code})`);
			const message = error instanceof Error ? error.message : String(error);
			if (/socket hang up|aborted|terminated/i.test(message)) {
				return failed('reset', 'the connection was closed before the answer was complete');
			}
			// Unknown failures are treated like a reset: never re-sent unless safe, and never passed on
			// as they are, since the HTTP client's error holds the request headers.
			return failed('reset', message);
		}
	}
}

export type OneShotOutcome = { ok: true; status: number; body: string } | { ok: false; kind: FailureKind; detail: string };

/**
 * One request to an address that is not a platform API (n8n's own webhook URL): no credential, pacing or
 * retry. Every outcome comes back as a value, transport failures classified as for API requests.
 */
export async function sendOnce(ctx: TransportContext, options: IHttpRequestOptions): Promise<OneShotOutcome> {
	try {
		const raw = (await ctx.helpers.httpRequest({
			...options,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			encoding: 'text',
		})) as RawResponse;
		return { ok: true, status: raw.statusCode, body: typeof raw.body === 'string' ? raw.body : '' };
	} catch (error) {
		let attempt: Attempt;
		try {
			attempt = classifyTransportError(error);
		} catch (refusedByN8n) {
			// n8n refused to send it (SSRF protection, say): nothing left the process.
			return { ok: false, kind: 'refused', detail: refusedByN8n instanceof Error ? refusedByN8n.message : String(refusedByN8n) };
		}
		if (attempt.ok) return { ok: true, status: attempt.response.statusCode, body: '' };
		return { ok: false, kind: attempt.failure.kind, detail: attempt.failure.detail };
	}
}
