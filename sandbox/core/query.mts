// Parses a query string the way the contract describes it: form-style arrays (repeated keys when
// `explode`, comma lists otherwise), `deepObject` objects (`Metadata[key]=value`), dotted names taken
// literally (`CreatedAt.After`), and scalar strings coerced to the schema's type so ajv can check them.
import type { ResolvedParameter, SchemaObject } from './openapi.mts';

export interface QueryParseOptions {
	/** ASP.NET binds query names case-insensitively; Rails does not. */
	caseInsensitiveNames: boolean;
	/** Treat `Key=` as if the key were absent (ASP.NET model binding does). */
	ignoreEmptyValues: boolean;
}

export interface ParsedQuery {
	/** Values keyed by the contract's spelling of each parameter name. */
	values: Record<string, unknown>;
	/** Keys present in the query string that no contract parameter claims. */
	unknownKeys: string[];
	/** Scalar parameters given more than once (a client bug the server would silently mask). */
	repeatedScalars: string[];
}

/** First non-null JSON type of a schema (`["integer","null"]` -> `integer`). */
export function primaryType(schema: SchemaObject): string | undefined {
	const types = Array.isArray(schema.type)
		? schema.type
		: schema.type === undefined
			? []
			: [schema.type];
	return types.find((t) => t !== 'null');
}

/** Converts a query/form string to the schema's type; leaves it as-is when it does not parse so validation reports it. */
export function coerceScalar(raw: string, schema: SchemaObject): unknown {
	switch (primaryType(schema)) {
		case 'integer':
			return /^[+-]?\d+$/.test(raw) ? Number(raw) : raw;
		case 'number':
			return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
		case 'boolean':
			return /^true$/i.test(raw) ? true : /^false$/i.test(raw) ? false : raw;
		default:
			return raw;
	}
}

export function parseQuery(
	rawQuery: string,
	parameters: ResolvedParameter[],
	options: QueryParseOptions,
): ParsedQuery {
	const pairs = [...new URLSearchParams(rawQuery)].filter(
		([, value]) => !(options.ignoreEmptyValues && value === ''),
	);
	const claimed = new Set<number>();
	const values: Record<string, unknown> = {};
	const repeatedScalars: string[] = [];
	const sameName = (a: string, b: string) =>
		options.caseInsensitiveNames ? a.toLowerCase() === b.toLowerCase() : a === b;

	for (const parameter of parameters) {
		if (parameter.in !== 'query') continue;
		const schema = parameter.schema;
		const type = primaryType(schema);

		if (type === 'object' && parameter.style === 'deepObject') {
			const object: Record<string, unknown> = {};
			pairs.forEach(([key, value], index) => {
				const bracket = key.indexOf('[');
				if (bracket <= 0 || !key.endsWith(']') || !sameName(key.slice(0, bracket), parameter.name))
					return;
				const property = key.slice(bracket + 1, -1);
				const propertySchema =
					schema.properties?.[property] ??
					(typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {});
				object[property] = coerceScalar(value, propertySchema);
				claimed.add(index);
			});
			if (Object.keys(object).length > 0) values[parameter.name] = object;
			continue;
		}

		const matches: string[] = [];
		pairs.forEach(([key, value], index) => {
			if (!sameName(key, parameter.name)) return;
			matches.push(value);
			claimed.add(index);
		});
		if (matches.length === 0) continue;

		if (type === 'array') {
			const itemSchema = schema.items ?? {};
			const items = parameter.explode ? matches : matches.flatMap((m) => m.split(','));
			values[parameter.name] = items
				.filter((item) => !(options.ignoreEmptyValues && item === ''))
				.map((item) => coerceScalar(item, itemSchema));
		} else {
			if (matches.length > 1) repeatedScalars.push(parameter.name);
			values[parameter.name] = coerceScalar(matches[0], schema);
		}
	}

	const unknownKeys = [
		...new Set(pairs.filter((_, index) => !claimed.has(index)).map(([key]) => key)),
	];
	return { values, unknownKeys, repeatedScalars };
}
