import type { IDataObject, INodeExecutionData, INodeProperties, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** The part of n8n's webhook request a trigger reads. */
interface WebhookRequest {
	/** The body exactly as received; n8n keeps it while parsing JSON bodies. */
	rawBody?: Uint8Array;
}

interface WebhookResponse {
	status(code: number): WebhookResponse;
	setHeader(name: string, value: string): void;
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
 * (401, 400, 413) or not taken now (429, 503), so nothing in them reaches the workflow.
 */
export function refuse(ctx: IWebhookFunctions, status: number, reason: string, headers: Record<string, string> = {}): IWebhookResponseData {
	const response = ctx.getResponseObject() as unknown as WebhookResponse;
	for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
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

/** Chooses the webhook's response mode from the Respond option (see intake.ts). */
const RESPONDS_WHEN_FINISHED = '$parameter["options"]["respond"] === "whenFinished"';

/**
 * The webhook every trigger serves. Executions start from the trigger's own forwarded call (see intake.ts),
 * which n8n answers as the Respond option says: with `onReceived` once the execution is stored, with
 * `lastNode` once it has finished. `responseData` is the body: left unset it is the literal text
 * `firstEntryJson`; empty, n8n answers with the trigger's own `webhookResponse`
 * (extractWebhookOnReceivedResponse in n8n's webhooks/webhook-on-received-response-extractor.js); `noData` after
 * a finished execution answers without the workflow's output.
 */
export const TRIGGER_WEBHOOK: IWebhookDescription = {
	name: 'default',
	httpMethod: 'POST',
	responseMode: `={{${RESPONDS_WHEN_FINISHED} ? "lastNode" : "onReceived"}}`,
	responseData: `={{${RESPONDS_WHEN_FINISHED} ? "noData" : ""}}`,
	path: 'webhook',
};

export type RespondWhen = 'immediately' | 'whenFinished' | 'eachEventOnce';

/** The Respond option read from the node's options (Immediately when unset). */
export function respondOf(options: unknown): RespondWhen {
	const { respond } = (options ?? {}) as { respond?: unknown };
	return respond === 'whenFinished' || respond === 'eachEventOnce' ? respond : 'immediately';
}

/** The Respond option of every trigger. */
export const RESPOND_OPTION: INodeProperties = {
	displayName: 'Respond',
	name: 'respond',
	type: 'options',
	options: [
		{
			name: 'Immediately',
			value: 'immediately',
			description: 'Once the execution is stored. If n8n crashes before it runs, the event is lost: the platform already has its answer.',
		},
		{
			name: 'When the Execution Finished',
			value: 'whenFinished',
			description:
				'Once the workflow has run; a failed run is answered 500. A platform that resends what got no 2xx recovers what a crash lost, and what a crash cut off after it ran may run twice; it has to wait as long as the workflow runs.',
		},
		{
			name: 'Each Event Once, When the Execution Finished',
			value: 'eachEventOnce',
			description:
				'Once the workflow has run. n8n keeps one execution per event, whatever the platform resends; one a crash cuts short shows as Crashed and is not run again. Needs n8n 2.40.7 or later, with deliveries reaching the n8n process that runs the trigger.',
		},
	],
	default: 'immediately',
	description: 'When the platform gets its answer to a delivery that starts the workflow',
};
