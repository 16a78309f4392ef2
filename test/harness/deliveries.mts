// The platform's side of trigger deliveries, for tests that count what n8n made of them: Chatwoot-signed
// deliveries sent many at once, sent again as a platform resends what got no 2xx (same X-Chatwoot-Delivery,
// new timestamp and signature) or replayed byte for byte, and a recorder of the effect each execution has
// (an HTTP Request node posting the delivery id), counted per delivery id.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import type { NodeSpec } from './workflow.mts';

/**
 * `webhookTimeoutMs` of the sandboxes in tests whose subject is not the platforms' 5 s: n8n answers a delivery
 * after passing it through the trigger twice and storing the execution, which on a busy machine, several at
 * once, can take longer; a delivery cut off then reads as status null, and its resend as a 429.
 */
export const WEBHOOK_ANSWER_TIMEOUT_MS = 60_000;

/** A webhook receiver that answers every request after `delayMs`, for tests of how long a platform waits. */
export async function slowReceiver(delayMs: number): Promise<{ port: number; close: () => void }> {
	const answers = new Set<NodeJS.Timeout>();
	const server = createServer((_request, response) => {
		answers.add(setTimeout(() => response.end('ok'), delayMs));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		close: () => {
			for (const answer of answers) clearTimeout(answer);
			server.closeAllConnections();
			server.close();
		},
	};
}

export interface SignedHeaders {
	'content-type': string;
	'x-chatwoot-timestamp': string;
	'x-chatwoot-signature': string;
	'x-chatwoot-delivery': string;
}

/** A delivery as the platform keeps it: what it sent first and every answer it got. */
export interface Delivery {
	id: string;
	body: string;
	/** The first attempt's headers (signed when it was sent), for byte-for-byte replays. */
	first?: SignedHeaders;
	/** The status of every attempt; 0 when no answer came (connection refused or cut). */
	statuses: number[];
	/** `started` of the last answer with a JSON body. */
	started?: boolean;
}

export function signChatwoot(secret: string, body: string, deliveryId: string, timestamp = Math.floor(Date.now() / 1000)): SignedHeaders {
	return {
		'content-type': 'application/json',
		'x-chatwoot-timestamp': String(timestamp),
		'x-chatwoot-signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
		'x-chatwoot-delivery': deliveryId,
	};
}

/** A message_created delivery of an incoming message, not sent yet. */
export function chatwootMessageDelivery(messageId: number): Delivery {
	const id = randomUUID();
	const body = JSON.stringify({
		event: 'message_created',
		id: messageId,
		content: `mensagem ${messageId}`,
		message_type: 'incoming',
		content_type: 'text',
		private: false,
		conversation: { id: 1, status: 'open' },
		sender: { id: 7, name: 'Ana', type: 'contact' },
	});
	return { id, body, statuses: [] };
}

export interface Answer {
	status: number;
	started?: boolean;
	/** Why a delivery was not answered 2xx: the answer's own reason or message, or the client's error. */
	failure?: string;
	/** Milliseconds until the answer (or the failure). */
	ms: number;
}

/** What a non-2xx answer says of itself: the trigger's `reason`, n8n's `message`, or the start of its text. */
function failureOf(text: string): string {
	try {
		const body = JSON.parse(text) as { reason?: unknown; message?: unknown };
		const said = body.reason ?? body.message;
		if (typeof said === 'string') return said;
	} catch {
		// not JSON: the text itself
	}
	return text.slice(0, 200);
}

/** POSTs one attempt and records its answer on the delivery; a failure to connect or a cut connection is status 0. */
export async function post(url: string, delivery: Delivery, headers: SignedHeaders, timeoutMs = 120_000): Promise<Answer> {
	const sentAt = performance.now();
	let answer: Answer;
	try {
		const response = await fetch(url, { method: 'POST', headers: { ...headers }, body: delivery.body, signal: AbortSignal.timeout(timeoutMs) });
		const text = await response.text();
		let started: boolean | undefined;
		try {
			started = (JSON.parse(text) as { started?: boolean }).started;
		} catch {
			started = undefined;
		}
		answer = { status: response.status, started, ms: performance.now() - sentAt };
		if (!response.ok) answer.failure = failureOf(text);
	} catch (error) {
		answer = { status: 0, failure: error instanceof Error ? `${error.name}: ${error.message}` : String(error), ms: performance.now() - sentAt };
	}
	delivery.statuses.push(answer.status);
	if (answer.started !== undefined) delivery.started = answer.started;
	return answer;
}

/** The first attempt, signed as it is sent. */
export async function sendFirst(url: string, secret: string, delivery: Delivery): Promise<Answer> {
	delivery.first = signChatwoot(secret, delivery.body, delivery.id);
	return await post(url, delivery, delivery.first);
}

/** A resend as Chatwoot's retries are: the same delivery id and body, a new timestamp and signature. */
export const resend = async (url: string, secret: string, delivery: Delivery): Promise<Answer> =>
	await post(url, delivery, signChatwoot(secret, delivery.body, delivery.id));

/** The first attempt again, byte for byte (a replay by whoever captured it). */
export async function replay(url: string, delivery: Delivery): Promise<Answer> {
	if (delivery.first === undefined) throw new Error(`delivery ${delivery.id} was never sent`);
	return await post(url, delivery, delivery.first);
}

export const answered = (delivery: Delivery): boolean => delivery.statuses.some((status) => status >= 200 && status < 300);

/** Runs `task` over `items`, `concurrency` at a time; resolves with the results in order. */
export async function pool<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
	const results: R[] = new Array<R>(items.length);
	let next = 0;
	const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await task(items[index]);
		}
	});
	await Promise.all(lanes);
	return results;
}

