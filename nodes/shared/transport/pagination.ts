import type { IDataObject } from 'n8n-workflow';

import type { PaginationSpec } from '../engine/operationTable';
import type { ApiClient, ApiRequest } from './apiClient';

function at(value: unknown, path: string): unknown {
	if (!path) return value;
	return path.split('.').reduce<unknown>((current, key) => (current as IDataObject | undefined)?.[key], value);
}

/**
 * The records of one answer: the whole answer when it is a plain array, else the array at `itemsPath`;
 * with `keyed`, every array of the object found there, in order.
 */
export function recordsOf(body: unknown, itemsPath: string, keyed = false): IDataObject[] {
	if (Array.isArray(body)) return body as IDataObject[];
	const records = at(body, itemsPath);
	if (Array.isArray(records)) return records as IDataObject[];
	if (keyed && records && typeof records === 'object') {
		return Object.values(records).flatMap((group) => (Array.isArray(group) ? (group as IDataObject[]) : []));
	}
	return [];
}

/** Pages one Return All may ask for: past this, an API that keeps announcing more is stopped. */
export const MAX_PAGES = 100_000;

/** What identifies a record across pages: its id, else its whole content. */
function recordKey(record: IDataObject): string {
	const id = record.id;
	return typeof id === 'string' || typeof id === 'number' ? `id:${id}` : JSON.stringify(record);
}

/**
 * Remembers the pages of one listing, so that a server which never stops saying "more" cannot keep the node
 * paging forever: a page equal to the previous one, a page of records already received, or more pages than
 * `maxPages` stop the listing with an error that names the page.
 */
class PageTrail {
	private readonly seen = new Set<string>();
	private previous = '';
	private pages = 0;

	constructor(
		private readonly client: ApiClient,
		private readonly request: ApiRequest,
		private readonly maxPages: number,
	) {}

	/** Before asking for the next page. */
	next(received: number): void {
		this.pages++;
		if (this.pages > this.maxPages) {
			throw this.client.pagingError(
				`The API still announced more records after ${this.maxPages.toLocaleString('en')} pages (${received.toLocaleString('en')} records)`,
				'The listing was stopped so it cannot run forever. Set a limit or narrow the filters.',
				this.request,
			);
		}
	}

	/** A page with records arrived: it must differ from the one before. */
	refuseRepeat(page: number, records: IDataObject[]): void {
		const fingerprint = JSON.stringify(records);
		if (fingerprint === this.previous) {
			throw this.client.pagingError(
				`Page ${page} repeats page ${page - 1}`,
				'The API answered the same records again, so asking for more pages would never end (it may ignore the paging parameter).',
				this.request,
			);
		}
		this.previous = fingerprint;
	}

	/** A page with records arrived: it must differ from the one before and bring at least one new record. */
	check(page: number, records: IDataObject[]): void {
		this.refuseRepeat(page, records);
		const keys = records.map(recordKey);
		if (!keys.some((key) => !this.seen.has(key))) {
			throw this.client.pagingError(
				`Page ${page} brought no new records`,
				'Every record of this page came on an earlier page, so asking for more pages would never end.',
				this.request,
			);
		}
		for (const key of keys) this.seen.add(key);
	}
}

/**
 * Fetches records page after page until the API says there are no more or `limit` records are in.
 * No pauses between pages (pacing is the transport's job). A listing that would never end (a page repeated,
 * nothing new, or more than `maxPages` pages) stops with an error instead.
 */
export async function collectRecords(
	client: ApiClient,
	request: ApiRequest,
	spec: PaginationSpec,
	limit?: number,
	maxPages = MAX_PAGES,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	const wanted = limit ?? Infinity;
	const full = () => out.length >= wanted;
	const trail = new PageTrail(client, request, maxPages);

	if (spec.style === 'none') {
		out.push(...recordsOf(await client.request(request), spec.itemsPath, spec.keyed));
		return out.slice(0, wanted);
	}

	if (spec.style === 'cursorBefore') {
		let cursor: number | undefined;
		for (let pageNumber = 1; ; pageNumber++) {
			trail.next(out.length);
			const qs = cursor === undefined ? request.qs : { ...request.qs, [spec.param]: cursor };
			const page = recordsOf(await client.request({ ...request, qs }), spec.itemsPath);
			if (!page.length) break;
			// An API that ignores the cursor hands the same page back: refused. One that includes the cursor
			// hands the boundary record back: only records older than the cursor are new.
			trail.refuseRepeat(pageNumber, page);
			const fresh = cursor === undefined ? page : page.filter((r) => Number(r[spec.idField]) < (cursor as number));
			if (!fresh.length) break;
			out.push(...fresh);
			const ids = fresh.map((r) => Number(r[spec.idField])).filter(Number.isFinite);
			if (!ids.length || full()) break;
			cursor = Math.min(...ids);
		}
		return out.slice(0, wanted);
	}

	const pageSize = spec.style === 'pageNumber' ? Math.min(spec.pageSize ?? 100, Number.isFinite(wanted) ? Math.max(wanted, 1) : Infinity) : spec.pageSize;
	for (let page = 1; ; page++) {
		trail.next(out.length);
		const paging: IDataObject = { [spec.pageParam]: page };
		if (spec.style === 'pageNumber' && spec.sizeParam) paging[spec.sizeParam] = pageSize;
		const next: ApiRequest =
			spec.style === 'pageNumber' && spec.in === 'body'
				? { ...request, body: { ...((request.body as IDataObject) ?? {}), ...paging } }
				: { ...request, qs: { ...request.qs, ...paging } };
		const body = await client.request(next);
		const records = recordsOf(body, spec.itemsPath, spec.style === 'page' && spec.keyed);
		if (records.length) trail.check(page, records);
		out.push(...records);
		if (full() || Array.isArray(body) || records.length === 0) break;
		if (spec.style === 'page') {
			const total = spec.totalPath ? Number(at(body, spec.totalPath)) : NaN;
			if ((spec.pageSize && records.length < spec.pageSize) || out.length >= total) break;
			if (spec.hasMorePath && at(body, spec.hasMorePath) !== true) break;
			continue;
		}
		const hasMore = spec.hasMorePath ? at(body, spec.hasMorePath) : undefined;
		const totalPages = at(body, 'totalPages');
		if (hasMore === false || (hasMore === undefined && (typeof totalPages !== 'number' || page >= totalPages))) break;
	}
	return out.slice(0, wanted);
}
