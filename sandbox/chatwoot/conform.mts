// Fits an answer to the operation's response schema. Handlers render Chatwoot's real shapes; the
// contract is sometimes narrower (a `string` where Chatwoot sends null, an enum without `snoozed`,
// `created_at` as ISO text in one schema and unix seconds in another). Values the schema accepts are
// kept as they are, convertible ones are converted (timestamps, numeric strings), the rest are left
// out, and missing required fields are filled with the smallest valid value. Every adaptation is
// counted, so a sandbox answer that had to bend to the contract stays visible.
import { minimalInstance } from '../core/minimal-request.mts';
import { derefSchema, type OpenApiDocument, type SchemaObject } from '../core/openapi.mts';

const DROP: unique symbol = Symbol('drop');
type Fitted = unknown | typeof DROP;

const TIME_KEY = /(_at|_on|_until|_since|timestamp)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function typesOf(schema: SchemaObject): string[] {
	if (Array.isArray(schema.type)) return schema.type;
	if (typeof schema.type === 'string') return [schema.type];
	return [];
}

function jsonTypeOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
	return typeof value;
}

function typeAllowed(actual: string, allowed: string[]): boolean {
	return (
		allowed.length === 0 ||
		allowed.includes(actual) ||
		(actual === 'integer' && allowed.includes('number'))
	);
}

function isIsoDateTime(text: string): boolean {
	return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text);
}

function formatAccepts(format: string | undefined, text: string): boolean {
	switch (format) {
		case 'date-time':
			return isIsoDateTime(text);
		case 'date':
			return /^\d{4}-\d{2}-\d{2}$/.test(text);
		case 'email':
			return /^[^@\s]+@[^@\s]+$/.test(text);
		case 'uri':
		case 'url':
			return /^[a-z][a-z0-9+.-]*:/i.test(text);
		case 'uuid':
			return UUID.test(text);
		default:
			return true;
	}
}

export class ResponseShaper {
	/** `<label> <field>: <what happened>` -> times; label is usually the operation id. */
	readonly adaptations = new Map<string, number>();

	constructor(private readonly document: OpenApiDocument) {}

	/** `value` fitted to `schema`; falls back to the smallest valid instance when nothing fits. */
	conform(schema: SchemaObject, value: unknown, label = ''): unknown {
		const fitted = this.fit(schema, value, label, '');
		if (fitted !== DROP) return fitted;
		this.note(label, '', 'replaced by a minimal instance');
		return minimalInstance(this.document, schema);
	}

	/**
	 * A filled-in instance of `schema`: every declared property, readable sample values. Used for the
	 * records the sandbox seeds into collections it has no dedicated model for.
	 */
	sample(schema: SchemaObject, depth = 3, key = ''): unknown {
		const resolved = derefSchema(this.document, schema);
		if (resolved.allOf) {
			return Object.assign(
				{},
				...resolved.allOf
					.map((part) => this.sample(part, depth, key))
					.filter((v) => v !== null && typeof v === 'object'),
			);
		}
		const branches = resolved.oneOf ?? resolved.anyOf;
		if (branches)
			return this.sample(
				branches.find((b) => !typesOf(derefSchema(this.document, b)).includes('null')) ??
					branches[0],
				depth,
				key,
			);
		if (resolved.const !== undefined) return resolved.const;
		if (resolved.enum) return resolved.enum.find((v) => v !== null) ?? null;
		const type =
			typesOf(resolved).find((t) => t !== 'null') ?? (resolved.properties ? 'object' : 'string');
		switch (type) {
			case 'object': {
				const object: Record<string, unknown> = {};
				if (depth <= 0) return object;
				for (const [name, property] of Object.entries(resolved.properties ?? {}))
					object[name] = this.sample(property, depth - 1, name);
				return object;
			}
			case 'array':
				return depth <= 0 || !resolved.items ? [] : [this.sample(resolved.items, depth - 1, key)];
			case 'integer':
			case 'number':
				return TIME_KEY.test(key)
					? Math.floor(Date.now() / 1000)
					: Math.max(resolved.minimum ?? 1, 1);
			case 'boolean':
				return false;
			default:
				return this.sampleText(resolved, key);
		}
	}

	private sampleText(schema: SchemaObject, key: string): string {
		switch (schema.format) {
			case 'date-time':
				return new Date().toISOString();
			case 'date':
				return new Date().toISOString().slice(0, 10);
			case 'email':
				return 'sample@example.com';
			case 'uri':
			case 'url':
				return 'https://example.com/sample';
			case 'uuid':
				return '00000000-0000-4000-8000-000000000001';
		}
		if (TIME_KEY.test(key)) return new Date().toISOString();
		if (/url$/.test(key)) return 'https://example.com/sample';
		return key ? `Sample ${key.replace(/_/g, ' ')}` : 'sample';
	}

	private note(label: string, field: string, what: string): void {
		const key = `${label} ${field || '(body)'}: ${what}`;
		this.adaptations.set(key, (this.adaptations.get(key) ?? 0) + 1);
	}

