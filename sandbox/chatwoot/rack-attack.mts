/**
 * Chatwoot's request throttles as Chatwoot 4.16.2 configures rack-attack (config/initializers/rack_attack.rb,
 * rack-attack 6.7.0): counters per fixed window that starts at a whole multiple of the period in Unix time,
 * every matching throttle counted in order until one is over its limit, and a refusal answered 429
 * `Retry later` as text, without Retry-After (rack-attack's default responder; Chatwoot does not turn
 * the header on). The sandbox stands for a remote server, so rack-attack's safelist of 127.0.0.1 does not apply.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The limits Chatwoot reads from its environment, by the variable's meaning; unset ones keep the default. */
export interface RackAttackLimits {
	/** `RACK_ATTACK_LIMIT`: every request, per client address, per minute (3000). */
	general: number;
	/** `RATE_LIMIT_CONTACT_SEARCH`: contact search per account per minute (100). */
	contactSearch: number;
	/** `RATE_LIMIT_CONVERSATIONS_META`: GET conversations/meta per user and account per minute (30). */
	conversationsMeta: number;
	/** `RATE_LIMIT_REPORTS_API_USER_LEVEL`: v2 reports per user and account per minute (100). */
	reportsPerUser: number;
	/** `RATE_LIMIT_REPORTS_API_ACCOUNT_LEVEL`: v2 reports per account per minute (1000). */
	reportsPerAccount: number;
	/** `RATE_LIMIT_REPORTS_DRILLDOWN_API_USER_LEVEL`: GET reports/drilldown per user and account per minute (a tenth of reportsPerUser, at least 1). */
	drilldown: number;
	/** `RATE_LIMIT_CONVERSATION_DELETE`: conversation deletes per account per minute (60). */
	conversationDelete: number;
	/** `RATE_LIMIT_CONVERSATION_TRANSCRIPT`: transcripts per account per hour (1000). */
	transcript: number;
	/** `RATE_LIMIT_AGENT_CREATE`: agent creations (and bulk creations) per account per day (100). */
	agentCreate: number;
	/** `RATE_LIMIT_AGENT_DELETE`: agent removals per account per day (50). */
	agentDelete: number;
	/** Uploads per account per hour (60, not configurable). */
	upload: number;
}

export function rackAttackDefaults(overrides: Partial<RackAttackLimits> = {}): RackAttackLimits {
	const reportsPerUser = overrides.reportsPerUser ?? 100;
	return {
		general: 3000,
		contactSearch: 100,
		conversationsMeta: 30,
		reportsPerUser,
		reportsPerAccount: 1000,
		drilldown: Math.max(Math.floor(reportsPerUser / 10), 1),
		conversationDelete: 60,
		transcript: 1000,
		agentCreate: 100,
		agentDelete: 50,
		upload: 60,
		...overrides,
	};
}

export interface ThrottledRequest {
	method: string;
	/** Request path without the query. */
	path: string;
	/** The client's address (rack-attack's `req.ip`). */
	ip: string;
	/** The `api_access_token` header, which the per-user throttles key on. */
	token: string | undefined;
}

interface Throttle {
	name: string;
	limit: number;
	periodMs: number;
	/** The discriminator rack-attack keys the counter on; undefined when the throttle does not apply. */
	keyOf(request: ThrottledRequest): string | undefined;
}

/** Rails ignores a format extension and a trailing slash: rack-attack's `path_without_extensions`. */
function withoutExtension(path: string): string {
	const bare = /^[^.]+/.exec(path)?.[0] ?? path;
	return bare === '/' ? bare : bare.replace(/\/+$/, '');
}

