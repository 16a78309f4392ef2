import { createHash } from 'node:crypto';

import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { ChatwootBrand } from '../Chatwoot/transport/chatwootProfile';
import { downloadFiles } from '../shared/trigger/attachments';
import { forgetDelivery, isFirstDelivery, type DedupPolicy } from '../shared/trigger/recentDeliveries';
import { deliveryScope } from '../shared/trigger/registration';
import { readSecret, sealPlainSecret } from '../shared/trigger/sealedSecret';
import { depthProblem, headerValue, ignore, jsonObjectOf, refuse, requestOf, sizeProblem, start } from '../shared/trigger/webhookRequest';
import { triggerClient } from './account';
import { eventSummary, filteredOut, incomingAttachments, type ChatwootFilters } from './chatwootEvent';
import { SIGNING_SECRET, signingSecretKey, type ChatwootTriggerState } from './registration';
import { signatureProblem } from './signature';

/** Retries keep their `X-Chatwoot-Delivery` id; one hour covers Chatwoot's retry schedule. */
const DEDUP: DedupPolicy = { windowMs: 60 * 60_000, maxEntries: 500 };

interface TriggerOptions {
	acceptUnsigned?: boolean;
	downloadAttachments?: boolean;
	includeRawPayload?: boolean;
	maxDeliveryAgeMinutes?: number;
}

export async function receiveChatwootDelivery(ctx: IWebhookFunctions, brand: ChatwootBrand): Promise<IWebhookResponseData> {
	const state = ctx.getWorkflowStaticData('node') as ChatwootTriggerState;
	const options = ctx.getNodeParameter('options', {}) as TriggerOptions;
	const rawBody = requestOf(ctx).rawBody;
	if (!rawBody) return refuse(ctx, 400, 'Empty body');
	const tooLarge = sizeProblem(rawBody);
	if (tooLarge) return refuse(ctx, tooLarge.status, tooLarge.reason);
	const secretKey = await signingSecretKey(ctx, brand);
	const problem = signatureProblem({
		secret: readSecret(state, SIGNING_SECRET, secretKey),
		signature: headerValue(ctx, 'x-chatwoot-signature'),
		timestamp: headerValue(ctx, 'x-chatwoot-timestamp'),
		rawBody,
		nowSeconds: Math.floor(Date.now() / 1000),
		toleranceSeconds: (options.maxDeliveryAgeMinutes ?? 5) * 60,
		acceptUnsigned: options.acceptUnsigned === true,
	});
	if (problem) return refuse(ctx, 401, problem);
	sealPlainSecret(state, SIGNING_SECRET, secretKey);
	const tooDeep = depthProblem(rawBody);
	if (tooDeep) return refuse(ctx, tooDeep.status, tooDeep.reason);
	const payload = jsonObjectOf(rawBody);
	if (!payload || typeof payload.event !== 'string') return refuse(ctx, 400, `The body is not a ${brand.platformName} webhook payload`);
	const event = payload.event;
	if (!(ctx.getNodeParameter('events', []) as string[]).includes(event)) return ignore(`event ${event} not chosen`);

	// Servers that send no delivery id are deduplicated on the body, which a retry repeats exactly.
	const deliveryId = headerValue(ctx, 'x-chatwoot-delivery');
	const key = deliveryId ?? `body:${createHash('sha256').update(rawBody).digest('hex').slice(0, 32)}`;
	if (!isFirstDelivery(deliveryScope(ctx), key, DEDUP)) return ignore('duplicate delivery');
	let done = false;
	try {
		const response = await accept(ctx, brand, event, payload, deliveryId, options);
		done = true;
		return response;
	} finally {
		if (!done) forgetDelivery(deliveryScope(ctx), key);
	}
}

/** Filters, downloads and the item of a genuine first delivery. */
async function accept(
	ctx: IWebhookFunctions,
	brand: ChatwootBrand,
	event: string,
	payload: IDataObject,
	deliveryId: string | undefined,
	options: TriggerOptions,
): Promise<IWebhookResponseData> {
	const reason = filteredOut(event, payload, ctx.getNodeParameter('filters', {}) as ChatwootFilters);
	if (reason) return ignore(reason);
	const item: INodeExecutionData = { json: eventSummary(event, payload, deliveryId) };
	if (options.includeRawPayload) item.json.raw = payload;
	if (options.downloadAttachments) {
		const { binary, failures } = await downloadFiles(ctx, triggerClient(ctx, brand), incomingAttachments(event, payload));
		if (Object.keys(binary).length) item.binary = binary;
		if (failures.length) item.json.attachmentErrors = failures;
	}
	return start(item);
}
