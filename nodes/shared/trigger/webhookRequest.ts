import type { IDataObject, INodeExecutionData, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** The part of n8n's webhook request a trigger reads. */
interface WebhookRequest {
	/** The body exactly as received; n8n keeps it while parsing JSON bodies. */
	rawBody?: Uint8Array;
}

interface WebhookResponse {
	status(code: number): WebhookResponse;
	json(body: unknown): void;
}

/**
 * Largest delivery body accepted. n8n itself reads bodies up to N8N_PAYLOAD_SIZE_MAX (16 MiB by default)
 * before the trigger sees them; platform events are a few kilobytes, so anything this large is refused
 * before it is verified or parsed.
 */
export const MAX_DELIVERY_BYTES = 1024 * 1024;

/**
 * Deepest JSON nesting accepted. Platform payloads nest fewer than ten levels; deeper input would only
 * reach code that walks it recursively (n8n copies and serialises execution data that way) and fail there.
 */
export const MAX_DELIVERY_DEPTH = 64;

export function requestOf(ctx: IWebhookFunctions): WebhookRequest {
	return ctx.getRequestObject() as unknown as WebhookRequest;
}

/** The single value of a request header, or undefined. */
export function headerValue(ctx: IWebhookFunctions, name: string): string | undefined {
	const value = ctx.getHeaderData()[name.toLowerCase()];
	const single = Array.isArray(value) ? value[0] : value;
	return typeof single === 'string' ? single : undefined;
}

/**
 * Answers the platform directly and starts no execution: used for deliveries that are refused
 * (401, 400, 413), so nothing in them reaches the workflow.
 */
export function refuse(ctx: IWebhookFunctions, status: number, reason: string): IWebhookResponseData {
	const response = ctx.getResponseObject() as unknown as WebhookResponse;
	response.status(status).json({ accepted: false, reason });
	return { noWebhookResponse: true };
}

/** Acknowledges a genuine delivery that starts no execution (duplicate, filtered out): 200, so it is not retried. */
export function ignore(reason: string): IWebhookResponseData {
	return { webhookResponse: { accepted: true, started: false, reason } };
}

/** Starts one execution with this item; the platform gets a small acknowledgement, not the item. */
export function start(item: INodeExecutionData): IWebhookResponseData {
	return { workflowData: [[item]], webhookResponse: { accepted: true, started: true } };
}

/**
 * The deepest nesting of objects and arrays in JSON text, read from the bytes without parsing, so input of
 * any depth costs one pass and no stack. Brackets inside strings do not count.
 */
export function nestingDepth(bytes: Uint8Array): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < bytes.length; i++) {
		const byte = bytes[i];
		if (inString) {
			if (byte === 0x5c) i++; // backslash: the next byte is escaped
			else if (byte === 0x22) inString = false;
		} else if (byte === 0x22) {
			inString = true;
		} else if (byte === 0x7b || byte === 0x5b) {
			depth++;
			if (depth > deepest) deepest = depth;
		} else if (byte === 0x7d || byte === 0x5d) {
			depth--;
		}
	}
	return deepest;
}

export interface Refusal {
	status: number;
	reason: string;
}

/** Why a body is too large to look at, or undefined. */
export function sizeProblem(rawBody: Uint8Array): Refusal | undefined {
	return rawBody.length > MAX_DELIVERY_BYTES
		? { status: 413, reason: `The body has ${rawBody.length} bytes; deliveries are accepted up to ${MAX_DELIVERY_BYTES}` }
		: undefined;
}

/** Why a body is too deeply nested to parse, or undefined. */
export function depthProblem(rawBody: Uint8Array): Refusal | undefined {
	const depth = nestingDepth(rawBody);
	return depth > MAX_DELIVERY_DEPTH
		? { status: 400, reason: `The body nests ${depth} levels deep; deliveries are accepted up to ${MAX_DELIVERY_DEPTH}` }
		: undefined;
}

/** The body as a JSON object, parsed from the raw bytes that were signed; undefined if it is not one. */
export function jsonObjectOf(rawBody: Uint8Array): IDataObject | undefined {
	let value: unknown;
	try {
		value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
	} catch {
		return undefined;
	}
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined;
}

/**
 * The webhook every trigger serves. With `responseMode: 'onReceived'` n8n answers once the execution is
 * stored, with `responseData` as the body; left unset that is the literal text `firstEntryJson`. An empty
 * `responseData` makes n8n answer with the trigger's own `webhookResponse` instead
 * (extractWebhookOnReceivedResponse in n8n's webhooks/webhook-on-received-response-extractor.js).
 */
export const TRIGGER_WEBHOOK: IWebhookDescription = {
	name: 'default',
	httpMethod: 'POST',
	responseMode: 'onReceived',
	responseData: '',
	path: 'webhook',
};
