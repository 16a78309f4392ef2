// n8n stores and serves execution data in the "flatted" format (circular-safe JSON): a JSON array whose
// first entry is the root; inside entries, every string value is the index of another entry holding the
// real string, object or array, while numbers, booleans and null stay inline.

type Entry = unknown;

export function parseFlatted(text: string): unknown {
	const table = JSON.parse(text) as Entry[];
	if (!Array.isArray(table) || table.length === 0)
		throw new Error('not flatted data: expected a non-empty array');
	const revived = new Map<number, unknown>();

	const revive = (index: number): unknown => {
		if (!Number.isInteger(index) || index < 0 || index >= table.length) {
			throw new Error(`flatted data refers to missing entry ${index}`);
		}
		const entry = table[index];
		if (typeof entry !== 'object' || entry === null) return entry;
		const known = revived.get(index);
		if (known !== undefined) return known;
		if (Array.isArray(entry)) {
			const array: unknown[] = [];
			revived.set(index, array);
			for (const value of entry) array.push(reviveValue(value));
			return array;
		}
		const object: Record<string, unknown> = {};
		revived.set(index, object);
		for (const [key, value] of Object.entries(entry)) object[key] = reviveValue(value);
		return object;
	};

	const reviveValue = (value: unknown): unknown =>
		typeof value === 'string' ? revive(Number(value)) : value;

	return revive(0);
}
