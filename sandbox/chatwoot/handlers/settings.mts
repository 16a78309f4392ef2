// Account settings: labels, canned responses, custom attribute definitions, webhooks, notifications.
import {
	bodyOf,
	notFound,
	ok,
	pageSlice,
	pathInt,
	queryText,
	unprocessable,
	type ChatwootContext,
	type ChatwootHandlers,
} from '../handler-kit.mts';
import {
	WEBHOOK_EVENTS,
	type CannedResponseRecord,
	type CustomAttributeDefinitionRecord,
	type LabelRecord,
	type NotificationRecord,
	type WebhookEvent,
	type WebhookRecord,
} from '../records.mts';

const NOTIFICATIONS_PER_PAGE = 15;
/** `attribute_display_type` as Chatwoot's enum (the API takes the index). */
const DISPLAY_TYPES = ['text', 'number', 'currency', 'percent', 'link', 'date', 'list', 'checkbox'];
const ATTRIBUTE_MODELS = ['conversation_attribute', 'contact_attribute'] as const;

function owned<T extends { account_id: number }>(
	context: ChatwootContext,
	map: Map<number, T>,
	id: number,
): T {
	const record = map.get(id);
	if (record === undefined || record.account_id !== context.accountId) throw notFound();
	return record;
}

function labelView(label: LabelRecord) {
	return {
		id: label.id,
		title: label.title,
		description: label.description,
		color: label.color,
		show_on_sidebar: label.show_on_sidebar,
	};
}

function cannedView(canned: CannedResponseRecord) {
	return {
		id: canned.id,
		account_id: canned.account_id,
		short_code: canned.short_code,
		content: canned.content,
		created_at: new Date(canned.created_at).toISOString(),
		updated_at: new Date(canned.updated_at).toISOString(),
	};
}

function attributeView(definition: CustomAttributeDefinitionRecord) {
	return {
		...definition,
		attribute_values: definition.attribute_values,
		created_at: new Date(definition.created_at).toISOString(),
		updated_at: new Date(definition.updated_at).toISOString(),
	};
}

/** Label titles: lower case letters, digits, `-` and `_` (Chatwoot downcases and validates them). */
function labelTitle(context: ChatwootContext, title: string | undefined, except?: number): string {
	const normalized = (title ?? '').trim().toLowerCase();
	if (normalized === '') throw unprocessable("Title can't be blank", ['title']);
	if (!/^[\p{L}\p{N}_-]+$/u.test(normalized)) throw unprocessable('Title is invalid', ['title']);
	if (
		[...context.state.labels.values()].some(
			(l) => l.account_id === context.accountId && l.id !== except && l.title === normalized,
		)
	)
		throw unprocessable('Title has already been taken', ['title']);
	return normalized;
}

function webhookUrl(context: ChatwootContext, url: string, except?: number): string {
	if (
		[...context.state.webhooks.values()].some(
			(w) => w.account_id === context.accountId && w.id !== except && w.url === url,
		)
	)
		throw unprocessable('Url has already been taken', ['url']);
	return url;
}

function userNotifications(context: ChatwootContext): NotificationRecord[] {
	const userId = context.caller.kind === 'user' ? context.caller.user.id : -1;
	return [...context.state.notifications.values()]
		.filter((n) => n.account_id === context.accountId && n.user_id === userId)
		.sort((a, b) => b.last_activity_at - a.last_activity_at || b.id - a.id);
}

function notificationOf(context: ChatwootContext, id: number): NotificationRecord {
	const notification = userNotifications(context).find((n) => n.id === id);
	if (notification === undefined) throw notFound();
	return notification;
}

