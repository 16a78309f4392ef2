import { sleep } from 'n8n-workflow';

/** A published limit: at most `requests` in a window of `windowMs`, for the requests the rule covers. */
export interface RateLimitRule {
	name: string;
	requests: number;
	windowMs: number;
	/**
	 * Path prefix the rule covers (empty string: every path), or a pattern: its captures name the budget a
	 * request spends, so a rule per account (`/accounts/(\d+)/`) keeps one budget per account id.
	 */
	appliesTo: string | RegExp;
	/** Only requests of these methods count (all methods when absent). */
	methods?: string[];
	/**
	 * `sliding` (default): any `windowMs` long stretch of time. `fixed`: windows that begin at whole multiples
	 * of `windowMs` of Unix time, as rack-attack counts (a new budget at every full minute, hour or day).
	 */
	window?: 'sliding' | 'fixed';
	/** A wait longer than this fails the request instead of holding it (windows of an hour or a day). */
	maxWaitMs?: number;
	/** Says the limit in words for the error of a request that cannot wait: "60 uploads per account per hour". */
	description?: string;
}

/**
 * Call when the request's answer (or failure) is in: its slot is then dated by that moment. `counted`
 * false gives the slot back: the server refused the request without counting it (429, connection refused).
 */
export type ReleaseSlot = (counted?: boolean) => void;

/** Why a request was not given a slot: its budget frees later than its rule lets it wait. */
export interface SpentBudget {
	rule: RateLimitRule;
	/** When the budget frees (Unix ms). */
	freesAt: number;
}

const IN_FLIGHT = Number.POSITIVE_INFINITY;

/**
 * Fixed windows are only as exact as the two clocks agree: no request is sent this close to a window's
 * edge (or a twentieth of a shorter window), so a server clock up to this far off still counts each
 * request in the window we counted it in.
 */
export const FIXED_WINDOW_GUARD_MS = 500;

function guardOf(windowMs: number): number {
	return Math.min(FIXED_WINDOW_GUARD_MS, windowMs / 20);
}

/** The start of the fixed window after the one holding `at`. */
export function nextWindowStart(at: number, windowMs: number): number {
	return (Math.floor(at / windowMs) + 1) * windowMs;
}

/** One budget of a fixed-window rule: requests counted per window index. */
class FixedWindowLog {
	private readonly counts = new Map<number, number>();

	constructor(private readonly rule: RateLimitRule) {}

	/** 0 when a request may go now, else the milliseconds until it may. */
	waitAt(now: number): number {
		const { windowMs, requests } = this.rule;
		const guard = guardOf(windowMs);
		const into = now % windowMs;
		const index = Math.floor(now / windowMs);
		for (const key of this.counts.keys()) if (key < index) this.counts.delete(key);
		if (into < guard) return guard - into;
		const edgeIn = windowMs - into;
		if (edgeIn <= guard || (this.counts.get(index) ?? 0) >= requests) return edgeIn + guard;
		return 0;
	}

	take(now: number): (answeredAt: number | undefined) => void {
		const { windowMs } = this.rule;
		const index = Math.floor(now / windowMs);
		this.add(index, 1);
		return (answeredAt) => {
			if (answeredAt === undefined) {
				this.add(index, -1);
				return;
			}
			// The server counts the request when it arrives, somewhere before its answer: every later window
			// the answer (give or take the clocks' disagreement) reaches may have counted it too.
			const last = Math.floor((answeredAt + guardOf(windowMs)) / windowMs);
			for (let later = index + 1; later <= last; later++) this.add(later, 1);
		};
	}

	private add(index: number, delta: number): void {
		this.counts.set(index, Math.max(0, (this.counts.get(index) ?? 0) + delta));
	}
}

/**
 * Pacing of one account's requests. The server counts a request when it arrives, which we cannot see; we
 * can see when its answer comes back, which is later. Sliding rules hold a slot while the request is in
 * flight and then date it by the answer's time: a later request is sent only when the window counted from
 * that moment has passed, and so arrives after the server's window has moved on, whatever the latency.
 * Fixed rules count requests in the server's windows (whole multiples of the window of Unix time), and a
 * request whose answer comes back in a later window counts in that one too.
 */
export class AccountLimiter {
	private readonly slots = new Map<string, number[]>();
	private readonly fixed = new Map<string, FixedWindowLog>();
	private pausedUntil = 0;
	private refusalsInARow = 0;

	constructor(private readonly rules: RateLimitRule[]) {}

