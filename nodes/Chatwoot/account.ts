import type { IExecuteFunctions } from 'n8n-workflow';

import { fieldError } from '../shared/engine/inputErrors';
import type { ApiClient } from '../shared/transport/apiClient';

/** The account from the node's Account ID field or the credential's default. */
export async function accountOf(ctx: IExecuteFunctions, itemIndex: number, client: ApiClient): Promise<string> {
	const typed = String(ctx.getNodeParameter('accountId', itemIndex, '', { extractValue: true }) ?? '').trim();
	const account = typed || String((await client.credentialData()).accountId ?? '').trim();
	if (!account) throw fieldError(ctx, itemIndex, 'Account ID is empty', 'Fill in "Account ID" on the node or "Default Account ID" in the credential.');
	return account;
}
