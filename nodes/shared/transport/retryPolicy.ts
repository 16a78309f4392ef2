/** When a failed attempt may be sent again, and how long to wait first. */

export type FailureKind =
	| 'rate-limited' // 429: the server refused the request, nothing was taken
	| 'server-error' // 5xx: the server may have acted on it
	| 'refused-request' // 4xx: the request itself is wrong; sending it again changes nothing
	| 'refused' // connection refused: nothing reached the server
	| 'reset' // connection reset or closed: the server may have acted on it
	| 'timeout'; // no answer in time: the server may have acted on it

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * A request that changes state is sent again only when the server certainly did not take it.
 * PUT and DELETE are idempotent by HTTP semantics, so repeating them cannot apply a change twice.
 */
export function mayRetry(method: string, kind: FailureKind): boolean {
	if (kind === 'refused-request') return false;
	if (kind === 'rate-limited' || kind === 'refused') return true;
	return IDEMPOTENT.has(method.toUpperCase());
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const raw = String(text).trim();
	if (raw === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
	// Only an HTTP date is left; a negative or other number is no hint at all.
	if (/^[-+]?\d/.test(raw)) return undefined;
	const date = Date.parse(raw);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/** Exponential back-off with full jitter, capped, for failures the server gave no hint about. */
export function backoffMs(attempt: number, baseMs = 500, capMs = 20_000): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
	return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
