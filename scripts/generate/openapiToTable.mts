/**
 * Turns an OpenAPI 3.x contract into the plain-data operation table the nodes read
 * (see nodes/shared/engine/operationTable.ts). Runs at build time only.
 */
import type {
	FieldSpec,
	HttpMethod,
	OperationSpec,
	OperationTable,
	PaginationSpec,
} from '../../nodes/shared/engine/operationTable.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface OpenApiOperation {
	method: HttpMethod;
	path: string;
	op: JsonObject;
	/** Parameters declared on the path item, which every operation of the path inherits. */
	pathParameters: Json[];
}

export interface TableConfig {
	/** Leave an operation out of the node (deprecated, not callable with a token...). */
	skip?(operation: OpenApiOperation): boolean;
	resourceOf(operation: OpenApiOperation): { value: string; name: string; api?: string };
	paginationOf(operation: OpenApiOperation, resolve: Resolver): PaginationSpec | undefined;
	/** Query or body fields the engine fills itself (page numbers...), hidden from the user. */
	hiddenFields?(operation: OpenApiOperation): string[];
	apiOf?(operation: OpenApiOperation): string | undefined;
}

export type Resolver = (schema: Json | undefined) => JsonObject;

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const MAX_DEPTH = 3;

export function listOperations(spec: JsonObject): OpenApiOperation[] {
	const out: OpenApiOperation[] = [];
	const paths = (spec.paths ?? {}) as JsonObject;
	for (const [path, item] of Object.entries(paths)) {
		const pathItem = item as JsonObject;
		for (const method of METHODS) {
			const op = pathItem[method.toLowerCase()] as JsonObject | undefined;
			if (op) out.push({ method, path, op, pathParameters: (pathItem.parameters as Json[]) ?? [] });
		}
	}
	return out;
}

export function makeResolver(spec: JsonObject): Resolver {
	const resolve: Resolver = (schema) => {
		if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return {};
		const ref = schema.$ref;
		if (typeof ref === 'string') {
			let target: Json = spec;
			for (const part of ref.replace(/^#\//, '').split('/')) {
				target = (target as JsonObject)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
			}
			return resolve(target);
		}
		if (Array.isArray(schema.allOf)) {
			const merged: JsonObject = { type: 'object', properties: {}, required: [] };
			for (const part of schema.allOf) {
				const resolved = resolve(part);
				Object.assign(merged.properties as JsonObject, resolved.properties ?? {});
				(merged.required as Json[]).push(...((resolved.required as Json[]) ?? []));
				if (resolved.items) merged.items = resolved.items;
				if (resolved.type && resolved.type !== 'object') merged.type = resolved.type;
			}
			return merged;
		}
		// `anyOf: [{required: [a]}, {required: [b]}]` beside properties only says "one of them": keep the object.
		if (schema.properties || (schema.type && schema.type !== 'null' && !Array.isArray(schema.type))) {
			const { anyOf, oneOf, ...own } = schema;
			const keys = oneOfKeysOf(anyOf ?? oneOf);
			return keys ? { ...own, 'x-one-of-keys': keys } : own;
		}
		for (const key of ['anyOf', 'oneOf']) {
			const variants = schema[key];
			if (Array.isArray(variants)) {
				const useful = variants.map(resolve).filter((v) => v.type !== 'null');
				if (useful.length === 1) return { ...useful[0], description: schema.description ?? useful[0].description };
				if (useful.length > 1) return { description: schema.description ?? null };
			}
		}
		return schema;
	};
	return resolve;
}

/** `[{required: [a]}, {required: [b]}]` → `[a, b]`: the alternatives of which one must be present. */
function oneOfKeysOf(variants: Json | undefined): string[] | undefined {
	if (!Array.isArray(variants)) return undefined;
	const keys = variants.map((v) => (v as JsonObject)?.required).filter((r): r is Json[] => Array.isArray(r) && r.length === 1);
	return keys.length === variants.length ? keys.map((r) => String(r[0])) : undefined;
}

function typeOf(schema: JsonObject): string | undefined {
	const type = schema.type;
	if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
	return type as string | undefined;
}

function camelName(key: string): string {
	const words = key.replace(/\[\]$/, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
	const name = words
		.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)))
		.join('');
	return /^[0-9]/.test(name) ? `field${name}` : name || 'value';
}

