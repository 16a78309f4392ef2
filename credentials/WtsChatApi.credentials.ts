import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { rateLimitShareProperty } from '../nodes/shared/transport/rateLimitShare';

export class WtsChatApi implements ICredentialType {
	name = 'wtsChatApi';

	displayName = 'WTS Chat API';

	icon: Icon = { light: 'file:../nodes/WtsChat/wtsChat.svg', dark: 'file:../nodes/WtsChat/wtsChat.dark.svg' };

	documentationUrl = 'https://github.com/omnichat/n8n-nodes-omnichat#wts-chat';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Permanent token from Settings > Integrations > API integration (starts with pn_)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.wts.chat',
			description: 'API address. WTS Chat, FLW Chat and Zaper Chat use https://api.wts.chat; Helena uses https://api.helena.run.',
		},
		rateLimitShareProperty('with this API key', "WTS's published limits (200 requests per 5 s, 1,000 per 5 min)"),
	];

	// A function rather than an expression: n8n evaluates credential expressions on every request.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.apiKey ?? '')}` } };
	}

	// Listing channels is cheap and needs a valid key: a wrong key answers 401.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{($credentials.baseUrl || "https://api.wts.chat").replace(/\\/+$/, "")}}',
			url: '/chat/v1/channel',
			method: 'GET',
		},
	};
}
