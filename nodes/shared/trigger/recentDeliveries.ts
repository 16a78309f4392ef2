import type { IDataObject } from 'n8n-workflow';

export interface DedupPolicy {
	/** How long a delivery is remembered. */
	windowMs: number;
	/** At most this many are remembered (the newest ones). */
	maxEntries: number;
}

/** Delivery key -> when it was first seen (epoch ms), per workflow and trigger node. */
const seenInThisProcess = new Map<string, Map<string, number>>();

const STATIC_DATA_KEY = 'recentDeliveries';

/**
 * Records a delivery and tells whether it is the first one with this key.
 *
 * n8n reloads a workflow's static data from the database for every webhook request and saves it after the
 * webhook answered, so two retries arriving together both see the state before either was saved, and
 * the later save drops the earlier one's key. A map in this process therefore catches concurrent
 * duplicates, and the keys are also written to the node's static data so a retry after a restart or on
 * another webhook process is still recognised. Check and record are synchronous: no request can slip
 * in between.
 */
export function isFirstDelivery(
	scope: string,
	staticData: IDataObject,
	key: string,
	policy: DedupPolicy,
	now = Date.now(),
): boolean {
	const known = new Map<string, number>(seenInThisProcess.get(scope));
	const stored = staticData[STATIC_DATA_KEY];
	if (stored && typeof stored === 'object' && !Array.isArray(stored)) {
		for (const [storedKey, seconds] of Object.entries(stored as IDataObject)) {
			if (typeof seconds === 'number' && !known.has(storedKey)) known.set(storedKey, seconds * 1000);
		}
	}
	const oldest = now - policy.windowMs;
	const firstTime = !(known.has(key) && (known.get(key) as number) >= oldest);
	if (firstTime) known.set(key, now);
	const kept = [...known.entries()]
		.filter(([, seenAt]) => seenAt >= oldest)
		.sort((a, b) => b[1] - a[1])
		.slice(0, policy.maxEntries);
	seenInThisProcess.set(scope, new Map(kept));
	if (firstTime) {
		staticData[STATIC_DATA_KEY] = Object.fromEntries(kept.map(([storedKey, seenAt]) => [storedKey, Math.floor(seenAt / 1000)]));
	}
	return firstTime;
}

/** Forgets the deliveries of a trigger node (when its webhook is removed). */
export function forgetDeliveries(scope: string, staticData: IDataObject): void {
	seenInThisProcess.delete(scope);
	delete staticData[STATIC_DATA_KEY];
}

/** Takes back one delivery whose processing failed, so the platform's retry is not dropped as a duplicate. */
export function forgetDelivery(scope: string, staticData: IDataObject, key: string): void {
	seenInThisProcess.get(scope)?.delete(key);
	const stored = staticData[STATIC_DATA_KEY];
	if (stored && typeof stored === 'object' && !Array.isArray(stored)) delete (stored as IDataObject)[key];
}
