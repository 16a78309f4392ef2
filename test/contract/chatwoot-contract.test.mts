// Chatwoot contract = official OpenAPI document (specs/chatwoot/swagger.json) + supplement
// (specs/chatwoot/supplement.json). This file merges the two the way SUPPLEMENT.md describes and checks
// the result: identities, tags, security, path parameters, $refs, pagination metadata, evidence coverage,
// and that every schema compiles with ajv (draft 2020-12, the OpenAPI 3.1 dialect).
//
// Run: node --import tsx --test test/contract/chatwoot-contract.test.mts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';

const addFormats = formatsModule.default;

type JsonObject = Record<string, unknown>;
type SecurityRequirement = Record<string, string[]>;

interface Parameter extends JsonObject {
	name?: string;
	in?: string;
	required?: boolean;
	schema?: unknown;
	$ref?: string;
}

interface Operation extends JsonObject {
	tags?: string[];
	operationId?: string;
	security?: SecurityRequirement[];
	parameters?: Parameter[];
	requestBody?: { content?: Record<string, { schema?: unknown }> } & JsonObject;
	responses?: Record<string, { content?: Record<string, { schema?: unknown }> } & JsonObject>;
}

type PathItem = JsonObject & { parameters?: Parameter[] };

interface OpenApiDocument extends JsonObject {
	openapi: string;
	paths: Record<string, PathItem>;
	components?: Record<string, Record<string, unknown>>;
}

interface SupplementDocument extends OpenApiDocument {
	'x-patches'?: Record<string, JsonObject>;
	'x-removals'?: Record<string, string>;
}

type Origin = 'official' | 'supplement';
type Kind = 'official' | 'patched' | 'override' | 'new';

interface MergedOperation {
	method: string;
	path: string;
	op: Operation;
	origin: Origin;
	kind: Kind;
}

interface EvidenceEntry {
	method: string;
	path: string;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const here = path.dirname(fileURLToPath(import.meta.url));
const specDir = path.resolve(here, '../../specs/chatwoot');

function readJson<T>(name: string): T {
	return JSON.parse(readFileSync(path.join(specDir, name), 'utf8')) as T;
}

const official = readJson<OpenApiDocument>('swagger.json');
const supplement = readJson<SupplementDocument>('supplement.json');
const evidence = readJson<EvidenceEntry[]>('endpoints-beyond-spec.json');
const supplementNotes = readFileSync(path.join(specDir, 'SUPPLEMENT.md'), 'utf8');

const isObject = (value: unknown): value is JsonObject =>
	value !== null && typeof value === 'object' && !Array.isArray(value);
const normalisePath = (p: string): string => p.replace(/\{[^}]*\}/g, '{}');
const opKey = (method: string, p: string): string => `${method.toUpperCase()} ${p}`;

function operationsOf(doc: OpenApiDocument): Array<[string, string, Operation]> {
	const out: Array<[string, string, Operation]> = [];
	for (const [p, item] of Object.entries(doc.paths)) {
		for (const [method, op] of Object.entries(item)) {
			if (HTTP_METHODS.includes(method)) out.push([method, p, op as Operation]);
		}
	}
	return out;
}

function splitKey(key: string): [string, string] {
	const space = key.indexOf(' ');
	return [key.slice(0, space).toLowerCase(), key.slice(space + 1)];
}

// ---------------------------------------------------------------- JSON pointers and $refs
function resolvePointer(doc: unknown, ref: string): unknown {
	if (!ref.startsWith('#')) return undefined;
	let node: unknown = doc;
	for (const raw of ref.slice(1).split('/').slice(1)) {
		const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
		if (!isObject(node) && !Array.isArray(node)) return undefined;
		node = (node as Record<string, unknown>)[token];
		if (node === undefined) return undefined;
	}
	return node;
}

