import { NodeOperationError, type INodeExecutionData, type IWebhookFunctions, type IWebhookResponseData } from 'n8n-workflow';

import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';
import { downloadFiles } from '../shared/trigger/attachments';
import { logKey } from '../shared/trigger/deliveryLog';
import { admit, isForwarded, receiveForwarded } from '../shared/trigger/intake';
import { credentialKey, readSecret, sealPlainSecret } from '../shared/trigger/sealedSecret';
import { depthProblem, headerValue, ignore, jsonObjectOf, refuse, requestOf, sizeProblem } from '../shared/trigger/webhookRequest';
import { triggerClient } from './account';
import { eventSummary, filteredOut, incomingAttachments, type ChatwootFilters } from './chatwootEvent';
import { SIGNING_SECRET, signingSecretKey, type ChatwootTriggerState } from './registration';
import { signatureProblem } from './signature';

interface TriggerOptions {
	acceptUnsigned?: boolean;
	downloadAttachments?: boolean;
	includeRawPayload?: boolean;
	maxDeliveryAgeMinutes?: number;
}

export async function receiveChatwootDelivery(ctx: IWebhookFunctions, brand: ChatwootBrand): Promise<IWebhookResponseData> {
	const buildItem = async (c: IWebhookFunctions, rawBody: Uint8Array, deliveryId: string | undefined) => await chatwootItem(c, brand, rawBody, deliveryId);
	const forwardKey = await credentialKey(ctx, { type: brand.credentialType, secretField: 'accessToken' }, 'forwarded delivery');
	if (isForwarded(ctx)) return await receiveForwarded(ctx, forwardKey, buildItem);

	const state = ctx.getWorkflowStaticData('node') as ChatwootTriggerState;
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	const rawBody = requestOf(ctx).rawBody;
	if (!rawBody) return refuse(ctx, 400, 'Empty body');
	const tooLarge = sizeProblem(rawBody);
	if (tooLarge) return refuse(ctx, tooLarge.status, tooLarge.reason);
	const secretKey = await signingSecretKey(ctx, brand);
	const signature = headerValue(ctx, 'x-chatwoot-signature');
	const timestamp = headerValue(ctx, 'x-chatwoot-timestamp');
	const nowSeconds = Math.floor(Date.now() / 1000);
	const toleranceSeconds = (options.maxDeliveryAgeMinutes ?? 5) * 60;
	const problem = signatureProblem({
		secret: readSecret(state, SIGNING_SECRET, secretKey),
		signature,
		timestamp,
		rawBody,
		nowSeconds,
		toleranceSeconds,
		acceptUnsigned: options.acceptUnsigned === true,
	});
	if (problem) return refuse(ctx, 401, problem);
	sealPlainSecret(state, SIGNING_SECRET, secretKey);
	const tooDeep = depthProblem(rawBody);
	if (tooDeep) return refuse(ctx, tooDeep.status, tooDeep.reason);
	const payload = jsonObjectOf(rawBody);
	if (!payload || typeof payload.event !== 'string') return refuse(ctx, 400, `The body is not a ${brand.platformName} webhook payload`);
	const event = payload.event;
	const chosen = ctx.getNodeParameter('mode', 'accountWebhook') === 'agentBot' ? 'botEvents' : 'events';
	if (!(ctx.getNodeParameter(chosen, []) as string[]).includes(event)) return ignore(`event ${event} not chosen`);
	const reason = filteredOut(event, payload, ctx.getNodeParameter('filters', {}) as ChatwootFilters);
	if (reason) return ignore(reason);

	// A retry keeps its X-Chatwoot-Delivery id (Chatwoot signs it anew); a replay repeats the signature, which
	// covers timestamp and body, whatever id it claims. Unsigned deliveries are known by id, else by body.
	const deliveryId = headerValue(ctx, 'x-chatwoot-delivery');
	const signed = signature !== undefined && timestamp !== undefined && /^\d+$/.test(timestamp);
	const keys = [
		...(deliveryId ? [logKey('delivery', deliveryId)] : []),
		signed ? logKey('signature', signature.trim().toLowerCase()) : logKey('body', rawBody),
	];
	// Past its timestamp's window a delivery is refused anyway: its keys are needed until then.
	const until = (Math.max(signed ? Number(timestamp) : 0, nowSeconds) + toleranceSeconds) * 1000;
	return await admit(ctx, { rawBody, keys, until, deliveryId }, forwardKey, buildItem);
}

/** The item of a delivery: the same keys for every event, the raw payload and attachments as the options say. */
async function chatwootItem(ctx: IWebhookFunctions, brand: ChatwootBrand, rawBody: Uint8Array, deliveryId: string | undefined): Promise<INodeExecutionData> {
	const payload = jsonObjectOf(rawBody);
	if (!payload || typeof payload.event !== 'string') {
		throw new NodeOperationError(ctx.getNode(), `A forwarded delivery is not a ${brand.platformName} webhook payload`);
	}
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	const item: INodeExecutionData = { json: eventSummary(payload.event, payload, deliveryId) };
	if (options.includeRawPayload) item.json.raw = payload;
	if (options.downloadAttachments) {
		const { binary, failures } = await downloadFiles(ctx, triggerClient(ctx, brand), incomingAttachments(payload.event, payload));
		if (Object.keys(binary).length) item.binary = binary;
		if (failures.length) item.json.attachmentErrors = failures;
	}
	return item;
}
