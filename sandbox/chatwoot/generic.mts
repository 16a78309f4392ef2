// Generic answers for the operations without a dedicated model (macros, portals, Captain, SLA...),
// derived from the path alone:
//   `.../things` with a list GET or a `.../things/{id}` sibling is a collection: GET lists, POST creates
//     a record (numeric id, timestamps, parent ids from the path);
//   `.../things/{id}` is an item: GET returns it or 404, PATCH/PUT merge the body, DELETE removes it;
//   another path with a GET is a singleton resource (settings): GET reads, writes merge, DELETE clears;
//   anything else is an action: it answers from its parent record (404 when the parent is missing).
// Records are stored per concrete collection path, so each account and each parent has its own.
// Every collection starts with one record (id 1) sampled from the contract's schema; collections under
// a modelled record are seeded under one representative of it (contact seed.contactIds[0], conversation
// seed.longConversationId, inbox seed.inboxIds.api, ... see MODELLED_ITEMS).
import type { OperationRequest } from '../core/http-server.mts';
import {
	derefSchema,
	type ContractOperation,
	type OpenApiDocument,
	type SchemaObject,
} from '../core/openapi.mts';
import type { ResponseShaper } from './conform.mts';
import { CHATWOOT_OPERATIONS, normalizedTemplate, paginationOf } from './contract.mts';
import {
	notFound,
	pageSlice,
	type ChatwootContext,
	type ChatwootResponse,
} from './handler-kit.mts';
import type { GenericRecord, Json } from './records.mts';
import type { ChatwootState } from './state.mts';

type RouteKind = 'item' | 'collection' | 'singleton' | 'action';

interface GenericRoute {
	kind: RouteKind;
	/** Raw template of the collection (item and collection routes). */
	collectionTemplate: string | null;
	/** Raw template of the item this path hangs under, if any (`.../assistants/{id}/scenarios` -> `.../assistants/{id}`). */
	parentItemTemplate: string | null;
}

interface GenericCollection {
	template: string;
	/** Schema of one record, used to sample the seed record. */
	recordSchema: SchemaObject | undefined;
}

/** A model resource with its own handlers: existence checks for paths that hang under it. */
interface ModelledItem {
	exists: (state: ChatwootState, values: string[]) => boolean;
	/** Id used when seeding generic collections under this resource. */
	representative: (state: ChatwootState) => string;
}

const accountScoped =
	(
		find: (state: ChatwootState, accountId: number, id: number) => boolean,
	): ModelledItem['exists'] =>
	(state, values) =>
		find(state, Number(values[0]), Number(values[1]));

const MODELLED_ITEMS: Record<string, ModelledItem> = {
	'/api/v1/accounts/{}/contacts/{}': {
		exists: accountScoped((s, a, id) => s.contacts.get(id)?.account_id === a),
		representative: (s) => String(s.seed.contactIds[0]),
	},
	'/api/v1/accounts/{}/conversations/{}': {
		exists: accountScoped((s, a, id) => s.conversationByDisplayId(a, id) !== undefined),
		representative: (s) => String(s.seed.longConversationId),
	},
	'/api/v1/accounts/{}/conversations/{}/messages/{}': {
		exists: (s, values) => {
			const conversation = s.conversationByDisplayId(Number(values[0]), Number(values[1]));
			return (
				conversation !== undefined &&
				s.messages.get(Number(values[2]))?.conversation_id === conversation.id
			);
		},
		representative: (s) =>
			String(
				s.messagesOf(
					s.conversationByDisplayId(s.seed.accountId, s.seed.longConversationId)?.id ?? 0,
				)[0]?.id ?? 1,
			),
	},
	'/api/v1/accounts/{}/inboxes/{}': {
		exists: accountScoped((s, a, id) => s.inboxes.get(id)?.account_id === a),
		representative: (s) => String(s.seed.inboxIds.api),
	},
	'/api/v1/accounts/{}/teams/{}': {
		exists: accountScoped((s, a, id) => s.teams.get(id)?.account_id === a),
		representative: (s) => String(s.seed.teamIds[0]),
	},
	'/api/v1/accounts/{}/agents/{}': {
		exists: accountScoped((s, a, id) => s.accountUser(a, id) !== undefined),
		representative: (s) => String(s.seed.agentIds[1]),
	},
	'/api/v1/accounts/{}/agent_bots/{}': {
		exists: accountScoped((s, a, id) => s.agentBots.get(id)?.account_id === a),
		representative: (s) => String(s.seed.botId),
	},
	'/api/v1/accounts/{}/labels/{}': {
		exists: accountScoped((s, a, id) => s.labels.get(id)?.account_id === a),
		representative: (s) => String(s.seed.labelIds[0]),
	},
	'/api/v1/accounts/{}/webhooks/{}': {
		exists: accountScoped((s, a, id) => s.webhooks.get(id)?.account_id === a),
		representative: () => '1',
	},
	'/api/v1/accounts/{}/notifications/{}': {
		exists: accountScoped((s, a, id) => s.notifications.get(id)?.account_id === a),
		representative: (s) => String(s.seed.notificationIds[0]),
	},
	'/platform/api/v1/users/{}': {
		exists: (s, values) => s.users.has(Number(values[0])),
		representative: (s) => String(s.seed.userId),
	},
	'/platform/api/v1/agent_bots/{}': {
		exists: (s, values) => s.agentBots.has(Number(values[0])),
		representative: (s) => String(s.seed.platformBotId),
	},
	'/platform/api/v1/accounts/{}': {
		exists: (s, values) => s.accounts.has(Number(values[0])),
		representative: (s) => String(s.seed.accountId),
	},
};

