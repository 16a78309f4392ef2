// Outgoing account webhooks, signed like Chatwoot's Webhooks::Trigger: the body is the event payload
// with `event` merged in; `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`,
// `X-Chatwoot-Timestamp` (unix seconds) and `X-Chatwoot-Delivery` (uuid). Options produce the broken
// deliveries a trigger must refuse or deduplicate.
import { createHmac, randomUUID } from 'node:crypto';
import type { Json, WebhookEvent, WebhookRecord } from './records.mts';
import type { ChatwootState, WebhookDelivery } from './state.mts';

export interface EmitOptions {
	/** Account whose webhooks receive the event (default: the seeded account). */
	accountId?: number;
	/** Only this webhook (default: every webhook of the account subscribed to the event). */
	webhookId?: number;
	/** Send the same delivery (same body and `X-Chatwoot-Delivery`) this many times, as a retrying sender would. */
	repeat?: number;
	/** Reuse this delivery id, e.g. to resend an earlier delivery. */
	deliveryId?: string;
	/** Sign with this secret instead of the webhook's own (a forged or outdated signature). */
	secret?: string;
	/** Shift `X-Chatwoot-Timestamp` by this many seconds (negative = stale). */
	timestampOffsetSeconds?: number;
	/** Leave out `X-Chatwoot-Signature`. */
	omitSignature?: boolean;
	/** Send the first half of the JSON body (signed as sent). */
	malformedBody?: boolean;
}

function chatwootSignature(secret: string, timestamp: number, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function inboxIdOf(payload: Json): number | undefined {
	const inbox = payload.inbox as Json | undefined;
	const id = inbox?.id ?? payload.inbox_id;
	return typeof id === 'number' ? id : undefined;
}

function targetsOf(
	state: ChatwootState,
	event: WebhookEvent,
	payload: Json,
	options: EmitOptions,
): WebhookRecord[] {
	const accountId = options.accountId ?? state.seed.accountId;
	const inboxId = inboxIdOf(payload);
	return [...state.webhooks.values()].filter(
		(w) =>
			w.account_id === accountId &&
			(options.webhookId === undefined
				? w.subscriptions.includes(event)
				: w.id === options.webhookId) &&
			(w.inbox_id === null || inboxId === undefined || w.inbox_id === inboxId),
	);
}

/** Loopback and private-network URLs: the only ones the sandbox calls unless told otherwise. */
function isLocalUrl(url: string): boolean {
	let host: string;
	try {
		host = new URL(url).hostname.replace(/^\[|\]$/g, '');
	} catch {
		return false;
	}
	return (
		host === 'localhost' ||
		host === 'host.docker.internal' ||
		host === '::1' ||
		/^(127|10)\./.test(host) ||
		/^192\.168\./.test(host) ||
		/^172\.(1[6-9]|2\d|3[01])\./.test(host)
	);
}

export class WebhookEmitter {
	private readonly closing = new AbortController();

	constructor(
		private readonly state: ChatwootState,
		/** Also call public hosts (default: local ones only, so tests never reach the internet). */
		private readonly anyHost = false,
	) {}

	/** POSTs `event` to the subscribed webhooks; every attempt is returned and kept in `state.webhookDeliveries`. */
	async deliver(
		event: WebhookEvent,
		payload: Json,
		options: EmitOptions = {},
	): Promise<WebhookDelivery[]> {
		const json = JSON.stringify({ ...payload, event });
		const body = options.malformedBody ? json.slice(0, Math.floor(json.length / 2)) : json;
		const deliveries: WebhookDelivery[] = [];
		for (const webhook of targetsOf(this.state, event, payload, options)) {
			const deliveryId = options.deliveryId ?? randomUUID();
			for (let attempt = 1; attempt <= (options.repeat ?? 1); attempt++) {
				const timestamp = Math.floor(Date.now() / 1000) + (options.timestampOffsetSeconds ?? 0);
				const signature = options.omitSignature
					? null
					: chatwootSignature(options.secret ?? webhook.secret, timestamp, body);
				const delivery: WebhookDelivery = {
					webhookId: webhook.id,
					url: webhook.url,
					event,
					deliveryId,
					timestamp,
					signature,
					body,
					attempt,
					status: null,
					error: null,
				};
				if (this.anyHost || isLocalUrl(webhook.url)) await this.post(delivery);
				else
					delivery.error =
						'not sent: the sandbox calls only local addresses (option webhookHosts: "any")';
				this.state.recordDelivery(delivery);
				deliveries.push(delivery);
			}
		}
		return deliveries;
	}

	/** Aborts deliveries still in flight (the sandbox is closing). */
	close(): void {
		this.closing.abort();
	}

	private async post(delivery: WebhookDelivery): Promise<void> {
		const headers: Record<string, string> = {
			'content-type': 'application/json',
			'x-chatwoot-timestamp': String(delivery.timestamp),
			'x-chatwoot-delivery': delivery.deliveryId,
			...(delivery.signature === null ? {} : { 'x-chatwoot-signature': delivery.signature }),
		};
		try {
			const response = await fetch(delivery.url, {
				method: 'POST',
				headers,
				body: delivery.body,
				signal: AbortSignal.any([AbortSignal.timeout(5_000), this.closing.signal]),
			});
			await response.arrayBuffer();
			delivery.status = response.status;
		} catch (error) {
			delivery.error = (error as Error).message;
		}
	}
}
