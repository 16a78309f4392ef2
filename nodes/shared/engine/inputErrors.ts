import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** A refusal before any request is sent, naming the field and the item. */
export function fieldError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description: string,
): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

/** Parses a JSON field given as an object or as a JSON string; says which field is wrong otherwise. */
export function parseJsonField(ctx: IExecuteFunctions, itemIndex: number, label: string, value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return undefined;
	try {
		return JSON.parse(value) as unknown;
	} catch (error) {
		throw fieldError(
			ctx,
			itemIndex,
			`Invalid JSON in "${label}"`,
			`"${label}" must be valid JSON (${(error as Error).message}). Use an object or array, e.g. {"key": "value"}.`,
		);
	}
}

/**
 * What is certainly not an address: anything but one @ with text before it and a domain after it, whitespace,
 * or an empty part of the domain (`a@b..com`). The platforms decide the rest, as they accept more than any
 * pattern would: `+` aliases, any TLD, internationalised domains (`user@пример.рф`, `a@b.xn--p1ai`).
 */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/;

export function checkEmail(ctx: IExecuteFunctions, itemIndex: number, label: string, value: string): string {
	const email = value.trim();
	if (!EMAIL.test(email)) {
		throw fieldError(
			ctx,
			itemIndex,
			`Invalid email "${email}" in "${label}"`,
			'An address has one @ with a name before it and a domain after it, and no spaces, e.g. maria+vendas@empresa.com.br.',
		);
	}
	return email;
}

/** A value typed or mapped into a text field: objects and lists are refused instead of sent as "[object Object]". */
export function textValue(ctx: IExecuteFunctions, itemIndex: number, label: string, value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'object') {
		throw fieldError(ctx, itemIndex, `"${label}" must be text, not ${Array.isArray(value) ? 'a list' : 'an object'}`, `Map a single value into "${label}", e.g. {{ $json.message }} rather than {{ $json }}.`);
	}
	return String(value);
}

/** A yes/no field, whether set in the form or given by an expression. */
export function booleanValue(ctx: IExecuteFunctions, itemIndex: number, label: string, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	throw fieldError(ctx, itemIndex, `"${label}" must be true or false`, `Got "${String(value)}".`);
}

/** An ID put into a URL path: `.` and `..` would change the path itself, so they are refused. */
/**
 * A value pasted already URL-encoded (`%2B55%7C11990000000`, as some API docs show it) is decoded once: the
 * request builder encodes every path value itself, and encoding it twice would ask for another record.
 */
function decodedOnce(text: string): string {
	if (!/%[0-9A-Fa-f]{2}/.test(text)) return text;
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

export function pathSegmentValue(ctx: IExecuteFunctions, itemIndex: number, label: string, value: unknown): string {
	const text = decodedOnce(textValue(ctx, itemIndex, label, value).trim());
	if (text === '.' || text === '..') {
		throw fieldError(ctx, itemIndex, `"${label}" is not a valid ID`, `Got "${text}". Use the ID of the record, e.g. as shown in its URL.`);
	}
	return text;
}
