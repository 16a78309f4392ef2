// The `payload` filter of `contacts/filter` and `conversations/filter`: conditions joined by the
// previous condition's `query_operator`, AND binding tighter than OR as in the SQL Chatwoot builds.

export interface FilterCondition {
	attribute_key: string;
	filter_operator: string;
	values?: unknown[];
	query_operator?: 'AND' | 'OR';
}

/** Reads an attribute of a record: a scalar, a list (labels) or undefined when absent. */
type AttributeReader<T> = (item: T, key: string) => unknown;

const DAY_MS = 86_400_000;

function text(value: unknown): string {
	return String(value ?? '').toLowerCase();
}

function present(value: unknown): boolean {
	if (Array.isArray(value)) return value.length > 0;
	return value !== undefined && value !== null && value !== '';
}

/** Numbers stay numbers; dates (ms, ISO text, unix seconds) become ms for comparisons. */
function comparable(value: unknown): number {
	if (typeof value === 'number') return value;
	const parsed = Date.parse(String(value));
	return Number.isNaN(parsed) ? Number(value) : parsed;
}

function matchesOne(value: unknown, condition: FilterCondition): boolean {
	const wanted = condition.values ?? [];
	const candidates = Array.isArray(value) ? value : [value];
	switch (condition.filter_operator) {
		case 'equal_to':
			return wanted.some((w) => candidates.some((c) => text(c) === text(w)));
		case 'not_equal_to':
			return !wanted.some((w) => candidates.some((c) => text(c) === text(w)));
		case 'contains':
			return wanted.some((w) => candidates.some((c) => text(c).includes(text(w))));
		case 'does_not_contain':
			return !wanted.some((w) => candidates.some((c) => text(c).includes(text(w))));
		case 'starts_with':
			return wanted.some((w) => candidates.some((c) => text(c).startsWith(text(w))));
		case 'is_present':
			return present(value);
		case 'is_not_present':
			return !present(value);
		case 'is_greater_than':
			return present(value) && comparable(value) > comparable(wanted[0]);
		case 'is_less_than':
			return present(value) && comparable(value) < comparable(wanted[0]);
		case 'days_before':
			return present(value) && comparable(value) < Date.now() - Number(wanted[0]) * DAY_MS;
		default:
			return false;
	}
}

/** Builds a predicate for a list of conditions. */
export function conditionFilter<T>(
	conditions: FilterCondition[],
	read: AttributeReader<T>,
): (item: T) => boolean {
	// Split into OR groups of AND-joined conditions.
	const groups: FilterCondition[][] = [[]];
	conditions.forEach((condition, i) => {
		groups[groups.length - 1].push(condition);
		if (i < conditions.length - 1 && condition.query_operator === 'OR') groups.push([]);
	});
	return (item) =>
		groups.some((group) =>
			group.every((condition) => matchesOne(read(item, condition.attribute_key), condition)),
		);
}
