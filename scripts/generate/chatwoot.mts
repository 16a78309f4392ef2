/**
 * Chatwoot specifics for the table generator: the contract is the official spec plus the repo's
 * supplement (specs/chatwoot/supplement.json), merged by the rules in specs/chatwoot/SUPPLEMENT.md.
 */
import type { PaginationSpec } from '../../nodes/shared/engine/operationTable.ts';
import { listOperations, type Json, type JsonObject, type OpenApiOperation, type TableConfig } from './openapiToTable.mts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * Official spec + supplement, by the rules in specs/chatwoot/SUPPLEMENT.md: `x-removals` drops official
 * operations; `x-patches` copies extension fields onto official operations; a supplement operation at an
 * official path and method replaces it whole; every other one is added. Path-level parameters of the
 * supplement go into its own operations only, so they never attach to official operations of the same path.
 */
export function mergeChatwootContract(official: JsonObject, supplement: JsonObject | undefined, evidence?: JsonObject): JsonObject {
	const merged = structuredClone(official);
	if (!supplement) return merged;
	const paths = merged.paths as JsonObject;
	const operationAt = (key: string) => {
		const [method, path] = key.split(' ');
		return { item: paths[path] as JsonObject | undefined, method: method.toLowerCase(), path };
	};
	for (const key of Object.keys((supplement['x-removals'] as JsonObject | undefined) ?? {})) {
		const { item, method, path } = operationAt(key);
		if (!item?.[method]) throw new Error(`x-removals names an operation the official spec lacks: ${key}`);
		delete item[method];
		if (!METHODS.some((m) => item[m])) delete paths[path];
	}
	for (const [key, fields] of Object.entries((supplement['x-patches'] as JsonObject | undefined) ?? {})) {
		const { item, method } = operationAt(key);
		const op = item?.[method] as JsonObject | undefined;
		if (!op) throw new Error(`x-patches names an operation the official spec lacks: ${key}`);
		Object.assign(op, structuredClone(fields as JsonObject));
	}
	for (const [path, rawItem] of Object.entries((supplement.paths as JsonObject) ?? {})) {
		const item = rawItem as JsonObject;
		const shared = (item.parameters as JsonObject[] | undefined) ?? [];
		const target = (paths[path] ??= {}) as JsonObject;
		for (const method of METHODS) {
			const op = item[method] as JsonObject | undefined;
			if (!op) continue;
			const own = (op.parameters as JsonObject[] | undefined) ?? [];
			const declared = new Set(own.map((p) => `${String(p.in)}:${String(p.name)}`));
			const inherited = shared.filter((p) => !declared.has(`${String(p.in)}:${String(p.name)}`));
			target[method] = inherited.length ? { ...structuredClone(op), parameters: structuredClone([...inherited, ...own]) } : structuredClone(op);
		}
	}
	const components = (merged.components ??= {}) as JsonObject;
	for (const [kind, entries] of Object.entries((supplement.components as JsonObject | undefined) ?? {})) {
		components[kind] = { ...((components[kind] as JsonObject | undefined) ?? {}), ...(entries as JsonObject) };
	}
	if (evidence) attachEvidence(paths, evidence);
	return merged;
}

/**
 * Puts each entry of specs/chatwoot/evidence.json on its operation as `x-chatwoot-evidence`: the Chatwoot
 * version and commit read, the routes.rb, controller and view lines, and the verdict. An entry whose
 * operationId, method or path the merged contract does not have stops the build.
 */
function attachEvidence(paths: JsonObject, evidence: JsonObject): void {
	const byId = new Map<string, { op: JsonObject; method: string; path: string }>();
	for (const [path, item] of Object.entries(paths)) {
		for (const method of METHODS) {
			const op = (item as JsonObject)[method] as JsonObject | undefined;
			if (typeof op?.operationId === 'string') byId.set(op.operationId, { op, method: method.toUpperCase(), path });
		}
	}
	const chatwoot = evidence.chatwoot as JsonObject;
	for (const [id, raw] of Object.entries(evidence.operations as JsonObject)) {
		const { method, path, ...entry } = raw as JsonObject;
		const target = byId.get(id);
		if (!target) throw new Error(`evidence.json names an operation the contract lacks: ${id}`);
		if (target.method !== method || target.path !== path) {
			throw new Error(`evidence.json has ${id} at ${String(method)} ${String(path)}, the contract at ${target.method} ${target.path}`);
		}
		target.op['x-chatwoot-evidence'] = { version: chatwoot.version, commit: chatwoot.commit, ...structuredClone(entry) };
	}
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
	const itemsPath = raw.itemsPath === '$' ? '' : String(raw.itemsPath ?? '');
	const keyed = raw.keyed === true ? { keyed: true } : {};
	switch (raw.style) {
		case 'page':
			return {
				style: 'page',
				pageParam: String(raw.param ?? 'page'),
				itemsPath,
				...(raw.pageSize ? { pageSize: Number(raw.pageSize) } : {}),
				...(raw.totalPath ? { totalPath: String(raw.totalPath) } : {}),
				...(raw.hasMorePath ? { hasMorePath: String(raw.hasMorePath) } : {}),
				...keyed,
			};
		case 'cursor-before':
			return { style: 'cursorBefore', param: String(raw.param ?? 'before'), idField: String(raw.cursorField ?? 'id'), itemsPath };
		case 'none':
			return { style: 'none', itemsPath, ...keyed };
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
