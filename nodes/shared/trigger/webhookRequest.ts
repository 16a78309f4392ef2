import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** The part of n8n's webhook request a trigger reads. */
interface WebhookRequest {
	/** The body exactly as received; n8n keeps it while parsing JSON bodies. */
	rawBody?: Uint8Array;
}

interface WebhookResponse {
	status(code: number): WebhookResponse;
	json(body: unknown): void;
}

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
 * (401, 400), so nothing in them reaches the workflow.
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
