// Shared pieces for WTS handlers: the handler signature, typed access to validated input,
// date-range filters and the page envelope.
import type { HandlerResponse, OperationRequest } from '../core/http-server.mts';
import type { Json } from './records.mts';
import type { WtsState } from './state.mts';

export interface WtsContext {
	state: WtsState;
	/** How long the *-sync send endpoints wait before answering. */
	syncDelayMs: number;
}

export type WtsHandler = (
	request: OperationRequest,
	context: WtsContext,
) => HandlerResponse | Promise<HandlerResponse>;
export type WtsHandlers = Record<string, WtsHandler>;

export function ok(body?: unknown): HandlerResponse {
	return { status: 200, body };
}

/** A path parameter as a string (validation already checked its format). */
export function pathParam(request: OperationRequest, name = 'id'): string {
	return String(request.pathParams[name]);
}

export function queryString(request: OperationRequest, name: string): string | undefined {
	const value = request.query[name];
	return typeof value === 'string' ? value : undefined;
}

export function queryList(request: OperationRequest, name: string): string[] {
	const value = request.query[name];
	return Array.isArray(value) ? value.map(String) : [];
}

export function queryBool(request: OperationRequest, name: string): boolean | undefined {
	const value = request.query[name];
	return typeof value === 'boolean' ? value : undefined;
}

/** The request body as the contract shape `T` (it has been validated against the contract). */
export function bodyOf<T>(request: OperationRequest): T {
	return (request.body ?? {}) as T;
}

function normalizedDate(value: unknown): string | undefined {
	return typeof value === 'string' ? new Date(value).toISOString() : undefined;
}

/**
 * Predicate for the dotted date filters (`CreatedAt.After`, `CreatedAt.Before`, ...):
 * `fields` maps the filter prefix to the record property holding an ISO date.
 */
export function dateFilter<T>(
	request: OperationRequest,
	fields: Record<string, (item: T) => string | null>,
): (item: T) => boolean {
	const checks: Array<(item: T) => boolean> = [];
	for (const [prefix, read] of Object.entries(fields)) {
		const after = normalizedDate(request.query[`${prefix}.After`]);
		const before = normalizedDate(request.query[`${prefix}.Before`]);
		if (after !== undefined) checks.push((item) => (read(item) ?? '') >= after);
		if (before !== undefined)
			checks.push((item) => {
				const value = read(item);
				return value !== null && value <= before;
			});
	}
	return (item) => checks.every((check) => check(item));
}

export const CREATED_UPDATED: Record<
	string,
	(item: { createdAt: string; updatedAt: string }) => string
> = {
	CreatedAt: (item) => item.createdAt,
	UpdatedAt: (item) => item.updatedAt,
};

function propertyOf(item: object, name: string): unknown {
	const record = item as Record<string, unknown>;
	const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : record[key];
}

/** Ascending comparison with `sign` = -1 for descending; empty values sort last either way. */
function compareValues(a: unknown, b: unknown, sign: number): number {
	const aEmpty = a === null || a === undefined;
	const bEmpty = b === null || b === undefined;
	if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
	if (typeof a === 'number' && typeof b === 'number') return sign * (a - b);
	return sign * String(a).localeCompare(String(b));
}

/** Sorts by `OrderBy` (a record property, any case) and `OrderDirection`; keeps store order otherwise. */
export function ordered<T extends object>(
	items: readonly T[],
	orderBy: string | undefined,
	direction: string | undefined,
): readonly T[] {
	if (orderBy === undefined) return direction === 'DESCENDING' ? [...items].reverse() : items;
	const sign = direction === 'DESCENDING' ? -1 : 1;
	return [...items].sort((a, b) =>
		compareValues(propertyOf(a, orderBy), propertyOf(b, orderBy), sign),
	);
}

export interface PageOptions {
	/** Query name of the 1-based page number (`Page` on the portfolio-contact list). */
	pageParam?: string;
	/** Items are already in `OrderBy` order (e.g. from a FilterCache), skip sorting. */
	preordered?: boolean;
}

/** The WTS page envelope over already filtered items. */
export function page<T extends object>(
	request: OperationRequest,
	items: readonly T[],
	toDto: (item: T) => Json,
	options: PageOptions = {},
): Json {
	const pageNumber = Number(request.query[options.pageParam ?? 'PageNumber'] ?? 1);
	const pageSize = Number(request.query.PageSize ?? 15);
	const orderBy = queryString(request, 'OrderBy');
	const orderDirection = queryString(request, 'OrderDirection');
	const sorted = options.preordered ? items : ordered(items, orderBy, orderDirection);
	return pageEnvelope(sorted, pageNumber, pageSize, orderBy ?? null, orderDirection ?? null, toDto);
}

export function pageEnvelope<T>(
	sorted: readonly T[],
	pageNumber: number,
	pageSize: number,
	orderBy: string | null,
	orderDirection: string | null,
	toDto: (item: T) => Json,
): Json {
	const totalPages = Math.ceil(sorted.length / pageSize);
	const start = (pageNumber - 1) * pageSize;
	return {
		pageNumber,
		pageSize,
		orderBy,
		orderDirection,
		items: sorted.slice(start, start + pageSize).map(toDto),
		totalItems: sorted.length,
		totalPages,
		hasMorePages: pageNumber < totalPages,
	};
}

/**
 * Remembers filtered lists per filter key until the store changes, so paging through 100,000
 * contacts filters once instead of once per page.
 */
export class FilterCache<T> {
	private readonly entries = new Map<string, { version: number; items: T[] }>();

	get(key: string, version: number, compute: () => T[]): T[] {
		const hit = this.entries.get(key);
		if (hit && hit.version === version) return hit.items;
		const items = compute();
		if (this.entries.size >= 16) this.entries.delete(this.entries.keys().next().value as string);
		this.entries.set(key, { version, items });
		return items;
	}
}
