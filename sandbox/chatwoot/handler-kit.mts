// Shared pieces for Chatwoot handlers: the handler signature and context, Chatwoot's error answers,
// typed access to validated input, and page slicing.
import { HttpError } from '../core/errors.mts';
import type { OperationRequest } from '../core/http-server.mts';
import type { Caller } from './auth.mts';
import type { ChatwootViews } from './dto.mts';
import type { Json, WebhookEvent } from './records.mts';
import type { ChatwootState } from './state.mts';

export interface ChatwootContext {
	state: ChatwootState;
	views: ChatwootViews;
	caller: Caller;
	/** `account_id` of the path, when the operation has one. */
	accountId: number;
	/** Queues an outgoing webhook event for `accountId` (delivered after the answer). */
	emit: (event: WebhookEvent, payload: Json, accountId: number) => void;
}

/**
 * What a Chatwoot handler returns: a JSON body (fitted to the contract afterwards) or, for CSV
 * reports and downloads, `text` sent as-is with `contentType`.
 */
export interface ChatwootResponse {
	status?: number;
	body?: unknown;
	text?: string;
	contentType?: string;
	headers?: Record<string, string>;
}

export type ChatwootHandler = (
	request: OperationRequest,
	context: ChatwootContext,
) => ChatwootResponse | Promise<ChatwootResponse>;
export type ChatwootHandlers = Record<string, ChatwootHandler>;

/** Chatwoot's RecordNotFound answer. */
export function notFound(): HttpError {
	return new HttpError(404, 'NOT_FOUND', 'Resource could not be found');
}

/** Chatwoot's RecordInvalid answer: 422 `{message, attributes}`. */
export function unprocessable(message: string, attributes: string[] = []): HttpError {
	return new HttpError(
		422,
		'UNPROCESSABLE',
		message,
		attributes.map((field) => ({ location: 'body', field, message })),
	);
}

/** Chatwoot's `render_could_not_create_error` (and a rescued ParameterMissing): 422 `{error}`. */
export function couldNotCreate(message: string): HttpError {
	return new HttpError(422, 'COULD_NOT_CREATE', message);
}

export function ok(body?: unknown): ChatwootResponse {
	return { status: 200, body };
}

/** A validated integer path parameter. */
export function pathInt(request: OperationRequest, name: string): number {
	return Number(request.pathParams[name]);
}

export function pathText(request: OperationRequest, name: string): string {
	return String(request.pathParams[name]);
}

/** The validated body as the contract shape `T`. */
export function bodyOf<T>(request: OperationRequest): T {
	const body = request.body;
	return (body !== null && typeof body === 'object' ? body : {}) as T;
}

export function queryText(request: OperationRequest, name: string): string | undefined {
	const value = request.query[name];
	return value === undefined || value === null ? undefined : String(value);
}

export function queryInt(request: OperationRequest, name: string): number | undefined {
	const value = request.query[name];
	return typeof value === 'number' ? value : undefined;
}

export function queryList(request: OperationRequest, name: string): string[] {
	const value = request.query[name];
	return Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
}

/** 1-based `page` of `size` items. */
export function pageSlice<T>(items: readonly T[], page: number, size: number): T[] {
	const start = (Math.max(1, page) - 1) * size;
	return items.slice(start, start + size);
}

export function unixSeconds(ms: number): number;
export function unixSeconds(ms: number | null): number | null;
export function unixSeconds(ms: number | null): number | null {
	return ms === null ? null : Math.floor(ms / 1000);
}

export function isoTime(ms: number | null): string | null {
	return ms === null ? null : new Date(ms).toISOString();
}
