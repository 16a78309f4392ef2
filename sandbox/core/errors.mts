import type { ValidationIssue } from './schema-validator.mts';

/**
 * An HTTP error answer. `code` is platform-neutral (e.g. `VALIDATION`, `ROUTE_NOT_FOUND`); each
 * platform's `renderError` turns it into its own error body (WTS envelope, Chatwoot `{error}`...).
 *
 * Codes the core raises: UNAUTHORIZED, ROUTE_NOT_FOUND, METHOD_NOT_ALLOWED, BAD_PATH, VALIDATION,
 * UNKNOWN_QUERY_PARAMETER, INVALID_BODY, UNSUPPORTED_MEDIA_TYPE, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS,
 * NOT_IMPLEMENTED, INTERNAL, RESPONSE_INVALID, FAULT_INJECTED.
 */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly issues: ValidationIssue[] = [],
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}
