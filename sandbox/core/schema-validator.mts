// JSON Schema validation against a contract with ajv (draft 2020-12, the OpenAPI 3.1 dialect).
// The whole document is registered under one id so every `#/components/...` ref resolves.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import type { OpenApiDocument, SchemaObject } from './openapi.mts';

const addFormats = formatsModule.default;
const DOCUMENT_ID = 'urn:sandbox:contract';

export type IssueLocation = 'path' | 'query' | 'header' | 'body' | 'response';

/** One reason a request (or response) breaks the contract. */
export interface ValidationIssue {
	location: IssueLocation;
	/** Dotted field name, e.g. `messages[3].to`, `PageSize`, or `body` for the whole body. */
	field: string;
	message: string;
}

function rewriteLocalRefs(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(rewriteLocalRefs);
	if (node === null || typeof node !== 'object') return node;
	const copy: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(node)) {
		copy[key] =
			key === '$ref' && typeof value === 'string' && value.startsWith('#')
				? DOCUMENT_ID + value
				: rewriteLocalRefs(value);
	}
	return copy;
}

function pointerToField(pointer: string): string {
	let field = '';
	for (const token of pointer.split('/').slice(1)) {
		const name = token.replace(/~1/g, '/').replace(/~0/g, '~');
		field += /^\d+$/.test(name) ? `[${name}]` : field === '' ? name : `.${name}`;
	}
	return field;
}

function describe(error: ErrorObject): { pointer: string; message: string } {
	const params = error.params as Record<string, unknown>;
	switch (error.keyword) {
		case 'required':
			return {
				pointer: `${error.instancePath}/${String(params.missingProperty)}`,
				message: 'is required',
			};
		case 'enum':
			return {
				pointer: error.instancePath,
				message: `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
			};
		case 'additionalProperties':
			return {
				pointer: `${error.instancePath}/${String(params.additionalProperty)}`,
				message: 'is not allowed',
			};
		default:
			return { pointer: error.instancePath, message: error.message ?? `fails ${error.keyword}` };
	}
}

export class ContractSchemas {
	private readonly ajv: Ajv2020;
	private readonly compiled = new WeakMap<SchemaObject, ValidateFunction>();

	constructor(document: OpenApiDocument) {
		// strict:false because contracts carry annotation keywords (x-*, example, deprecated) ajv does not know.
		this.ajv = new Ajv2020({
			strict: false,
			allErrors: true,
			validateFormats: true,
			logger: false,
		});
		addFormats(this.ajv);
		this.ajv.addSchema({ ...document, $id: DOCUMENT_ID } as object);
	}

	private validatorFor(schema: SchemaObject): ValidateFunction {
		let validate = this.compiled.get(schema);
		if (validate === undefined) {
			validate = this.ajv.compile(rewriteLocalRefs(schema) as object);
			this.compiled.set(schema, validate);
		}
		return validate;
	}

	/**
	 * Validates `value` against `schema`; `fieldPrefix` is prepended to field names
	 * (e.g. `body`), so messages read `body.messages[3].to is required`.
	 */
	validate(
		schema: SchemaObject,
		value: unknown,
		location: IssueLocation,
		fieldPrefix = '',
	): ValidationIssue[] {
		const validate = this.validatorFor(schema);
		if (validate(value)) return [];
		const issues: ValidationIssue[] = [];
		const seen = new Set<string>();
		for (const error of validate.errors ?? []) {
			// In `anyOf: [X, {type: null}]` the null branch always "fails"; that error is noise.
			if (error.keyword === 'type' && (error.params as { type?: unknown }).type === 'null')
				continue;
			const { pointer, message } = describe(error);
			const inner = pointerToField(pointer);
			const field =
				fieldPrefix === ''
					? inner || location
					: inner === ''
						? fieldPrefix
						: inner.startsWith('[')
							? fieldPrefix + inner
							: `${fieldPrefix}.${inner}`;
			const key = `${field} ${message}`;
			if (seen.has(key)) continue;
			seen.add(key);
			issues.push({ location, field, message: `${field} ${message}` });
		}
		return issues;
	}
}