export const settingsHandlers: ChatwootHandlers = {
	'list-all-labels': (_request, context) =>
		ok({
			payload: [...context.state.labels.values()]
				.filter((l) => l.account_id === context.accountId)
				.map(labelView),
		}),

	'create-a-label': (request, context) => {
		const body = bodyOf<{
			title?: string;
			description?: string;
			color?: string;
			show_on_sidebar?: boolean;
		}>(request);
		const id = context.state.nextId('labels');
		const label: LabelRecord = {
			id,
			account_id: context.accountId,
			title: labelTitle(context, body.title),
			description: body.description ?? null,
			color: body.color ?? '#1f93ff',
			show_on_sidebar: body.show_on_sidebar ?? true,
		};
		context.state.labels.set(id, label);
		return ok(labelView(label));
	},

	'get-details-of-a-single-label': (request, context) =>
		ok(labelView(owned(context, context.state.labels, pathInt(request, 'id')))),

	'update-a-label': (request, context) => {
		const label = owned(context, context.state.labels, pathInt(request, 'id'));
		const body = bodyOf<{
			title?: string;
			description?: string;
			color?: string;
			show_on_sidebar?: boolean;
		}>(request);
		if (body.title !== undefined) label.title = labelTitle(context, body.title, label.id);
		if (body.description !== undefined) label.description = body.description;
		if (body.color !== undefined) label.color = body.color;
		if (body.show_on_sidebar !== undefined) label.show_on_sidebar = body.show_on_sidebar;
		return ok(labelView(label));
	},

	'delete-a-label': (request, context) => {
		context.state.labels.delete(owned(context, context.state.labels, pathInt(request, 'id')).id);
		return ok();
	},

	'get-account-canned-response': (_request, context) =>
		ok(
			[...context.state.cannedResponses.values()]
				.filter((c) => c.account_id === context.accountId)
				.map(cannedView),
		),

	'add-new-canned-response-to-account': (request, context) => {
		const body = bodyOf<{ short_code?: string; content?: string }>(request);
		if (!body.short_code) throw unprocessable("Short code can't be blank", ['short_code']);
		if (!body.content) throw unprocessable("Content can't be blank", ['content']);
		if (
			[...context.state.cannedResponses.values()].some(
				(c) => c.account_id === context.accountId && c.short_code === body.short_code,
			)
		)
			throw unprocessable('Short code has already been taken', ['short_code']);
		const now = Date.now();
		const canned: CannedResponseRecord = {
			id: context.state.nextId('canned_responses'),
			account_id: context.accountId,
			short_code: body.short_code,
			content: body.content,
			created_at: now,
			updated_at: now,
		};
		context.state.cannedResponses.set(canned.id, canned);
		return ok(cannedView(canned));
	},

	'update-canned-response-in-account': (request, context) => {
		const canned = owned(context, context.state.cannedResponses, pathInt(request, 'id'));
		const body = bodyOf<{ short_code?: string; content?: string }>(request);
		if (body.short_code !== undefined) canned.short_code = body.short_code;
		if (body.content !== undefined) canned.content = body.content;
		canned.updated_at = Date.now();
		return ok(cannedView(canned));
	},

	'delete-canned-response-from-account': (request, context) => {
		context.state.cannedResponses.delete(
			owned(context, context.state.cannedResponses, pathInt(request, 'id')).id,
		);
		return ok();
	},

	'get-account-custom-attribute': (request, context) => {
		const model = ATTRIBUTE_MODELS[Number(queryText(request, 'attribute_model') ?? 0)];
		return ok(
			[...context.state.customAttributes.values()]
				.filter((d) => d.account_id === context.accountId && d.attribute_model === model)
				.map(attributeView),
		);
	},

	'add-new-custom-attribute-to-account': (request, context) => {
		const body = bodyOf<{
			attribute_display_name?: string;
			attribute_display_type?: number;
			attribute_description?: string;
			attribute_key?: string;
			attribute_values?: string[];
			attribute_model?: number;
			regex_pattern?: string;
			regex_cue?: string;
		}>(request);
		if (!body.attribute_display_name)
			throw unprocessable("Attribute display name can't be blank", ['attribute_display_name']);
		const key =
			body.attribute_key ?? body.attribute_display_name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
		const model = ATTRIBUTE_MODELS[body.attribute_model ?? 0] ?? 'conversation_attribute';
		if (
			[...context.state.customAttributes.values()].some(
				(d) =>
					d.account_id === context.accountId &&
					d.attribute_model === model &&
					d.attribute_key === key,
			)
		)
			throw unprocessable('Attribute key has already been taken', ['attribute_key']);
		const now = Date.now();
		const definition: CustomAttributeDefinitionRecord = {
			id: context.state.nextId('custom_attribute_definitions'),
			account_id: context.accountId,
			attribute_display_name: body.attribute_display_name,
			attribute_display_type: DISPLAY_TYPES[body.attribute_display_type ?? 0] ?? 'text',
			attribute_description: body.attribute_description ?? null,
			attribute_key: key,
			attribute_values: body.attribute_values ?? [],
			attribute_model: model,
			default_value: null,
			regex_pattern: body.regex_pattern ?? null,
			regex_cue: body.regex_cue ?? null,
			created_at: now,
			updated_at: now,
		};
		context.state.customAttributes.set(definition.id, definition);
		return ok(attributeView(definition));
	},

	'get-details-of-a-single-custom-attribute': (request, context) =>
		ok(attributeView(owned(context, context.state.customAttributes, pathInt(request, 'id')))),

	'update-custom-attribute-in-account': (request, context) => {
		const definition = owned(context, context.state.customAttributes, pathInt(request, 'id'));
		const body = bodyOf<{
			attribute_display_name?: string;
			attribute_display_type?: number;
			attribute_description?: string;
			attribute_values?: string[];
			regex_pattern?: string;
			regex_cue?: string;
		}>(request);
		if (body.attribute_display_name !== undefined)
			definition.attribute_display_name = body.attribute_display_name;
		if (body.attribute_display_type !== undefined)
			definition.attribute_display_type =
				DISPLAY_TYPES[body.attribute_display_type] ?? definition.attribute_display_type;
		if (body.attribute_description !== undefined)
			definition.attribute_description = body.attribute_description;
		if (body.attribute_values !== undefined) definition.attribute_values = body.attribute_values;
		if (body.regex_pattern !== undefined) definition.regex_pattern = body.regex_pattern;
		if (body.regex_cue !== undefined) definition.regex_cue = body.regex_cue;
		definition.updated_at = Date.now();
		return ok(attributeView(definition));
	},

	'delete-custom-attribute-from-account': (request, context) => {
		context.state.customAttributes.delete(
			owned(context, context.state.customAttributes, pathInt(request, 'id')).id,
		);
		return ok();
	},

	// ---- webhooks ----

	'list-all-webhooks': (_request, context) =>
		ok({
			payload: {
				webhooks: [...context.state.webhooks.values()]
					.filter((w) => w.account_id === context.accountId)
					.map((w) => context.views.webhook(w)),
			},
		}),

	'create-a-webhook': (request, context) => {
		const body = bodyOf<{
			url: string;
			name?: string;
			subscriptions: WebhookEvent[];
			inbox_id?: number;
		}>(request);
		const webhook: WebhookRecord = {
			id: context.state.nextId('webhooks'),
			account_id: context.accountId,
			name: body.name ?? null,
			url: webhookUrl(context, body.url),
			subscriptions: body.subscriptions.filter((s) =>
				(WEBHOOK_EVENTS as readonly string[]).includes(s),
			),
			inbox_id: body.inbox_id ?? null,
			secret: context.state.newToken(32),
		};
		context.state.webhooks.set(webhook.id, webhook);
		return ok({ payload: { webhook: context.views.webhook(webhook) } });
	},

	'update-a-webhook': (request, context) => {
		const webhook = owned(context, context.state.webhooks, pathInt(request, 'webhook_id'));
		const body = bodyOf<{ url?: string; name?: string; subscriptions?: WebhookEvent[] }>(request);
		if (body.url !== undefined) webhook.url = webhookUrl(context, body.url, webhook.id);
		if (body.name !== undefined) webhook.name = body.name;
		if (body.subscriptions !== undefined) webhook.subscriptions = body.subscriptions;
		return ok({ payload: { webhook: context.views.webhook(webhook) } });
	},

	'delete-a-webhook': (request, context) => {
		context.state.webhooks.delete(
			owned(context, context.state.webhooks, pathInt(request, 'webhook_id')).id,
		);
		return ok();
	},

	// ---- notifications of the token user ----

	'list-all-notifications': (request, context) => {
		const notifications = userNotifications(context);
		const page = Number(request.query.page ?? 1);
		return ok({
			data: {
				meta: {
					count: notifications.length,
					unread_count: notifications.filter((n) => n.read_at === null).length,
					current_page: page,
				},
				payload: pageSlice(notifications, page, NOTIFICATIONS_PER_PAGE).map((n) =>
					context.views.notification(n),
				),
			},
		});
	},

	'get-notification-unread-count': (_request, context) =>
		ok(userNotifications(context).filter((n) => n.read_at === null).length),

	'read-all-notifications': (request, context) => {
		const body = bodyOf<{ primary_actor_type?: string; primary_actor_id?: number }>(request);
		const now = Date.now();
		for (const n of userNotifications(context)) {
			const conversation = context.state.conversations.get(n.primary_actor_id);
			if (body.primary_actor_id === undefined || conversation?.display_id === body.primary_actor_id)
				n.read_at ??= now;
		}
		return ok();
	},

	'delete-all-notifications': (request, context) => {
		const onlyRead = bodyOf<{ type?: 'all' | 'read' }>(request).type === 'read';
		for (const n of userNotifications(context))
			if (!onlyRead || n.read_at !== null) context.state.notifications.delete(n.id);
		return ok();
	},

	'read-a-notification': (request, context) => {
		const notification = notificationOf(context, pathInt(request, 'id'));
		notification.read_at ??= Date.now();
		return ok(context.views.notification(notification));
	},

	'unread-a-notification': (request, context) => {
		notificationOf(context, pathInt(request, 'id')).read_at = null;
		return ok();
	},

	'delete-a-notification': (request, context) => {
		context.state.notifications.delete(notificationOf(context, pathInt(request, 'id')).id);
		return ok();
	},

	'snooze-a-notification': (request, context) => {
		const notification = notificationOf(context, pathInt(request, 'id'));
		const until = bodyOf<{ snoozed_until: string | number }>(request).snoozed_until;
		const ms = typeof until === 'number' ? until * 1000 : Date.parse(until);
		if (Number.isNaN(ms))
			throw unprocessable('Snoozed until is not a valid time', ['snoozed_until']);
		notification.snoozed_until = ms;
		return ok(context.views.notification(notification));
	},
};
