/** The shortest time a set of sliding-window limits allows for a number of requests. */

export interface WindowLimit {
	/** Requests allowed in any window of `windowMs`. */
	limit: number;
	windowMs: number;
}

/**
 * With a full budget at the start, a limit lets `limit` requests through at once, the next `limit` one
 * window later, and so on: the last of `count` requests can go no earlier than
 * `(ceil(count / limit) - 1) * windowMs`. Several limits on one path: the slowest decides.
 */
export function floorMs(count: number, limits: WindowLimit[]): number {
	return Math.max(0, ...limits.map(({ limit, windowMs }) => (Math.ceil(count / limit) - 1) * windowMs));
}

/**
 * The same for a fixed-window limit (rack-attack's: windows begin at whole multiples of `windowMs` of Unix
 * time): starting at `startMs`, the first window holds `limit` requests, and the last of `count` requests
 * can go no earlier than the start of the window `ceil(count / limit) - 1` windows after the first.
 */
export function fixedWindowFloorMs(count: number, { limit, windowMs }: WindowLimit, startMs: number): number {
	const lastWindow = Math.floor(startMs / windowMs) + Math.ceil(count / limit) - 1;
	return Math.max(0, lastWindow * windowMs - startMs);
}

export function describeLimits(limits: WindowLimit[]): string {
	return limits.map(({ limit, windowMs }) => `${limit} per ${formatWindow(windowMs)}`).join(' and ');
}

function formatWindow(ms: number): string {
	if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000} min`;
	return `${ms / 1000} s`;
}