const COUNTER_NAMES = [
	'count',
	'total_count',
	'all_count',
	'total_entries',
	'current_page',
	'page',
	'per_page',
	'total_pages',
] as const;

function isParam(segment: string | undefined): boolean {
	return segment !== undefined && /^\{[^}]+\}$/.test(segment);
}

function paramNames(template: string): string[] {
	return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

function parentOf(template: string): string | null {
	const segments = template.split('/');
	return isParam(segments.at(-2)) ? segments.slice(0, -1).join('/') : null;
}

/** First declared 2xx status; an impossible "204 with a body" is answered as 200. */
function successStatus(operation: ContractOperation): number {
	const code =
		Object.keys(operation.responses)
			.filter((c) => /^2\d\d$/.test(c))
			.sort()[0] ?? '200';
	const hasBody = Object.keys(operation.responses[code]?.content ?? {}).length > 0;
	return code === '204' && hasBody ? 200 : Number(code);
}

function successSchema(operation: ContractOperation): SchemaObject | undefined {
	const code = Object.keys(operation.responses)
		.filter((c) => /^2\d\d$/.test(c))
		.sort()[0];
	return code === undefined ? undefined : operation.responses[code].content['application/json'];
}

export class GenericModel {
	private readonly routes = new Map<string, GenericRoute>();
	private readonly collections = new Map<string, GenericCollection>();

	constructor(
		private readonly document: OpenApiDocument,
		/** Operations answered by dedicated handlers; collections they touch are not seeded here. */
		modelledOperationIds: ReadonlySet<string>,
	) {
		const byTemplate = new Map<string, ContractOperation[]>();
		for (const operation of CHATWOOT_OPERATIONS) {
			const key = normalizedTemplate(operation.path);
			byTemplate.set(key, [...(byTemplate.get(key) ?? []), operation]);
		}
		for (const operation of CHATWOOT_OPERATIONS)
			this.routes.set(operation.operationId, this.classify(operation, byTemplate));

		const modelled = (key: string) =>
			(byTemplate.get(key) ?? []).some((o) => modelledOperationIds.has(o.operationId));
		for (const route of this.routes.values()) {
			if (route.collectionTemplate === null) continue;
			const key = normalizedTemplate(route.collectionTemplate);
			if (this.collections.has(key) || modelled(key) || modelled(`${key}/{}`)) continue;
			this.collections.set(key, {
				template: route.collectionTemplate,
				recordSchema: this.recordSchemaOf(key, byTemplate),
			});
		}
	}

	private classify(
		operation: ContractOperation,
		byTemplate: Map<string, ContractOperation[]>,
	): GenericRoute {
		const segments = operation.path.split('/');
		if (isParam(segments.at(-1))) {
			const collectionTemplate = segments.slice(0, -1).join('/');
			return { kind: 'item', collectionTemplate, parentItemTemplate: parentOf(collectionTemplate) };
		}
		const key = normalizedTemplate(operation.path);
		const siblings = byTemplate.get(key) ?? [];
		const listed = siblings.some((o) => o.method === 'GET' && paginationOf(o) !== undefined);
		const parentItemTemplate = parentOf(operation.path);
		if (byTemplate.has(`${key}/{}`) || listed)
			return { kind: 'collection', collectionTemplate: operation.path, parentItemTemplate };
		if (siblings.some((o) => o.method === 'GET'))
			return { kind: 'singleton', collectionTemplate: null, parentItemTemplate };
		return { kind: 'action', collectionTemplate: null, parentItemTemplate };
	}

	private recordSchemaOf(
		key: string,
		byTemplate: Map<string, ContractOperation[]>,
	): SchemaObject | undefined {
		const list = (byTemplate.get(key) ?? []).find(
			(o) => o.method === 'GET' && paginationOf(o) !== undefined,
		);
		const listSchema = list && successSchema(list);
		if (list && listSchema) {
			const path = paginationOf(list)?.itemsPath ?? '$';
			const items = this.schemaAt(listSchema, path === '$' ? [] : path.split('.'));
			const resolved = items && derefSchema(this.document, items);
			if (resolved?.items) return resolved.items;
		}
		const single =
			(byTemplate.get(`${key}/{}`) ?? []).find((o) => o.method === 'GET') ??
			(byTemplate.get(key) ?? []).find((o) => o.method === 'POST');
		const singleSchema = single && successSchema(single);
		return singleSchema && this.schemaAt(singleSchema, this.recordSlot(singleSchema));
	}

	route(operation: ContractOperation): GenericRoute {
		const route = this.routes.get(operation.operationId);
		if (route === undefined) throw new Error(`Unknown Chatwoot operation ${operation.operationId}`);
		return route;
	}

	/** Properties of an object schema, `allOf` parts included. */
	private propertiesOf(schema: SchemaObject): Record<string, SchemaObject> {
		const resolved = derefSchema(this.document, schema);
		const own = resolved.properties ?? {};
		return Object.assign({}, ...(resolved.allOf ?? []).map((part) => this.propertiesOf(part)), own);
	}

	private schemaAt(schema: SchemaObject, path: string[]): SchemaObject | undefined {
		let current: SchemaObject | undefined = schema;
		for (const name of path) {
			current = current === undefined ? undefined : this.propertiesOf(current)[name];
		}
		return current;
	}

	private isArraySchema(schema: SchemaObject): boolean {
		const resolved = derefSchema(this.document, schema);
		const branches = resolved.oneOf ?? resolved.anyOf;
		if (branches) return branches.every((b) => this.isArraySchema(b));
		const types = Array.isArray(resolved.type) ? resolved.type : [resolved.type];
		return types.includes('array') && !types.includes('object');
	}

	/** Where a single record sits in an answer: inside `payload` when the schema wraps it, else at the root. */
	recordSlot(schema: SchemaObject): string[] {
		const payload = this.propertiesOf(schema).payload;
		return payload !== undefined && !this.isArraySchema(payload) ? ['payload'] : [];
	}

	/** A list answer with `items` at the operation's `itemsPath` and the paging counters its schema declares. */
	listEnvelope(
		operation: ContractOperation,
		items: unknown[],
		counters: Record<string, number>,
	): unknown {
		const schema = successSchema(operation);
		const path = paginationOf(operation)?.itemsPath ?? '$';
		if (path === '$' || schema === undefined) return items;
		const segments = path.split('.');
		const root: Json = {};
		let parent = root;
		let parentSchema: SchemaObject | undefined = schema;
		for (const segment of segments.slice(0, -1)) {
			const child: Json = {};
			this.fillCounters(parent, parentSchema, counters);
			parent[segment] = child;
			parent = child;
			parentSchema = parentSchema && this.propertiesOf(parentSchema)[segment];
		}
		this.fillCounters(parent, parentSchema, counters);
		parent[segments[segments.length - 1]] = items;
		return root;
	}

	private fillCounters(
		target: Json,
		schema: SchemaObject | undefined,
		counters: Record<string, number>,
	): void {
		if (schema === undefined) return;
		const properties = this.propertiesOf(schema);
		for (const name of COUNTER_NAMES)
			if (properties[name] !== undefined && counters[name] !== undefined)
				target[name] = counters[name];
		if (properties.meta !== undefined) {
			const meta: Json = {};
			const declared = this.propertiesOf(properties.meta);
			for (const name of COUNTER_NAMES)
				if (declared[name] !== undefined && counters[name] !== undefined)
					meta[name] = counters[name];
			target.meta = meta;
		}
	}

	/** Bodies Chatwoot reads through `params.require(:x)` arrive as `{x: {...}}`; the record is the inner object. */
	unwrap(operation: ContractOperation, body: unknown): Json {
		if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
		const entries = Object.entries(body as Json);
		const content = operation.requestBody?.content ?? {};
		const schema = content['application/json'] ?? content['multipart/form-data'];
		const declared = schema ? Object.keys(this.propertiesOf(schema)) : [];
		if (entries.length === 1 && declared.length === 1 && entries[0][0] === declared[0]) {
			const inner = entries[0][1];
			if (inner !== null && typeof inner === 'object' && !Array.isArray(inner))
				return inner as Json;
		}
		return body as Json;
	}

	/** Seeds one sampled record (id 1) into every generic collection, parents before children. */
	seed(state: ChatwootState, shaper: ResponseShaper): void {
		const ordered = [...this.collections.values()].sort(
			(a, b) => a.template.split('/').length - b.template.split('/').length,
		);
		for (const collection of ordered) {
			const values = this.seedValues(state, collection.template);
			if (values === null) continue;
			const path = fillTemplate(collection.template, values);
			const sampled = collection.recordSchema ? shaper.sample(collection.recordSchema) : {};
			const record = newRecord(
				collection.template,
				values,
				sampled !== null && typeof sampled === 'object' && !Array.isArray(sampled)
					? (sampled as Json)
					: {},
				state,
			);
			state.generic.collection(path).set(String(record.id), record);
		}
	}

	/** Parameter values that address the seeded parents of a collection, or null when a parent is unknown. */
	private seedValues(state: ChatwootState, template: string): Record<string, string> | null {
		const values: Record<string, string> = {};
		const segments = template.split('/');
		for (let i = 0; i < segments.length; i++) {
			const name = /^\{([^}]+)\}$/.exec(segments[i])?.[1];
			if (name === undefined) continue;
			if (name === 'account_id') {
				values[name] = String(state.seed.accountId);
				continue;
			}
			const itemKey = normalizedTemplate(segments.slice(0, i + 1).join('/'));
			const modelled = MODELLED_ITEMS[itemKey];
			if (modelled) values[name] = modelled.representative(state);
			else if (this.collections.has(normalizedTemplate(segments.slice(0, i).join('/'))))
				values[name] = '1';
			else return null;
		}
		return values;
	}

	/** Whether the item `template` (raw, filled from `params`) exists; unknown kinds of parents count as existing. */
	itemExists(state: ChatwootState, template: string, params: Record<string, unknown>): boolean {
		const values = paramNames(template).map((name) => String(params[name]));
		const modelled = MODELLED_ITEMS[normalizedTemplate(template)];
		if (modelled) return modelled.exists(state, values);
		const collectionTemplate = template.split('/').slice(0, -1).join('/');
		if (!this.collections.has(normalizedTemplate(collectionTemplate))) return true;
		return (
			findRecord(
				state,
				collectionTemplate,
				params,
				String(params[paramNames(template).at(-1) ?? '']),
			) !== undefined
		);
	}
}

