import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { pathTo, type ApiRequest } from '../transport/apiClient';
import { fieldLabel, isTopLevel, optionalCollectionOf } from './fieldLabels';
import { booleanValue, checkEmail, fieldError, parseJsonField, pathSegmentValue, textValue } from './inputErrors';
import type { FieldSpec, OperationSpec } from './operationTable';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An n8n collection left at its default: `{}`, or a fixed collection without entries. A required object
 * none of whose fields is required is complete when empty (a wrapper such as `{portal: {}}`).
 */
function isEmptyCollection(field: FieldSpec, value: unknown): boolean {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	if (field.type === 'object') return Object.keys(value).length === 0 && !(field.required && !field.fields?.some((f) => f.required));
	if (field.type === 'objectList') return (((value as IDataObject).values as unknown[] | undefined) ?? []).length === 0;
	return false;
}

const isBlank = (value: unknown) =>
	value === undefined ||
	value === null ||
	(typeof value === 'string' && value.trim() === '') ||
	(Array.isArray(value) && value.length === 0);

interface Reader {
	ctx: IExecuteFunctions;
	itemIndex: number;
}

/** Converts one n8n parameter value to its wire value, refusing what the contract cannot accept. */
function wireValue(reader: Reader, field: FieldSpec, value: unknown, label: string): unknown {
	const { ctx, itemIndex } = reader;
	switch (field.type) {
		case 'number': {
			const number = typeof value === 'number' ? value : Number(String(value).trim());
			if (!Number.isFinite(number)) {
				throw fieldError(ctx, itemIndex, `"${label}" must be a number`, `Got "${String(value)}". Enter a number.`);
			}
			return number;
		}
		case 'boolean':
			return booleanValue(ctx, itemIndex, label, value);
		case 'dateTime': {
			const date = new Date(String(value));
			if (Number.isNaN(date.getTime())) {
				throw fieldError(ctx, itemIndex, `"${label}" is not a valid date`, `Got "${String(value)}". Use ISO 8601, e.g. 2026-01-31T12:00:00Z.`);
			}
			return date.toISOString();
		}
		case 'json':
			return parseJsonField(ctx, itemIndex, label, value);
		case 'list': {
			const entries = Array.isArray(value)
				? value
				: String(value)
						.split(',')
						.map((entry) => entry.trim())
						.filter(Boolean);
			if (field.itemType !== 'number') {
				return entries.map((entry, n) => wireValue(reader, { ...field, type: 'string' }, entry, `${label} ${n + 1}`));
			}
			return entries.map((entry) => wireValue(reader, { ...field, type: 'number' }, entry, label));
		}
		case 'object': {
			if (typeof value === 'string') return parseJsonField(ctx, itemIndex, label, value);
			const object = objectValue(reader, field.fields ?? [], (value ?? {}) as IDataObject, label);
			checkOneOf(reader, field.oneOfKeys, object, field.fields ?? [], ` in "${label}"`);
			return object;
		}
		case 'objectList': {
			if (typeof value === 'string') return parseJsonField(ctx, itemIndex, label, value);
			const entries = Array.isArray(value) ? value : ((value as IDataObject)?.values as IDataObject[] | undefined) ?? [];
			return entries.map((entry, n) => {
				const object = objectValue(reader, field.fields ?? [], entry as IDataObject, `${label} ${n + 1}`);
				checkOneOf(reader, field.oneOfKeys, object, field.fields ?? [], ` in "${label} ${n + 1}"`);
				return object;
			});
		}
		default:
			if (typeof value === 'object' && field.type === 'string' && !field.options) return textValue(ctx, itemIndex, label, value);
			if (typeof value === 'object') return value;
			if (field.options) return optionValue(reader, field.options, String(value), label);
			if (field.format === 'email' || /^e-?mail$/i.test(field.key)) return checkEmail(ctx, itemIndex, label, String(value));
			if (field.format === 'uuid' && !UUID.test(String(value))) {
				throw fieldError(ctx, itemIndex, `"${label}" is not a valid ID`, `Got "${String(value)}". This ID is a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6: pick the record from a list or copy its ID.`);
			}
			return String(value);
	}
}

/**
 * A value of a field with a fixed set of values (an expression, e.g. an AI agent's `$fromAI`, can give any
 * text): the value itself, or the one that differs only in case; anything else is refused with the values
 * to choose from, so a person or a model can correct it.
 */
