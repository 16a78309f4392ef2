/**
 * Node parameters that fill every required field of a generated operation with a plausible value, so a
 * workflow can call each operation once. A lookup supplies real ids (seeded records) where it knows them.
 */
import type { FieldSpec, OperationSpec } from '../../nodes/shared/engine/operationTable.ts';
import { isTopLevel } from '../../nodes/shared/engine/fieldLabels.ts';

/** `nested`: the field sits inside an object, where pickers are plain values, not locators. */
export type ValueLookup = (op: OperationSpec, field: FieldSpec, nested: boolean) => unknown;

const SAMPLE_UUID = '00000000-0000-4000-8000-000000000000';

function sample(op: OperationSpec, field: FieldSpec, lookup: ValueLookup, nested = false): unknown {
	const known = lookup(op, field, nested);
	if (known !== undefined) return known;
	if (field.options?.length) return field.type === 'list' ? [field.options[0]] : field.options[0];
	switch (field.type) {
		case 'number':
			return 1;
		case 'boolean':
			return false;
		case 'dateTime':
			return '2026-01-01T00:00:00Z';
		case 'json':
			return field.isArray || field.key === 'body' ? '[]' : '{}';
		case 'list':
			if (field.format === 'uuid') return SAMPLE_UUID;
			if (field.format === 'email') return 'walk@example.com';
			return field.itemType === 'number' ? '1' : 'walk';
		case 'object':
			return requiredChildren(op, field.fields ?? [], lookup, field.oneOfKeys);
		case 'objectList':
			return { values: [requiredChildren(op, field.fields ?? [], lookup, field.oneOfKeys)] };
		default:
			if (field.format === 'uuid') return SAMPLE_UUID;
			if (field.format === 'email' || /email/i.test(field.key)) return 'walk@example.com';
			if (/phone/i.test(field.key)) return '+55|11999990001';
			if (field.format === 'binary') return 'data';
			if (/(url|link)\]?$/i.test(field.key)) return 'https://example.com/walk';
			// An update must not take the name the walk's create just gave another record.
			return op.method === 'PUT' || op.method === 'PATCH' ? 'walk-updated' : 'walk';
	}
}

/** Required children, the first of any "one of these" alternatives, and those the lookup knows a value for. */
function requiredChildren(op: OperationSpec, fields: FieldSpec[], lookup: ValueLookup, oneOfKeys?: string[]): Record<string, unknown> {
	const chosen = fields.filter((f) => f.required || f.key === oneOfKeys?.[0] || lookup(op, f, true) !== undefined);
	return Object.fromEntries(chosen.map((f) => [f.name, sample(op, f, lookup, true)]));
}

export function walkParameters(op: OperationSpec, lookup: ValueLookup, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const parameters: Record<string, unknown> = { resource: op.resource, operation: op.value };
	if (op.api) parameters.api = op.api;
	const optional: Record<string, unknown> = {};
	for (const field of op.fields) {
		if (isTopLevel(field)) parameters[field.name] = sample(op, field, lookup);
		// Optional fields the lookup knows a real value for (a session, a contact) make the call meaningful.
		else if (lookup(op, field, true) !== undefined) optional[field.name] = lookup(op, field, true);
	}
	if (Object.keys(optional).length) parameters[op.method === 'GET' ? 'filters' : 'additionalFields'] = optional;
	if (op.pagination) Object.assign(parameters, { returnAll: false, limit: 3 });
	// A body the contract requires, none of whose fields is required alone: send its first field.
	const first = op.bodyRequired ? op.fields.find((f) => f.in === 'body' && (!op.bodyOneOfKeys || f.key === op.bodyOneOfKeys[0])) : undefined;
	if (first && !(first.name in optional)) parameters[op.method === 'GET' ? 'filters' : 'additionalFields'] = { ...optional, [first.name]: sample(op, first, lookup) };
	return { ...parameters, ...extra };
}

/** How the expected-refusal lists name an operation: its method and contract path, which outlive a renamed value. */
export const operationKey = (op: OperationSpec): string => `${op.method} ${op.path}`;

/** An operation the sandbox refuses on the walk: what its answer says, and why that answer is right. */
export interface ExpectedRefusal {
	answer: RegExp;
	why: string;
}

/**
 * What differs between the errors the walk met (operation key → error message) and the refusals expected,
 * one line each: an error not expected, an expected refusal that did not happen, an answer that says
 * something else. Empty when they agree.
 */
export function refusalMismatches(errors: Map<string, string>, expected: Record<string, ExpectedRefusal>): string[] {
	const lines: string[] = [];
	for (const [key, message] of errors) {
		const refusal = expected[key];
		if (!refusal) lines.push(`unexpected: ${key}: ${message}`);
		else if (!refusal.answer.test(message)) lines.push(`other answer: ${key}: ${message} (expected ${String(refusal.answer)} because ${refusal.why})`);
	}
	for (const [key, refusal] of Object.entries(expected)) if (!errors.has(key)) lines.push(`not refused: ${key} (expected because ${refusal.why})`);
	return lines;
}