/**
 * A concrete path. Records are keyed by it rather than by parameter names, which differ between sibling
 * templates (`portals/{id}/articles`, `portals/{portal_id}/articles/{id}`) while the values do not.
 */
function fillTemplate(template: string, params: Record<string, unknown>): string {
	return template.replace(/\{([^}]+)\}/g, (_, name: string) => String(params[name]));
}

function findRecord(
	state: ChatwootState,
	collectionTemplate: string,
	params: Record<string, unknown>,
	id: string,
): GenericRecord | undefined {
	const records = state.generic.collection(fillTemplate(collectionTemplate, params));
	const direct = records.get(id);
	if (direct) return direct;
	// Portals are addressed by slug.
	for (const record of records.values()) if (record.slug === id) return record;
	return undefined;
}

/** A new record from a (unwrapped) body: numeric id, timestamps, and the parent ids of its path. */
function newRecord(
	collectionTemplate: string,
	params: Record<string, unknown>,
	fields: Json,
	state: ChatwootState,
): GenericRecord {
	const now = Math.floor(Date.now() / 1000);
	const parents: Json = {};
	for (const name of paramNames(collectionTemplate)) {
		const value = params[name];
		if (!name.endsWith('_id')) continue;
		parents[name] = /^\d+$/.test(String(value)) ? Number(value) : value;
	}
	return {
		...fields,
		...parents,
		id: state.generic.nextId(normalizedTemplate(collectionTemplate)),
		created_at: now,
		updated_at: now,
	};
}