function optionValue({ ctx, itemIndex }: Reader, options: string[], value: string, label: string): string {
	if (options.includes(value)) return value;
	const sameButCase = options.filter((option) => option.toLowerCase() === value.toLowerCase());
	if (sameButCase.length === 1) return sameButCase[0];
	// The values are in the message itself: an AI agent's model gets only the message of a tool's error.
	throw fieldError(ctx, itemIndex, `"${label}" cannot be "${value}": use one of ${options.join(', ')}`, `Use one of: ${options.join(', ')}.`);
}

function objectValue(reader: Reader, fields: FieldSpec[], value: IDataObject, parentLabel: string): IDataObject {
	const out: IDataObject = {};
	for (const field of fields) {
		const label = `${parentLabel} › ${fieldLabel(field)}`;
		const raw = value[field.name];
		if (isBlank(raw)) {
			if (field.required) {
				throw fieldError(reader.ctx, reader.itemIndex, `"${label}" is required`, `Add "${fieldLabel(field)}" under "${parentLabel}".`);
			}
			continue;
		}
		out[field.key] = wireValue(reader, field, raw, label) as IDataObject[keyof IDataObject];
	}
	return out;
}

/** The contract's "one of these" rule, e.g. a message needs To or Session ID. */
function checkOneOf(reader: Reader, keys: string[] | undefined, value: IDataObject, fields: FieldSpec[], where: string): void {
	if (!keys?.length || keys.some((key) => value[key] !== undefined)) return;
	const labels = keys.map((key) => `"${fields.find((f) => f.key === key) ? fieldLabel(fields.find((f) => f.key === key) as FieldSpec) : key}"`);
	throw fieldError(reader.ctx, reader.itemIndex, `Fill ${labels.join(' or ')}${where}`, `One of ${labels.join(', ')} is needed${where}.`);
}

/** One item's request, and the checked values it was built from (wire values by field name). */
export interface BuiltRequest {
	request: ApiRequest;
	values: IDataObject;
}

/** Reads an operation's parameters for one item into path, query and body. */
export function buildRequest(ctx: IExecuteFunctions, itemIndex: number, op: OperationSpec, preset: IDataObject = {}): BuiltRequest {
	const reader: Reader = { ctx, itemIndex };
	const values: IDataObject = {};
	const optional = ctx.getNodeParameter(optionalCollectionOf(op).name, itemIndex, {}) as IDataObject;
	const pathValues: Record<string, string> = {};
	const qs: IDataObject = {};
	let body: IDataObject | unknown = op.body === 'root' ? undefined : op.fields.some((f) => f.in === 'body') ? {} : undefined;
	for (const field of op.fields) {
		const label = fieldLabel(field);
		// extractValue: a picker (resource locator) gives its ID, whether chosen from the list, typed or taken from a URL.
		let raw = field.name in preset ? preset[field.name] : isTopLevel(field) ? ctx.getNodeParameter(field.name, itemIndex, '', { extractValue: true }) : optional[field.name];
		if (typeof raw === 'string' && field.type !== 'json') raw = raw.trim();
		if (isBlank(raw) || isEmptyCollection(field, raw)) {
			if (field.required) {
				throw fieldError(ctx, itemIndex, `"${label}" is required`, `Fill in "${label}" for this item.`);
			}
			continue;
		}
		const value = wireValue(reader, field, raw, label);
		if (value === undefined) continue;
		values[field.name] = value as IDataObject[keyof IDataObject];
		if (field.in === 'path') pathValues[field.key] = pathSegmentValue(ctx, itemIndex, label, value);
		else if (field.in === 'query') qs[field.key] = value as IDataObject[keyof IDataObject];
		else if (op.body === 'root') body = value;
		else (body as IDataObject)[field.key] = value as IDataObject[keyof IDataObject];
	}
	if (op.bodyOneOfKeys && body && typeof body === 'object') checkOneOf(reader, op.bodyOneOfKeys, body as IDataObject, op.fields, '');
	const request: ApiRequest = { method: op.method, path: pathTo(op.path, pathValues), itemIndex };
	if (Object.keys(qs).length) request.qs = qs;
	if (op.bodyRequired && Object.keys(body as IDataObject).length === 0) {
		// The contract wants a body even when every field is optional; n8n would drop an empty object.
		request.body = '{}';
		request.headers = { 'Content-Type': 'application/json' };
	} else if (body !== undefined) request.body = body;
	return { request, values };
}
