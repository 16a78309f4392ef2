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

/**
 * Fetches records page after page until the API says there are no more or `limit` records are in.
 * No pauses between pages (pacing is the transport's job) and no cap besides the user's limit.
 */
export async function collectRecords(
	client: ApiClient,
	request: ApiRequest,
	spec: PaginationSpec,
	limit?: number,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	const wanted = limit ?? Infinity;
	const full = () => out.length >= wanted;

	if (spec.style === 'none') {
		out.push(...recordsOf(await client.request(request), spec.itemsPath, spec.keyed));
		return out.slice(0, wanted);
	}

	if (spec.style === 'cursorBefore') {
		let cursor: number | undefined;
		for (;;) {
			const qs = cursor === undefined ? request.qs : { ...request.qs, [spec.param]: cursor };
			const page = recordsOf(await client.request({ ...request, qs }), spec.itemsPath);
			// Only records older than the cursor are new: an API that ignores or includes the cursor
			// would otherwise hand the same records back again.
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
		const paging: IDataObject = { [spec.pageParam]: page };
		if (spec.style === 'pageNumber' && spec.sizeParam) paging[spec.sizeParam] = pageSize;
		const next: ApiRequest =
			spec.style === 'pageNumber' && spec.in === 'body'
				? { ...request, body: { ...((request.body as IDataObject) ?? {}), ...paging } }
				: { ...request, qs: { ...request.qs, ...paging } };
		const body = await client.request(next);
		const records = recordsOf(body, spec.itemsPath, spec.style === 'page' && spec.keyed);
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
