/**
 * Node parameters that fill every required field of a generated operation with a plausible value, so a
 * workflow can call each operation once. A lookup supplies real ids (seeded records) where it knows them.
 */
import type { FieldSpec, OperationSpec } from '../../nodes/shared/engine/operationTable.ts';
import { isTopLevel } from '../../nodes/shared/engine/fieldLabels.ts';

export type ValueLookup = (op: OperationSpec, field: FieldSpec) => unknown;

const SAMPLE_UUID = '00000000-0000-4000-8000-000000000000';

function sample(op: OperationSpec, field: FieldSpec, lookup: ValueLookup): unknown {
	const known = lookup(op, field);
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
			return field.key === 'body' ? '[]' : '{}';
		case 'list':
			return field.itemType === 'number' ? '1' : 'walk';
		case 'object':
			return requiredChildren(op, field.fields ?? [], lookup);
		case 'objectList':
			return { values: [requiredChildren(op, field.fields ?? [], lookup)] };
		default:
			if (field.format === 'uuid') return SAMPLE_UUID;
			if (field.format === 'email' || /email/i.test(field.key)) return 'walk@example.com';
			if (/phone/i.test(field.key)) return '+55|11999990001';
			if (/url$/i.test(field.key)) return 'https://example.com/walk';
			return 'walk';
	}
}

function requiredChildren(op: OperationSpec, fields: FieldSpec[], lookup: ValueLookup): Record<string, unknown> {
	return Object.fromEntries(fields.filter((f) => f.required).map((f) => [f.name, sample(op, f, lookup)]));
}

export function walkParameters(op: OperationSpec, lookup: ValueLookup, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const parameters: Record<string, unknown> = { resource: op.resource, operation: op.id };
	if (op.api) parameters.api = op.api;
	for (const field of op.fields) {
		if (isTopLevel(field)) parameters[field.name] = sample(op, field, lookup);
	}
	if (op.pagination) Object.assign(parameters, { returnAll: false, limit: 3 });
	return { ...parameters, ...extra };
}
