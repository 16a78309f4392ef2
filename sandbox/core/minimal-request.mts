// Builds the smallest request the contract accepts for an operation: required path and query
// parameters and a body with only required properties. A hook can supply real values (existing ids,
// approved template ids...) so the request also makes sense to a stateful server.
import {
	derefSchema,
	type ContractOperation,
	type OpenApiDocument,
	type SchemaObject,
} from './openapi.mts';
import { primaryType } from './query.mts';

export interface MinimalRequest {
	method: string;
	/** Path with parameters filled in and percent-encoded. */
	path: string;
	/** Query pairs (arrays as repeated keys). */
	query: Array<[string, string]>;
	/** Body value (JSON value, or a fields object for form media types); undefined when none is needed. */
	body: unknown;
	/** Media type to send the body as, or null. */
	contentType: string | null;
}

export interface FieldRequest {
	location: 'path' | 'query' | 'body';
	/** Parameter name, or property name for body fields (at any depth). */
	name: string;
	schema: SchemaObject;
	operation: ContractOperation;
}

export interface MinimalRequestOptions {
	/** Returns a value for a field, or undefined to let the generator pick one. */
	valueFor?: (field: FieldRequest) => unknown;
	/** Also build a body when the operation marks it optional (default false). */
	includeOptionalBody?: boolean;
}

const SAMPLE_STRINGS: Record<string, string> = {
	uuid: '00000000-0000-4000-8000-000000000000',
	'date-time': '2025-01-01T00:00:00Z',
	date: '2025-01-01',
	time: '00:00:00Z',
	email: 'sandbox@example.com',
	uri: 'https://example.com/sandbox',
	'uri-reference': 'https://example.com/sandbox',
	url: 'https://example.com/sandbox',
};

/** Flattens `allOf` and applies the first branch of an `anyOf`/`oneOf` (skipping a bare `null` branch). */
function effectiveSchema(document: OpenApiDocument, input: SchemaObject): SchemaObject {
	const schema = derefSchema(document, input);
	let merged: SchemaObject = { ...schema };
	if (schema.allOf) {
		delete merged.allOf;
		for (const part of schema.allOf.map((p) => effectiveSchema(document, p))) {
			merged = {
				...merged,
				...part,
				properties: { ...merged.properties, ...part.properties },
				required: [...(merged.required ?? []), ...(part.required ?? [])],
			};
		}
	}
	const alternatives = merged.anyOf ?? merged.oneOf;
	if (alternatives) {
		delete merged.anyOf;
		delete merged.oneOf;
		const chosen =
			alternatives
				.map((a) => derefSchema(document, a))
				.find((a) => primaryType(a) !== undefined || a.properties || a.required || a.allOf) ?? {};
		const branch = effectiveSchema(document, chosen);
		merged = {
			...branch,
			...merged,
			properties: { ...branch.properties, ...merged.properties },
			required: [...(merged.required ?? []), ...(branch.required ?? [])],
		};
	}
	return merged;
}

/** The smallest instance of `schema` (required properties only, minimum array lengths). */
export function minimalInstance(
	document: OpenApiDocument,
	input: SchemaObject,
	field: (name: string, schema: SchemaObject) => unknown = () => undefined,
): unknown {
	const schema = effectiveSchema(document, input);
	if (schema.const !== undefined) return schema.const;
	if (schema.enum) return schema.enum.find((v) => v !== null);
	const type = primaryType(schema) ?? (schema.properties ? 'object' : undefined);
	switch (type) {
		case 'object': {
			const object: Record<string, unknown> = {};
			for (const name of new Set(schema.required ?? [])) {
				const propertySchema = schema.properties?.[name] ?? {};
				const supplied = field(name, propertySchema);
				object[name] =
					supplied !== undefined ? supplied : minimalInstance(document, propertySchema, field);
			}
			return object;
		}
		case 'array':
			return Array.from({ length: schema.minItems ?? 0 }, () =>
				minimalInstance(document, schema.items ?? {}, field),
			);
		case 'integer':
		case 'number':
			return schema.default ?? schema.minimum ?? 0;
		case 'boolean':
			return schema.default ?? false;
		case 'null':
			return null;
		case 'string': {
			const sample = (schema.format && SAMPLE_STRINGS[schema.format]) ?? 'sandbox';
			const minLength = schema.minLength ?? 0;
			return sample.length >= minLength ? sample : sample.padEnd(minLength, 'x');
		}
		default:
			return {};
	}
}

export function minimalRequest(
	document: OpenApiDocument,
	operation: ContractOperation,
	options: MinimalRequestOptions = {},
): MinimalRequest {
	const ask = (location: FieldRequest['location'], name: string, schema: SchemaObject) =>
		options.valueFor?.({ location, name, schema, operation });

	let path = operation.path;
	const query: Array<[string, string]> = [];
	for (const parameter of operation.parameters) {
		if (!parameter.required) continue;
		const supplied = ask(
			parameter.in === 'path' ? 'path' : 'query',
			parameter.name,
			parameter.schema,
		);
		const value = supplied !== undefined ? supplied : minimalInstance(document, parameter.schema);
		if (parameter.in === 'path')
			path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
		else if (parameter.in === 'query') {
			for (const item of Array.isArray(value) ? value : [value])
				query.push([parameter.name, String(item)]);
		}
	}

	const spec = operation.requestBody;
	if (spec === null || (!spec.required && !options.includeOptionalBody)) {
		return { method: operation.method, path, query, body: undefined, contentType: null };
	}
	const mediaTypes = Object.keys(spec.content);
	const contentType =
		mediaTypes.find((t) => t.includes('json')) ?? mediaTypes[0] ?? 'application/json';
	const body = minimalInstance(document, spec.content[contentType] ?? {}, (name, schema) =>
		ask('body', name, schema),
	);
	return { method: operation.method, path, query, body, contentType };
}
