import { NodeOperationError, type IHookFunctions, type IWebhookFunctions } from 'n8n-workflow';

import { ApiClient, type TransportSettings } from '../shared/transport/apiClient';
import { chatwootProfile, type ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';

export function triggerClient(ctx: IHookFunctions | IWebhookFunctions, brand: ChatwootBrand, settings?: TransportSettings): ApiClient {
	return new ApiClient(ctx, chatwootProfile(brand.platformName, brand.credentialType, 'accessToken'), settings);
}

/** The account from the node's Account ID field or the credential's default. */
export async function triggerAccount(ctx: IHookFunctions, client: ApiClient): Promise<string> {
	const typed = String(ctx.getNodeParameter('accountId', '') ?? '').trim();
	const account = typed || String((await client.credentialData()).accountId ?? '').trim();
	if (!account) {
		throw new NodeOperationError(ctx.getNode(), 'Account ID is empty', {
			description: 'Fill in "Account ID" on the node or "Default Account ID" in the credential.',
		});
	}
	return account;
}