function throttles(limits: RackAttackLimits): Throttle[] {
	const account = (pattern: RegExp, method?: string, bare = false) => (request: ThrottledRequest) => {
		if (method && request.method !== method) return undefined;
		return pattern.exec(bare ? withoutExtension(request.path) : request.path)?.[1];
	};
	const user = (pattern: RegExp, method?: string, bare = false) => (request: ThrottledRequest) => {
		const id = account(pattern, method, bare)(request);
		return id !== undefined && request.token ? `${request.token}:${id}` : undefined;
	};
	// In the order rack_attack.rb declares them (the authentication and widget throttles concern no API call).
	return [
		{ name: 'req/ip', limit: limits.general, periodMs: MINUTE, keyOf: (request) => request.ip },
		{ name: 'transcript', limit: limits.transcript, periodMs: HOUR, keyOf: account(/\/api\/v1\/accounts\/(\d+)\/conversations\/\d+\/transcript/) },
		{ name: 'conversation delete', limit: limits.conversationDelete, periodMs: MINUTE, keyOf: account(/^\/api\/v1\/accounts\/(\d+)\/conversations\/\d+\/?$/, 'DELETE', true) },
		{ name: 'agent create', limit: limits.agentCreate, periodMs: DAY, keyOf: account(/^\/api\/v1\/accounts\/(\d+)\/agents(?:\/bulk_create)?\/?$/, 'POST', true) },
		{ name: 'agent delete', limit: limits.agentDelete, periodMs: DAY, keyOf: account(/^\/api\/v1\/accounts\/(\d+)\/agents\/\d+\/?$/, 'DELETE', true) },
		{ name: 'upload', limit: limits.upload, periodMs: HOUR, keyOf: account(/\/api\/v1\/accounts\/(\d+)\/upload/) },
		{ name: 'contact search', limit: limits.contactSearch, periodMs: MINUTE, keyOf: account(/\/api\/v1\/accounts\/(\d+)\/contacts\/search/) },
		{ name: 'reports drilldown/user', limit: limits.drilldown, periodMs: MINUTE, keyOf: user(/^\/api\/v2\/accounts\/(\d+)\/reports\/drilldown$/, 'GET', true) },
		{ name: 'reports/user', limit: limits.reportsPerUser, periodMs: MINUTE, keyOf: user(/\/api\/v2\/accounts\/(\d+)\/reports/) },
		{ name: 'reports', limit: limits.reportsPerAccount, periodMs: MINUTE, keyOf: account(/\/api\/v2\/accounts\/(\d+)\/reports/) },
		{ name: 'conversations meta/user', limit: limits.conversationsMeta, periodMs: MINUTE, keyOf: user(/\/api\/v1\/accounts\/(\d+)\/conversations\/meta/, 'GET') },
	];
}

export type ThrottleDecision = { allowed: true } | { allowed: false; throttle: string };

export class RackAttack {
	private readonly rules: Throttle[];
	private readonly counts = new Map<string, number>();

	constructor(
		limits: RackAttackLimits,
		private readonly now: () => number = Date.now,
	) {
		this.rules = throttles(limits);
	}

	/**
	 * rack-attack's `throttled?`: each applicable throttle's counter for the current window goes up by one,
	 * in order, and the first one over its limit refuses the request (the later ones are not counted).
	 */
	check(request: ThrottledRequest): ThrottleDecision {
		const now = this.now();
		for (const rule of this.rules) {
			const discriminator = rule.keyOf(request);
			if (discriminator === undefined) continue;
			const key = `${Math.floor(now / rule.periodMs)}:${rule.name}:${discriminator}`;
			const count = (this.counts.get(key) ?? 0) + 1;
			this.counts.set(key, count);
			if (count > rule.limit) return { allowed: false, throttle: rule.name };
		}
		this.forgetOldWindows(now);
		return { allowed: true };
	}

	reset(): void {
		this.counts.clear();
	}

	private forgetOldWindows(now: number): void {
		if (this.counts.size < 10_000) return;
		for (const key of this.counts.keys()) {
			const [window, name] = key.split(':');
			const rule = this.rules.find((r) => r.name === name);
			if (rule && Number(window) < Math.floor(now / rule.periodMs)) this.counts.delete(key);
		}
	}
}