	private fit(input: SchemaObject, value: unknown, label: string, field: string): Fitted {
		if (value === undefined) return DROP;
		const schema = derefSchema(this.document, input);
		if (schema.allOf) {
			let current: unknown = value;
			for (const part of schema.allOf) {
				const fitted = this.fit(part, current, label, field);
				if (fitted === DROP) return DROP;
				current = fitted;
			}
			const rest: SchemaObject = { ...schema };
			delete rest.allOf;
			return Object.keys(rest).some((k) => k === 'type' || k === 'properties' || k === 'enum')
				? this.fit(rest, current, label, field)
				: current;
		}
		const branches = schema.oneOf ?? schema.anyOf;
		if (branches) {
			const actual = jsonTypeOf(value);
			const ordered = [...branches].sort(
				(a, b) =>
					Number(!typeAllowed(actual, typesOf(derefSchema(this.document, a)))) -
					Number(!typeAllowed(actual, typesOf(derefSchema(this.document, b)))),
			);
			for (const branch of ordered) {
				const fitted = this.fit(branch, value, label, field);
				if (fitted !== DROP) return fitted;
			}
			return DROP;
		}
		if (schema.const !== undefined) return value === schema.const ? value : DROP;

		const allowed = typesOf(schema);
		let current: unknown = value;
		if (current === null) return allowed.length === 0 || allowed.includes('null') ? null : DROP;
		if (!typeAllowed(jsonTypeOf(current), allowed)) {
			const converted = this.convert(current, allowed, schema, field);
			if (converted === DROP) return DROP;
			this.note(label, field, `${jsonTypeOf(current)} converted to ${allowed.join('|')}`);
			current = converted;
		}
		if (schema.enum && !schema.enum.includes(current)) return DROP;

		switch (jsonTypeOf(current)) {
			case 'object':
				return this.fitObject(schema, current as Record<string, unknown>, label, field);
			case 'array': {
				const items = (current as unknown[]).map((item, i) =>
					schema.items ? this.fit(schema.items, item, label, `${field}[${i}]`) : item,
				);
				const kept = items.filter((item) => item !== DROP);
				if (kept.length < items.length) this.note(label, `${field}[]`, 'items left out');
				if (schema.minItems !== undefined && kept.length < schema.minItems) return DROP;
				if (schema.maxItems !== undefined && kept.length > schema.maxItems)
					return kept.slice(0, schema.maxItems);
				return kept;
			}
			case 'string': {
				const text = current as string;
				if (!formatAccepts(schema.format, text)) return DROP;
				if (schema.minLength !== undefined && text.length < schema.minLength) return DROP;
				if (schema.maxLength !== undefined && text.length > schema.maxLength) return DROP;
				if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(text))
					return DROP;
				return text;
			}
			case 'integer':
			case 'number': {
				const number = current as number;
				if (schema.minimum !== undefined && number < schema.minimum) return DROP;
				if (schema.maximum !== undefined && number > schema.maximum) return DROP;
				return number;
			}
			default:
				return current;
		}
	}

	private fitObject(
		schema: SchemaObject,
		value: Record<string, unknown>,
		label: string,
		field: string,
	): Fitted {
		const properties = schema.properties ?? {};
		const object: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) {
			if (item === undefined) continue;
			const path = field ? `${field}.${key}` : key;
			const declared = properties[key];
			const extra = schema.additionalProperties;
			const target = declared ?? (typeof extra === 'object' ? extra : undefined);
			if (target === undefined) {
				if (extra === false) this.note(label, path, 'not declared, left out');
				else object[key] = item;
				continue;
			}
			const fitted = this.fit(target, item, label, path);
			if (fitted === DROP)
				this.note(
					label,
					path,
					`value ${JSON.stringify(item)?.slice(0, 40)} does not fit, left out`,
				);
			else object[key] = fitted;
		}
		for (const name of schema.required ?? []) {
			if (name in object) continue;
			this.note(label, field ? `${field}.${name}` : name, 'required, filled with a minimal value');
			object[name] = minimalInstance(this.document, properties[name] ?? {});
		}
		return object;
	}

	/** Converts between the JSON types Chatwoot itself mixes up; DROP when no conversion makes sense. */
	private convert(value: unknown, allowed: string[], schema: SchemaObject, field: string): Fitted {
		const key = field.split('.').pop() ?? '';
		const timeLike = TIME_KEY.test(key) || schema.format === 'date-time';
		if (typeof value === 'number') {
			if (allowed.includes('string'))
				return timeLike ? new Date(value * 1000).toISOString() : String(value);
			if (allowed.includes('integer')) return Math.round(value);
			return DROP;
		}
		if (typeof value === 'string') {
			const wantsNumber = allowed.includes('integer') || allowed.includes('number');
			if (wantsNumber && /^-?\d+(\.\d+)?$/.test(value))
				return allowed.includes('integer') ? Math.round(Number(value)) : Number(value);
			if (wantsNumber && timeLike && !Number.isNaN(Date.parse(value)))
				return Math.floor(Date.parse(value) / 1000);
			if (allowed.includes('boolean') && (value === 'true' || value === 'false'))
				return value === 'true';
			return DROP;
		}
		if (typeof value === 'boolean' && allowed.includes('string')) return String(value);
		return DROP;
	}
}
