import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { RateLimitRule } from './rateLimiter';

/** What the API said about a failed request, in its own words. */
export interface ApiErrorDetails {
	/** Human-readable message from the body. */
	text?: string;
	/** Machine-readable error key, e.g. `ERROR_UNAUTHORIZED`. */
	key?: string;
	/** Reference the platform's support asks for. */
	reference?: string;
	/** Per-field validation messages. */
	fieldErrors?: string[];
}

/** Everything the shared transport needs to know about one platform. */
export interface ApiProfile {
	/** Shown in error messages: "WTS Chat answered 404 ...". */
	platformName: string;
	credentialType: string;
	baseUrl(credentials: ICredentialDataDecryptedObject): string;
	/** Values that must never appear in an error, a log line or the output. */
	secrets(credentials: ICredentialDataDecryptedObject): string[];
	/** The account whose rate-limit budget a request spends. */
	accountKey(credentials: ICredentialDataDecryptedObject): string;
	/** The limits to pace to; a credential may set them (a self-hosted install's own limit). */
	rateLimits(credentials: ICredentialDataDecryptedObject): RateLimitRule[];
	/**
	 * After a 429: until when (Unix ms) every request of the account waits, given the 429s in a row so far
	 * and the answer's Retry-After. Absent: only the rules covering the refused path wait, for Retry-After.
	 */
	pauseAfterRateLimit?(refusalsInARow: number, retryAfterMs: number | undefined, now: number): number;
	readError(body: unknown): ApiErrorDetails;
}
