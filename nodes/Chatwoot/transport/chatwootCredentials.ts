import type { ICredentialDataDecryptedObject, ICredentialTestRequest, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { rateLimitShareProperty } from '../../shared/transport/rateLimitShare';
import { DEFAULT_REQUESTS_PER_MINUTE } from './chatwootProfile';

/** Expression that strips what users paste after the instance root (trailing `/`, `/api/v1`, `/app/...`). */
export const INSTANCE_URL_EXPRESSION =
	'={{$credentials.url.trim().replace(/\\/+$/, "").replace(/\\/(api|platform\\/api|public\\/api)\\/v[12]$/i, "").replace(/\\/app(\\/.*)?$/i, "").replace(/\\/+$/, "")}}';

export function instanceUrlProperty(defaultUrl: string): INodeProperties {
	return {
		displayName: 'Instance URL',
		name: 'url',
		type: 'string',
		required: true,
		default: defaultUrl,
		placeholder: 'https://app.chatwoot.com',
		description: "Address of the installation. A trailing slash, '/api/v1' or a dashboard path are ignored.",
	};
}

export const accessTokenProperties: INodeProperties[] = [
	{
		displayName: 'Access Token',
		name: 'accessToken',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description: 'User access token (Profile settings) or an agent-bot token. Agent bots may call only a few endpoints.',
	},
	{
		displayName: 'Default Account ID',
		name: 'accountId',
		type: 'string',
		default: '',
		placeholder: '1',
		description: 'Account used when an operation does not name one. Every operation can override it.',
	},
];

/** rack-attack's general limit of the installation; the nodes pace to it. */
export const requestsPerMinuteProperty: INodeProperties = {
	displayName: 'Requests per Minute',
	name: 'requestsPerMinute',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_REQUESTS_PER_MINUTE,
	description:
		"The installation's general limit per client address ('RACK_ATTACK_LIMIT'; 3000 unless a self-hosted install changed it). The nodes pace their requests to it.",
};

/** In queue mode: how many processes share the installation's limits, each pacing to its part of them. */
export const processesSendingAtOnceProperty = rateLimitShareProperty(
	'to this installation',
	"the installation's limits (Requests per Minute and rack-attack's per-account limits)",
);

export const platformTokenProperty: INodeProperties = {
	displayName: 'Platform App Token',
	name: 'platformToken',
	type: 'string',
	typeOptions: { password: true },
	required: true,
	default: '',
	description: 'Token of a Platform App (Super Admin > Platform Apps)',
};

/** A function rather than an expression: n8n evaluates credential expressions on every request. */
export function tokenHeader(field: string) {
	return async (credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> => ({
		...requestOptions,
		headers: { ...requestOptions.headers, api_access_token: String(credentials[field] ?? '') },
	});
}

/** The profile endpoint needs a valid user token and no account. */
export const accessTokenTest: ICredentialTestRequest = {
	request: { baseURL: INSTANCE_URL_EXPRESSION, url: '/api/v1/profile', method: 'GET' },
};

/** Lists the platform app's own accounts: needs a valid platform token. */
export const platformTokenTest: ICredentialTestRequest = {
	request: { baseURL: INSTANCE_URL_EXPRESSION, url: '/platform/api/v1/accounts', method: 'GET' },
};
