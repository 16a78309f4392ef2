// Programmable failures. A rule matches method and/or path and fires `times` times, with a
// probability (drawn from a seeded generator so runs are reproducible), or both.
import { seededRandom } from './random.mts';

export type FaultAction =
	/** Answer `status` without processing (a gateway refused it). Body defaults to the platform error body. */
	| {
			kind: 'status';
			status: number;
			retryAfter?: number | string;
			body?: string;
			contentType?: string;
	  }
	/** Destroy the socket before reading the request: the server never took it. */
	| { kind: 'reset-before' }
	/** Process the request, send headers and part of the body, then destroy the socket. */
	| { kind: 'reset-mid-body' }
	/** Process, then wait `ms` before answering. */
	| { kind: 'delay'; ms: number }
	/**
	 * Process, then hold the answer until `count` requests have hit the rule, and answer them all; after `ms`
	 * a held request is answered anyway (the recording then shows answers before the last arrivals).
	 */
	| { kind: 'barrier'; count: number; ms: number }
	/** Process, then never answer (the socket stays open until the client gives up or the sandbox closes). */
	| { kind: 'timeout' }
	/** Process, then answer 200 with the JSON body cut in half. */
	| { kind: 'malformed-json' }
	/** Answer an HTML error page (default 502) without processing, as a proxy in front of the API would. */
	| { kind: 'html'; status?: number };

export interface FaultRuleInput {
	/** HTTP method to match (any when absent). */
	method?: string;
	/** Raw pathname prefix, or a RegExp tested against the raw pathname (any when absent). */
	path?: string | RegExp;
	/** How many times the rule fires; unlimited when absent. */
	times?: number;
	/** Chance (0..1) that a matching request is hit; always when absent. */
	probability?: number;
	/** Text the raw request body must contain, to hit one request among many on the same path (any when absent). */
	bodyIncludes?: string;
	fault: FaultAction;
}

export interface FaultRule extends FaultRuleInput {
	id: number;
	/** Times the rule has fired. */
	hits: number;
}

const FAULT_KINDS = new Set([
	'status',
	'reset-before',
	'reset-mid-body',
	'delay',
	'barrier',
	'timeout',
	'malformed-json',
	'html',
]);

/** Parses a rule sent as JSON to the admin API (`pathRegex` carries a RegExp source). */
export function faultRuleFromJson(json: unknown): FaultRuleInput {
	if (json === null || typeof json !== 'object') throw new Error('fault rule must be an object');
	const input = json as Record<string, unknown>;
	const fault = input.fault as Record<string, unknown> | undefined;
	if (!fault || typeof fault.kind !== 'string' || !FAULT_KINDS.has(fault.kind)) {
		throw new Error(`fault.kind must be one of ${[...FAULT_KINDS].join(', ')}`);
	}
	if (fault.kind === 'status' && typeof fault.status !== 'number')
		throw new Error('fault.status must be a number');
	if ((fault.kind === 'delay' || fault.kind === 'barrier') && typeof fault.ms !== 'number')
		throw new Error('fault.ms must be a number');
	if (fault.kind === 'barrier' && typeof fault.count !== 'number')
		throw new Error('fault.count must be a number');
	return {
		method: typeof input.method === 'string' ? input.method : undefined,
		path:
			typeof input.pathRegex === 'string'
				? new RegExp(input.pathRegex)
				: typeof input.path === 'string'
					? input.path
					: undefined,
		times: typeof input.times === 'number' ? input.times : undefined,
		probability: typeof input.probability === 'number' ? input.probability : undefined,
		bodyIncludes: typeof input.bodyIncludes === 'string' ? input.bodyIncludes : undefined,
		fault: fault as FaultAction,
	};
}

export class FaultInjector {
	private rules: FaultRule[] = [];
	private nextId = 1;
	private random: () => number;

	constructor(seed = 1) {
		this.random = seededRandom(seed);
	}

	/** Restarts the probability sequence. */
	seed(seed: number): void {
		this.random = seededRandom(seed);
	}

	add(input: FaultRuleInput): FaultRule {
		const rule: FaultRule = { ...input, id: this.nextId++, hits: 0 };
		this.rules.push(rule);
		return rule;
	}

	remove(id: number): void {
		this.rules = this.rules.filter((r) => r.id !== id);
	}

	clear(): void {
		this.rules = [];
	}

	list(): FaultRule[] {
		return [...this.rules];
	}

	/** Whether a live rule looks into request bodies: the server then reads the body before deciding. */
	matchesBodies(): boolean {
		return this.rules.some((rule) => rule.bodyIncludes !== undefined && (rule.times === undefined || rule.hits < rule.times));
	}

	/** Returns the first rule that fires for this request (counting the hit), if any. */
	take(method: string, path: string, body?: string): FaultRule | undefined {
		for (const rule of this.rules) {
			if (rule.times !== undefined && rule.hits >= rule.times) continue;
			if (rule.bodyIncludes !== undefined && !body?.includes(rule.bodyIncludes)) continue;
			if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue;
			if (
				rule.path !== undefined &&
				!(rule.path instanceof RegExp ? rule.path.test(path) : path.startsWith(rule.path))
			)
				continue;
			if (rule.probability !== undefined && this.random() >= rule.probability) continue;
			rule.hits++;
			return rule;
		}
		return undefined;
	}
}
