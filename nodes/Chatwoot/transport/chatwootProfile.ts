import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { ApiErrorDetails, ApiProfile } from '../../shared/transport/apiProfile';
import { FIXED_WINDOW_GUARD_MS, nextWindowStart, type RateLimitRule } from '../../shared/transport/rateLimiter';

/** Users paste the dashboard URL, often with a trailing slash or `/api/v1`: keep only the instance root. */
export function instanceUrl(value: unknown): string {
	const raw = typeof value === 'string' ? value.trim() : '';
	return raw
		.replace(/\/+$/, '')
		.replace(/\/(api|platform\/api|public\/api)\/v[12]$/i, '')
		.replace(/\/app(\/.*)?$/i, '')
		.replace(/\/+$/, '');
}

/** Chatwoot errors come as `{message}`, `{error}`, `{errors: [...]}` or `{errors: {field: [...]}}`. */
function readChatwootError(body: unknown): ApiErrorDetails {
	if (!body || typeof body !== 'object') return {};
	const error = body as IDataObject;
	const errors = error.errors;
	const fieldErrors = Array.isArray(errors)
		? errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
		: errors && typeof errors === 'object'
			? Object.entries(errors as IDataObject).map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(', ') : String(messages)}`)
			: [];
	const text = [error.message, error.error, error.description].find((v) => typeof v === 'string' && v.trim()) as string | undefined;
	return { text: text ?? fieldErrors[0], fieldErrors };
}

export interface ChatwootBrand {
	/** "Chatwoot", "Konverte Digital". */
	platformName: string;
	/** Node type name: `chatwoot`, `konverteDigital`. */
	nodeName: string;
	/** Credential for the application and client APIs. */
	credentialType: string;
	/** Credential for the platform API. */
	platformCredentialType: string;
}

/** rack-attack's general limit in Chatwoot 4.16.2: `RACK_ATTACK_LIMIT`, requests per minute per client address. */
export const DEFAULT_REQUESTS_PER_MINUTE = 3000;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A request held longer than this for an hourly or daily budget fails instead, naming the limit. */
const LONGEST_WAIT_MS = 2 * MINUTE;

/** The general limit the credential sets (a self-hosted install's `RACK_ATTACK_LIMIT`), else Chatwoot's default. */
export function requestsPerMinute(credentials: ICredentialDataDecryptedObject): number {
	const value = Number(credentials.requestsPerMinute);
	return Number.isInteger(value) && value > 0 ? value : DEFAULT_REQUESTS_PER_MINUTE;
}

/**
 * Chatwoot 4.16.2's throttles (config/initializers/rack_attack.rb) with their default values. rack-attack
 * counts in fixed windows that start at whole minutes, hours or days of Unix time, and answers 429 without
 * Retry-After. The per-user throttles are kept per instance here, shared by every token: slower than
 * needed when several tokens call one instance, never faster than allowed.
 */
export function chatwootRateLimits(credentials: ICredentialDataDecryptedObject): RateLimitRule[] {
	const fixed = { window: 'fixed' as const };
	const long = { ...fixed, maxWaitMs: LONGEST_WAIT_MS };
	return [
		{ ...fixed, name: 'req/ip', requests: requestsPerMinute(credentials), windowMs: MINUTE, appliesTo: '' },
		{ ...fixed, name: 'conversation delete', requests: 60, windowMs: MINUTE, methods: ['DELETE'], appliesTo: /^\/api\/v1\/accounts\/(\d+)\/conversations\/\d+\/?$/ },
		{ ...fixed, name: 'contact search', requests: 100, windowMs: MINUTE, appliesTo: /^\/api\/v1\/accounts\/(\d+)\/contacts\/search/ },
		{ ...fixed, name: 'reports drilldown', requests: 10, windowMs: MINUTE, methods: ['GET'], appliesTo: /^\/api\/v2\/accounts\/(\d+)\/reports\/drilldown\/?$/ },
		{ ...fixed, name: 'reports per user', requests: 100, windowMs: MINUTE, appliesTo: /^\/api\/v2\/accounts\/(\d+)\/reports/ },
		{ ...fixed, name: 'reports per account', requests: 1000, windowMs: MINUTE, appliesTo: /^\/api\/v2\/accounts\/(\d+)\/reports/ },
		{ ...fixed, name: 'conversations meta', requests: 30, windowMs: MINUTE, methods: ['GET'], appliesTo: /^\/api\/v1\/accounts\/(\d+)\/conversations\/meta/ },
		{
			...long,
			name: 'transcript',
			requests: 1000,
			windowMs: HOUR,
			appliesTo: /^\/api\/v1\/accounts\/(\d+)\/conversations\/\d+\/transcript/,
			description: '1,000 conversation transcripts per account per hour',
		},
		{ ...long, name: 'upload', requests: 60, windowMs: HOUR, appliesTo: /^\/api\/v1\/accounts\/(\d+)\/upload/, description: '60 uploads per account per hour' },
		{
			...long,
			name: 'agent create',
			requests: 100,
			windowMs: DAY,
			methods: ['POST'],
			appliesTo: /^\/api\/v1\/accounts\/(\d+)\/agents(?:\/bulk_create)?\/?$/,
			description: '100 agent creations per account per day',
		},
		{
			...long,
			name: 'agent delete',
			requests: 50,
			windowMs: DAY,
			methods: ['DELETE'],
			appliesTo: /^\/api\/v1\/accounts\/(\d+)\/agents\/\d+\/?$/,
			description: '50 agent removals per account per day',
		},
	];
}

/**
 * After a 429 (rack-attack sends no Retry-After) the whole instance waits for the next minute's window,
 * where every per-minute budget starts afresh, plus a margin for the two clocks' disagreement that doubles
 * with each 429 in a row (0.5 s up to 8 s). A Retry-After a proxy adds is followed instead.
 */
export function chatwootPause(refusalsInARow: number, retryAfterMs: number | undefined, now: number): number {
	if (retryAfterMs !== undefined) return now + retryAfterMs;
	const margin = FIXED_WINDOW_GUARD_MS * 2 ** Math.min(Math.max(refusalsInARow, 1) - 1, 4);
	return nextWindowStart(now, MINUTE) + margin;
}

/** Chatwoot (or a brand of it): paced to rack-attack's throttles, the general one as the credential sets it. */
export function chatwootProfile(platformName: string, credentialType: string, tokenField: string): ApiProfile {
	return {
		platformName,
		credentialType,
		baseUrl: (credentials) => instanceUrl(credentials.url),
		secrets: (credentials) => [String(credentials[tokenField] ?? '')].filter(Boolean),
		accountKey: (credentials) => instanceUrl(credentials.url),
		rateLimits: chatwootRateLimits,
		pauseAfterRateLimit: chatwootPause,
		readError: readChatwootError,
	};
}