/**
 * Resends every delivery that has no 2xx answer yet, until each has one: what a platform that retries
 * failures does once the receiver is back. A 429 ("being processed") is sent again after a pause.
 * Returns how many rounds it took.
 */
export async function resendUntilAnswered(
	url: string,
	secret: string,
	deliveries: Delivery[],
	{ concurrency = 50, timeoutMs = 180_000, what = 'deliveries' }: { concurrency?: number; timeoutMs?: number; what?: string } = {},
): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	for (let round = 0; ; round++) {
		const pending = deliveries.filter((delivery) => !answered(delivery));
		if (pending.length === 0) return round;
		if (Date.now() > deadline) {
			const last = pending.slice(0, 5).map((delivery) => `${delivery.id}: ${Object.entries(countBy(delivery.statuses)).map(([status, times]) => `${status} x${times}`).join(', ')}`);
			throw new Error(`${pending.length} ${what} still without a 2xx answer after ${round} rounds: ${last.join('; ')}`);
		}
		if (round > 0) await sleep(500);
		await pool(pending, concurrency, async (delivery) => await resend(url, secret, delivery));
	}
}

/** How many times each value occurs, for diagnostics. */
export const countBy = (values: Array<string | number>): Record<string, number> =>
	values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [String(value)]: (counts[String(value)] ?? 0) + 1 }), {});

/** Percentiles of answer times, for diagnostics. */
export function timing(answers: Answer[], wallMs: number): string {
	const sorted = answers.map((answer) => answer.ms).sort((a, b) => a - b);
	const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
	const mean = sorted.reduce((sum, ms) => sum + ms, 0) / Math.max(1, sorted.length);
	return `${answers.length} in ${(wallMs / 1000).toFixed(1)} s (${(answers.length / (wallMs / 1000)).toFixed(0)}/s); answer time mean ${Math.round(mean)} ms, p50 ${at(0.5)}, p95 ${at(0.95)}, max ${at(1)}`;
}

/** One effect the recorder received: which workflow (the path) and which delivery. */
export interface Effect {
	label: string;
	deliveryId: string;
}

/**
 * An HTTP server that counts the effects of executions: each execution of a recording workflow posts
 * `{"deliveryId": …}` to `<url>/<label>`. An effect counts once it arrives; the answer can be held for a while,
 * as a real API call takes time, so that a crash finds executions in the middle of their work.
 */
export class EffectRecorder {
	private constructor(
		private readonly server: Server,
		readonly url: string,
		/** Every effect in the order received. */
		readonly effects: Effect[],
	) {}

	static async start({ answerAfterMs = 0 }: { answerAfterMs?: number } = {}): Promise<EffectRecorder> {
		const effects: Effect[] = [];
		const server = createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				const { deliveryId } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { deliveryId?: string };
				effects.push({ label: (request.url ?? '/').slice(1), deliveryId: deliveryId ?? '' });
				setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"recorded":true}'), answerAfterMs);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return new EffectRecorder(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`, effects);
	}

	/** Effects per delivery id for one label. */
	counts(label: string): Map<string, number> {
		const counts = new Map<string, number>();
		for (const effect of this.effects) if (effect.label === label) counts.set(effect.deliveryId, (counts.get(effect.deliveryId) ?? 0) + 1);
		return counts;
	}

	count(label: string): number {
		return this.effects.filter((effect) => effect.label === label).length;
	}

	/** Waits until `label` has at least `count` effects. */
	async waitFor(label: string, count: number, timeoutMs = 120_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (this.count(label) < count) {
			if (Date.now() > deadline) throw new Error(`only ${this.count(label)} of ${count} effects of ${label} within ${timeoutMs} ms`);
			await sleep(50);
		}
	}

	/** The node that records an effect: an HTTP Request posting the trigger item's delivery id to `<url>/<label>`. */
	node(label: string, name = 'Record Effect'): NodeSpec {
		return {
			name,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: `${this.url}/${label}`,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify({ deliveryId: $json.deliveryId }) }}',
				options: {},
			},
		};
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
