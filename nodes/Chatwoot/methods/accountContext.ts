import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';

import { ApiClient } from '../../shared/transport/apiClient';
import { chatwootProfile, instanceUrl, type ChatwootBrand } from '../transport/chatwootProfile';

export interface AccountContext {
	client: ApiClient;
	account: string;
	/** Dashboard root, for links in picker results. */
	dashboard: string;
}

/** Account of the picker: the node's Account ID (typed or picked), else the credential's default. */
export async function accountContext(ctx: ILoadOptionsFunctions, brand: ChatwootBrand): Promise<AccountContext | undefined> {
	const client = new ApiClient(ctx, chatwootProfile(brand.platformName, brand.credentialType, 'accessToken'));
	const credentials = await client.credentialData();
	const raw = ctx.getCurrentNodeParameter('accountId') as string | IDataObject | undefined;
	const typed = typeof raw === 'object' && raw !== null ? raw.value : raw;
	const account =
		(typeof typed === 'string' && typed.trim() && !typed.startsWith('=') ? typed.trim() : '') || String(credentials.accountId ?? '').trim();
	if (!account) return undefined;
	return { client, account, dashboard: `${instanceUrl(credentials.url)}/app/accounts/${account}` };
}
