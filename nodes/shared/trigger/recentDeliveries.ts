export interface DedupPolicy {
	/** How long a delivery is remembered. */
	windowMs: number;
	/** At most this many are remembered (the newest ones). */
	maxEntries: number;
}

/**
 * Delivery key -> when it was first seen (epoch ms), per workflow and trigger node.
 *
 * Kept in memory, not in the workflow's static data: n8n (2.40.7) saves what a webhook call writes to static
 * data only when the call starts no execution, because preparing the execution resets the data's change
 * flag before the save. A delivery that starts the workflow is therefore remembered by this process only.
 */
const seenInThisProcess = new Map<string, Map<string, number>>();

/**
 * Records a delivery and tells whether it is the first one with this key. Check and record are one
 * synchronous step, so of two retries arriving together exactly one is first.
 */
export function isFirstDelivery(scope: string, key: string, policy: DedupPolicy, now = Date.now()): boolean {
	const known = seenInThisProcess.get(scope) ?? new Map<string, number>();
	const oldest = now - policy.windowMs;
	const seenAt = known.get(key);
	const firstTime = seenAt === undefined || seenAt < oldest;
	if (firstTime) known.set(key, now);
	const kept = [...known.entries()]
		.filter(([, at]) => at >= oldest)
		.sort((a, b) => b[1] - a[1])
		.slice(0, policy.maxEntries);
	seenInThisProcess.set(scope, new Map(kept));
	return firstTime;
}

/** Takes back one delivery whose processing failed, so the platform's retry is not dropped as a duplicate. */
export function forgetDelivery(scope: string, key: string): void {
	seenInThisProcess.get(scope)?.delete(key);
}

/** Forgets the deliveries of a trigger node (its webhook was removed). */
export function forgetDeliveries(scope: string): void {
	seenInThisProcess.delete(scope);
}