/** First sentence, capped: descriptions are downloaded by every editor, so they stay short. */
function shortText(text: Json | undefined, max = 110): string | undefined {
	if (typeof text !== 'string') return undefined;
	const clean = text.replace(/\s+/g, ' ').trim();
	if (!clean) return undefined;
	// "e.g." and "i.e." end no sentence: cutting there left descriptions such as "Report metric, e.g.".
	// A range ("0 none .. 4 low") ends none either.
	const sentence = /^(.+?(?<!\b(?:e\.g|i\.e)|\.)[.!?](?!\.))(\s|$)/.exec(clean)?.[1] ?? clean;
	return sentence.length > max ? `${sentence.slice(0, max - 1).trimEnd()}…` : sentence;
}

function labelOfKey(key: string): string {
	return key
		.replace(/\]/g, '')
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((w) => w.charAt(0).toUpperCase() + w.slice(1))
		.join(' ');
}

/** "The ID of the inbox" under a field called inbox_id says nothing the label does not. */
function restatesName(text: string, key: string): boolean {
	const words = (value: string) => value.toLowerCase().replace(/\bid\b|\bthe\b|\bof\b|\ba\b|\ban\b|[^a-z ]/g, ' ').split(/\s+/).filter(Boolean);
	const described = words(text);
	const named = new Set(words(key.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2')));
	return described.length <= named.size + 1 && described.every((word) => named.has(word) || named.has(word.replace(/s$/, '')) || /^(unique|identifier|numeric|number)$/.test(word));
}

function fieldFromSchema(
	key: string,
	location: FieldSpec['in'],
	raw: Json | undefined,
	required: boolean,
	resolve: Resolver,
	depth: number,
	description?: Json,
): FieldSpec {
	const schema = resolve(raw);
	const field: FieldSpec = { name: camelName(key), key, in: location, type: 'string' };
	if (required) field.required = true;
	const text = shortText(description ?? schema.description);
	if (text && !restatesName(text, key)) field.description = text;
	const type = typeOf(schema);
	const enumValues = (schema.enum as Json[] | undefined)?.filter((v) => v !== null);
	if (enumValues?.length) field.options = enumValues.map(String);
	if (type === 'integer' || type === 'number') field.type = 'number';
	else if (type === 'boolean') field.type = 'boolean';
	else if (type === 'string' && schema.format === 'date-time') field.type = 'dateTime';
	else if (type === 'string' && (schema.format === 'uuid' || schema.format === 'email')) field.format = schema.format;
	else if (type === 'string' && schema.format === 'binary') {
		// A file part of a multipart body: the user names the n8n binary property that holds it.
		field.format = 'binary';
		field.label = `${labelOfKey(key)} (Input Binary Field)`;
		field.description = text ?? 'Name of the input binary field holding the file';
	}
	else if (type === 'array') {
		const items = resolve(schema.items);
		const itemType = typeOf(items);
		if (itemType === 'object' && items.properties && depth < MAX_DEPTH) {
			field.type = 'objectList';
			field.fields = objectFields(items, 'body', resolve, depth + 1);
			if (items['x-one-of-keys']) field.oneOfKeys = items['x-one-of-keys'] as string[];
		} else if (itemType === 'object' || itemType === 'array' || location === 'body' && !itemType) {
			field.type = 'json';
			field.isArray = true;
		} else {
			field.type = 'list';
			field.itemType = itemType === 'integer' || itemType === 'number' ? 'number' : 'string';
			const itemEnum = (items.enum as Json[] | undefined)?.filter((v) => v !== null);
			if (itemEnum?.length) field.options = itemEnum.map(String);
			if (items.format === 'uuid' || items.format === 'email') field.format = String(items.format);
		}
	} else if (type === 'object' || schema.properties) {
		if (schema.properties && Object.keys(schema.properties).length > 0 && depth < MAX_DEPTH) {
			field.type = 'object';
			field.fields = objectFields(schema, 'body', resolve, depth + 1);
			if (schema['x-one-of-keys']) field.oneOfKeys = schema['x-one-of-keys'] as string[];
		} else field.type = 'json';
	} else if (!type && location === 'body' && !field.options) field.type = 'json';
	return field;
}

function objectFields(schema: JsonObject, location: FieldSpec['in'], resolve: Resolver, depth: number): FieldSpec[] {
	const required = new Set(((schema.required as Json[]) ?? []).map(String));
	const fields = Object.entries((schema.properties as JsonObject) ?? {})
		.filter(([, value]) => !(resolve(value).readOnly === true))
		.map(([key, value]) => fieldFromSchema(key, location, value, required.has(key), resolve, depth));
	return uniqueNames(fields);
}

/** Names the node itself uses for top-level parameters; a contract field must not take them over. */
const RESERVED_NAMES = new Set(['resource', 'operation', 'api', 'returnAll', 'limit', 'filters', 'additionalFields', 'requestOptions', 'accountId']);

function uniqueNames(fields: FieldSpec[]): FieldSpec[] {
	for (const field of fields) {
		// The label still comes from the key: only the parameter name must differ from the node's own.
		if (RESERVED_NAMES.has(field.name)) field.name = `${field.name}Field`;
	}
	const seen = new Map<string, number>();
	for (const field of fields) {
		const count = seen.get(field.name) ?? 0;
		seen.set(field.name, count + 1);
		if (count > 0) field.name = `${field.name}${count + 1}`;
	}
	return fields;
}

export function buildTable(spec: JsonObject, config: TableConfig): OperationTable {
	const resolve = makeResolver(spec);
	const operations: OperationSpec[] = [];
	const resources = new Map<string, { name: string; api?: string }>();
	const ids = new Set<string>();
	for (const entry of listOperations(spec)) {
		if (config.skip?.(entry)) continue;
		const { op } = entry;
		const resource = config.resourceOf(entry);
		resources.set(resource.value, { name: resource.name, ...(resource.api ? { api: resource.api } : {}) });
		const id = String(op.operationId ?? `${entry.method.toLowerCase()}${entry.path}`);
		if (ids.has(id)) throw new Error(`Duplicate operationId ${id}`);
		ids.add(id);
		const hidden = new Set(config.hiddenFields?.(entry) ?? []);
		const fields: FieldSpec[] = [];
		const params = new Map<string, JsonObject>();
		for (const p of [...entry.pathParameters, ...((op.parameters as Json[]) ?? [])]) {
			const param = resolve(p);
			params.set(`${param.in}:${param.name}`, param);
		}
		for (const param of params.values()) {
			const location = param.in as FieldSpec['in'];
			if (!['path', 'query'].includes(location) || hidden.has(String(param.name))) continue;
			fields.push(
				fieldFromSchema(String(param.name), location, param.schema, location === 'path' || param.required === true, resolve, MAX_DEPTH, param.description),
			);
		}
		let body: OperationSpec['body'];
		let bodyOneOfKeys: string[] | undefined;
		const content = (resolve(op.requestBody).content ?? {}) as JsonObject;
		const json = (content['application/json'] as JsonObject | undefined)?.schema;
		const multipart = (content['multipart/form-data'] as JsonObject | undefined)?.schema;
		const bodySchema = json ?? multipart;
		if (bodySchema) {
			const schema = resolve(bodySchema);
			if (typeOf(schema) === 'object' || schema.properties) {
				body = multipart && !json ? 'multipart' : 'json';
				if (schema['x-one-of-keys']) bodyOneOfKeys = schema['x-one-of-keys'] as string[];
				const bodyRequired = resolve(op.requestBody).required === true;
				for (const field of objectFields(schema, 'body', resolve, 1)) {
					if (hidden.has(field.key)) continue;
					if (!bodyRequired) delete field.required;
					fields.push(field);
				}
			} else {
				body = 'root';
				// A bare array of ids stays a list; any other bare body is entered as JSON.
				const rootField = fieldFromSchema('body', 'body', bodySchema, true, resolve, 1, 'JSON body');
				if (rootField.type !== 'list') {
					rootField.type = 'json';
					delete rootField.fields;
				}
				fields.push(rootField);
			}
		}
		const spec: OperationSpec = {
			id,
			value: id,
			resource: resource.value,
			// The contract's summary proposes; the platform's naming table (scripts/generate/naming.mts) decides.
			name: String(op.summary ?? id),
			action: String(op.summary ?? id),
			method: entry.method,
			path: entry.path,
			fields: uniqueNames(fields),
		};
		if (body) spec.body = body;
		if (body && body !== 'root' && resolve(op.requestBody).required === true && !spec.fields.some((f) => f.in === 'body' && f.required)) {
			spec.bodyRequired = true;
		}
		if (bodyOneOfKeys) spec.bodyOneOfKeys = bodyOneOfKeys;
		const pagination = config.paginationOf(entry, resolve);
		if (pagination) spec.pagination = pagination;
		const api = config.apiOf?.(entry);
		if (api) spec.api = api;
		operations.push(spec);
	}
	return {
		resources: [...resources].map(([value, info]) => ({ value, ...info })).sort((a, b) => a.name.localeCompare(b.name)),
		operations,
	};
}

export function tableModule(table: OperationTable, contract: string): string {
	return [
		`// Generated from ${contract} by scripts/generate-operations.mts. Do not edit: change the contract or the overrides.`,
		"import type { OperationTable } from '../../shared/engine/operationTable';",
		'',
		`export const operationTable: OperationTable = ${JSON.stringify(table)};`,
		'',
	].join('\n');
}
