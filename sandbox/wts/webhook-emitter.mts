// Outgoing webhooks: POST `{eventType, date, content, changeMetadata?}` to enabled subscriptions.
import type { ValidationIssue } from '../core/schema-validator.mts';
import type { WebhookEventName } from './records.mts';
import type { WtsState } from './state.mts';

export interface EmitOptions {
	/** Deliver the same payload this many times, as a retrying sender would (default 1). */
	repeat?: number;
	/** Rewrites each target URL, e.g. to drop the secret query parameter a trigger checks. */
	alterUrl?: (url: URL) => URL | string;
	/** JSON-friendly variant of `alterUrl` (admin API): query parameters to remove from the URL. */
	removeQueryParams?: string[];
	changeMetadata?: Record<string, unknown> | null;
	/** Only this subscription (default: every enabled subscription of the event). */
	subscriptionId?: string;
}

export interface WebhookDelivery {
	subscriptionId: string;
	url: string;
	/** 1-based attempt number (several with `repeat`). */
	attempt: number;
	/** HTTP status of the receiver, or null when the request failed. */
	status: number | null;
	error: string | null;
	payload: Record<string, unknown>;
}

/** The API's timestamps carry 7 fractional digits (.NET ticks): `2025-01-01T12:00:00.1230000Z`. */
function dotNetTimestamp(date = new Date()): string {
	return date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export async function deliverWebhook(
	state: WtsState,
	validatePayload:
		| ((eventType: WebhookEventName, payload: Record<string, unknown>) => ValidationIssue[])
		| null,
	/** A receiver that has not answered by then fails the delivery (status null). */
	timeoutMs: number,
	eventType: WebhookEventName,
	content: Record<string, unknown>,
	options: EmitOptions = {},
): Promise<WebhookDelivery[]> {
	const payload: Record<string, unknown> = { eventType, date: dotNetTimestamp(), content };
	if (options.changeMetadata !== undefined) payload.changeMetadata = options.changeMetadata;
	const issues = validatePayload?.(eventType, payload) ?? [];
	if (issues.length > 0)
		throw new Error(
			`Webhook ${eventType} payload breaks the contract: ${issues.map((i) => i.message).join('; ')}`,
		);

	const targets = [...state.webhookSubscriptions.values()].filter(
		(s) =>
			s.enabled &&
			s.events.includes(eventType) &&
			(options.subscriptionId === undefined || s.id === options.subscriptionId),
	);
	const deliveries: WebhookDelivery[] = [];
	for (const subscription of targets) {
		let url = new URL(subscription.url);
		for (const name of options.removeQueryParams ?? []) url.searchParams.delete(name);
		if (options.alterUrl) url = new URL(String(options.alterUrl(url)));
		for (let attempt = 1; attempt <= (options.repeat ?? 1); attempt++) {
			try {
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'user-agent': 'WTS-Webhook-Sandbox' },
					body: JSON.stringify(payload),
					signal: AbortSignal.timeout(timeoutMs),
				});
				await response.arrayBuffer();
				deliveries.push({
					subscriptionId: subscription.id,
					url: url.toString(),
					attempt,
					status: response.status,
					error: null,
					payload,
				});
			} catch (error) {
				deliveries.push({
					subscriptionId: subscription.id,
					url: url.toString(),
					attempt,
					status: null,
					error: (error as Error).message,
					payload,
				});
			}
		}
	}
	return deliveries;
}
