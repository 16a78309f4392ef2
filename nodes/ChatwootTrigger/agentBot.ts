import { NodeOperationError, type IDataObject, type IHookFunctions } from 'n8n-workflow';

import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';
import { ownWebhookUrl, REGISTRATION_SETTINGS, registrationName } from '../shared/trigger/registration';
import { dropSecret, keepSecret, readSecret } from '../shared/trigger/sealedSecret';
import { pathTo, type ApiClient } from '../shared/transport/apiClient';
import { recordsOf } from '../shared/transport/pagination';
import { triggerAccount, triggerClient } from './account';
import { SIGNING_SECRET, signingSecretKey, type ChatwootTriggerState } from './registration';

/**
 * Agent-bot mode: the trigger is a Chatwoot agent bot whose outgoing URL is the trigger's own. Chatwoot sends
 * a bot the events of the inboxes it is connected to, signed with the bot's secret like account webhooks
 * (app/listeners/agent_bot_listener.rb, lib/webhooks/trigger.rb), and a conversation created in such an inbox
 * starts pending (app/models/conversation.rb), waiting for the bot to answer or hand it over.
 */

const AGENT_BOTS = '/api/v1/accounts/{account_id}/agent_bots';
const AGENT_BOT = '/api/v1/accounts/{account_id}/agent_bots/{id}';
const INBOX_AGENT_BOT = '/api/v1/accounts/{account_id}/inboxes/{id}/agent_bot';
const SET_AGENT_BOT = '/api/v1/accounts/{account_id}/inboxes/{id}/set_agent_bot';

const acceptsUnsigned = (ctx: IHookFunctions) => (ctx.getNodeParameter('options', {}) as { acceptUnsigned?: boolean }).acceptUnsigned === true;

const secretOf = (bot: IDataObject): string | undefined => (typeof bot.secret === 'string' && bot.secret ? bot.secret : undefined);

/** The inboxes chosen on the node, as ids. */
function chosenInboxes(ctx: IHookFunctions): number[] {
	const ids = (ctx.getNodeParameter('botInboxIds', []) as Array<number | string>).map(Number);
	if (!ids.length || ids.some((id) => !Number.isInteger(id) || id <= 0)) {
		throw new NodeOperationError(ctx.getNode(), 'Choose the inboxes the agent bot answers', {
			description: 'Agent-bot mode needs at least one inbox in "Bot Inbox Names or IDs"; IDs are whole numbers.',
		});
	}
	return [...new Set(ids)];
}

/** The account's own agent bots that deliver here (global bots belong to no account and are never touched). */
async function ownBots(ctx: IHookFunctions, client: ApiClient, account: string): Promise<IDataObject[]> {
	const body = await client.request({ method: 'GET', path: pathTo(AGENT_BOTS, { account_id: account }) });
	const url = ownWebhookUrl(ctx);
	return recordsOf(body, '$').filter((bot) => bot.outgoing_url === url && String(bot.account_id) === account);
}

async function deleteBot(client: ApiClient, account: string, botId: unknown): Promise<void> {
	await client.request({ method: 'DELETE', path: pathTo(AGENT_BOT, { account_id: account, id: String(botId) }) });
}

async function connect(client: ApiClient, account: string, inbox: number, botId: number | null): Promise<void> {
	await client.request({ method: 'POST', path: pathTo(SET_AGENT_BOT, { account_id: account, id: inbox }), body: { agent_bot: botId } });
}

/**
 * Disconnects an inbox from one of `botIds`, and only then: another bot connected meanwhile stays. An inbox that
 * no longer exists has nothing to disconnect.
 */
async function disconnectIfOurs(client: ApiClient, account: string, inbox: number, botIds: Set<number>): Promise<void> {
	const body = await client
		.request<IDataObject>({ method: 'GET', path: pathTo(INBOX_AGENT_BOT, { account_id: account, id: inbox }) })
		.catch(async (error: unknown) => ((error as { httpCode?: string }).httpCode === '404' ? undefined : await Promise.reject(error)));
	const connected = (body?.agent_bot as IDataObject | undefined)?.id;
	if (typeof connected === 'number' && botIds.has(connected)) await connect(client, account, inbox, null);
}

/** Connects the bot to the chosen inboxes, and disconnects it from inboxes it served before and are no longer chosen. */
async function connectInboxes(ctx: IHookFunctions, client: ApiClient, account: string, botId: number, state: ChatwootTriggerState): Promise<number[]> {
	const chosen = chosenInboxes(ctx);
	const earlier = state.accountId === account && Array.isArray(state.botInboxIds) ? state.botInboxIds : [];
	for (const inbox of earlier.filter((id) => !chosen.includes(id))) await disconnectIfOurs(client, account, inbox, new Set([botId]));
	for (const inbox of chosen) await connect(client, account, inbox, botId);
	return chosen;
}

