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
	rateLimits: RateLimitRule[];
	readError(body: unknown): ApiErrorDetails;
}
