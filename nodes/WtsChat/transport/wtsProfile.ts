import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import type { ApiErrorDetails, ApiProfile } from '../../shared/transport/apiProfile';
import type { RateLimitRule } from '../../shared/transport/rateLimiter';

export const WTS_DEFAULT_BASE_URL = 'https://api.wts.chat';

export function wtsBaseUrl(value: unknown): string {
	const url = typeof value === 'string' && value.trim() ? value.trim() : WTS_DEFAULT_BASE_URL;
	return url.replace(/\/+$/, '');
}

/** Names the API key without holding it: limiter keys must not carry the raw key. */
function keyDigest(apiKey: string): string {
	return createHash('sha256').update(apiKey).digest('hex').slice(0, 32);
}

/** WTS answers with its own envelope or, on some 400s, with RFC 7807 ProblemDetails. */
function readWtsError(body: unknown): ApiErrorDetails {
	if (!body || typeof body !== 'object') return {};
	const error = body as IDataObject;
	const fieldErrors = Object.entries((error.errors as IDataObject | undefined) ?? {}).map(
		([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join(', ') : String(messages)}`,
	);
	const text = [error.text, error.title, error.detail, error.error].find((v) => typeof v === 'string' && v.trim());
	return {
		text: text as string | undefined,
		key: typeof error.key === 'string' ? error.key : undefined,
		reference: ((error.id as IDataObject | undefined)?.shortValue as string | undefined) ?? undefined,
		fieldErrors,
	};
}

/**
 * Published per-account limits. Sends count in the general buckets too: the burst limit is what bounds a
 * bulk send run (200 per 5 s).
 */
const WTS_RATE_LIMITS: RateLimitRule[] = [
	{ name: 'burst', requests: 200, windowMs: 5_000, appliesTo: '' },
	{ name: 'sustained', requests: 1_000, windowMs: 300_000, appliesTo: '' },
	{ name: 'send', requests: 1_000, windowMs: 120_000, appliesTo: '/chat/v1/send/' },
];

export const wtsProfile: ApiProfile = {
	platformName: 'WTS Chat',
	credentialType: 'wtsChatApi',
	baseUrl: (credentials) => wtsBaseUrl(credentials.baseUrl),
	secrets: (credentials) => [String(credentials.apiKey ?? '')].filter(Boolean),
	accountKey: (credentials) => `${wtsBaseUrl(credentials.baseUrl)}#${keyDigest(String(credentials.apiKey ?? ''))}`,
	rateLimits: () => WTS_RATE_LIMITS,
	readError: readWtsError,
};