function forget(state: ChatwootTriggerState): void {
	delete state.accountId;
	delete state.agentBotId;
	delete state.botInboxIds;
	dropSecret(state, SIGNING_SECRET);
}

function remember(state: ChatwootTriggerState, account: string, botId: number, inboxes: number[], key: Buffer, secret: string): void {
	Object.assign(state, { accountId: account, agentBotId: botId, botInboxIds: inboxes });
	keepSecret(state, SIGNING_SECRET, key, secret);
}

/**
 * Adopts the agent bot that already delivers here, made by an earlier activation or by hand with this URL, and
 * connects it to the chosen inboxes. Copies are removed. One whose secret cannot be known (listed without it,
 * which Chatwoot does for non-administrators) is removed, and `create` makes a new one.
 */
export async function adoptAgentBot(ctx: IHookFunctions, brand: ChatwootBrand): Promise<boolean> {
	const client = triggerClient(ctx, brand, REGISTRATION_SETTINGS);
	const account = await triggerAccount(ctx, client);
	const state = ctx.getWorkflowStaticData('node') as ChatwootTriggerState;
	const found = await ownBots(ctx, client, account);
	const kept = found.find((bot) => bot.id === state.agentBotId) ?? found[0];
	for (const extra of found) if (extra !== kept) await deleteBot(client, account, extra.id);
	const key = await signingSecretKey(ctx, brand);
	const known =
		kept && (secretOf(kept) ?? (kept.id === state.agentBotId && state.accountId === account ? readSecret(state, SIGNING_SECRET, key) : undefined));
	const secret = known === '' && !acceptsUnsigned(ctx) ? undefined : known;
	if (!kept || secret === undefined) {
		if (kept) await deleteBot(client, account, kept.id);
		return false;
	}
	const inboxes = await connectInboxes(ctx, client, account, kept.id as number, state);
	remember(state, account, kept.id as number, inboxes, key, secret);
	return true;
}

export async function createAgentBot(ctx: IHookFunctions, brand: ChatwootBrand): Promise<boolean> {
	const client = triggerClient(ctx, brand, REGISTRATION_SETTINGS);
	const account = await triggerAccount(ctx, client);
	chosenInboxes(ctx);
	const created = await client.request<IDataObject>({
		method: 'POST',
		path: pathTo(AGENT_BOTS, { account_id: account }),
		body: {
			name: registrationName(ctx, 255),
			description: 'Conversations of its inboxes start an n8n workflow',
			outgoing_url: ownWebhookUrl(ctx),
		},
	});
	const secret = secretOf(created) ?? '';
	if (!secret && !acceptsUnsigned(ctx)) {
		await deleteBot(client, account, created.id);
		throw new NodeOperationError(ctx.getNode(), `${brand.platformName} returned no signing secret for the agent bot`, {
			description:
				'Only administrators see an agent bot\'s secret, and servers before Chatwoot 4.14 sign nothing. Use an administrator\'s access token, update the server, or turn on "Accept Unsigned Deliveries" in the node options.',
		});
	}
	const state = ctx.getWorkflowStaticData('node') as ChatwootTriggerState;
	const inboxes = await connectInboxes(ctx, client, account, created.id as number, state);
	remember(state, account, created.id as number, inboxes, await signingSecretKey(ctx, brand), secret);
	return true;
}

/**
 * Disconnects the bots that deliver here from the inboxes they served (Chatwoot would remove the connections of a
 * deleted bot only later, in a background job) and deletes them, including one whose id was lost.
 */
export async function removeAgentBots(ctx: IHookFunctions, brand: ChatwootBrand): Promise<boolean> {
	const client = triggerClient(ctx, brand, REGISTRATION_SETTINGS);
	const state = ctx.getWorkflowStaticData('node') as ChatwootTriggerState;
	const account = state.accountId ?? (await triggerAccount(ctx, client));
	const bots = await ownBots(ctx, client, account);
	if (bots.length) {
		const botIds = new Set(bots.map((bot) => bot.id as number));
		const chosen = (ctx.getNodeParameter('botInboxIds', []) as Array<number | string>).map(Number).filter((id) => Number.isInteger(id) && id > 0);
		const served = new Set([...(Array.isArray(state.botInboxIds) ? state.botInboxIds : []), ...chosen]);
		for (const inbox of served) await disconnectIfOurs(client, account, inbox, botIds);
		for (const bot of bots) await deleteBot(client, account, bot.id);
	}
	forget(state);
	return true;
}
