import { createHash, randomBytes } from 'node:crypto';

/**
 * Which deliveries a trigger has already turned into an execution, per workflow and trigger node ("scope").
 *
 * A delivery is known by one or more keys (a delivery id, a signature, a content digest), each remembered
 * until the delivery could no longer be accepted anyway: the end of its timestamp window. Within the window
 * every key is kept, however many others arrive; past it the timestamp check refuses a replay, so nothing
 * older is needed.
 *
 * The log lives in this process's memory, where checking and recording a delivery is one synchronous step
 * (of two copies arriving together exactly one is first), and in the node's static data, which n8n keeps in
 * its database and every process of the instance reads: each delivery merges what the database holds, and
 * the answer to a delivery that was turned into an execution saves the log back (see PersistedLog).
 */

/** 9 bytes of SHA-256 (72 bits): a key costs 12 characters in static data, and 10^5 keys collide with odds below 10^-11. */
const KEY_BYTES = 9;

/** Keys are digests: fixed length, and nothing of a delivery's content is written to static data. */
export function logKey(kind: string, value: string | Uint8Array): string {
	return createHash('sha256').update(kind).update('\0').update(value).digest().subarray(0, KEY_BYTES).toString('base64url');
}

export type Claim = 'first' | 'duplicate' | 'in progress';

interface ScopeLog {
	/** Key -> until when it is remembered (epoch ms), for deliveries that were turned into an execution. */
	done: Map<string, number>;
	/** Keys of deliveries this process is turning into an execution right now. */
	inFlight: Set<string>;
	/** When the next pass over `done` drops expired keys. */
	nextPrune: number;
	/** The persisted text last merged, so an unchanged one is not parsed again. */
	lastMerged?: string;
}

const scopes = new Map<string, ScopeLog>();

/** Tags what this process writes, so it can skip merging its own writes back. */
const PROCESS_TAG = randomBytes(6).toString('base64url');
let writes = 0;

function scopeLog(scope: string): ScopeLog {
	let log = scopes.get(scope);
	if (!log) {
		log = { done: new Map(), inFlight: new Set(), nextPrune: 0 };
		scopes.set(scope, log);
	}
	return log;
}

function prune(log: ScopeLog, now: number): void {
	if (now < log.nextPrune) return;
	let next = Infinity;
	for (const [key, until] of log.done) {
		if (until <= now) log.done.delete(key);
		else if (until < next) next = until;
	}
	log.nextPrune = next;
}

/**
 * Checks and records a delivery in one step: `first` when none of its keys is known (they are then in
 * flight), `duplicate` when one was turned into an execution, `in progress` when this process is on it now.
 */
export function claim(scope: string, keys: string[], now = Date.now()): Claim {
	const log = scopeLog(scope);
	prune(log, now);
	if (keys.some((key) => (log.done.get(key) ?? 0) > now)) return 'duplicate';
	if (keys.some((key) => log.inFlight.has(key))) return 'in progress';
	for (const key of keys) log.inFlight.add(key);
	return 'first';
}

/** The delivery became an execution: its keys are remembered until `until` (epoch ms). */
export function complete(scope: string, keys: string[], until: number): void {
	const log = scopeLog(scope);
	for (const key of keys) {
		log.inFlight.delete(key);
		if ((log.done.get(key) ?? 0) < until) log.done.set(key, until);
		if (until < log.nextPrune) log.nextPrune = until;
	}
}

/** The delivery did not become an execution: its keys are free again, so the platform's retry is taken. */
export function release(scope: string, keys: string[]): void {
	const log = scopes.get(scope);
	for (const key of keys) log?.inFlight.delete(key);
}

/*
 * Persisted form: `<writer tag>.<write number>|<key><until>,<key><until>,...` with each key 12 characters and
 * `until` in seconds, base 36: about 20 bytes per key.
 */
const KEY_CHARS = Math.ceil((KEY_BYTES * 4) / 3);

export function encode(scope: string, now = Date.now()): string {
	const log = scopeLog(scope);
	prune(log, now);
	const entries: string[] = [];
	for (const [key, until] of log.done) entries.push(key + Math.ceil(until / 1000).toString(36));
	writes++;
	return `${PROCESS_TAG}.${writes}|${entries.join(',')}`;
}

/** Adds what static data holds (written by any process) to this process's log. */
export function merge(scope: string, persisted: unknown, now = Date.now()): void {
	if (typeof persisted !== 'string') return;
	const log = scopeLog(scope);
	if (persisted === log.lastMerged) return;
	log.lastMerged = persisted;
	const bar = persisted.indexOf('|');
	// This process wrote it: everything in it is in memory already.
	if (persisted.startsWith(`${PROCESS_TAG}.`)) return;
	if (bar < 0) return;
	for (const entry of persisted.slice(bar + 1).split(',')) {
		if (entry.length <= KEY_CHARS) continue;
		const until = parseInt(entry.slice(KEY_CHARS), 36) * 1000;
		const key = entry.slice(0, KEY_CHARS);
		if (until > now && (log.done.get(key) ?? 0) < until) {
			log.done.set(key, until);
			if (until < log.nextPrune) log.nextPrune = until;
		}
	}
}

/**
 * The value a trigger puts in its static data to have the log saved. n8n saves static data by serialising it
 * to JSON when the webhook call ends; this object serialises to the log as it is at that moment, so a save
 * that started from an older read of the database still carries every key this process has recorded.
 */
export class PersistedLog {
	constructor(private readonly scope: string) {}

	toJSON(): string {
		return encode(this.scope);
	}
}

/** How many keys this process remembers for a scope (for tests and measurements). */
export function rememberedKeys(scope: string, now = Date.now()): number {
	const log = scopeLog(scope);
	prune(log, now);
	return log.done.size;
}
