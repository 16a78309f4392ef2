import { NodeOperationError, type IDataObject, type IHookFunctions, type IWebhookFunctions } from 'n8n-workflow';

import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';
import { ownWebhookUrl, REGISTRATION_SETTINGS, registrationName } from '../shared/trigger/registration';
import { credentialKey, dropSecret, keepSecret, readSecret, type SecretFields } from '../shared/trigger/sealedSecret';
import { pathTo, type ApiClient } from '../shared/transport/apiClient';
import { recordsOf } from '../shared/transport/pagination';
import { triggerAccount, triggerClient } from './account';

const WEBHOOKS = '/api/v1/accounts/{account_id}/webhooks';
const WEBHOOK = '/api/v1/accounts/{account_id}/webhooks/{webhook_id}';

/** What the trigger keeps in the node's static data. */
export interface ChatwootTriggerState extends IDataObject {
	accountId?: string;
	webhookId?: number;
	/** Agent-bot mode: the bot this trigger is, and the inboxes it connected it to. */
	agentBotId?: number;
	botInboxIds?: number[];
	/** The webhook's or agent bot's signing secret, sealed (see sealedSecret); it seals '' when the server signs nothing (before 4.14). */
	secretSealed?: string;
	/** The signing secret in plain text, as versions before sealing kept it; replaced by the sealed form. */
	secret?: string;
}

export const SIGNING_SECRET: SecretFields = { sealed: 'secretSealed', plain: 'secret' };

/** The key the signing secret is sealed with: from the credential's access token. */
export async function signingSecretKey(ctx: IHookFunctions | IWebhookFunctions, brand: ChatwootBrand): Promise<Buffer> {
	return await credentialKey(ctx, { type: brand.credentialType, secretField: 'accessToken' }, 'delivery secret');
}

const chosenEvents = (ctx: IHookFunctions) => ctx.getNodeParameter('events', []) as string[];
const acceptsUnsigned = (ctx: IHookFunctions) => (ctx.getNodeParameter('options', {}) as { acceptUnsigned?: boolean }).acceptUnsigned === true;

/** Chatwoot wraps single webhooks in `{payload: {webhook}}`; the official spec shows them bare. */
const unwrapWebhook = (body: IDataObject): IDataObject => ((body.payload as IDataObject | undefined)?.webhook as IDataObject | undefined) ?? body;

const secretOf = (webhook: IDataObject): string | undefined => (typeof webhook.secret === 'string' && webhook.secret ? webhook.secret : undefined);

function sameEvents(current: unknown, wanted: string[]): boolean {
	const have = new Set(Array.isArray(current) ? current.map(String) : []);
	return have.size === wanted.length && wanted.every((event) => have.has(event));
}

async function ownWebhooks(ctx: IHookFunctions, client: ApiClient, account: string): Promise<IDataObject[]> {
	const body = await client.request({ method: 'GET', path: pathTo(WEBHOOKS, { account_id: account }) });
	const url = ownWebhookUrl(ctx);
	return recordsOf(body, 'payload.webhooks').filter((webhook) => webhook.url === url);
}

/** Only webhooks just listed are removed: a 404 means something else removed it meanwhile, and is reported. */
async function removeWebhook(client: ApiClient, account: string, webhookId: unknown): Promise<void> {
	await client.request({ method: 'DELETE', path: pathTo(WEBHOOK, { account_id: account, webhook_id: String(webhookId) }) });
}

function forget(state: ChatwootTriggerState): void {
	delete state.accountId;
	delete state.webhookId;
	dropSecret(state, SIGNING_SECRET);
}

function remember(state: ChatwootTriggerState, account: string, webhookId: number, key: Buffer, secret: string): void {
	Object.assign(state, { accountId: account, webhookId });
	keepSecret(state, SIGNING_SECRET, key, secret);
}

/**
 * Adopts the account webhook that already delivers here (Chatwoot refuses a second one with the same URL)
 * and sets its events. One whose secret cannot be known (made elsewhere, on a server that does not list
 * secrets) is replaced, since its deliveries could not be verified. Without one, `create` runs.
 */
export async function adoptWebhook(ctx: IHookFunctions, brand: ChatwootBrand): Promise<boolean> {
	const client = triggerClient(ctx, brand, REGISTRATION_SETTINGS);
	const account = await triggerAccount(ctx, client);
	const state = ctx.getWorkflowStaticData('node') as ChatwootTriggerState;
	const found = await ownWebhooks(ctx, client, account);
	const kept = found.find((webhook) => webhook.id === state.webhookId) ?? found[0];
	for (const extra of found) if (extra !== kept) await removeWebhook(client, account, extra.id);
	const key = await signingSecretKey(ctx, brand);
	const known =
		kept && (secretOf(kept) ?? (kept.id === state.webhookId && state.accountId === account ? readSecret(state, SIGNING_SECRET, key) : undefined));
	// Without a secret, only an unsigned webhook the user accepts is kept; `create` explains the rest.
	const secret = known === '' && !acceptsUnsigned(ctx) ? undefined : known;
	if (!kept || secret === undefined) {
		if (kept) await removeWebhook(client, account, kept.id);
		forget(state);
		return false;
	}
	if (!sameEvents(kept.subscriptions, chosenEvents(ctx))) {
		await client.request({
			method: 'PATCH',
			path: pathTo(WEBHOOK, { account_id: account, webhook_id: String(kept.id) }),
			body: { subscriptions: chosenEvents(ctx) },
		});
	}
	remember(state, account, kept.id as number, key, secret);
	return true;
}

export async function createWebhook(ctx: IHookFunctions, brand: ChatwootBrand): Promise<boolean> {
	const client = triggerClient(ctx, brand, REGISTRATION_SETTINGS);
	const account = await triggerAccount(ctx, client);
	const created = unwrapWebhook(
		await client.request<IDataObject>({
			method: 'POST',
			path: pathTo(WEBHOOKS, { account_id: account }),
			body: { url: ownWebhookUrl(ctx), subscriptions: chosenEvents(ctx), name: registrationName(ctx, 255) },
		}),
	);
	const secret = secretOf(created) ?? '';
	if (!secret && !acceptsUnsigned(ctx)) {
		await removeWebhook(client, account, created.id);
		throw new NodeOperationError(ctx.getNode(), `${brand.platformName} returned no signing secret for the webhook`, {
			description:
				'Servers before Chatwoot 4.14 do not sign webhook deliveries, so they cannot be verified. Update the server, or turn on "Accept Unsigned Deliveries" in the node options.',
		});
	}
	const state = ctx.getWorkflowStaticData('node') as ChatwootTriggerState;
	remember(state, account, created.id as number, await signingSecretKey(ctx, brand), secret);
	return true;
}

/** Removes every webhook of the account that delivers here, including one whose id was lost. */
export async function removeWebhooks(ctx: IHookFunctions, brand: ChatwootBrand): Promise<boolean> {
	const client = triggerClient(ctx, brand, REGISTRATION_SETTINGS);
	const state = ctx.getWorkflowStaticData('node') as ChatwootTriggerState;
	const account = state.accountId ?? (await triggerAccount(ctx, client));
	for (const webhook of await ownWebhooks(ctx, client, account)) await removeWebhook(client, account, webhook.id);
	forget(state);
	return true;
}
