import type { IDataObject } from 'n8n-workflow';

const MASK = '***';

/** Replaces every occurrence of a secret (and of its URL-encoded form) in a string. */
export function redactText(text: string, secrets: string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret.length < 4) continue;
		for (const form of new Set([secret, encodeURIComponent(secret)])) {
			out = out.split(form).join(MASK);
		}
	}
	return out;
}

/** Deep copy of a JSON value with secrets masked in every string. */
export function redactValue<T>(value: T, secrets: string[]): T {
	if (typeof value === 'string') return redactText(value, secrets) as T;
	if (Array.isArray(value)) return value.map((entry) => redactValue(entry, secrets)) as T;
	if (value !== null && typeof value === 'object') {
		const out: IDataObject = {};
		for (const [key, entry] of Object.entries(value as IDataObject)) out[key] = redactValue(entry, secrets);
		return out as T;
	}
	return value;
}
