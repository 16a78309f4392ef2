import type { IDataObject } from 'n8n-workflow';

import type { ApiErrorDetails, ApiProfile } from '../../shared/transport/apiProfile';

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

/** Chatwoot publishes no fixed limit (rack-attack is set per install): pacing follows its 429 answers. */
export function chatwootProfile(platformName: string, credentialType: string, tokenField: string): ApiProfile {
	return {
		platformName,
		credentialType,
		baseUrl: (credentials) => instanceUrl(credentials.url),
		secrets: (credentials) => [String(credentials[tokenField] ?? '')].filter(Boolean),
		accountKey: (credentials) => instanceUrl(credentials.url),
		rateLimits: [],
		readError: readChatwootError,
	};
}
