import { randomBytes } from 'node:crypto';

import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { constantTimeEqual } from '../shared/trigger/constantTimeEqual';
import { ownWebhookUrl, REGISTRATION_SETTINGS, registrationName } from '../shared/trigger/registration';
import { credentialKey, dropSecret, keepSecret, readSecret, type SecretFields } from '../shared/trigger/sealedSecret';
import { ApiClient, pathTo } from '../shared/transport/apiClient';
import { recordsOf } from '../shared/transport/pagination';
import { wtsProfile } from '../WtsChat/transport/wtsProfile';

/**
 * WTS signs nothing, so the registered URL carries a random secret in this query parameter; deliveries
 * without it are refused. Every subscription the trigger makes or takes over gets a new one.
 */
export const URL_SECRET_PARAM = 'secret';

/** A new URL secret: 256 random bits as 64 hex characters. */
const newUrlSecret = (): string => randomBytes(32).toString('hex');

const SUBSCRIPTIONS = '/core/v1/webhook/subscription';
const SUBSCRIPTION = '/core/v1/webhook/subscription/{subscriptionId}';

/** What the trigger keeps in the node's static data. */
export interface WtsTriggerState extends IDataObject {
	subscriptionId?: string;
	/** The URL secret, sealed (see sealedSecret). */
	urlSecretSealed?: string;
	/** The URL secret in plain text, as versions before sealing kept it; replaced by the sealed form. */
	urlSecret?: string;
}

export const URL_SECRET: SecretFields = { sealed: 'urlSecretSealed', plain: 'urlSecret' };

/** The credential the trigger's keys are derived from. */
export const WTS_CREDENTIAL = { type: 'wtsChatApi', secretField: 'apiKey' };

/** The key the URL secret is sealed with: from the credential's API key. */
export async function urlSecretKey(ctx: IHookFunctions | IWebhookFunctions): Promise<Buffer> {
	return await credentialKey(ctx, WTS_CREDENTIAL, 'delivery secret');
}

function withSecret(webhookUrl: string, secret: string): string {
	const url = new URL(webhookUrl);
	url.searchParams.set(URL_SECRET_PARAM, secret);
	return url.toString();
}

function withoutSecret(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.searchParams.delete(URL_SECRET_PARAM);
		return parsed.toString();
	} catch {
		return url;
	}
}

function chosenEvents(ctx: IHookFunctions): string[] {
	return ctx.getNodeParameter('events', []) as string[];
}

/** Subscriptions that deliver to this trigger, whatever secret their URL carries. */
async function ownSubscriptions(ctx: IHookFunctions, client: ApiClient): Promise<IDataObject[]> {
	const target = withoutSecret(ownWebhookUrl(ctx));
	const all = recordsOf(await client.request({ method: 'GET', path: SUBSCRIPTIONS }), 'items');
	return all.filter((subscription) => typeof subscription.url === 'string' && withoutSecret(subscription.url) === target);
}

/** Removes a subscription that was just listed; a 404 (removed meanwhile by someone else) is reported, not hidden. */
async function remove(client: ApiClient, subscriptionId: string): Promise<void> {
	await client.request({ method: 'DELETE', path: pathTo(SUBSCRIPTION, { subscriptionId }) });
}

function secretIn(url: unknown): string | undefined {
	try {
		return new URL(String(url)).searchParams.get(URL_SECRET_PARAM) ?? undefined;
	} catch {
		return undefined;
	}
}

/** Lists answer events as `{event, description}` objects; requests send plain names. */
function eventNames(events: unknown): string[] {
	return Array.isArray(events) ? events.map((event) => String((event as IDataObject)?.event ?? event)) : [];
}

/**
 * Adopts a subscription that already delivers here instead of adding a second one, and gives it the
 * chosen events. Its secret is kept when it is the one this trigger made (n8n restarted: deliveries
 * under way still get through); one made by hand, or whose secret was lost, gets a new secret. Copies
 * beyond the first are removed. Without one, `create` runs.
 */
export async function adoptSubscription(ctx: IHookFunctions): Promise<boolean> {
	const client = new ApiClient(ctx, wtsProfile, REGISTRATION_SETTINGS);
	const state = ctx.getWorkflowStaticData('node') as WtsTriggerState;
	const found = await ownSubscriptions(ctx, client);
	if (found.length === 0) {
		delete state.subscriptionId;
		dropSecret(state, URL_SECRET);
		return false;
	}
	const kept = found.find((subscription) => subscription.id === state.subscriptionId) ?? found[0];
	for (const extra of found) if (extra !== kept) await remove(client, String(extra.id));
	const key = await urlSecretKey(ctx);
	const known = readSecret(state, URL_SECRET, key);
	const current = secretIn(kept.url);
	const ours = current !== undefined && known !== undefined && constantTimeEqual(current, known);
	const secret = ours ? known : newUrlSecret();
	const events = chosenEvents(ctx);
	const registered = eventNames(kept.events);
	const sameEvents = registered.length === events.length && events.every((event) => registered.includes(event));
	if (!ours || !sameEvents || kept.enabled !== true) {
		await client.request({
			method: 'PUT',
			path: pathTo(SUBSCRIPTION, { subscriptionId: String(kept.id) }),
			body: { fields: ['Url', 'Events', 'Enabled'], url: withSecret(ownWebhookUrl(ctx), secret), events, enabled: true },
		});
	}
	state.subscriptionId = String(kept.id);
	keepSecret(state, URL_SECRET, key, secret);
	return true;
}

export async function createSubscription(ctx: IHookFunctions): Promise<boolean> {
	const client = new ApiClient(ctx, wtsProfile, REGISTRATION_SETTINGS);
	const secret = newUrlSecret();
	const created = await client.request<IDataObject>({
		method: 'POST',
		path: SUBSCRIPTIONS,
		body: { name: registrationName(ctx, 100), url: withSecret(ownWebhookUrl(ctx), secret), enabled: true, events: chosenEvents(ctx) },
	});
	const state = ctx.getWorkflowStaticData('node') as WtsTriggerState;
	state.subscriptionId = String(created.id);
	keepSecret(state, URL_SECRET, await urlSecretKey(ctx), secret);
	return true;
}

/** Removes every subscription that delivers here, including one whose id was lost. */
export async function removeSubscriptions(ctx: IHookFunctions): Promise<boolean> {
	const client = new ApiClient(ctx, wtsProfile, REGISTRATION_SETTINGS);
	const state = ctx.getWorkflowStaticData('node') as WtsTriggerState;
	for (const subscription of await ownSubscriptions(ctx, client)) await remove(client, String(subscription.id));
	delete state.subscriptionId;
	dropSecret(state, URL_SECRET);
	return true;
}