function collectRefs(node: unknown, at: string, out: Array<{ at: string; ref: string }>): void {
	if (Array.isArray(node)) {
		node.forEach((child, i) => collectRefs(child, `${at}/${i}`, out));
		return;
	}
	if (!isObject(node)) return;
	for (const [key, value] of Object.entries(node)) {
		if (key === '$ref' && typeof value === 'string') out.push({ at, ref: value });
		else collectRefs(value, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
	}
}

function deref<T>(doc: unknown, node: T, depth = 0): T {
	if (isObject(node) && typeof node.$ref === 'string' && depth < 20) {
		return deref(doc, resolvePointer(doc, node.$ref) as T, depth + 1);
	}
	return node;
}

// ---------------------------------------------------------------- the merge (rules: SUPPLEMENT.md)
function mergeContract(base: OpenApiDocument, extra: SupplementDocument) {
	const document = structuredClone(base);
	const operations = new Map<string, MergedOperation>();
	for (const [method, p, op] of operationsOf(document)) {
		operations.set(opKey(method, p), { method, path: p, op, origin: 'official', kind: 'official' });
	}

	// 1. removals
	for (const [key, reason] of Object.entries(extra['x-removals'] ?? {})) {
		const [method, p] = splitKey(key);
		assert.ok(operations.has(key), `x-removals: ${key} is not an official operation`);
		assert.ok(typeof reason === 'string' && reason.length > 0, `x-removals: ${key} needs a reason`);
		delete document.paths[p][method];
		if (!Object.keys(document.paths[p]).some((k) => HTTP_METHODS.includes(k))) delete document.paths[p];
		operations.delete(key);
	}

	// 2. patches: extension fields merged into official operations
	for (const [key, fields] of Object.entries(extra['x-patches'] ?? {})) {
		const merged = operations.get(key);
		assert.ok(merged && merged.origin === 'official', `x-patches: ${key} is not an official operation`);
		for (const field of Object.keys(fields)) {
			assert.ok(field.startsWith('x-'), `x-patches: ${key} may only add x- fields, not "${field}"`);
		}
		Object.assign(merged.op, structuredClone(fields));
		merged.kind = 'patched';
	}

	// 3. supplement operations: replace (x-override) or add; path-level parameters are pushed down into
	//    each supplement operation so they cannot leak onto official operations of the same path.
	for (const [p, item] of Object.entries(extra.paths)) {
		const pathParams = item.parameters ?? [];
		for (const [method, original] of Object.entries(item)) {
			if (!HTTP_METHODS.includes(method)) continue;
			const op = structuredClone(original) as Operation;
			const own = op.parameters ?? [];
			const sameParam = (a: Parameter, b: Parameter) => {
				const ra = deref(extra, a);
				const rb = deref(extra, b);
				return ra.name === rb.name && ra.in === rb.in;
			};
			const inherited = pathParams.filter((pp) => !own.some((o) => sameParam(o, pp)));
			if (inherited.length > 0) op.parameters = [...structuredClone(inherited), ...own];
			const key = opKey(method, p);
			const existing = operations.get(key);
			const override = typeof op['x-override'] === 'string' && (op['x-override'] as string).length > 0;
			if (existing) {
				assert.equal(existing.origin, 'official', `${key} defined twice in the supplement`);
				assert.ok(override, `${key} replaces an official operation and must say why in x-override`);
			} else {
				assert.ok(!('x-override' in op), `${key} has x-override but there is no official operation to replace`);
			}
			document.paths[p] ??= {};
			document.paths[p][method] = op;
			operations.set(key, { method, path: p, op, origin: 'supplement', kind: existing ? 'override' : 'new' });
		}
	}

	// 4. components: union; a name defined by both documents must have identical content
	const components: Record<string, Record<string, unknown>> = structuredClone(base.components ?? {});
	for (const [section, entries] of Object.entries(extra.components ?? {})) {
		components[section] ??= {};
		for (const [name, value] of Object.entries(entries)) {
			if (name in components[section]) {
				assert.deepEqual(value, components[section][name], `components.${section}.${name} differs between the documents`);
			} else {
				components[section][name] = structuredClone(value);
			}
		}
	}
	document.components = components;
	return { document, operations: [...operations.values()] };
}

const { document: merged, operations } = mergeContract(official, supplement);
const docOf = (origin: Origin): OpenApiDocument => (origin === 'official' ? official : supplement);

const counts = {
	official: operationsOf(official).length,
	supplementNew: operations.filter((o) => o.kind === 'new').length,
	overrides: operations.filter((o) => o.kind === 'override').length,
	patched: operations.filter((o) => o.kind === 'patched').length,
	removed: Object.keys(supplement['x-removals'] ?? {}).length,
	total: operations.length,
};
console.log(
	`[chatwoot contract] official ${counts.official}, supplement new ${counts.supplementNew}, overrides ${counts.overrides}, ` +
		`patched ${counts.patched}, removed ${counts.removed}, total ${counts.total}`,
);

// ---------------------------------------------------------------- helpers on schemas
function schemaTypes(schema: JsonObject): string[] {
	const t = schema.type;
	return Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
}

function isArraySchema(doc: unknown, raw: unknown): boolean {
	const schema = deref(doc, raw);
	return isObject(schema) && schemaTypes(schema).includes('array') && !schemaTypes(schema).includes('object');
}

/** Properties of an object schema, including those of allOf branches. */
function propertiesOf(doc: unknown, raw: unknown): Record<string, unknown> {
	const schema = deref(doc, raw);
	if (!isObject(schema)) return {};
	const props: Record<string, unknown> = { ...((schema.properties as Record<string, unknown>) ?? {}) };
	for (const branch of (schema.allOf as unknown[]) ?? []) Object.assign(props, propertiesOf(doc, branch));
	return props;
}

function isScalarSchema(doc: unknown, raw: unknown): boolean {
	const schema = deref(doc, raw);
	if (!isObject(schema)) return true;
	const types = schemaTypes(schema);
	return types.length > 0 && types.every((t) => ['string', 'integer', 'number', 'boolean', 'null'].includes(t));
}

/**
 * A response is list-shaped when its body is an array, or an envelope around one:
 * {payload: [...]}, {data: [...]}, {data: {payload: [...]}}, {payload: {<key>: [...], ...only arrays}},
 * or an object whose single array property sits next to paging counters only ({audit_logs: [...], per_page, ...}).
 */
function isListShaped(doc: unknown, raw: unknown): boolean {
	const schema = deref(doc, raw);
	if (!isObject(schema)) return false;
	for (const key of ['oneOf', 'anyOf']) {
		const branches = schema[key] as unknown[] | undefined;
		if (branches) return branches.length > 0 && branches.every((b) => isListShaped(doc, b));
	}
	if (isArraySchema(doc, schema)) return true;
	const props = propertiesOf(doc, schema);
	for (const envelope of ['payload', 'data']) {
		if (!(envelope in props)) continue;
		const inner = props[envelope];
		if (isArraySchema(doc, inner)) return true;
		const innerProps = propertiesOf(doc, inner);
		if (envelope === 'data' && 'payload' in innerProps && isArraySchema(doc, innerProps.payload)) return true;
		const values = Object.values(innerProps);
		if (envelope === 'payload' && values.length > 0 && values.every((v) => isArraySchema(doc, v))) return true;
	}
	const entries = Object.entries(props);
	const arrays = entries.filter(([, v]) => isArraySchema(doc, v));
	const counters = entries.filter(([k, v]) => !isArraySchema(doc, v) && /page|count|total/.test(k) && isScalarSchema(doc, v));
	return arrays.length === 1 && arrays.length + counters.length === entries.length;
}

function successJsonSchema(op: Operation): unknown {
	for (const [code, response] of Object.entries(op.responses ?? {})) {
		if (!/^2\d\d$/.test(code)) continue;
		const schema = response.content?.['application/json']?.schema;
		if (schema !== undefined) return schema;
	}
	return undefined;
}

function schemaAtPath(doc: unknown, root: unknown, dotted: string): unknown {
	if (dotted === '$') return deref(doc, root);
	let node: unknown = root;
	for (const part of dotted.split('.')) {
		const props = propertiesOf(doc, node);
		if (!(part in props)) return undefined;
		node = props[part];
	}
	return deref(doc, node);
}

function parametersOf(m: MergedOperation): Parameter[] {
	const doc = docOf(m.origin);
	const pathLevel = m.origin === 'official' ? (official.paths[m.path]?.parameters ?? []) : [];
	return [...pathLevel, ...(m.op.parameters ?? [])].map((p) => deref(doc, p));
}

// ---------------------------------------------------------------- tests
test('both documents are OpenAPI 3.1 and the supplement keeps its merge metadata consistent', () => {
	assert.match(official.openapi, /^3\.1\./);
	assert.match(supplement.openapi, /^3\.1\./);
	assert.ok(isObject(supplement.info) && typeof supplement.info.title === 'string');
	for (const [method, p, op] of operationsOf(supplement)) {
		const key = opKey(method, p);
		if (op['x-override'] !== undefined) {
			assert.ok(
				operationsOf(official).some(([m, pp]) => m === method && pp === p),
				`${key}: x-override without an official operation`,
			);
		}
	}
	const patchedAndOverridden = Object.keys(supplement['x-patches'] ?? {}).filter((k) => {
		const [m, p] = splitKey(k);
		return supplement.paths[p]?.[m] !== undefined;
	});
	assert.deepEqual(patchedAndOverridden, [], 'an operation is either patched or overridden, not both');
});

test('on paths shared with the official document, path-level path parameters cover the official ones', () => {
	// so a merge that replaces the path-level list instead of pushing it down loses no declaration
	const pathParamsOf = (doc: OpenApiDocument, p: string) =>
		(doc.paths[p].parameters ?? [])
			.map((x) => deref(doc, x))
			.filter((x) => x.in === 'path')
			.map((x) => x.name)
			.sort();
	for (const p of Object.keys(supplement.paths)) {
		if (!(p in official.paths)) continue;
		const ours = pathParamsOf(supplement, p);
		for (const name of pathParamsOf(official, p)) assert.ok(ours.includes(name), `path-level parameter ${name} of ${p}`);
	}
});

test('the merged contract has at least 400 operations', (t) => {
	t.diagnostic(
		`official ${counts.official} | supplement new ${counts.supplementNew} | overrides ${counts.overrides} | ` +
			`patched ${counts.patched} | removed ${counts.removed} | total ${counts.total}`,
	);
	assert.equal(counts.total, counts.official - counts.removed + counts.supplementNew);
	assert.ok(counts.total >= 400, `only ${counts.total} operations`);
});

test('operationIds are unique', () => {
	const seen = new Map<string, string>();
	for (const m of operations) {
		const id = m.op.operationId;
		assert.ok(typeof id === 'string' && id.length > 0, `${opKey(m.method, m.path)} has no operationId`);
		assert.ok(!seen.has(id), `operationId ${id} used by ${seen.get(id)} and ${opKey(m.method, m.path)}`);
		seen.set(id, opKey(m.method, m.path));
	}
	// new operations must not reuse an official id either (even one that was removed)
	const officialIds = new Set(operationsOf(official).map(([, , op]) => op.operationId));
	for (const m of operations.filter((o) => o.kind === 'new')) {
		assert.ok(!officialIds.has(m.op.operationId), `${m.op.operationId} is an official operationId`);
	}
});

test('every operation has exactly one tag', () => {
	for (const m of operations) {
		assert.ok(
			Array.isArray(m.op.tags) && m.op.tags.length === 1 && typeof m.op.tags[0] === 'string',
			`${opKey(m.method, m.path)} has tags ${JSON.stringify(m.op.tags)}`,
		);
	}
});

test('security matches the API family of the path', () => {
	for (const m of operations) {
		const key = opKey(m.method, m.path);
		const security = m.op.security;
		assert.ok(Array.isArray(security), `${key} declares no security`);
		if (m.path.startsWith('/platform/api/v1/')) {
			assert.deepEqual(security, [{ platformAppApiKey: [] }], key);
		} else if (
			m.path.startsWith('/public/api/v1/') ||
			m.path.startsWith('/survey/') ||
			m.path === '/api' ||
			m.path === '/health'
		) {
			assert.deepEqual(security, [], `${key} is unauthenticated`);
		} else if (/^\/api\/v[12]\/(accounts\/|profile(\/|$))/.test(m.path)) {
			assert.ok(security.length > 0, `${key}: no security`);
			assert.ok(security.some((s) => 'userApiKey' in s), `${key}: user token must be accepted`);
			for (const requirement of security) {
				const names = Object.keys(requirement);
				assert.equal(names.length, 1, `${key}: one scheme per requirement`);
				assert.ok(['userApiKey', 'agentBotApiKey'].includes(names[0]), `${key}: unexpected scheme ${names[0]}`);
			}
		} else {
			assert.fail(`${key}: path belongs to no known API family`);
		}
		for (const requirement of security) {
			for (const scheme of Object.keys(requirement)) {
				assert.ok(merged.components?.securitySchemes?.[scheme], `${key}: unknown security scheme ${scheme}`);
			}
		}
	}
});

test('supplement operations are documented and their request bodies are real object schemas', () => {
	// A bare {type: object} gives a form generator nothing to render: objects must list their properties,
	// or say explicitly (additionalProperties) that they are free-form maps such as custom_attributes.
	const blobs: string[] = [];
	const walk = (node: unknown, where: string): void => {
		const schema = deref(supplement, node);
		if (!isObject(schema)) return;
		if (schemaTypes(schema).includes('object') && schema.properties === undefined && schema.additionalProperties === undefined) {
			blobs.push(where);
		}
		for (const [name, child] of Object.entries((schema.properties as Record<string, unknown>) ?? {})) walk(child, `${where}.${name}`);
		if (schema.items !== undefined) walk(schema.items, `${where}[]`);
		if (isObject(schema.additionalProperties)) walk(schema.additionalProperties, `${where}{}`);
		for (const key of ['oneOf', 'anyOf', 'allOf']) for (const branch of (schema[key] as unknown[]) ?? []) walk(branch, where);
	};
	for (const m of operations.filter((o) => o.origin === 'supplement')) {
		const key = opKey(m.method, m.path);
		assert.ok(typeof m.op.summary === 'string' && m.op.summary.length > 0, `${key}: summary`);
		assert.ok(typeof m.op.description === 'string' && m.op.description.length > 0, `${key}: description`);
		for (const [type, media] of Object.entries(m.op.requestBody?.content ?? {})) {
			const schema = deref(supplement, media.schema);
			assert.ok(isObject(schema) && isObject(schema.properties) && Object.keys(schema.properties).length > 0, `${key}: ${type} body has no properties`);
			walk(schema, `${key} ${type} body`);
		}
	}
	assert.deepEqual(blobs, [], 'object schemas without properties in request bodies');
});

test('every {param} of a path is declared as a required path parameter, and only those', () => {
	const templates = new Map<string, string>();
	for (const p of Object.keys(merged.paths)) {
		const n = normalisePath(p);
		assert.ok(!templates.has(n) || templates.get(n) === p, `${p} and ${templates.get(n)} are the same template`);
		templates.set(n, p);
	}
	for (const m of operations) {
		const key = opKey(m.method, m.path);
		const names = [...m.path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
		const declared = parametersOf(m).filter((p) => p.in === 'path');
		for (const name of names) {
			const param = declared.find((p) => p.name === name);
			assert.ok(param, `${key}: {${name}} is not declared`);
			assert.equal(param.required, true, `${key}: path parameter ${name} must be required`);
			assert.ok(param.schema !== undefined, `${key}: path parameter ${name} has no schema`);
		}
		for (const p of declared) assert.ok(names.includes(p.name ?? ''), `${key}: declares path parameter ${p.name} not in the path`);
	}
});

test('every $ref resolves inside its own document', () => {
	for (const [label, doc] of [
		['swagger.json', official],
		['supplement.json', supplement],
		['merged contract', merged],
	] as const) {
		const refs: Array<{ at: string; ref: string }> = [];
		collectRefs(doc, '#', refs);
		for (const { at, ref } of refs) {
			assert.ok(ref.startsWith('#/'), `${label} ${at}: external $ref ${ref}`);
			assert.ok(resolvePointer(doc, ref) !== undefined, `${label} ${at}: $ref ${ref} does not resolve`);
		}
	}
});

const PAGINATION_STYLES = ['none', 'page', 'cursor-before'];

function checkPagination(m: MergedOperation): void {
	const key = opKey(m.method, m.path);
	const doc = docOf(m.origin);
	const pagination = m.op['x-pagination'];
	assert.ok(isObject(pagination), `${key}: x-pagination must be an object`);
	const style = pagination.style as string;
	assert.ok(PAGINATION_STYLES.includes(style), `${key}: unknown x-pagination style ${String(style)}`);
	assert.equal(typeof pagination.itemsPath, 'string', `${key}: itemsPath missing`);
	const known = ['style', 'itemsPath', 'keyed', 'totalPath', 'hasMorePath', 'param', 'pageSize', 'perPageParam', 'maxPageSize',
		'cursorField', 'cursorFrom', 'itemOrder', 'afterParam'];
	for (const field of Object.keys(pagination)) assert.ok(known.includes(field), `${key}: unknown x-pagination field ${field}`);

	const body = successJsonSchema(m.op);
	assert.ok(body !== undefined, `${key}: x-pagination on an operation without a JSON success body`);
	const items = schemaAtPath(doc, body, pagination.itemsPath as string);
	if (pagination.keyed === true) {
		const values = Object.values(propertiesOf(doc, items));
		assert.ok(values.length > 0 && values.every((v) => isArraySchema(doc, v)), `${key}: keyed itemsPath must hold arrays only`);
	} else {
		assert.ok(isArraySchema(doc, items), `${key}: itemsPath ${String(pagination.itemsPath)} is not an array in the response`);
	}
	if (pagination.totalPath !== undefined) {
		const total = schemaAtPath(doc, body, pagination.totalPath as string);
		assert.ok(total !== undefined && isScalarSchema(doc, total), `${key}: totalPath ${String(pagination.totalPath)} not found`);
	}

	if (pagination.hasMorePath !== undefined) {
		const flag = schemaAtPath(doc, body, pagination.hasMorePath as string);
		assert.ok(flag !== undefined && schemaTypes(deref(doc, flag) as JsonObject).includes('boolean'), `${key}: hasMorePath ${String(pagination.hasMorePath)} is not a boolean of the response`);
		assert.equal(style, 'page', `${key}: hasMorePath belongs to page style`);
	}

	const queryNames = parametersOf(m).filter((p) => p.in === 'query').map((p) => p.name);
	const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
	if (style === 'none') {
		assert.equal(pagination.param, undefined, `${key}: style none takes no param`);
	} else {
		assert.ok(queryNames.includes(pagination.param as string), `${key}: paging param ${String(pagination.param)} is not a query parameter`);
		if (pagination.pageSize !== undefined) assert.ok(positive(pagination.pageSize), `${key}: pageSize must be a positive integer`);
		if (pagination.perPageParam !== undefined) {
			assert.ok(queryNames.includes(pagination.perPageParam as string), `${key}: perPageParam is not a query parameter`);
			assert.ok(positive(pagination.maxPageSize), `${key}: perPageParam needs maxPageSize`);
		}
	}
	if (style === 'page') assert.equal(pagination.param, 'page', `${key}: page style uses the page parameter`);
	if (style === 'cursor-before') {
		assert.equal(pagination.param, 'before', key);
		assert.ok(positive(pagination.pageSize), `${key}: cursor pages have a fixed size`);
		assert.equal(pagination.cursorField, 'id', key);
		assert.equal(pagination.cursorFrom, 'oldest', key);
		if (pagination.afterParam !== undefined) assert.ok(queryNames.includes(pagination.afterParam as string), `${key}: afterParam not declared`);
	}
}

test('every list-shaped GET has x-pagination, and every x-pagination is well-formed', () => {
	let lists = 0;
	for (const m of operations) {
		const body = successJsonSchema(m.op);
		if (m.method === 'get' && body !== undefined && isListShaped(docOf(m.origin), body)) {
			lists += 1;
			assert.ok(m.op['x-pagination'] !== undefined, `${opKey(m.method, m.path)} returns a list but has no x-pagination`);
		}
		if (m.op['x-pagination'] !== undefined) checkPagination(m);
	}
	assert.ok(lists > 50, `only ${lists} list operations found: the detection is broken`);
});

test('every endpoint of endpoints-beyond-spec.json is in the contract or listed as left out in SUPPLEMENT.md', () => {
	const section = supplementNotes.split(/^## /m).find((s) => s.startsWith('Left out'));
	assert.ok(section, 'SUPPLEMENT.md needs a "## Left out" section');
	const leftOut = new Set(
		[...section.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)`/g)].map((x) => `${x[1]} ${normalisePath(x[2])}`),
	);
	const inContract = new Set(operations.map((m) => `${m.method.toUpperCase()} ${normalisePath(m.path)}`));
	const evidenceKeys = new Set(evidence.map((e) => `${e.method.toUpperCase()} ${normalisePath(e.path)}`));
	const missing: string[] = [];
	for (const key of evidenceKeys) {
		if (inContract.has(key) && leftOut.has(key)) assert.fail(`${key} is in the contract but also listed as left out`);
		if (!inContract.has(key) && !leftOut.has(key)) missing.push(key);
	}
	assert.deepEqual(missing, [], 'evidence endpoints neither covered nor explained');
	for (const key of leftOut) assert.ok(evidenceKeys.has(key), `SUPPLEMENT.md leaves out ${key}, which is not in the evidence`);
});

test('every request, response and parameter schema compiles with ajv', () => {
	const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
	addFormats(ajv);
	for (const format of ['binary', 'byte', 'double', 'float', 'int32', 'int64', 'password']) {
		if (!ajv.formats[format]) ajv.addFormat(format, true);
	}
	const ids: Record<Origin, string> = { official: 'urn:chatwoot:official', supplement: 'urn:chatwoot:supplement' };
	ajv.addSchema(official, ids.official);
	ajv.addSchema(supplement, ids.supplement);
	const rewrite = (node: unknown, id: string): unknown => {
		if (Array.isArray(node)) return node.map((n) => rewrite(n, id));
		if (!isObject(node)) return node;
		const copy: JsonObject = {};
		for (const [k, v] of Object.entries(node)) {
			copy[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? id + v : rewrite(v, id);
		}
		return copy;
	};
	let compiled = 0;
	for (const m of operations) {
		const key = opKey(m.method, m.path);
		const schemas: Array<[string, unknown]> = [];
		for (const [type, media] of Object.entries(m.op.requestBody?.content ?? {})) schemas.push([`request ${type}`, media.schema]);
		for (const [code, response] of Object.entries(m.op.responses ?? {})) {
			for (const [type, media] of Object.entries(response.content ?? {})) schemas.push([`response ${code} ${type}`, media.schema]);
		}
		for (const p of parametersOf(m)) schemas.push([`parameter ${p.in} ${p.name}`, p.schema]);
		for (const [where, schema] of schemas) {
			if (schema === undefined) continue;
			try {
				ajv.compile(rewrite(schema, ids[m.origin]) as object);
				compiled += 1;
			} catch (error) {
				assert.fail(`${key} ${where}: ${(error as Error).message}`);
			}
		}
	}
	assert.ok(compiled > 1000, `only ${compiled} schemas compiled`);
});

test('the build-time generator merges the two documents into the same contract', async () => {
	const { mergeChatwootContract } = await import('../../scripts/generate/chatwoot.mts');
	const built = mergeChatwootContract(
		official as unknown as Parameters<typeof mergeChatwootContract>[0],
		supplement as unknown as Parameters<typeof mergeChatwootContract>[1],
	);
	assert.deepEqual(built.paths, merged.paths);
});
