import type { FieldSpec, OperationSpec } from './operationTable';

const ACRONYMS = new Set(['id', 'url', 'utm', 'otp', 'sla', 'csat', 'api', 'sso', 'mfa', 'hmac', 'csv']);

/** "CreatedAt.After" → "Created At After", "contactId" → "Contact ID". */
export function labelOf(key: string): string {
	return key
		.replace(/\[\]$/, '')
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((word) => {
			const lower = word.toLowerCase();
			if (lower === 'ids') return 'IDs';
			return ACRONYMS.has(lower) ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1);
		})
		.join(' ');
}

export function fieldLabel(field: FieldSpec): string {
	return field.label ?? labelOf(field.key);
}

/** The collection holding an operation's optional fields. */
export function optionalCollectionOf(op: OperationSpec): { name: string; displayName: string } {
	return op.method === 'GET' ? { name: 'filters', displayName: 'Filters' } : { name: 'additionalFields', displayName: 'Additional Fields' };
}

/** Required path and top-level fields get their own parameter; the rest sit in one collection. */
export function isTopLevel(field: FieldSpec): boolean {
	return field.in === 'path' || field.required === true;
}
