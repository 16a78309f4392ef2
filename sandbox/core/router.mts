// Matches a request path against the contract's path templates.
// Literal segments beat `{param}` segments at the first position where two templates differ
// (`/chat/v1/session/note/{id}` wins over `/chat/v1/session/{id}/...` for `/chat/v1/session/note/x`).
// The raw path is split on `/` BEFORE percent-decoding, so `a%2Fb` stays one segment.
import type { ContractOperation } from './openapi.mts';

type Segment = { literal: string } | { param: string };

interface CompiledRoute {
	operation: ContractOperation;
	segments: Segment[];
}

export type RouteMatch =
	| { kind: 'matched'; operation: ContractOperation; pathParams: Record<string, string> }
	/** A template matches the path but not with this method. */
	| { kind: 'method-not-allowed'; allowed: string[] }
	| { kind: 'not-found' }
	/** A segment carries broken percent-encoding. */
	| { kind: 'bad-path'; segment: string };

function compile(template: string): Segment[] {
	return template
		.split('/')
		.slice(1)
		.map((part) => {
			const param = /^\{([^}]+)\}$/.exec(part);
			return param ? { param: param[1] } : { literal: part };
		});
}

/** Splits a raw (still percent-encoded) pathname into decoded segments. */
function splitPath(rawPath: string): { segments: string[] } | { badSegment: string } {
	const segments: string[] = [];
	for (const raw of rawPath.split('/').slice(1)) {
		try {
			segments.push(decodeURIComponent(raw));
		} catch {
			return { badSegment: raw };
		}
	}
	return { segments };
}

/** -1 if `a` is more specific than `b` (literal earlier), 1 if less, 0 if equal. */
function compareSpecificity(a: Segment[], b: Segment[]): number {
	for (let i = 0; i < a.length; i++) {
		const aLiteral = 'literal' in a[i];
		const bLiteral = 'literal' in b[i];
		if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
	}
	return 0;
}

export class OpenApiRouter {
	private readonly bySegmentCount = new Map<number, CompiledRoute[]>();

	constructor(operations: ContractOperation[]) {
		for (const operation of operations) {
			const segments = compile(operation.path);
			const bucket = this.bySegmentCount.get(segments.length) ?? [];
			bucket.push({ operation, segments });
			this.bySegmentCount.set(segments.length, bucket);
		}
		for (const routes of this.bySegmentCount.values()) {
			routes.sort((a, b) => compareSpecificity(a.segments, b.segments));
		}
	}

	/**
	 * A trailing slash matches a template that has one (some contracts list both spellings as
	 * different operations), otherwise it is ignored.
	 */
	match(method: string, rawPath: string): RouteMatch {
		const split = splitPath(rawPath);
		if ('badSegment' in split) return { kind: 'bad-path', segment: split.badSegment };
		const exact = this.matchSegments(method, split.segments);
		if (exact.kind === 'not-found' && split.segments.length > 1 && split.segments.at(-1) === '') {
			return this.matchSegments(method, split.segments.slice(0, -1));
		}
		return exact;
	}

	private matchSegments(method: string, segments: string[]): RouteMatch {
		const candidates = this.bySegmentCount.get(segments.length) ?? [];
		const allowed: string[] = [];
		// Candidates are sorted most-specific first, so the first full match with the method wins.
		for (const route of candidates) {
			const pathParams = bindParams(route.segments, segments);
			if (pathParams === null) continue;
			if (route.operation.method === method.toUpperCase()) {
				return { kind: 'matched', operation: route.operation, pathParams };
			}
			allowed.push(route.operation.method);
		}
		return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
	}
}

/** Path parameters when `actual` fits the template, else null. */
function bindParams(template: Segment[], actual: string[]): Record<string, string> | null {
	const params: Record<string, string> = {};
	for (let i = 0; i < template.length; i++) {
		const segment = template[i];
		if ('literal' in segment) {
			if (segment.literal !== actual[i]) return null;
		} else {
			if (actual[i] === '') return null;
			params[segment.param] = actual[i];
		}
	}
	return params;
}
