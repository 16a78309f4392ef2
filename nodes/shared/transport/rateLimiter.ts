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
 * Call when the request's answer (or failure) is in: its slot is then dated by that moment. `counted`
 * false gives the slot back: the server refused the request without counting it (429, connection refused).
 */
export type ReleaseSlot = (counted?: boolean) => void;

const IN_FLIGHT = Number.POSITIVE_INFINITY;

/**
 * Sliding-window pacing of one account's requests. The server counts a request when it arrives, which we
 * cannot see; we can see when its answer comes back, which is later. So a slot is held while the request is
 * in flight and then dated by the answer's time: a later request is sent only when the window counted from
 * that moment has passed, and so arrives after the server's window has moved on, whatever the latency.
 */
export class SlidingWindowLimiter {
	private readonly slots = new Map<string, number[]>();

	constructor(private readonly rules: RateLimitRule[]) {}

	async acquire(path: string): Promise<ReleaseSlot> {
		const rules = this.rulesFor(path);
		for (;;) {
			const waitMs = this.waitFor(rules, Date.now());
			if (waitMs === 0) break;
			await sleep(waitMs);
		}
		const logs = rules.map((rule) => this.log(rule));
		for (const log of logs) log.push(IN_FLIGHT);
		let released = false;
		return (counted = true) => {
			if (released) return;
			released = true;
			const now = Date.now();
			// In-flight slots are all alike: dating (or dropping) any one of them is doing it to this request's.
			for (const log of logs) {
				const at = log.indexOf(IN_FLIGHT);
				if (at < 0) continue;
				if (counted) log[at] = now;
				else log.splice(at, 1);
			}
		};
	}

	/** After a 429 the server's view wins: no slot of the covering rules opens before `untilMs`. */
	blockUntil(path: string, untilMs: number): void {
		for (const rule of this.rulesFor(path)) {
			const log = this.log(rule);
			const filler = untilMs - rule.windowMs;
			for (let i = 0; i < log.length; i++) if (log[i] !== IN_FLIGHT) log[i] = Math.max(log[i], filler);
			while (log.length < rule.requests) log.push(filler);
		}
	}

	/** 0 when every covering rule has a free slot now, else the milliseconds until one frees. */
	private waitFor(rules: RateLimitRule[], now: number): number {
		let waitMs = 0;
		for (const rule of rules) {
			const log = this.log(rule);
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

	private rulesFor(path: string): RateLimitRule[] {
		return this.rules.filter((rule) => path.startsWith(rule.appliesTo));
	}

	private log(rule: RateLimitRule): number[] {
		let log = this.slots.get(rule.name);
		if (!log) {
			log = [];
			this.slots.set(rule.name, log);
		}
		return log;
	}
}

/**
 * The rules for one of `share` n8n processes that send for the same account at once (queue-mode workers):
 * each paces to its part of every limit, so together they stay within it. A share below 1 or not a whole
 * number counts as 1.
 */
export function rulesForShare(rules: RateLimitRule[], share: unknown): RateLimitRule[] {
	const processes = typeof share === 'number' && Number.isInteger(share) && share > 1 ? share : 1;
	if (processes === 1) return rules;
	return rules.map((rule) => ({ ...rule, requests: Math.max(1, Math.floor(rule.requests / processes)) }));
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
