// Minimal OpenAPI 3.1 model: just the parts the sandbox needs, with `$ref`s to
// parameters, request bodies and responses resolved so callers never chase them.
import { readFileSync } from 'node:fs';

/** A JSON Schema (2020-12) node as it appears in the contract. */
export interface SchemaObject {
	$ref?: string;
	type?: string | string[];
	format?: string;
	enum?: unknown[];
	const?: unknown;
	default?: unknown;
	properties?: Record<string, SchemaObject>;
	required?: string[];
	items?: SchemaObject;
	additionalProperties?: boolean | SchemaObject;
	allOf?: SchemaObject[];
	anyOf?: SchemaObject[];
	oneOf?: SchemaObject[];
	minItems?: number;
	maxItems?: number;
	minLength?: number;
	maxLength?: number;
	minimum?: number;
	maximum?: number;
	pattern?: string;
	[keyword: string]: unknown;
}

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

export interface ParameterObject {
	$ref?: string;
	name: string;
	in: ParameterLocation;
	required?: boolean;
	schema?: SchemaObject;
	style?: string;
	explode?: boolean;
}

export interface MediaTypeObject {
	schema?: SchemaObject;
}

export interface RequestBodyObject {
	$ref?: string;
	required?: boolean;
	content?: Record<string, MediaTypeObject>;
}

export interface ResponseObject {
	$ref?: string;
	description?: string;
	content?: Record<string, MediaTypeObject>;
	headers?: Record<string, unknown>;
}

export interface OperationObject {
	operationId?: string;
	deprecated?: boolean;
	parameters?: ParameterObject[];
	requestBody?: RequestBodyObject;
	responses?: Record<string, ResponseObject>;
	[extension: string]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
export type HttpMethodLower = (typeof HTTP_METHODS)[number];

export type PathItemObject = { parameters?: ParameterObject[] } & {
	[method in HttpMethodLower]?: OperationObject;
};

export interface OpenApiDocument {
	openapi: string;
	paths: Record<string, PathItemObject>;
	components?: Record<string, Record<string, unknown>>;
	webhooks?: Record<string, PathItemObject>;
	[extension: string]: unknown;
}

/** A parameter after `$ref` resolution and path-level/operation-level merging. */
export interface ResolvedParameter {
	name: string;
	in: ParameterLocation;
	required: boolean;
	schema: SchemaObject;
	style: string;
	explode: boolean;
}

export interface ResolvedResponse {
	/** media type -> schema */
	content: Record<string, SchemaObject>;
}

/** One operation of the contract, flattened for routing and validation. */
export interface ContractOperation {
	operationId: string;
	/** Upper-case HTTP method. */
	method: string;
	/** Path template exactly as in the contract, e.g. `/core/v1/contact/{id}`. */
	path: string;
	deprecated: boolean;
	parameters: ResolvedParameter[];
	requestBody: { required: boolean; content: Record<string, SchemaObject> } | null;
	/** status code (or `default`, `2XX`) -> response */
	responses: Record<string, ResolvedResponse>;
	raw: OperationObject;
}

export function loadOpenApiDocument(file: string | URL): OpenApiDocument {
	return JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}

/** Follows a local JSON pointer (`#/components/...`) inside the document. */
export function resolvePointer(document: OpenApiDocument, ref: string): unknown {
	if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported: ${ref}`);
	let node: unknown = document;
	for (const rawToken of ref.slice(2).split('/')) {
		const token = decodeURIComponent(rawToken).replace(/~1/g, '/').replace(/~0/g, '~');
		if (node === null || typeof node !== 'object' || !(token in node)) {
			throw new Error(`Unresolvable $ref ${ref}`);
		}
		node = (node as Record<string, unknown>)[token];
	}
	return node;
}

function deref<T extends { $ref?: string }>(document: OpenApiDocument, value: T): T {
	let current = value;
	const seen = new Set<string>();
	while (current.$ref !== undefined) {
		if (seen.has(current.$ref)) throw new Error(`Circular $ref ${current.$ref}`);
		seen.add(current.$ref);
		current = resolvePointer(document, current.$ref) as T;
	}
	return current;
}

/** Resolves a schema's top-level `$ref` chain (nested refs stay for ajv). */
export function derefSchema(document: OpenApiDocument, schema: SchemaObject): SchemaObject {
	return deref(document, schema);
}

function resolveParameter(
	document: OpenApiDocument,
	parameter: ParameterObject,
): ResolvedParameter {
	const p = deref(document, parameter);
	// OpenAPI defaults: query/cookie use style=form, path/header use simple; form explodes by default.
	const style = p.style ?? (p.in === 'query' || p.in === 'cookie' ? 'form' : 'simple');
	return {
		name: p.name,
		in: p.in,
		required: p.in === 'path' ? true : p.required === true,
		schema: p.schema ?? {},
		style,
		explode: p.explode ?? style === 'form',
	};
}

function mediaSchemas(
	content: Record<string, MediaTypeObject> | undefined,
): Record<string, SchemaObject> {
	const result: Record<string, SchemaObject> = {};
	for (const [mediaType, media] of Object.entries(content ?? {}))
		result[mediaType] = media.schema ?? {};
	return result;
}

/** Lists every operation of the document (paths only; webhooks are outgoing). */
export function listOperations(document: OpenApiDocument): ContractOperation[] {
	const operations: ContractOperation[] = [];
	for (const [path, pathItem] of Object.entries(document.paths)) {
		const shared = (pathItem.parameters ?? []).map((p) => resolveParameter(document, p));
		for (const method of HTTP_METHODS) {
			const operation = pathItem[method];
			if (operation === undefined) continue;
			const own = (operation.parameters ?? []).map((p) => resolveParameter(document, p));
			// Operation-level parameters override path-level ones with the same name+location.
			const parameters = [
				...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)),
				...own,
			];
			const body = operation.requestBody ? deref(document, operation.requestBody) : undefined;
			const responses: Record<string, ResolvedResponse> = {};
			for (const [status, response] of Object.entries(operation.responses ?? {})) {
				responses[status] = { content: mediaSchemas(deref(document, response).content) };
			}
			operations.push({
				operationId: operation.operationId ?? `${method.toUpperCase()} ${path}`,
				method: method.toUpperCase(),
				path,
				deprecated: operation.deprecated === true,
				parameters,
				requestBody: body
					? { required: body.required === true, content: mediaSchemas(body.content) }
					: null,
				responses,
				raw: operation,
			});
		}
	}
	return operations;
}

/** Picks the contract response for a status: exact code, then `4XX`-style range, then `default`. */
export function responseFor(
	operation: ContractOperation,
	status: number,
): ResolvedResponse | undefined {
	return (
		operation.responses[String(status)] ??
		operation.responses[`${String(status)[0]}XX`] ??
		operation.responses.default
	);
}
