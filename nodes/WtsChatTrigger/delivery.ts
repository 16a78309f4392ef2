import { createHash } from 'node:crypto';

import { NodeOperationError, type IDataObject, type INodeExecutionData, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

import { downloadFiles, type RemoteFile } from '../shared/trigger/attachments';
import { constantTimeEqual } from '../shared/trigger/constantTimeEqual';
import { logKey } from '../shared/trigger/deliveryLog';
import { admit, isForwarded, receiveForwarded } from '../shared/trigger/intake';
import { credentialKey, readSecret, sealPlainSecret } from '../shared/trigger/sealedSecret';
import { depthProblem, ignore, jsonObjectOf, refuse, requestOf, sizeProblem } from '../shared/trigger/webhookRequest';
import { ApiClient, pathTo } from '../shared/transport/apiClient';
import { wtsProfile } from '../WtsChat/transport/wtsProfile';
import { URL_SECRET, URL_SECRET_PARAM, urlSecretKey, WTS_CREDENTIAL, type WtsTriggerState } from './subscription';

/** Deliveries dated further than this from now are refused, unless the node says otherwise. */
export const DEFAULT_MAX_AGE_MINUTES = 10;

interface WtsOptions {
	downloadMedia?: boolean;
	maxDeliveryAgeMinutes?: number;
}

const MESSAGE_EVENTS = new Set(['MESSAGE_RECEIVED', 'MESSAGE_SENT', 'MESSAGE_UPDATED']);
const SESSION_EVENTS = new Set(['SESSION_NEW', 'SESSION_UPDATE', 'SESSION_COMPLETE']);

export interface WtsPayload extends IDataObject {
	eventType: string;
	date?: string;
	content: IDataObject;
	changeMetadata?: IDataObject | null;
}

export interface WtsFilters {
	channelIds?: string[];
	direction?: 'any' | 'incoming' | 'outgoing';
	ignoreApiMessages?: boolean;
}

export function asWtsPayload(body: IDataObject | undefined): WtsPayload | undefined {
	if (!body || typeof body.eventType !== 'string') return undefined;
	const content = body.content;
	if (content === null || typeof content !== 'object' || Array.isArray(content)) return undefined;
	return body as WtsPayload;
}

/** Same event, same content: the same delivery. The delivery date is left out, a resend may renew it. */
export function deliveryKey(payload: WtsPayload): string {
	const digest = createHash('sha256').update(JSON.stringify([payload.content, payload.changeMetadata ?? null])).digest('hex');
	return `${payload.eventType}:${digest.slice(0, 32)}`;
}

/**
 * The message's `direction` field cannot be trusted (inbound deliveries were seen with FROM_HUB), so the
 * event decides; for an update, an agent or any origin but DEFAULT means the account sent it.
 */
export function messageDirection(eventType: string, message: IDataObject): 'incoming' | 'outgoing' {
	if (eventType === 'MESSAGE_RECEIVED') return 'incoming';
	if (eventType === 'MESSAGE_SENT') return 'outgoing';
	return message.userId || (typeof message.origin === 'string' && message.origin !== 'DEFAULT') ? 'outgoing' : 'incoming';
}

/** Why a message event is filtered out, or undefined when it passes. */
export function messageFilteredOut(payload: WtsPayload, filters: WtsFilters): string | undefined {
	if (!MESSAGE_EVENTS.has(payload.eventType)) return undefined;
	const message = payload.content;
	if (filters.direction && filters.direction !== 'any' && messageDirection(payload.eventType, message) !== filters.direction) {
		return `not an ${filters.direction} message`;
	}
	if (filters.ignoreApiMessages && message.origin === 'API') return 'sent through the API';
	return undefined;
}

/** Files of a message: `details.files`, else `details.file`. */
export function messageFiles(message: IDataObject): RemoteFile[] {
	const details = (message.details ?? {}) as IDataObject;
	const files = Array.isArray(details.files) && details.files.length ? (details.files as IDataObject[]) : details.file ? [details.file as IDataObject] : [];
	return files
		.filter((file) => typeof file?.publicUrl === 'string')
		.map((file) => ({ url: file.publicUrl as string, fileName: typeof file.name === 'string' ? file.name : undefined }));
}

/** The channel of a session or message event; messages name only their session, which is looked up. */
async function channelOf(ctx: IWebhookFunctions, payload: WtsPayload): Promise<string | undefined> {
	if (SESSION_EVENTS.has(payload.eventType)) return typeof payload.content.channelId === 'string' ? payload.content.channelId : undefined;
	if (!MESSAGE_EVENTS.has(payload.eventType) || typeof payload.content.sessionId !== 'string') return undefined;
	const session = await new ApiClient(ctx, wtsProfile).request<IDataObject>({
		method: 'GET',
		path: pathTo('/chat/v2/session/{id}', { id: payload.content.sessionId }),
	});
	return typeof session.channelId === 'string' ? session.channelId : undefined;
}

/** Why a delivery's date is outside the window a delivery is accepted in, or undefined. */
export function dateProblem(date: unknown, nowMs: number, windowMs: number): string | undefined {
	const at = typeof date === 'string' ? Date.parse(date) : NaN;
	if (Number.isNaN(at)) return 'The delivery has no readable date';
	if (Math.abs(nowMs - at) > windowMs) return 'The delivery date is too old or in the future: a replayed or delayed delivery';
	return undefined;
}

export async function receiveWtsDelivery(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const forwardKey = await credentialKey(ctx, WTS_CREDENTIAL, 'forwarded delivery');
	if (isForwarded(ctx)) return await receiveForwarded(ctx, forwardKey, wtsItem);

	const state = ctx.getWorkflowStaticData('node') as WtsTriggerState;
	const secretKey = await urlSecretKey(ctx);
	const expected = readSecret(state, URL_SECRET, secretKey);
	const given = (ctx.getQueryData() as IDataObject)[URL_SECRET_PARAM];
	if (expected === undefined && state.urlSecretSealed !== undefined) {
		return refuse(ctx, 401, 'The URL secret cannot be read with this credential, which changed since the workflow was activated: deactivate and activate the workflow again');
	}
	if (!expected || typeof given !== 'string' || !constantTimeEqual(given, expected)) {
		return refuse(ctx, 401, 'Missing or wrong secret in the webhook URL');
	}
	sealPlainSecret(state, URL_SECRET, secretKey);
	const rawBody = requestOf(ctx).rawBody;
	const bounds = rawBody && (sizeProblem(rawBody) ?? depthProblem(rawBody));
	if (bounds) return refuse(ctx, bounds.status, bounds.reason);
	const payload = asWtsPayload(rawBody ? jsonObjectOf(rawBody) : undefined);
	if (!rawBody || !payload) return refuse(ctx, 400, 'The body is not a WTS webhook payload ({eventType, date, content})');
	const now = Date.now();
	const windowMs = ((ctx.getNodeParameter('options', {}) as WtsOptions).maxDeliveryAgeMinutes ?? DEFAULT_MAX_AGE_MINUTES) * 60_000;
	const stale = dateProblem(payload.date, now, windowMs);
	if (stale) return refuse(ctx, 401, stale);

	if (!(ctx.getNodeParameter('events', []) as string[]).includes(payload.eventType)) return ignore(`event ${payload.eventType} not chosen`);
	const filters = ctx.getNodeParameter('filters', {}) as WtsFilters;
	const filteredOut = messageFilteredOut(payload, filters);
	if (filteredOut) return ignore(filteredOut);
	if (filters.channelIds?.length) {
		const channel = await channelOf(ctx, payload);
		if (channel !== undefined && !filters.channelIds.includes(channel)) return ignore('another channel');
	}
	// A resend may renew the date but repeats event and content; the date bounds how long that is needed.
	const until = Math.max(Date.parse(String(payload.date)), now) + windowMs;
	return await admit(ctx, { rawBody, keys: [logKey('content', deliveryKey(payload))], until }, forwardKey, wtsItem);
}

/** The item of a delivery: the payload as delivered, and the media of a received message with Download Media. */
async function wtsItem(ctx: IWebhookFunctions, rawBody: Uint8Array): Promise<INodeExecutionData> {
	const payload = asWtsPayload(jsonObjectOf(rawBody));
	if (!payload) throw new NodeOperationError(ctx.getNode(), 'A forwarded delivery is not a WTS webhook payload');
	const item: INodeExecutionData = {
		json: { event: payload.eventType, date: payload.date ?? null, content: payload.content, changeMetadata: payload.changeMetadata ?? null },
	};
	const options = ctx.getNodeParameter('options', {}) as WtsOptions;
	if (options.downloadMedia && payload.eventType === 'MESSAGE_RECEIVED') {
		const { binary, failures } = await downloadFiles(ctx, new ApiClient(ctx, wtsProfile), messageFiles(payload.content));
		if (Object.keys(binary).length) item.binary = binary;
		if (failures.length) item.json.attachmentErrors = failures;
	}
	return item;
}
