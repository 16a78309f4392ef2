import { sleep } from 'n8n-workflow';

/** A published limit: at most `requests` in any window of `windowMs`, for paths matching `appliesTo`. */
export interface RateLimitRule {
	name: string;
	requests: number;
	windowMs: number;
	/** Path prefix the rule covers; empty string covers every path. */
	appliesTo: string;
}

/**
 * Sliding-window pacing of one account's requests. Sending is allowed when every rule covering the path
 * has a free slot; otherwise the caller sleeps until the oldest slot leaves its window. A small safety
 * margin absorbs the latency between our clock (send time) and the server's (arrival time).
 */
export class SlidingWindowLimiter {
	private readonly sent = new Map<string, number[]>();

	constructor(
		private readonly rules: RateLimitRule[],
		private readonly marginMs = 150,
	) {}

	async acquire(path: string): Promise<void> {
		for (;;) {
			const waitMs = this.reserve(path, Date.now());
			if (waitMs === 0) return;
			await sleep(waitMs);
		}
	}

	/** After a 429 the server's view wins: no slot of the covering rules opens before `untilMs`. */
	blockUntil(path: string, untilMs: number): void {
		for (const rule of this.rulesFor(path)) {
			const log = this.log(rule);
			const filler = untilMs - rule.windowMs;
			while (log.length < rule.requests) log.unshift(filler);
			for (let i = 0; i < log.length; i++) log[i] = Math.max(log[i], filler);
		}
	}

	/** Returns 0 after taking a slot in every covering rule, else the milliseconds to wait. */
	private reserve(path: string, now: number): number {
		const rules = this.rulesFor(path);
		let waitMs = 0;
		for (const rule of rules) {
			const log = this.log(rule);
			const horizon = now - rule.windowMs - this.marginMs;
			while (log.length > 0 && log[0] <= horizon) log.shift();
			if (log.length >= rule.requests) {
				waitMs = Math.max(waitMs, log[log.length - rule.requests] - horizon);
			}
		}
		if (waitMs > 0) return Math.max(1, waitMs);
		for (const rule of rules) this.log(rule).push(now);
		return 0;
	}

	private rulesFor(path: string): RateLimitRule[] {
		return this.rules.filter((rule) => path.startsWith(rule.appliesTo));
	}

	private log(rule: RateLimitRule): number[] {
		let log = this.sent.get(rule.name);
		if (!log) {
			log = [];
			this.sent.set(rule.name, log);
		}
		return log;
	}
}

/**
 * Limiters live for the whole n8n process and are keyed by account, so two executions (or two nodes)
 * writing to one account share its budget instead of each believing it has all of it.
 */
const limiters = new Map<string, SlidingWindowLimiter>();

export function limiterFor(accountKey: string, rules: RateLimitRule[]): SlidingWindowLimiter {
	const key = `${accountKey}|${rules.map((r) => `${r.name}:${r.requests}/${r.windowMs}`).join(',')}`;
	let limiter = limiters.get(key);
	if (!limiter) {
		limiter = new SlidingWindowLimiter(rules);
		limiters.set(key, limiter);
	}
	return limiter;
}