export function genericHandler(model: GenericModel) {
	return (request: OperationRequest, context: ChatwootContext): ChatwootResponse => {
		const { operation, pathParams: params } = request;
		const state = context.state;
		const route = model.route(operation);
		if (
			route.parentItemTemplate !== null &&
			!model.itemExists(state, route.parentItemTemplate, params)
		)
			throw notFound();
		const status = successStatus(operation);
		const schema = successSchema(operation);
		const single = (record: Json | undefined): ChatwootResponse => {
			if (schema === undefined || record === undefined) return { status };
			const slot = model.recordSlot(schema);
			return { status, body: slot.length === 0 ? record : { [slot[0]]: record } };
		};

		if (route.kind === 'item' && route.collectionTemplate !== null) {
			const idName = paramNames(operation.path).at(-1) ?? 'id';
			const records = state.generic.collection(fillTemplate(route.collectionTemplate, params));
			const record = findRecord(state, route.collectionTemplate, params, String(params[idName]));
			if (record === undefined) throw notFound();
			if (operation.method === 'DELETE') {
				records.delete(String(record.id));
				return single(undefined);
			}
			if (operation.method === 'GET') return single(record);
			const updated: GenericRecord = {
				...record,
				...model.unwrap(operation, request.body),
				id: record.id,
				updated_at: Math.floor(Date.now() / 1000),
			};
			records.set(String(record.id), updated);
			return single(updated);
		}

		if (
			route.kind === 'collection' &&
			route.collectionTemplate !== null &&
			(operation.method === 'GET' || operation.method === 'POST')
		) {
			const records = state.generic.collection(fillTemplate(route.collectionTemplate, params));
			if (operation.method === 'POST') {
				const record = newRecord(
					route.collectionTemplate,
					params,
					model.unwrap(operation, request.body),
					state,
				);
				records.set(String(record.id), record);
				return single(record);
			}
			const all = [...records.values()];
			const pagination = paginationOf(operation);
			const page = Number(request.query[pagination?.param ?? 'page'] ?? 1);
			const perPage = pagination?.perPageParam
				? Number(request.query[pagination.perPageParam] ?? pagination.maxPageSize ?? all.length)
				: undefined;
			const size =
				pagination?.style === 'page'
					? (perPage ?? pagination.pageSize ?? Math.max(all.length, 1))
					: Math.max(all.length, 1);
			const items = pagination?.style === 'page' ? pageSlice(all, page, size) : all;
			const counters = {
				count: all.length,
				total_count: all.length,
				all_count: all.length,
				total_entries: all.length,
				current_page: page,
				page,
				per_page: size,
				total_pages: Math.ceil(all.length / size),
			};
			return { status, body: model.listEnvelope(operation, items, counters) };
		}

		if (route.kind === 'singleton') {
			const key = fillTemplate(operation.path, params);
			if (operation.method === 'DELETE') {
				state.generic.singletons.delete(key);
				return single(undefined);
			}
			if (operation.method !== 'GET')
				state.generic.singletons.set(key, {
					...state.generic.singletons.get(key),
					...model.unwrap(operation, request.body),
				});
			return single(state.generic.singletons.get(key) ?? {});
		}

		// Actions answer with their parent record when it is a generic one (reset_secret, archive, sync...).
		const parent =
			route.parentItemTemplate === null
				? undefined
				: parentRecord(model, state, route.parentItemTemplate, params);
		return single(parent ?? {});
	};
}

function parentRecord(
	model: GenericModel,
	state: ChatwootState,
	itemTemplate: string,
	params: Record<string, unknown>,
): GenericRecord | undefined {
	const names = paramNames(itemTemplate);
	const collectionTemplate = itemTemplate.split('/').slice(0, -1).join('/');
	return model.itemExists(state, itemTemplate, params)
		? findRecord(state, collectionTemplate, params, String(params[names.at(-1) ?? '']))
		: undefined;
}
