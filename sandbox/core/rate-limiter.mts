// Sliding-window (exact log) rate limiter with several named buckets per subject (API key).
// A request is admitted only if every bucket that applies to it has a free slot, and then it takes
// a slot in all of them; refused requests take no slot.

export interface RateLimitBucket {
	name: string;
	/** Requests allowed within any window of `windowMs`. */
	limit: number;
	windowMs: number;
}

export interface RateLimitRequest {
	method: string;
	/** Raw pathname. */
	path: string;
}

export type RateLimitDecision =
	| { allowed: true }
	| {
			allowed: false;
			bucket: string;
			/** Milliseconds until the bucket frees a slot. */
			retryAfterMs: number;
			/** Value for `Retry-After`: whole seconds, rounded up, at least 1. */
			retryAfterSeconds: number;
	  };

export interface RateLimiterOptions {
	buckets: RateLimitBucket[];
	/** Names of the buckets a request counts against. */
	bucketsFor: (request: RateLimitRequest) => string[];
	/**
	 * A slot frees this many ms before its exact window end. Timestamps are arrival times, so
	 * latency jitter can make a client that paces by its own send times look a few ms early;
	 * the grace absorbs that while a burst over the limit is still refused.
	 */
	graceMs?: number;
	now?: () => number;
}

/** Timestamps of admitted requests, oldest first, with O(1) amortised expiry. */
class TimestampLog {
	private times: number[] = [];
	private head = 0;

	expire(before: number): void {
		while (this.head < this.times.length && this.times[this.head] <= before) this.head++;
		if (this.head > 1024 && this.head * 2 > this.times.length) {
			this.times = this.times.slice(this.head);
			this.head = 0;
		}
	}

	get size(): number {
		return this.times.length - this.head;
	}

	oldest(): number {
		return this.times[this.head];
	}

	add(time: number): void {
		this.times.push(time);
	}
}

export class SlidingWindowRateLimiter {
	private readonly buckets: Map<string, RateLimitBucket>;
	private readonly logs = new Map<string, TimestampLog>();
	private readonly graceMs: number;
	private readonly now: () => number;

	constructor(private readonly options: RateLimiterOptions) {
		this.buckets = new Map(options.buckets.map((b) => [b.name, b]));
		this.graceMs = options.graceMs ?? 0;
		this.now = options.now ?? (() => performance.now());
	}

	/** Admits (and counts) or refuses one request of `subject`. */
	check(subject: string, request: RateLimitRequest): RateLimitDecision {
		const now = this.now();
		const applicable: TimestampLog[] = [];
		let refusal: Extract<RateLimitDecision, { allowed: false }> | null = null;
		for (const name of this.options.bucketsFor(request)) {
			const bucket = this.buckets.get(name);
			if (bucket === undefined) throw new Error(`Unknown rate-limit bucket ${name}`);
			const key = `${subject}\u0000${name}`;
			let log = this.logs.get(key);
			if (log === undefined) {
				log = new TimestampLog();
				this.logs.set(key, log);
			}
			const windowMs = bucket.windowMs - this.graceMs;
			log.expire(now - windowMs);
			if (log.size >= bucket.limit) {
				const retryAfterMs = log.oldest() + windowMs - now;
				if (refusal === null || retryAfterMs > refusal.retryAfterMs) {
					refusal = {
						allowed: false,
						bucket: name,
						retryAfterMs,
						retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
					};
				}
			}
			applicable.push(log);
		}
		if (refusal !== null) return refusal;
		for (const log of applicable) log.add(now);
		return { allowed: true };
	}

	reset(): void {
		this.logs.clear();
	}
}
