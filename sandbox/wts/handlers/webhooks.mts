// Webhook subscriptions CRUD and the event catalogue.
import { toSubscription, WEBHOOK_EVENT_DESCRIPTIONS } from '../dto.mts';
import { bodyOf, ok, pathParam, type WtsHandlers } from '../handler-kit.mts';
import type { WebhookEventName, WebhookSubscriptionRecord } from '../records.mts';

interface SubscriptionCreateBody {
	name: string;
	url: string;
	enabled?: boolean | null;
	events: WebhookEventName[];
}
interface SubscriptionUpdateBody {
	fields: Array<'Name' | 'Url' | 'Events' | 'Enabled'>;
	name?: string | null;
	url?: string | null;
	enabled?: boolean | null;
	events?: WebhookEventName[] | null;
}

export const webhookHandlers: WtsHandlers = {
	listWebhookEvents: () =>
		ok(
			Object.entries(WEBHOOK_EVENT_DESCRIPTIONS).map(([event, description]) => ({
				event,
				description,
			})),
		),

	listWebhookSubscriptions: (_request, { state }) =>
		ok([...state.webhookSubscriptions.values()].map(toSubscription)),

	createWebhookSubscription: (request, { state }) => {
		const body = bodyOf<SubscriptionCreateBody>(request);
		const now = state.nowIso();
		const record: WebhookSubscriptionRecord = {
			id: state.nextId(),
			createdAt: now,
			updatedAt: now,
			name: body.name,
			url: body.url,
			enabled: body.enabled ?? true,
			events: [...new Set(body.events)],
		};
		state.webhookSubscriptions.set(record.id, record);
		return ok(toSubscription(record));
	},

	getWebhookSubscription: (request, { state }) =>
		ok(toSubscription(state.subscription(pathParam(request, 'subscriptionId')))),

	updateWebhookSubscription: (request, { state }) => {
		const current = state.subscription(pathParam(request, 'subscriptionId'));
		const body = bodyOf<SubscriptionUpdateBody>(request);
		const next = { ...current, updatedAt: state.nowIso() };
		// Masked fields sent as null keep their value: name, url and events cannot be empty.
		if (body.fields.includes('Name')) next.name = body.name ?? current.name;
		if (body.fields.includes('Url')) next.url = body.url ?? current.url;
		if (body.fields.includes('Enabled')) next.enabled = body.enabled ?? current.enabled;
		if (body.fields.includes('Events'))
			next.events = body.events ? [...new Set(body.events)] : current.events;
		state.webhookSubscriptions.set(next.id, next);
		return ok(toSubscription(next));
	},

	deleteWebhookSubscription: (request, { state }) => {
		state.webhookSubscriptions.delete(state.subscription(pathParam(request, 'subscriptionId')).id);
		return ok();
	},
};