	/** A slot for the request, once every covering rule has one free; or the budget that cannot free in time. */
	async acquire(path: string, method = 'GET'): Promise<ReleaseSlot | SpentBudget> {
		const rules = this.rulesFor(path, method);
		for (;;) {
			const now = Date.now();
			const waitMs = Math.max(this.pausedUntil - now, this.waitFor(rules, now));
			if (waitMs <= 0) break;
			const spent = rules.find((covering) => covering.rule.maxWaitMs !== undefined && this.waitFor([covering], now) > covering.rule.maxWaitMs);
			if (spent) return { rule: spent.rule, freesAt: now + this.waitFor([spent], now) };
			await sleep(waitMs);
		}
		const now = Date.now();
		const logs = rules.filter((r) => r.rule.window !== 'fixed').map((r) => this.log(r.key));
		const fixedTakes = rules.filter((r) => r.rule.window === 'fixed').map((r) => this.fixedLog(r).take(now));
		for (const log of logs) log.push(IN_FLIGHT);
		let released = false;
		return (counted = true) => {
			if (released) return;
			released = true;
			const answeredAt = Date.now();
			// In-flight slots are all alike: dating (or dropping) any one of them is doing it to this request's.
			for (const log of logs) {
				const at = log.indexOf(IN_FLIGHT);
				if (at < 0) continue;
				if (counted) log[at] = answeredAt;
				else log.splice(at, 1);
			}
			for (const settle of fixedTakes) settle(counted ? answeredAt : undefined);
		};
	}

	/** After a 429 with Retry-After the server's view wins: no slot of the covering rules opens before `untilMs`. */
	blockUntil(path: string, untilMs: number, method = 'GET'): void {
		for (const { rule, key } of this.rulesFor(path, method)) {
			if (rule.window === 'fixed') {
				this.pauseUntil(untilMs);
				continue;
			}
			const log = this.log(key);
			const filler = untilMs - rule.windowMs;
			for (let i = 0; i < log.length; i++) if (log[i] !== IN_FLIGHT) log[i] = Math.max(log[i], filler);
			while (log.length < rule.requests) log.push(filler);
		}
	}

	/** Every request of the account, whatever its path, waits until `untilMs`. */
	pauseUntil(untilMs: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, untilMs);
	}

	/** Counts a 429 and returns how many came in a row, without an answer in between. */
	refused(): number {
		return ++this.refusalsInARow;
	}

	/** An answer came: the 429s in a row are over. */
	answered(): void {
		this.refusalsInARow = 0;
	}

	/** 0 when every covering rule has a free slot now, else the milliseconds until one frees. */
	private waitFor(rules: Array<{ rule: RateLimitRule; key: string }>, now: number): number {
		let waitMs = 0;
		for (const covering of rules) {
			const { rule } = covering;
			if (rule.window === 'fixed') {
				waitMs = Math.max(waitMs, this.fixedLog(covering).waitAt(now));
				continue;
			}
			const log = this.log(covering.key);
			const horizon = now - rule.windowMs;
			// Forget slots that left the window; in-flight ones stay.
			for (let i = log.length - 1; i >= 0; i--) if (log[i] <= horizon) log.splice(i, 1);
			if (log.length < rule.requests) continue;
			// This many slots must leave the window before one is free; settled ones leave oldest first.
			const mustLeave = log.length - rule.requests + 1;
			const settled = log.filter((t) => t !== IN_FLIGHT).sort((a, b) => a - b);
			// Too many still in flight: look again shortly, they will settle.
			const freeing = settled.length >= mustLeave ? settled[mustLeave - 1] : undefined;
			waitMs = Math.max(waitMs, freeing === undefined ? 10 : Math.max(1, freeing - horizon));
		}
		return waitMs;
	}

	/** The rules covering a request, each with the name of the budget it spends. */
	private rulesFor(path: string, method: string): Array<{ rule: RateLimitRule; key: string }> {
		const verb = method.toUpperCase();
		const covering: Array<{ rule: RateLimitRule; key: string }> = [];
		for (const rule of this.rules) {
			if (rule.methods && !rule.methods.includes(verb)) continue;
			if (typeof rule.appliesTo === 'string') {
				if (path.startsWith(rule.appliesTo)) covering.push({ rule, key: rule.name });
				continue;
			}
			const match = rule.appliesTo.exec(path);
			if (match) covering.push({ rule, key: [rule.name, ...match.slice(1)].join('|') });
		}
		return covering;
	}

	private log(key: string): number[] {
		let log = this.slots.get(key);
		if (!log) {
			log = [];
			this.slots.set(key, log);
		}
		return log;
	}

	private fixedLog({ rule, key }: { rule: RateLimitRule; key: string }): FixedWindowLog {
		let log = this.fixed.get(key);
		if (!log) {
			log = new FixedWindowLog(rule);
			this.fixed.set(key, log);
		}
		return log;
	}
}

/**
 * Limiters live for the whole n8n process and are keyed by account, so two executions (or two nodes)
 * writing to one account share its budget instead of each believing it has all of it.
 */
const limiters = new Map<string, AccountLimiter>();

export function limiterFor(accountKey: string, rules: RateLimitRule[]): AccountLimiter {
	const key = `${accountKey}|${rules.map((r) => `${r.name}:${r.requests}/${r.windowMs}`).join(',')}`;
	let limiter = limiters.get(key);
	if (!limiter) {
		limiter = new AccountLimiter(rules);
		limiters.set(key, limiter);
	}
	return limiter;
}
