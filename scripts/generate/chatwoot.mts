/**
 * Chatwoot specifics for the table generator: the contract is the official spec plus the repo's
 * supplement (specs/chatwoot/supplement.json), merged by the rules in specs/chatwoot/SUPPLEMENT.md.
 */
import type { PaginationSpec } from '../../nodes/shared/engine/operationTable.ts';
import { listOperations, type Json, type JsonObject, type OpenApiOperation, type TableConfig } from './openapiToTable.mts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Official spec + supplement: supplement paths are added; an operation at the same path and method
 * replaces the official one; `x-patches` ("METHOD /path" → fields) merges extension fields into official
 * operations; `x-remove` ("METHOD /path") drops official operations the supplement republishes elsewhere.
 */
export function mergeChatwootContract(official: JsonObject, supplement: JsonObject | undefined): JsonObject {
	const merged = structuredClone(official);
	if (!supplement) return merged;
	const paths = merged.paths as JsonObject;
	for (const entry of (supplement['x-remove'] as string[] | undefined) ?? []) {
		const [method, path] = entry.split(' ');
		const item = paths[path] as JsonObject | undefined;
		if (item) {
			delete item[method.toLowerCase()];
			if (!METHODS.some((m) => item[m])) delete paths[path];
		}
	}
	for (const [path, item] of Object.entries((supplement.paths as JsonObject) ?? {})) {
		const target = (paths[path] ??= {}) as JsonObject;
		for (const [key, value] of Object.entries(item as JsonObject)) target[key] = structuredClone(value);
	}
	for (const [entry, fields] of Object.entries((supplement['x-patches'] as JsonObject | undefined) ?? {})) {
		const [method, path] = entry.split(' ');
		const op = (paths[path] as JsonObject | undefined)?.[method.toLowerCase()] as JsonObject | undefined;
		if (!op) throw new Error(`x-patches names an operation the contract lacks: ${entry}`);
		Object.assign(op, structuredClone(fields as JsonObject));
	}
	const components = (merged.components ??= {}) as JsonObject;
	for (const [kind, entries] of Object.entries((supplement.components as JsonObject | undefined) ?? {})) {
		components[kind] = { ...((components[kind] as JsonObject | undefined) ?? {}), ...(entries as JsonObject) };
	}
	return merged;
}

export function apiOfPath(path: string): 'application' | 'client' | 'platform' {
	if (path.startsWith('/platform/')) return 'platform';
	if (path.startsWith('/public/')) return 'client';
	return 'application';
}

const API_NAMES = { application: 'Application', client: 'Client (Public)', platform: 'Platform' } as const;

function camel(text: string): string {
	const words = text.split(/[^A-Za-z0-9]+/).filter(Boolean);
	return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase())).join('');
}

function paginationOf(operation: OpenApiOperation): PaginationSpec | undefined {
	const raw = operation.op['x-pagination'] as JsonObject | undefined;
	if (!raw) return undefined;
	const itemsPath = String(raw.itemsPath ?? '');
	switch (raw.style) {
		case 'page':
			return { style: 'page', pageParam: String(raw.param ?? 'page'), pageSize: Number(raw.pageSize ?? 25), itemsPath };
		case 'cursor-before':
			return { style: 'cursorBefore', param: String(raw.param ?? 'before'), idField: String(raw.idField ?? 'id'), itemsPath };
		case 'none':
			return { style: 'none', itemsPath };
		default:
			throw new Error(`Unknown x-pagination style ${String(raw.style)} on ${operation.method} ${operation.path}`);
	}
}

export const chatwootTableConfig: TableConfig = {
	resourceOf(operation) {
		const tag = String((operation.op.tags as string[] | undefined)?.[0] ?? 'Other');
		const api = apiOfPath(operation.path);
		// Resource values carry the API so one tag name used by two APIs stays two resources.
		return { value: `${api === 'application' ? '' : `${api}_`}${camel(tag)}`, name: tag, api };
	},
	apiOf: (operation) => apiOfPath(operation.path),
	paginationOf,
	hiddenFields(operation) {
		const raw = operation.op['x-pagination'] as JsonObject | undefined;
		return raw && raw.style !== 'none' ? [String(raw.param ?? (raw.style === 'page' ? 'page' : 'before'))] : [];
	},
};

export const chatwootApis = (Object.keys(API_NAMES) as Array<keyof typeof API_NAMES>).map((value) => ({ value, name: API_NAMES[value] }));

export function countOperations(contract: JsonObject): number {
	return listOperations(contract).length;
}

export type { Json };
