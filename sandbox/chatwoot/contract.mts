// The Chatwoot contract the sandbox serves: the official spec merged with the repo's supplement by
// the same function the node generator uses, so sandbox and nodes never disagree on an operation.
import { readFileSync } from 'node:fs';
import { mergeChatwootContract, type Json } from '../../scripts/generate/chatwoot.mts';
import { listOperations, type ContractOperation, type OpenApiDocument } from '../core/openapi.mts';

type JsonObject = { [key: string]: Json };

function readJson(relative: string): JsonObject {
	return JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as JsonObject;
}

export const CHATWOOT_CONTRACT = mergeChatwootContract(
	readJson('../../specs/chatwoot/swagger.json'),
	readJson('../../specs/chatwoot/supplement.json'),
	readJson('../../specs/chatwoot/evidence.json'),
) as unknown as OpenApiDocument;

export const CHATWOOT_OPERATIONS: readonly ContractOperation[] = listOperations(CHATWOOT_CONTRACT);

/** Which Chatwoot API a path belongs to; decides how requests authenticate. */
export type ApiFamily = 'application' | 'client' | 'platform' | 'instance';

export function apiFamily(path: string): ApiFamily {
	if (path.startsWith('/platform/')) return 'platform';
	if (path.startsWith('/public/') || path.startsWith('/survey/')) return 'client';
	if (path.startsWith('/api/v1/') || path.startsWith('/api/v2/')) return 'application';
	return 'instance';
}

/** The `x-pagination` block of an operation (see specs/chatwoot/SUPPLEMENT.md). */
export interface PaginationInfo {
	style: 'none' | 'page' | 'cursor-before';
	itemsPath: string;
	param?: string;
	pageSize?: number;
	totalPath?: string;
	keyed?: boolean;
	perPageParam?: string;
	maxPageSize?: number;
}

export function paginationOf(operation: ContractOperation): PaginationInfo | undefined {
	return operation.raw['x-pagination'] as PaginationInfo | undefined;
}

/** Template with parameter names erased (`/a/{id}/b` -> `/a/{}/b`), to compare paths that name ids differently. */
export function normalizedTemplate(template: string): string {
	return template.replace(/\{[^}]+\}/g, '{}');
}
