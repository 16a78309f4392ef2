// Keeps every request the sandbox received so tests can assert on what a client actually sent.
// Headers are stored unredacted (tests need to see them); `credential` holds the key the platform's
// auth hook extracted, so `requests({ credential })` / `credentials()` show which call carried which key.
import type { IncomingHttpHeaders } from 'node:http';
import type { MultipartPart } from './body.mts';
import type { ValidationIssue } from './schema-validator.mts';

export type RecordedBody =
	| { kind: 'none' }
	| { kind: 'json'; value: unknown }
	| { kind: 'multipart'; parts: MultipartPart[] }
	| { kind: 'raw'; contentType: string | null; bytes: Buffer }
	/** The body was never read (socket reset before reading) or could not be parsed. */
	| { kind: 'unread' }
	| { kind: 'unparsable'; bytes: Buffer; error: string };

export interface RecordedRequest {
	seq: number;
	/** ISO-8601 time the request arrived. */
	timestamp: string;
	method: string;
	/** Raw pathname, still percent-encoded. */
	path: string;
	/** Query string without the leading `?`. */
	rawQuery: string;
	/** Query as parsed per the contract (coerced, canonical names); before/without a route match, raw key -> last value. */
	query: Record<string, unknown>;
	headers: IncomingHttpHeaders;
	/** Credential the auth hook found on the request (valid or not); null when none was sent. */
	credential: string | null;
	body: RecordedBody;
	/** Contract operation the path resolved to, or null. */
	operationId: string | null;
	/** Name of a non-contract route that took the request (e.g. `upload`), or null. */
	rawRoute: string | null;
	validationErrors: ValidationIssue[];
	/** True when the request breaks the contract (bad body/query/path, unknown operation or query key). */
	invalid: boolean;
	/** Fault rule that hit the request, as `<kind>#<ruleId>`, or null. */
	fault: string | null;
	/** True when the request took effect (a handler ran). */
	processed: boolean;
	/** Status sent to the client; null when the socket was destroyed before a status line. */
	status: number | null;
	/** `seq` of the latest request received when the answer was sent (which arrivals preceded it); null until answered. */
	answeredAfterSeq: number | null;
	/** Contract violations found in the sandbox's own response (only with response validation on). */
	responseErrors: ValidationIssue[];
}

/** The JSON object a recorded request carried, or undefined (no body, another kind, or a JSON array or scalar). */
export function jsonBodyOf(request: RecordedRequest): Record<string, unknown> | undefined {
	if (request.body.kind !== 'json') return undefined;
	const { value } = request.body;
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export interface RequestFilter {
	operationId?: string;
	method?: string;
	/** Exact raw pathname, a prefix ending in `*`, or a RegExp. */
	path?: string | RegExp;
	invalid?: boolean;
	processed?: boolean;
	credential?: string | null;
	status?: number;
}

function pathMatches(path: string, pattern: string | RegExp): boolean {
	if (pattern instanceof RegExp) return pattern.test(path);
	return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

export class RequestRecorder {
	private records: RecordedRequest[] = [];
	private nextSeq = 1;

	/** Creates and stores a record; the server fills in the rest as the request progresses. */
	start(
		fields: Pick<RecordedRequest, 'method' | 'path' | 'rawQuery' | 'headers'>,
	): RecordedRequest {
		const record: RecordedRequest = {
			seq: this.nextSeq++,
			timestamp: new Date().toISOString(),
			...fields,
			query: {},
			credential: null,
			body: { kind: 'unread' },
			operationId: null,
			rawRoute: null,
			validationErrors: [],
			invalid: false,
			fault: null,
			processed: false,
			status: null,
			answeredAfterSeq: null,
			responseErrors: [],
		};
		this.records.push(record);
		return record;
	}

	/** Notes the status a request is answered with, and which requests had arrived by then. */
	answered(record: RecordedRequest, status: number): void {
		record.status = status;
		record.answeredAfterSeq = this.nextSeq - 1;
	}

	requests(filter: RequestFilter = {}): RecordedRequest[] {
		return this.records.filter(
			(r) =>
				(filter.operationId === undefined || r.operationId === filter.operationId) &&
				(filter.method === undefined || r.method === filter.method.toUpperCase()) &&
				(filter.path === undefined || pathMatches(r.path, filter.path)) &&
				(filter.invalid === undefined || r.invalid === filter.invalid) &&
				(filter.processed === undefined || r.processed === filter.processed) &&
				(filter.credential === undefined || r.credential === filter.credential) &&
				(filter.status === undefined || r.status === filter.status),
		);
	}

	/** Number of requests routed to `operationId`. */
	countBy(operationId: string): number {
		let count = 0;
		for (const r of this.records) if (r.operationId === operationId) count++;
		return count;
	}

	invalidRequests(): RecordedRequest[] {
		return this.requests({ invalid: true });
	}

	/** Responses that broke the contract (sandbox bugs), each as "operationId: what was wrong". */
	responseViolations(): string[] {
		return this.records
			.filter((r) => r.responseErrors.length > 0)
			.map((r) => `${r.operationId}: ${r.responseErrors.map((e) => e.message).join('; ')}`);
	}

	/** The operations that requests were routed to. */
	operationsCalled(): Set<string> {
		const called = new Set<string>();
		for (const r of this.records) if (r.operationId) called.add(r.operationId);
		return called;
	}

	/** credential -> sequence numbers of the requests that carried it. */
	credentials(): Map<string | null, number[]> {
		const byCredential = new Map<string | null, number[]>();
		for (const r of this.records) {
			const seqs = byCredential.get(r.credential);
			if (seqs) seqs.push(r.seq);
			else byCredential.set(r.credential, [r.seq]);
		}
		return byCredential;
	}

	reset(): void {
		this.records = [];
	}
}
