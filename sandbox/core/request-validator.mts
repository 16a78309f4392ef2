// Checks one request against its contract operation: path parameters, query parameters and body.
// Header and cookie parameters are not checked (neither contract declares any; auth is a platform hook).
import { isJsonMediaType, mediaType, type MultipartPart, type ParsedBody } from './body.mts';
import {
	derefSchema,
	type ContractOperation,
	type OpenApiDocument,
	type SchemaObject,
} from './openapi.mts';
import { coerceScalar, parseQuery, type QueryParseOptions } from './query.mts';
import type { ContractSchemas, ValidationIssue } from './schema-validator.mts';

export interface ValidatedRequest {
	pathParams: Record<string, unknown>;
	/** Query values as sent (coerced), keyed by the contract's names. */
	query: Record<string, unknown>;
	/** `query` plus contract defaults for absent parameters: what handlers should read. */
	queryWithDefaults: Record<string, unknown>;
	/** JSON value, multipart fields object, raw bytes, or undefined when there is no body. */
	body: unknown;
	issues: ValidationIssue[];
	unknownQueryKeys: string[];
	/** The body's media type is not one the operation accepts (HTTP 415). */
	unsupportedMediaType: boolean;
}

export class RequestValidator {
	constructor(
		private readonly document: OpenApiDocument,
		private readonly schemas: ContractSchemas,
		private readonly queryOptions: QueryParseOptions,
	) {}

	validate(
		operation: ContractOperation,
		pathParams: Record<string, string>,
		rawQuery: string,
		body: ParsedBody,
	): ValidatedRequest {
		const issues: ValidationIssue[] = [];

		const typedPath: Record<string, unknown> = {};
		for (const parameter of operation.parameters) {
			if (parameter.in !== 'path') continue;
			const raw = pathParams[parameter.name];
			typedPath[parameter.name] = coerceScalar(raw, parameter.schema);
			issues.push(
				...this.schemas.validate(
					parameter.schema,
					typedPath[parameter.name],
					'path',
					parameter.name,
				),
			);
		}

		const parsed = parseQuery(rawQuery, operation.parameters, this.queryOptions);
		const queryWithDefaults: Record<string, unknown> = { ...parsed.values };
		for (const parameter of operation.parameters) {
			if (parameter.in !== 'query') continue;
			const value = parsed.values[parameter.name];
			if (value === undefined) {
				if (parameter.required)
					issues.push({
						location: 'query',
						field: parameter.name,
						message: `${parameter.name} is required`,
					});
				else if (parameter.schema.default !== undefined)
					queryWithDefaults[parameter.name] = parameter.schema.default;
				continue;
			}
			issues.push(...this.schemas.validate(parameter.schema, value, 'query', parameter.name));
		}
		for (const name of parsed.repeatedScalars) {
			issues.push({
				location: 'query',
				field: name,
				message: `${name} is a single value but was sent more than once`,
			});
		}

		const bodyCheck = this.validateBody(operation, body);
		issues.push(...bodyCheck.issues);

		return {
			pathParams: typedPath,
			query: parsed.values,
			queryWithDefaults,
			body: bodyCheck.value,
			issues,
			unknownQueryKeys: parsed.unknownKeys,
			unsupportedMediaType: bodyCheck.unsupportedMediaType,
		};
	}

	private validateBody(
		operation: ContractOperation,
		body: ParsedBody,
	): { value: unknown; issues: ValidationIssue[]; unsupportedMediaType: boolean } {
		const spec = operation.requestBody;
		if (body.kind === 'none') {
			const issues: ValidationIssue[] = spec?.required
				? [{ location: 'body', field: 'body', message: 'request body is required' }]
				: [];
			return { value: undefined, issues, unsupportedMediaType: false };
		}
		// A body on an operation that declares none is ignored, as ASP.NET and Rails do.
		if (spec === null) return { value: undefined, issues: [], unsupportedMediaType: false };

		const sentType =
			body.kind === 'json'
				? 'application/json'
				: body.kind === 'multipart'
					? 'multipart/form-data'
					: body.contentType;
		const declared = Object.keys(spec.content);
		const accepted = declared.find((type) => {
			const t = mediaType(type);
			return t === sentType || t === '*/*' || (isJsonMediaType(t) && isJsonMediaType(sentType));
		});
		if (accepted === undefined) {
			return {
				value: undefined,
				issues: [
					{
						location: 'body',
						field: 'body',
						message: `content type ${sentType ?? '(none)'} is not accepted; use ${declared.join(' or ')}`,
					},
				],
				unsupportedMediaType: true,
			};
		}
		const schema = spec.content[accepted];
		const value =
			body.kind === 'json'
				? body.value
				: body.kind === 'multipart'
					? this.multipartFields(body.parts, schema)
					: body.bytes;
		const issues = body.kind === 'raw' ? [] : this.schemas.validate(schema, value, 'body');
		return { value, issues, unsupportedMediaType: false };
	}

	/**
	 * Turns form parts into an object for schema validation: text parts are coerced to the declared
	 * property type, file parts become their file name, and `name[]` or repeated names become arrays.
	 */
	private multipartFields(parts: MultipartPart[], schema: SchemaObject): Record<string, unknown> {
		const properties = derefSchema(this.document, schema).properties ?? {};
		const fields: Record<string, unknown> = {};
		for (const part of parts) {
			const isArrayName = part.name.endsWith('[]');
			const name = isArrayName ? part.name.slice(0, -2) : part.name;
			const propertySchema = properties[name] ? derefSchema(this.document, properties[name]) : {};
			const itemSchema = propertySchema.items
				? derefSchema(this.document, propertySchema.items)
				: propertySchema;
			const value =
				part.filename !== null
					? part.filename
					: coerceScalar(part.data.toString('utf8'), itemSchema);
			const existing = fields[name];
			if (existing !== undefined)
				fields[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
			else fields[name] = isArrayName ? [value] : value;
		}
		return fields;
	}
}
