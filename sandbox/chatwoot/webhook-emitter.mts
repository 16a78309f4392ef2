// Outgoing account webhooks, signed like Chatwoot's Webhooks::Trigger: the body is the event payload
// with `event` merged in; `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`,
// `X-Chatwoot-Timestamp` (unix seconds) and `X-Chatwoot-Delivery` (uuid). Options produce the broken
// deliveries a trigger must refuse or deduplicate.
import { createHmac, randomUUID } from 'node:crypto';
import { MESSAGE_TYPES, type Json, type WebhookEvent, type WebhookRecord } from './records.mts';
import type { AgentBotDelivery, ChatwootState, WebhookDelivery } from './state.mts';

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

/** Events Chatwoot sends an agent bot (app/listeners/agent_bot_listener.rb:2-61). */
export const AGENT_BOT_EVENTS = [
	'conversation_resolved',
	'conversation_opened',
	'conversation_status_changed',
	'conversation_updated',
	'message_created',
	'message_updated',
	'webwidget_triggered',
] as const;
export type AgentBotEvent = (typeof AGENT_BOT_EVENTS)[number];

/** Answers after which Chatwoot sends an agent-bot delivery again (lib/webhooks/trigger.rb:3, 125-127). */
const RETRYABLE_BOT_STATUSES = [429, 500];
/** Attempts in all, the first included (app/jobs/agent_bots/webhook_job.rb:3, `attempts: 3`). */
const BOT_ATTEMPTS = 3;

export interface BotEmitOptions {
	/** Only this bot (default: the bot connected to the payload's inbox). */
	agentBotId?: number;
	/**
	 * Send the same delivery this many times whatever the answers, each freshly timestamped and signed with
	 * the same `X-Chatwoot-Delivery`, as Chatwoot's retries are (default: Chatwoot's retry policy).
	 */
	repeat?: number;
	/** Reuse this delivery id. */
	deliveryId?: string;
	/** Sign with this secret instead of the bot's own. */
	secret?: string;
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
		/** Wait before a retried agent-bot delivery (Chatwoot: `wait: 3.seconds`, webhook_job.rb:3). */
		private readonly botRetryDelayMs = 3_000,
		/** A receiver that has not answered by then fails the delivery (Chatwoot: WEBHOOK_TIMEOUT, 5 s). */
		private readonly timeoutMs = 5_000,
	) {}

	/**
	 * POSTs `event` to the agent bot connected to the payload's inbox, as AgentBots::WebhookJob does: signed with
	 * the bot's secret like account webhooks, sent again on 429 and 500 after a pause, up to three attempts with
	 * the same delivery id. When a message event finally fails, a pending conversation is opened for the humans
	 * (Webhooks::Trigger#handle_error, lib/webhooks/trigger.rb:65-84). Every attempt is returned and kept in
	 * `state.agentBotDeliveries`.
	 */
	async deliverToBot(event: AgentBotEvent, payload: Json, options: BotEmitOptions = {}): Promise<AgentBotDelivery[]> {
		const inboxId = inboxIdOf(payload);
		const bot =
			options.agentBotId !== undefined
				? this.state.agentBots.get(options.agentBotId)
				: inboxId === undefined
					? undefined
					: this.state.inboxBot(inboxId);
		if (!bot?.outgoing_url) return [];
		const body = JSON.stringify({ ...payload, event });
		const deliveryId = options.deliveryId ?? randomUUID();
		const attempts: AgentBotDelivery[] = [];
		for (let attempt = 1; ; attempt++) {
			const timestamp = Math.floor(Date.now() / 1000);
			const delivery: AgentBotDelivery = {
				agentBotId: bot.id,
				url: bot.outgoing_url,
				event,
				deliveryId,
				timestamp,
				signature: chatwootSignature(options.secret ?? bot.secret, timestamp, body),
				body,
				attempt,
				status: null,
				error: null,
			};
			if (this.anyHost || isLocalUrl(delivery.url)) await this.post(delivery);
			else delivery.error = 'not sent: the sandbox calls only local addresses (option webhookHosts: "any")';
			this.state.recordAgentBotDelivery(delivery);
			attempts.push(delivery);
			if (options.repeat !== undefined) {
				if (attempt >= options.repeat) break;
				continue;
			}
			const retryable = delivery.status !== null && RETRYABLE_BOT_STATUSES.includes(delivery.status);
			if (!retryable || attempt >= BOT_ATTEMPTS || this.closing.signal.aborted) break;
			await new Promise((resolve) => setTimeout(resolve, this.botRetryDelayMs));
		}
		const last = attempts[attempts.length - 1];
		const failed = last.status === null || last.status >= 300;
		if (failed && options.repeat === undefined && (event === 'message_created' || event === 'message_updated'))
			this.openForHumans(payload);
		return attempts;
	}

	/** A pending conversation whose bot could not be reached goes to the humans, with an activity note. */
	private openForHumans(payload: Json): void {
		const accountId = (payload.account as Json | undefined)?.id;
		const displayId = (payload.conversation as Json | undefined)?.id;
		if (typeof accountId !== 'number' || typeof displayId !== 'number') return;
		const conversation = this.state.conversationByDisplayId(accountId, displayId);
		if (conversation?.status !== 'pending') return;
		conversation.status = 'open';
		conversation.updated_at = Date.now();
		this.state.addMessage(conversation, {
			content: 'Agent bot could not be reached; the conversation was moved to open',
			message_type: MESSAGE_TYPES.activity,
		});
		this.state.touch();
	}

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

	private async post(delivery: WebhookDelivery | AgentBotDelivery): Promise<void> {
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
				signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.closing.signal]),
			});
			await response.arrayBuffer();
			delivery.status = response.status;
		} catch (error) {
			delivery.error = (error as Error).message;
		}
	}
}
