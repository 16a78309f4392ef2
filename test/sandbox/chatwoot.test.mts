// Behaviour of the Chatwoot sandbox: run with `node --import tsx --test test/sandbox/chatwoot.test.mts`.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { minimalRequest } from '../../sandbox/core/minimal-request.mts';
import {
	derefSchema,
	responseFor,
	type ContractOperation,
	type SchemaObject,
} from '../../sandbox/core/openapi.mts';
import { ContractSchemas } from '../../sandbox/core/schema-validator.mts';
import { slowReceiver } from '../harness/deliveries.mts';
import { RackAttack, rackAttackDefaults } from '../../sandbox/chatwoot/rack-attack.mts';
import {
	CHATWOOT_CONTRACT,
	genericOperationIds,
	startChatwootSandbox,
	type ChatwootSandbox,
} from '../../sandbox/chatwoot/server.mts';

type JsonObject = Record<string, unknown>;

const contractSchemas = new ContractSchemas(CHATWOOT_CONTRACT);

interface CallOptions {
	query?: string;
	body?: unknown;
	/** Sent as multipart/form-data instead of JSON. */
	form?: FormData;
	headers?: Record<string, string>;
	/** Token for `api_access_token`; false = none. Defaults to the user token. */
	token?: string | false;
}

interface CallResult {
	status: number;
	headers: Headers;
	text: string;
	json: JsonObject;
	/** The parsed body when it is not an object (arrays, numbers). */
	value: unknown;
}

/**
 * rack-attack counts per minute of Unix time: with its clock standing mid-minute, a burst stays in one window
 * however slowly a busy machine sends it.
 */
const midMinute = () => 1_700_000_010_000;

async function call(
	sb: ChatwootSandbox,
	method: string,
	path: string,
	options: CallOptions = {},
): Promise<CallResult> {
	const headers: Record<string, string> = { ...options.headers };
	const token = options.token === undefined ? sb.userToken : options.token;
	if (token !== false) headers.api_access_token = token;
	let body: string | FormData | undefined;
	if (options.form) body = options.form;
	else if (options.body !== undefined) {
		headers['content-type'] ??= 'application/json';
		body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
	}
	const response = await fetch(`${sb.url}${path}${options.query ? `?${options.query}` : ''}`, {
		method,
		headers,
		body,
	});
	const text = await response.text();
	let value: unknown;
	try {
		value = text ? JSON.parse(text) : undefined;
	} catch {
		// CSV and other text answers are checked through `text`.
	}
	const json =
		value !== null && typeof value === 'object' && !Array.isArray(value)
			? (value as JsonObject)
			: {};
	return { status: response.status, headers: response.headers, text, json, value };
}

function data(result: CallResult): { meta: JsonObject; payload: JsonObject[] } {
	return result.json.data as { meta: JsonObject; payload: JsonObject[] };
}

/** Starts a local receiver that records every POST with its raw body. */
async function webhookReceiver(): Promise<{
	url: string;
	received: Array<{ headers: IncomingHttpHeaders; body: string }>;
	close: () => Promise<void>;
}> {
	const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
			response.end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/chatwoot`,
		received,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

// Deliveries go out from a background job; the wait ends as soon as they are in, so it can be generous for a
// busy machine.
async function waitFor<T>(read: () => T | undefined, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = read();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error('timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
	const expected = `sha256=${createHmac('sha256', secret)
		.update(`${String(headers['x-chatwoot-timestamp'])}.${body}`)
		.digest('hex')}`;
	return headers['x-chatwoot-signature'] === expected;
}

let sb: ChatwootSandbox;
before(async () => {
	sb = await startChatwootSandbox({ validateResponses: true });
});
after(async () => {
	await sb.close();
});

describe('auth', () => {
	test('401 without a token and with an unknown one; account access like Chatwoot', async () => {
		const missing = await call(sb, 'GET', '/api/v1/accounts/1/contacts', { token: false });
		assert.equal(missing.status, 401);
		assert.deepEqual(missing.json, { error: 'You need to sign in or sign up before continuing.' });
		const wrong = await call(sb, 'GET', '/api/v1/accounts/1/contacts', { token: 'not-a-token' });
		assert.equal(wrong.status, 401);
		assert.equal(typeof wrong.json.error, 'string');
		assert.equal((await call(sb, 'GET', '/api/v1/profile', { token: false })).status, 401);
		// Not a member of account 3; account 999 does not exist.
		assert.deepEqual(
			(await call(sb, 'GET', `/api/v1/accounts/${sb.seed.foreignAccountId}/contacts`)).json,
			{ error: 'You are not authorized to access this account' },
		);
		assert.equal((await call(sb, 'GET', '/api/v1/accounts/999/contacts')).status, 404);
		assert.equal(
			(await call(sb, 'GET', `/api/v1/accounts/${sb.seed.secondAccountId}/contacts`)).status,
			200,
		);
		const refused = sb.recorder.requests({ path: '/api/v1/accounts/1/contacts', status: 401 });
		assert.ok(refused.every((r) => r.processed === false));
	});

	test('the agent-bot token reaches only the bot allow-list', async () => {
		const token = sb.botToken;
		const conversation = sb.seed.conversationIds[1];
		for (const path of [
			'/api/v1/accounts/1/contacts',
			'/api/v1/accounts/1/conversations',
			'/api/v1/accounts/1/labels',
			'/api/v1/profile',
		]) {
			const result = await call(sb, 'GET', path, { token });
			assert.equal(result.status, 401, path);
			assert.deepEqual(result.json, {
				error: 'Access to this endpoint is not authorized for bots',
			});
		}
		assert.equal(
			(await call(sb, 'GET', `/api/v1/accounts/1/conversations/${conversation}`, { token })).status,
			200,
		);
		const message = await call(
			sb,
			'POST',
			`/api/v1/accounts/1/conversations/${conversation}/messages`,
			{ token, body: { content: 'From the bot' } },
		);
		assert.equal(message.status, 200, message.text);
		assert.equal(message.json.sender_type, 'AgentBot');
		assert.equal(
			(
				await call(sb, 'POST', `/api/v1/accounts/1/conversations/${conversation}/labels`, {
					token,
					body: { labels: ['bug'] },
				})
			).status,
			200,
		);
		// The bot serves account 1 only.
		assert.equal(
			(
				await call(sb, 'GET', `/api/v1/accounts/${sb.seed.secondAccountId}/conversations/1`, {
					token,
				})
			).status,
			401,
		);
	});

	test('the platform token reaches only /platform, and only what the platform app created', async () => {
		const token = sb.platformToken;
		assert.equal((await call(sb, 'GET', '/platform/api/v1/accounts', { token })).status, 200);
		assert.equal((await call(sb, 'GET', '/api/v1/accounts/1/contacts', { token })).status, 401);
		assert.deepEqual(
			(await call(sb, 'GET', '/platform/api/v1/accounts', { token: sb.userToken })).json,
			{ error: 'Invalid access_token' },
		);
		assert.deepEqual(
			(await call(sb, 'GET', `/platform/api/v1/accounts/${sb.seed.foreignAccountId}`, { token }))
				.json,
			{ error: 'Non permissible resource' },
		);
		assert.equal(
			(await call(sb, 'GET', `/platform/api/v1/users/${sb.seed.foreignUserId}`, { token })).status,
			401,
		);
		assert.equal((await call(sb, 'GET', '/platform/api/v1/users/9999', { token })).status, 404);
		const created = await call(sb, 'POST', '/platform/api/v1/accounts', {
			token,
			body: { name: 'Created by platform' },
		});
		assert.equal(created.status, 200);
		assert.equal(
			(await call(sb, 'GET', `/platform/api/v1/accounts/${String(created.json.id)}`, { token }))
				.json.name,
			'Created by platform',
		);
	});
});

describe('validation', () => {
	test('invalid bodies, queries and content types are rejected and recorded as invalid', async () => {
		const cases: Array<{
			method: string;
			path: string;
			options: CallOptions;
			status: number;
			message: RegExp;
		}> = [
			{
				method: 'POST',
				path: '/api/v1/accounts/1/webhooks',
				options: { body: { subscriptions: ['message_created'] } },
				status: 400,
				message: /url is required/,
			},
			{
				method: 'POST',
				path: '/api/v1/accounts/1/webhooks',
				options: { body: { url: 'not a url', subscriptions: ['message_created'] } },
				status: 400,
				message: /url must match format "uri"/,
			},
			{
				method: 'POST',
				path: '/api/v1/accounts/1/webhooks',
				options: { body: { url: 'https://x.test', subscriptions: ['message_sent'] } },
				status: 400,
				message: /must be one of/,
			},
			{
				method: 'POST',
				path: `/api/v1/accounts/1/conversations/${sb.seed.longConversationId}/toggle_status`,
				options: { body: { status: 'closed' } },
				status: 400,
				message: /status must be one of/,
			},
			{
				method: 'GET',
				path: '/api/v1/accounts/1/conversations',
				options: { query: 'status=closed' },
				status: 400,
				message: /status must be one of/,
			},
			{
				method: 'GET',
				path: '/api/v1/accounts/1/conversations',
				options: { query: 'per_page=100' },
				status: 400,
				message: /per_page is not a query parameter/,
			},
			{
				method: 'GET',
				path: '/api/v1/accounts/1/contacts',
				options: { query: 'page=two' },
				status: 400,
				message: /page must be integer/,
			},
			{
				method: 'GET',
				path: '/api/v1/accounts/abc/contacts',
				options: {},
				status: 400,
				message: /account_id must be integer/,
			},
			{
				method: 'POST',
				path: '/api/v1/accounts/1/canned_responses',
				options: { body: { content: 'Olá!' } },
				status: 400,
				message: /short_code is required/,
			},
			{
				method: 'POST',
				path: '/platform/api/v1/users',
				options: { body: { name: 'Ana' }, token: sb.platformToken },
				status: 400,
				message: /email is required/,
			},
			{
				method: 'POST',
				path: '/api/v1/accounts/1/labels',
				options: { body: '{"title": ' },
				status: 400,
				message: /not valid JSON/,
			},
			{
				method: 'POST',
				path: '/api/v1/accounts/1/contacts/import',
				options: { body: { import_file: 'x.csv' } },
				status: 415,
				message: /content type application\/json is not accepted/,
			},
		];
		for (const { method, path, options, status, message } of cases) {
			const before = sb.recorder.invalidRequests().length;
			const result = await call(sb, method, path, options);
			assert.equal(result.status, status, `${method} ${path}: ${result.text}`);
			assert.match(String(result.json.message), message);
			assert.ok(Array.isArray(result.json.errors));
			const invalid = sb.recorder.invalidRequests();
			assert.equal(invalid.length, before + 1, `${method} ${path} recorded`);
			assert.equal(invalid.at(-1)?.processed, false);
		}
	});

	test('Chatwoot 422s come from the models; lenient query mode ignores unknown keys', async () => {
		const taken = await call(sb, 'POST', '/api/v1/accounts/1/labels', { body: { title: 'vip' } });
		assert.equal(taken.status, 422);
		assert.deepEqual(taken.json, {
			message: 'Title has already been taken',
			attributes: ['title'],
		});
		const lenient = await startChatwootSandbox({ lenientQuery: true });
		try {
			assert.equal(
				(await call(lenient, 'GET', '/api/v1/accounts/1/conversations', { query: 'per_page=100' }))
					.status,
				200,
			);
			assert.equal(lenient.recorder.invalidRequests().length, 0);
		} finally {
			await lenient.close();
		}
	});
});

describe('pagination and envelopes', () => {
	test('conversations: {data: {meta, payload}}, open by default, 25 per page, status=all covers every one once', async () => {
		const open = await call(sb, 'GET', '/api/v1/accounts/1/conversations');
		assert.equal(open.status, 200);
		assert.ok(data(open).payload.length > 0);
		assert.ok(data(open).payload.every((c) => c.status === 'open'));
		assert.deepEqual(Object.keys(data(open).meta).sort(), [
			'all_count',
			'assigned_count',
			'mine_count',
			'unassigned_count',
		]);

		const seen = new Set<unknown>();
		let page = 1;
		for (;;) {
			const result = await call(sb, 'GET', '/api/v1/accounts/1/conversations', {
				query: `status=all&page=${page}`,
			});
			const { meta, payload } = data(result);
			if (page === 1) assert.equal(payload.length, 25);
			for (const conversation of payload) seen.add(conversation.id);
			if (payload.length < 25) {
				assert.equal(meta.all_count, seen.size);
				break;
			}
			page++;
		}
		assert.equal(page, 3);
		assert.equal(seen.size, sb.state.conversationsOf(1).length);
		assert.ok(sb.seed.conversationIds.length >= 60);
		const statuses = new Set([...sb.state.conversations.values()].map((c) => c.status));
		assert.deepEqual([...statuses].sort(), ['open', 'pending', 'resolved', 'snoozed']);

		const mine = await call(sb, 'GET', '/api/v1/accounts/1/conversations', {
			query: 'status=all&assignee_type=me',
		});
		assert.ok(
			data(mine).payload.every(
				(c) => ((c.meta as JsonObject).assignee as JsonObject | undefined)?.id === sb.seed.userId,
			),
		);
		const labelled = await call(sb, 'GET', '/api/v1/accounts/1/conversations', {
			query: 'status=all&labels[]=billing',
		});
		assert.ok(
			data(labelled).payload.length > 0 &&
				data(labelled).payload.every((c) => (c.labels as string[]).includes('billing')),
		);
	});

	test('conversation filter and meta', async () => {
		const filtered = await call(sb, 'POST', '/api/v1/accounts/1/conversations/filter', {
			body: {
				payload: [
					{
						attribute_key: 'status',
						filter_operator: 'equal_to',
						values: ['pending'],
						query_operator: 'AND',
					},
					{
						attribute_key: 'inbox_id',
						filter_operator: 'equal_to',
						values: [sb.seed.inboxIds.api],
					},
				],
			},
		});
		assert.equal(filtered.status, 200, filtered.text);
		// conversations/filter.json.jbuilder: {meta, payload}, no `data` wrapper (only the list has one).
		assert.equal(filtered.json.data, undefined);
		const payload = filtered.json.payload as JsonObject[];
		assert.ok(payload.length > 0);
		assert.ok(payload.every((c) => c.status === 'pending' && c.inbox_id === sb.seed.inboxIds.api));
		assert.deepEqual(Object.keys(filtered.json.meta as JsonObject).sort(), ['all_count', 'mine_count', 'unassigned_count']);
		assert.equal((filtered.json.meta as JsonObject).all_count, payload.length);
		const meta = await call(sb, 'GET', '/api/v1/accounts/1/conversations/meta', {
			query: 'status=all',
		});
		assert.equal((meta.json.meta as JsonObject).all_count, sb.state.conversationsOf(1).length);
	});

	test('contacts: {meta: {count, current_page}, payload}, 15 per page', async () => {
		const ids = new Set<unknown>();
		for (let page = 1; page <= 3; page++) {
			const result = await call(sb, 'GET', '/api/v1/accounts/1/contacts', {
				query: `page=${page}`,
			});
			const payload = result.json.payload as JsonObject[];
			assert.deepEqual(result.json.meta, { count: 40, current_page: page });
			assert.equal(payload.length, page < 3 ? 15 : 10);
			for (const contact of payload) ids.add(contact.id);
		}
		assert.equal(ids.size, 40);
		const search = await call(sb, 'GET', '/api/v1/accounts/1/contacts/search', {
			query: 'q=alice',
		});
		assert.ok(
			(search.json.payload as JsonObject[]).every((c) =>
				String(c.name).toLowerCase().includes('alice'),
			),
		);
		const sorted = await call(sb, 'GET', '/api/v1/accounts/1/contacts', { query: 'sort=name' });
		const names = (sorted.json.payload as JsonObject[]).map((c) => String(c.name));
		assert.deepEqual(
			names,
			[...names].sort((a, b) => a.localeCompare(b)),
		);
	});

	test('contact create answers {payload: {contact, contact_inbox}}; update answers 200 {payload: contact}', async () => {
		const created = await call(sb, 'POST', '/api/v1/accounts/1/contacts', {
			body: { name: 'Joana Prado', email: 'joana.prado@exemplo.com.br', inbox_id: sb.seed.inboxIds.api, source_id: 'ext-joana' },
		});
		assert.equal(created.status, 200, created.text);
		const payload = created.json.payload as { contact: JsonObject; contact_inbox: { inbox: JsonObject; source_id: string } };
		assert.equal(payload.contact.email, 'joana.prado@exemplo.com.br');
		assert.equal(payload.contact_inbox.source_id, 'ext-joana');
		assert.equal(payload.contact_inbox.inbox.id, sb.seed.inboxIds.api);
		assert.deepEqual(
			(payload.contact.contact_inboxes as JsonObject[]).map((ci) => ci.source_id),
			['ext-joana'],
		);
		// No inbox: the contact alone, and a contact_inbox of nulls.
		const alone = await call(sb, 'POST', '/api/v1/accounts/1/contacts', { body: { name: 'Sem Caixa', phone_number: '+5511911112222' } });
		assert.equal(alone.status, 200, alone.text);
		assert.deepEqual((alone.json.payload as JsonObject).contact_inbox, { inbox: null, source_id: null });
		const id = payload.contact.id as number;
		const updated = await call(sb, 'PUT', `/api/v1/accounts/1/contacts/${id}`, { body: { custom_attributes: { plano: 'ouro' } } });
		assert.equal(updated.status, 200, updated.text);
		assert.equal((updated.json.payload as JsonObject).id, id);
		assert.deepEqual(((updated.json.payload as JsonObject).custom_attributes as JsonObject).plano, 'ouro');
		assert.deepEqual(sb.recorder.invalidRequests().filter((r) => r.operationId === 'contactCreate' || r.operationId === 'contactUpdate'), []);
	});

	test('messages: following `before` = oldest id returns every message exactly once, oldest first', async () => {
		const path = `/api/v1/accounts/1/conversations/${sb.seed.longConversationId}/messages`;
		const collected: number[] = [];
		let before: number | undefined;
		for (;;) {
			const result = await call(sb, 'GET', path, {
				query: before === undefined ? '' : `before=${before}`,
			});
			const ids = (result.json.payload as JsonObject[]).map((m) => Number(m.id));
			assert.deepEqual(
				ids,
				[...ids].sort((a, b) => a - b),
				'each page is oldest first',
			);
			collected.unshift(...ids);
			if (ids.length < 20) break;
			before = ids[0];
		}
		assert.equal(collected.length, sb.seed.longConversationMessageCount);
		assert.equal(new Set(collected).size, collected.length);
		// Using the newest id as the cursor re-fetches most of the same page: the trap the cursor rule avoids.
		const latest = (await call(sb, 'GET', path)).json.payload as JsonObject[];
		const wrong = (await call(sb, 'GET', path, { query: `before=${String(latest.at(-1)?.id)}` }))
			.json.payload as JsonObject[];
		assert.ok(wrong.filter((m) => latest.some((l) => l.id === m.id)).length >= 19);
		const newer = (await call(sb, 'GET', path, { query: `after=${String(latest[0].id)}` })).json
			.payload as JsonObject[];
		assert.equal(newer.length, 19);
	});

	test('notifications: {data: {meta, payload}} 15 per page; unread count is a bare number', async () => {
		const first = await call(sb, 'GET', '/api/v1/accounts/1/notifications');
		assert.equal(data(first).payload.length, 15);
		assert.equal(data(first).meta.count, 20);
		const unread = await call(sb, 'GET', '/api/v1/accounts/1/notifications/unread_count');
		assert.equal(unread.value, data(first).meta.unread_count);
	});

	test('webhooks list and create envelopes; a secret on create; duplicate URL is 422', async () => {
		const created = await call(sb, 'POST', '/api/v1/accounts/1/webhooks', {
			body: { url: 'https://hooks.example.test/a', subscriptions: ['message_created'] },
		});
		assert.equal(created.status, 200, created.text);
		const webhook = (created.json.payload as JsonObject).webhook as JsonObject;
		assert.match(String(webhook.secret), /^[a-z0-9]{32}$/);
		const duplicate = await call(sb, 'POST', '/api/v1/accounts/1/webhooks', {
			body: { url: 'https://hooks.example.test/a', subscriptions: ['conversation_created'] },
		});
		assert.equal(duplicate.status, 422);
		assert.equal(duplicate.json.message, 'Url has already been taken');
		const list = await call(sb, 'GET', '/api/v1/accounts/1/webhooks');
		assert.ok(
			((list.json.payload as JsonObject).webhooks as JsonObject[]).some((w) => w.id === webhook.id),
		);
		assert.equal(
			(await call(sb, 'DELETE', `/api/v1/accounts/1/webhooks/${String(webhook.id)}`)).status,
			200,
		);
	});
});

describe('conversations and messages', () => {
	test('create with an initial message; toggle status; 404 for unknown ids', async () => {
		const contact = sb.seed.apiContacts[1];
		const created = await call(sb, 'POST', '/api/v1/accounts/1/conversations', {
			body: {
				source_id: contact.sourceId,
				inbox_id: sb.seed.inboxIds.api,
				message: { content: 'Opening line' },
			},
		});
		assert.equal(created.status, 200, created.text);
		const displayId = Number(created.json.id);
		const messages = (
			await call(sb, 'GET', `/api/v1/accounts/1/conversations/${displayId}/messages`)
		).json.payload as JsonObject[];
		assert.deepEqual(
			messages.map((m) => [m.content, m.message_type]),
			[['Opening line', 1]],
		);

		const toggled = await call(
			sb,
			'POST',
			`/api/v1/accounts/1/conversations/${displayId}/toggle_status`,
			{ body: { status: 'resolved' } },
		);
		assert.deepEqual(toggled.json.payload, {
			success: true,
			current_status: 'resolved',
			conversation_id: displayId,
		});
		const open = data(
			await call(sb, 'GET', '/api/v1/accounts/1/conversations', { query: 'page=1' }),
		).payload;
		assert.ok(!open.some((c) => c.id === displayId));

		for (const path of [
			'/api/v1/accounts/1/conversations/9999',
			'/api/v1/accounts/1/contacts/9999',
			'/api/v1/accounts/1/macros/9999',
			`/api/v1/accounts/1/conversations/${displayId}/messages/9999`,
		]) {
			const method = path.endsWith('/messages/9999') ? 'DELETE' : 'GET';
			const missing = await call(sb, method, path);
			assert.equal(missing.status, 404, path);
			assert.deepEqual(missing.json, { error: 'Resource could not be found' });
		}
	});

	test('a multipart message with two attachments keeps both files', async () => {
		const form = new FormData();
		form.append('content', 'Two files');
		form.append('private', 'true');
		form.append(
			'attachments[]',
			new Blob([Buffer.from('%PDF-1.4 sandbox')], { type: 'application/pdf' }),
			'invoice.pdf',
		);
		form.append(
			'attachments[]',
			new Blob([Buffer.alloc(2048, 7)], { type: 'image/png' }),
			'photo.png',
		);
		const path = `/api/v1/accounts/1/conversations/${sb.seed.conversationIds[2]}/messages`;
		const result = await call(sb, 'POST', path, { form });
		assert.equal(result.status, 200, result.text);
		assert.equal(result.json.private, true);
		const files = (result.json.attachments as JsonObject[]).map((a) => [
			a.file_name,
			a.file_size,
			a.content_type,
			a.file_type,
		]);
		assert.deepEqual(files, [
			['invoice.pdf', 16, 'application/pdf', 'file'],
			['photo.png', 2048, 'image/png', 'image'],
		]);
		const listed = ((await call(sb, 'GET', path)).json.payload as JsonObject[]).at(-1);
		assert.equal((listed?.attachments as JsonObject[]).length, 2);
		const conversationId = sb.seed.conversationIds[2];
		const attachments = await call(
			sb,
			'GET',
			`/api/v1/accounts/1/conversations/${conversationId}/attachments`,
		);
		assert.equal((attachments.json.meta as JsonObject).total_count, 2);
		const contactId = sb.state.conversationByDisplayId(1, conversationId)?.contact_id;
		const ofContact = await call(
			sb,
			'GET',
			`/api/v1/accounts/1/contacts/${String(contactId)}/attachments`,
		);
		assert.deepEqual((ofContact.json.payload as JsonObject[]).map((a) => a.file_name).sort(), [
			'invoice.pdf',
			'photo.png',
		]);
		const record = sb.recorder
			.requests({ operationId: 'create-a-new-message-in-a-conversation' })
			.at(-1);
		assert.equal(record?.invalid, false);
	});

	test('is_voice_message tags the audio attachments as voice notes, as the message builder does; other names are ignored', async () => {
		const path = `/api/v1/accounts/1/conversations/${sb.seed.conversationIds[3]}/messages`;
		const send = async (flag: [string, string] | undefined) => {
			const form = new FormData();
			if (flag) form.append(flag[0], flag[1]);
			form.append('attachments[]', new Blob([Buffer.from('OggS')], { type: 'audio/ogg' }), 'voz.ogg');
			form.append('attachments[]', new Blob([Buffer.from('GIF89a')], { type: 'image/gif' }), 'foto.gif');
			const result = await call(sb, 'POST', path, { form });
			assert.equal(result.status, 200, result.text);
			return sb.state.messages.get(Number(result.json.id))?.attachments.map((a) => a.meta);
		};
		assert.deepEqual(await send(['is_voice_message', 'true']), [{ is_voice_message: true }, {}]);
		assert.deepEqual(await send(['is_voice_message', 'false']), [{}, {}]);
		assert.deepEqual(await send(['is_recorded_audio', '["voz.ogg"]']), [{}, {}]);
		assert.deepEqual(await send(undefined), [{}, {}]);
	});

	test('CSV reports are text/csv', async () => {
		const result = await call(sb, 'GET', '/api/v2/accounts/1/reports/agents', {
			query: 'since=0&until=9999999999',
		});
		assert.equal(result.status, 200);
		assert.match(result.headers.get('content-type') ?? '', /^text\/csv/);
		assert.match(result.text, /^Name,Conversations count/);
		assert.equal(result.text.trim().split('\n').length, 1 + sb.seed.agentIds.length);
	});
});

describe('generic store', () => {
	test('create, read, merge, list and delete a generically modelled record (portal by slug, wrapped body)', async () => {
		const created = await call(sb, 'POST', '/api/v1/accounts/1/portals', {
			body: { portal: { name: 'Help Center', slug: 'help-center' } },
		});
		assert.equal(created.status, 200, created.text);
		assert.equal(created.json.name, 'Help Center');
		assert.equal(typeof created.json.id, 'number');
		assert.equal(created.json.account_id, 1);
		const bySlug = await call(sb, 'GET', '/api/v1/accounts/1/portals/help-center');
		assert.equal(bySlug.json.id, created.json.id);
		const updated = await call(sb, 'PATCH', '/api/v1/accounts/1/portals/help-center', {
			body: { portal: { color: '#000000' } },
		});
		assert.deepEqual([updated.json.name, updated.json.color], ['Help Center', '#000000']);
		const listed = await call(sb, 'GET', '/api/v1/accounts/1/portals');
		assert.ok((listed.json.payload as JsonObject[]).some((p) => p.slug === 'help-center'));
		// Each account has its own records.
		assert.equal(
			(await call(sb, 'GET', `/api/v1/accounts/${sb.seed.secondAccountId}/portals/help-center`))
				.status,
			404,
		);
		assert.equal((await call(sb, 'DELETE', '/api/v1/accounts/1/portals/help-center')).status, 200);
		assert.equal((await call(sb, 'GET', '/api/v1/accounts/1/portals/help-center')).status, 404);
		// Children of a missing parent are 404 too.
		assert.equal(
			(await call(sb, 'GET', '/api/v1/accounts/1/captain/assistants/999/scenarios')).status,
			404,
		);
	});
});

describe('webhooks out and the Client API', () => {
	test('client API contact -> conversation -> message emits a signed message_created', async () => {
		const receiver = await webhookReceiver();
		try {
			const hook = await call(sb, 'POST', '/api/v1/accounts/1/webhooks', {
				body: { url: receiver.url, subscriptions: ['message_created', 'conversation_created'] },
			});
			const secret = String(((hook.json.payload as JsonObject).webhook as JsonObject).secret);
			const base = `/public/api/v1/inboxes/${sb.seed.apiInboxIdentifier}`;
			assert.equal(
				(await call(sb, 'GET', '/public/api/v1/inboxes/unknown/contacts/x', { token: false }))
					.status,
				404,
			);

			const contact = await call(sb, 'POST', `${base}/contacts`, {
				token: false,
				body: { name: 'Widget Visitor', email: 'visitor@example.com' },
			});
			assert.equal(contact.status, 200, contact.text);
			assert.ok(contact.json.source_id && contact.json.pubsub_token);
			const conversation = await call(
				sb,
				'POST',
				`${base}/contacts/${String(contact.json.source_id)}/conversations`,
				{ token: false, body: {} },
			);
			assert.equal(conversation.status, 200, conversation.text);
			const message = await call(
				sb,
				'POST',
				`${base}/contacts/${String(contact.json.source_id)}/conversations/${String(conversation.json.id)}/messages`,
				{ token: false, body: { content: 'Hi from the widget', echo_id: 'e-1' } },
			);
			assert.equal(message.status, 200, message.text);
			assert.equal(message.json.message_type, 0);

			const delivered = await waitFor(() =>
				receiver.received.find((r) => JSON.parse(r.body).event === 'message_created'),
			);
			const event = JSON.parse(delivered.body) as JsonObject;
			assert.equal(event.content, 'Hi from the widget');
			assert.equal(event.message_type, 'incoming');
			assert.equal((event.conversation as JsonObject).id, conversation.json.id);
			assert.equal((event.sender as JsonObject).name, 'Widget Visitor');
			assert.deepEqual(event.account, { id: 1, name: 'Sandbox Inc' });
			assert.ok(verify(secret, delivered.headers, delivered.body));
			assert.ok(!verify('another-secret', delivered.headers, delivered.body));
			assert.match(String(delivered.headers['x-chatwoot-delivery']), /^[0-9a-f-]{36}$/);
			assert.ok(
				Math.abs(Number(delivered.headers['x-chatwoot-timestamp']) - Date.now() / 1000) < 30,
			);
			await waitFor(() =>
				receiver.received.find((r) => JSON.parse(r.body).event === 'conversation_created'),
			);
			const listed = await call(
				sb,
				'GET',
				`${base}/contacts/${String(contact.json.source_id)}/conversations/${String(conversation.json.id)}/messages`,
				{ token: false },
			);
			assert.deepEqual(
				(listed.value as JsonObject[]).map((m) => m.content),
				['Hi from the widget'],
			);
			assert.equal(
				sb.recorder.requests({ path: `${base}/contacts` }).at(-1)?.credential,
				'anonymous',
			);
		} finally {
			await receiver.close();
		}
	});

	test('emitWebhook options: wrong secret, stale timestamp, no signature, malformed body, same delivery resent', async () => {
		const receiver = await webhookReceiver();
		try {
			const hook = await call(sb, 'POST', '/api/v1/accounts/1/webhooks', {
				body: { url: `${receiver.url}/options`, subscriptions: ['conversation_status_changed'] },
			});
			const { id, secret } = (hook.json.payload as JsonObject).webhook as {
				id: number;
				secret: string;
			};
			const payload = { id: 1, status: 'resolved' };
			const [good] = await sb.emitWebhook('conversation_status_changed', payload, {
				webhookId: id,
			});
			assert.equal(good.status, 200);
			assert.equal(JSON.parse(good.body).event, 'conversation_status_changed');
			const sent = receiver.received.at(-1);
			assert.ok(sent && verify(secret, sent.headers, sent.body));

			await sb.emitWebhook('conversation_status_changed', payload, {
				webhookId: id,
				secret: 'forged',
			});
			assert.ok(
				!verify(
					secret,
					receiver.received.at(-1)?.headers ?? {},
					receiver.received.at(-1)?.body ?? '',
				),
			);
			const [stale] = await sb.emitWebhook('conversation_status_changed', payload, {
				webhookId: id,
				timestampOffsetSeconds: -3600,
			});
			assert.ok(stale.timestamp < Date.now() / 1000 - 3500);
			assert.ok(
				verify(
					secret,
					receiver.received.at(-1)?.headers ?? {},
					receiver.received.at(-1)?.body ?? '',
				),
				'a stale delivery is still correctly signed',
			);
			await sb.emitWebhook('conversation_status_changed', payload, {
				webhookId: id,
				omitSignature: true,
			});
			assert.equal(receiver.received.at(-1)?.headers['x-chatwoot-signature'], undefined);
			await sb.emitWebhook('conversation_status_changed', payload, {
				webhookId: id,
				malformedBody: true,
			});
			assert.throws(() => JSON.parse(receiver.received.at(-1)?.body ?? ''));
			const repeated = await sb.emitWebhook('conversation_status_changed', payload, {
				webhookId: id,
				repeat: 2,
			});
			assert.equal(repeated.length, 2);
			assert.equal(repeated[0].deliveryId, repeated[1].deliveryId);
			assert.equal(repeated[0].body, repeated[1].body);

			// Public hosts are never called from tests: the delivery is recorded as not sent.
			const external = await call(sb, 'POST', '/api/v1/accounts/1/webhooks', {
				body: { url: 'https://hooks.example.test/external', subscriptions: ['contact_created'] },
			});
			const externalId = Number(((external.json.payload as JsonObject).webhook as JsonObject).id);
			const [skipped] = await sb.emitWebhook(
				'contact_created',
				{ id: 1 },
				{ webhookId: externalId },
			);
			assert.equal(skipped.status, null);
			assert.match(String(skipped.error), /only local addresses/);
		} finally {
			await receiver.close();
		}
	});

	test('a receiver that has not answered within webhookTimeoutMs fails the delivery', async () => {
		// It answers after a second, well within the default 5 s, so only the option cuts it off; the sandbox's
		// timer starts before the receiver's, so on any machine it runs out first.
		const receiver = await slowReceiver(1_000);
		const box = await startChatwootSandbox({ autoWebhooks: false, webhookTimeoutMs: 200 });
		try {
			const { port } = receiver;
			await call(box, 'POST', '/api/v1/accounts/1/webhooks', {
				body: { url: `http://127.0.0.1:${port}/slow`, subscriptions: ['contact_created'] },
			});
			const [delivery] = await box.emitWebhook('contact_created', { id: 1 });
			assert.equal(delivery.status, null);
			assert.match(String(delivery.error), /timeout|aborted/i);
		} finally {
			receiver.close();
			await box.close();
		}
	});
});

describe('rate limits and bulk data', () => {
	test('RACK_ATTACK_LIMIT set low: the request past it gets 429 `Retry later` as text, without Retry-After', async () => {
		const limited = await startChatwootSandbox({
			rateLimits: { general: 3 },
			rateLimitClock: midMinute,
		});
		try {
			for (let i = 0; i < 3; i++)
				assert.equal((await call(limited, 'GET', '/api/v1/accounts/1/labels')).status, 200);
			const refused = await call(limited, 'GET', '/api/v1/accounts/1/labels');
			assert.equal(refused.status, 429);
			assert.equal(refused.text, 'Retry later\n');
			assert.match(String(refused.headers.get('content-type')), /^text\/plain/);
			assert.equal(refused.headers.get('retry-after'), null);
			assert.equal(limited.recorder.requests({ method: 'GET' }).filter((r) => r.status === 429).length, 1);
			// Every path, every token, the platform API too: the general throttle counts per client address.
			const platform = await call(limited, 'GET', '/platform/api/v1/accounts/1', { token: limited.platformToken });
			assert.equal(platform.status, 429);
		} finally {
			await limited.close();
		}
	});

	test('by default rack-attack\'s per-account and per-user throttles apply: contact search 100 and conversations meta 30 per minute', async () => {
		const box = await startChatwootSandbox({ autoWebhooks: false, rateLimitClock: midMinute });
		try {
			const search = (account: number) => call(box, 'GET', `/api/v1/accounts/${account}/contacts/search`, { query: 'q=a' });
			const searches = [];
			for (let i = 0; i < 101; i++) searches.push((await search(1)).status);
			assert.deepEqual([...new Set(searches.slice(0, 100))], [200]);
			assert.equal(searches[100], 429);
			assert.equal((await search(2)).status, 200, 'account 2 has its own contact search budget');
			const metas = [];
			for (let i = 0; i < 31; i++) metas.push((await call(box, 'GET', '/api/v1/accounts/1/conversations/meta')).status);
			assert.deepEqual([...new Set(metas.slice(0, 30))], [200]);
			assert.equal(metas[30], 429);
			assert.equal((await call(box, 'GET', '/api/v1/accounts/1/labels')).status, 200, 'other paths go on');
		} finally {
			await box.close();
		}
	});

	test('rack-attack counts per fixed window of Unix time: a new window brings the whole budget back', () => {
		let now = 120_000 + 59_000;
		const throttle = new RackAttack(rackAttackDefaults({ general: 2, agentCreate: 1 }), () => now);
		const request = { method: 'GET', path: '/api/v1/accounts/1/labels', ip: '10.0.0.1', token: 't' };
		assert.deepEqual([1, 2, 3].map(() => throttle.check(request).allowed), [true, true, false]);
		assert.equal(throttle.check({ ...request, ip: '10.0.0.2' }).allowed, true, 'another address has its own count');
		now = 180_000; // one second later, a new minute
		assert.equal(throttle.check(request).allowed, true);
		const create = { ...request, method: 'POST', path: '/api/v1/accounts/1/agents/bulk_create', ip: '10.0.0.3' };
		assert.deepEqual(throttle.check(create), { allowed: true });
		now += 3_600_000;
		assert.deepEqual(throttle.check(create), { allowed: false, throttle: 'agent create' }, 'agent creation counts per day');
		assert.equal(rackAttackDefaults({ reportsPerUser: 35 }).drilldown, 3, 'drilldown defaults to a tenth of the per-user reports limit');
	});

	test('seedMessages and seedConversations handle 100,000 records', async () => {
		const bulk = await startChatwootSandbox({ autoWebhooks: false });
		try {
			const { lastId } = bulk.state.seedMessages(bulk.seed.conversationIds[5], 100_000);
			bulk.state.seedConversations(100_000);
			const path = `/api/v1/accounts/1/conversations/${bulk.seed.conversationIds[5]}/messages`;
			const latest = (await call(bulk, 'GET', path)).json.payload as JsonObject[];
			assert.equal(latest.at(-1)?.id, lastId);
			const older = (await call(bulk, 'GET', path, { query: `before=${String(latest[0].id)}` }))
				.json.payload as JsonObject[];
			assert.equal(Number(older.at(-1)?.id), Number(latest[0].id) - 1);
			const page = await call(bulk, 'GET', '/api/v1/accounts/1/conversations', {
				query: 'page=4000',
			});
			assert.equal(data(page).payload.length, 25);
			assert.equal(
				data(page).meta.all_count,
				bulk.state.conversationsOf(1).filter((c) => c.status === 'open').length,
			);
		} finally {
			await bulk.close();
		}
	});
});

/** A multipart body for a fields object: binary fields become file parts. */
function formFor(fields: JsonObject, schema: SchemaObject): FormData {
	const properties = derefSchema(CHATWOOT_CONTRACT, schema).properties ?? {};
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		const binary =
			properties[name] && derefSchema(CHATWOOT_CONTRACT, properties[name]).format === 'binary';
		if (binary)
			form.append(
				name,
				new Blob(['name,email\nImported Person,imported@example.com\n'], { type: 'text/csv' }),
				`${name}.csv`,
			);
		else form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
	}
	return form;
}

describe('the whole contract', () => {
	test('every operation answers a minimal valid request without 404/5xx, and the answer fits its schema', async () => {
		const box = await startChatwootSandbox({ validateResponses: true, autoWebhooks: false });
		try {
			const seed = box.seed;
			const platform = { token: box.platformToken };
			let unique = 0;
			const next = () => ++unique;
			const create = async (path: string, body: unknown, options: CallOptions = {}) => {
				const result = await call(box, 'POST', path, { body, ...options });
				assert.ok(result.status < 300, `${path}: ${result.text}`);
				return result.json;
			};
			// Throwaway records for the destructive operations.
			const a = '/api/v1/accounts/1';
			const doomed = {
				inbox: Number(
					(await create(`${a}/inboxes`, { name: 'Doomed', channel: { type: 'api' } })).id,
				),
				team: Number((await create(`${a}/teams`, { name: 'Doomed team' })).id),
				label: Number((await create(`${a}/labels`, { title: 'doomed' })).id),
				canned: Number(
					(await create(`${a}/canned_responses`, { short_code: 'doomed', content: 'x' })).id,
				),
				attribute: Number(
					(
						await create(`${a}/custom_attribute_definitions`, {
							attribute_display_name: 'Doomed',
							attribute_model: 1,
						})
					).id,
				),
				webhook: Number(
					(
						(
							await create(`${a}/webhooks`, {
								url: 'https://doomed.example.test',
								subscriptions: ['message_created'],
							})
						).payload as { webhook: JsonObject }
					).webhook.id,
				),
				bot: Number((await create(`${a}/agent_bots`, { name: 'Doomed bot' })).id),
				agent: Number(
					(
						await create(`${a}/agents`, {
							name: 'Doomed',
							email: 'doomed@example.com',
							role: 'agent',
						})
					).id,
				),
				contact: Number(
					((await create(`${a}/contacts`, { inbox_id: seed.inboxIds.api, name: 'Doomed' })).payload as { contact: JsonObject }).contact.id,
				),
				base: Number(
					((await create(`${a}/contacts`, { inbox_id: seed.inboxIds.api, name: 'Merge base' })).payload as { contact: JsonObject }).contact.id,
				),
				mergee: Number(
					((await create(`${a}/contacts`, { inbox_id: seed.inboxIds.api, name: 'Merge mergee' })).payload as { contact: JsonObject }).contact.id,
				),
				conversation: Number(
					(
						await create(`${a}/conversations`, {
							source_id: seed.apiContacts[2].sourceId,
							inbox_id: seed.inboxIds.api,
						})
					).id,
				),
				message: Number(
					(
						await create(`${a}/conversations/${seed.conversationIds[3]}/messages`, {
							content: 'doomed',
						})
					).id,
				),
				account: Number(
					(await create('/platform/api/v1/accounts', { name: 'Doomed account' }, platform)).id,
				),
				user: Number(
					(
						await create(
							'/platform/api/v1/users',
							{ name: 'Doomed user', email: 'doomed-user@example.com' },
							platform,
						)
					).id,
				),
				platformBot: Number(
					(await create('/platform/api/v1/agent_bots', { name: 'Doomed' }, platform)).id,
				),
			};
			const client = seed.apiContacts[0];
			const clientBase = `/public/api/v1/inboxes/${seed.apiInboxIdentifier}/contacts/${client.sourceId}`;
			const clientConversation = Number(
				(await create(`${clientBase}/conversations`, {}, { token: false })).id,
			);
			const clientMessage = Number(
				(
					await create(
						`${clientBase}/conversations/${clientConversation}/messages`,
						{ content: 'x' },
						{ token: false },
					)
				).id,
			);
			const longConversation = box.state.conversationByDisplayId(1, seed.longConversationId);
			const appMessage = box.state.messagesOf(longConversation?.id ?? 0)[0].id;

			/** Path ids by operation first (destructive ones get throwaway records), then by the path they address. */
			const byOperation: Record<string, Record<string, unknown>> = {
				'delete-an-inbox': { id: doomed.inbox },
				'delete-a-team': { team_id: doomed.team },
				'delete-a-label': { id: doomed.label },
				'delete-canned-response-from-account': { id: doomed.canned },
				'delete-custom-attribute-from-account': { id: doomed.attribute },
				'delete-a-webhook': { webhook_id: doomed.webhook },
				'delete-an-account-agent-bot': { id: doomed.bot },
				'delete-agent-from-account': { id: doomed.agent },
				contactDelete: { id: doomed.contact },
				'delete-a-conversation': { conversation_id: doomed.conversation },
				'delete-a-message': {
					message_id: doomed.message,
					conversation_id: seed.conversationIds[3],
				},
				'delete-an-account': { account_id: doomed.account },
				'delete-a-user': { id: doomed.user },
				'delete-an-agent-bot': { id: doomed.platformBot },
				'delete-a-notification': { id: seed.notificationIds[19] },
			};
			// Each pattern captures the name of the parameter it fills.
			const byPath: Array<[RegExp, unknown]> = [
				[/^\/public\/.*\{(contact_identifier)\}/, client.sourceId],
				[/^\/public\/.*\{(inbox_identifier)\}/, seed.apiInboxIdentifier],
				[/^\/public\/.*\{(conversation_id)\}/, clientConversation],
				[/^\/public\/.*\{(message_id)\}/, clientMessage],
				[/^\/platform\/api\/v1\/agent_bots\/\{(id)\}/, seed.platformBotId],
				[/^\/platform\/api\/v1\/users\/\{(id)\}/, seed.userId],
				[/^\/api\/v1\/accounts\/\{account_id\}\/contacts\/\{(\w+)\}/, seed.contactIds[0]],
				[/^\/api\/v1\/accounts\/\{account_id\}\/conversations\/\{(\w+)\}/, seed.longConversationId],
				[
					/^\/api\/v1\/accounts\/\{account_id\}\/(?:inboxes|inbox_members)\/\{(\w+)\}/,
					seed.inboxIds.api,
				],
				[/^\/api\/v1\/accounts\/\{account_id\}\/agents\/\{(id)\}/, seed.agentIds[1]],
				[/^\/api\/v1\/accounts\/\{account_id\}\/agent_bots\/\{(id)\}/, seed.botId],
				[/^\/api\/v1\/accounts\/\{account_id\}\/labels\/\{(id)\}/, seed.labelIds[0]],
				[
					/^\/api\/v1\/accounts\/\{account_id\}\/canned_responses\/\{(id)\}/,
					seed.cannedResponseIds[0],
				],
				[
					/^\/api\/v1\/accounts\/\{account_id\}\/custom_attribute_definitions\/\{(id)\}/,
					seed.customAttributeIds.contact[0],
				],
				[/^\/api\/v1\/accounts\/\{account_id\}\/notifications\/\{(id)\}/, seed.notificationIds[0]],
				[/^\/api\/v1\/accounts\/\{account_id\}\/teams\/\{(team_id)\}/, seed.teamIds[0]],
				[/^\/api\/v1\/accounts\/\{account_id\}\/webhooks\/\{(webhook_id)\}/, doomed.webhook],
				[
					/^\/api\/v1\/accounts\/\{account_id\}\/conversations\/\{conversation_id\}\/messages\/\{(message_id)\}/,
					appMessage,
				],
			];
			const bodyValues: Record<string, () => unknown> = {
				inbox_id: () => seed.inboxIds.api,
				user_ids: () => [seed.agentIds[1]],
				user_id: () => doomed.user,
				contact_id: () => seed.contactIds[4],
				source_id: () => seed.apiContacts[3].sourceId,
				base_contact_id: () => doomed.base,
				mergee_contact_id: () => doomed.mergee,
				url: () => `https://minimal-${next()}.example.test/hook`,
				email: () => `minimal-${next()}@example.com`,
				labels: () => ['vip'],
				account_id: () => seed.accountId,
				agent_bot: () => seed.botId,
				assignee_id: () => seed.agentIds[1],
				team_id: () => seed.teamIds[0],
				snoozed_until: () => new Date(Date.now() + 86_400_000).toISOString(),
			};
			const queryValues: Record<string, unknown> = {
				q: 'a',
				since: '0',
				until: '9999999999',
				'inbox_ids[]': [seed.inboxIds.api],
				typing_status: 'on',
			};
			// Values Chatwoot's models need beyond what the contract requires, or that must not repeat a seeded record.
			const extraBody: Record<string, JsonObject> = {
				'create-a-team': { name: 'Minimal team' },
				'create-a-label': { title: 'minimal' },
				'add-new-canned-response-to-account': { short_code: 'minimal', content: 'Minimal' },
				'add-new-custom-attribute-to-account': { attribute_display_name: 'Minimal' },
				'create-an-account': { name: 'Minimal account' },
				'create-a-user': { email: 'minimal-user@example.com' },
				'create-a-message': { content: 'Minimal' },
			};

			// Destructive operations last, children before parents, "delete all" at the very end.
			const destructive = (o: ContractOperation) =>
				o.method === 'DELETE' || /destroy_all|reset_access_token/.test(o.path);
			const depth = (o: ContractOperation) =>
				o.path.endsWith('/destroy_all') ? 0 : o.path.split('/').length;
			const operations = [...box.operations].sort(
				(x, y) =>
					Number(destructive(x)) - Number(destructive(y)) ||
					(destructive(x) ? depth(y) - depth(x) : 0),
			);
			const failures: string[] = [];
			const misfits: string[] = [];
			for (const operation of operations) {
				const request = minimalRequest(CHATWOOT_CONTRACT, operation, {
					valueFor: ({ location, name, schema }) => {
						if (location === 'path') {
							if (name === 'account_id' && !operation.path.startsWith('/platform/'))
								return byOperation[operation.operationId]?.[name] ?? seed.accountId;
							return (
								byOperation[operation.operationId]?.[name] ??
								byPath.find(([shape]) => shape.exec(operation.path)?.[1] === name)?.[1] ??
								(name === 'account_id' ? seed.accountId : 1)
							);
						}
						if (location === 'query') return queryValues[name];
						const value = bodyValues[name]?.();
						// Some bodies type ids as strings (inbox_members PATCH/DELETE, Linear team_id).
						return typeof value === 'number' &&
							derefSchema(CHATWOOT_CONTRACT, schema).type === 'string'
							? String(value)
							: value;
					},
				});
				const body =
					request.body === undefined && extraBody[operation.operationId] === undefined
						? undefined
						: { ...(request.body as JsonObject | undefined), ...extraBody[operation.operationId] };
				const multipart = request.contentType === 'multipart/form-data';
				const token = operation.path.startsWith('/platform/')
					? box.platformToken
					: operation.path.startsWith('/public/') || operation.path.startsWith('/survey/')
						? false
						: box.userToken;
				const result = await call(box, request.method, request.path, {
					query: new URLSearchParams(request.query).toString(),
					token,
					...(multipart
						? {
								form: formFor(
									body ?? {},
									operation.requestBody?.content['multipart/form-data'] ?? {},
								),
							}
						: { body }),
				});
				if (operation.operationId === 'reset-profile-access-token') {
					const user = box.state.users.get(seed.userId);
					if (user) box.state.setUserToken(user, box.userToken);
				}
				if (result.status < 200 || result.status >= 300) {
					failures.push(
						`${operation.operationId} ${request.method} ${request.path}: ${result.status} ${result.text.slice(0, 200)}`,
					);
					continue;
				}
				// Answers the core cannot check (e.g. 200 where the contract declares only 204) are checked here.
				const declared =
					responseFor(operation, result.status) ??
					operation.responses[
						Object.keys(operation.responses).find((code) => code.startsWith('2')) ?? ''
					];
				const schema = declared?.content['application/json'];
				if (schema !== undefined && result.value !== undefined) {
					const issues = contractSchemas.validate(schema, result.value, 'response');
					if (issues.length > 0)
						misfits.push(`${operation.operationId}: ${issues.map((i) => i.message).join('; ')}`);
				}
				if (
					declared?.content['text/csv'] &&
					!/^text\/csv/.test(result.headers.get('content-type') ?? '')
				)
					misfits.push(`${operation.operationId}: not text/csv`);
			}
			assert.deepEqual(failures, []);
			assert.deepEqual(misfits, []);
			assert.deepEqual(
				box.recorder
					.invalidRequests()
					.map(
						(r) => `${r.method} ${r.path}: ${r.validationErrors.map((e) => e.message).join('; ')}`,
					),
				[],
			);
			assert.deepEqual(box.recorder.responseViolations(), []);
			assert.equal(box.recorder.operationsCalled().size, 438);
		} finally {
			await box.close();
		}
	});

	test('the stateful operations have dedicated models, not the generic store', () => {
		const generic = new Set(genericOperationIds());
		const modelled = [
			'conversationList',
			'newConversation',
			'conversationFilter',
			'toggle-status-of-a-conversation',
			'assign-a-conversation',
			'list-all-messages',
			'create-a-new-message-in-a-conversation',
			'contactList',
			'contactCreate',
			'contactMerge',
			'contactInboxCreation',
			'add-new-agent-to-inbox',
			'get-team-members',
			'create-a-webhook',
			'list-all-notifications',
			'download-agents-report',
			'create-a-message',
			'create-an-account-user',
			'create-an-agent-bot',
			'fetchProfile',
		];
		assert.deepEqual(
			modelled.filter((id) => generic.has(id)),
			[],
		);
		assert.ok(generic.has('list-all-macros') && generic.has('list-all-captain-assistants'));
	});

	test('no answer of the main sandbox broke the contract', () => {
		assert.deepEqual(sb.recorder.responseViolations(), []);
	});
});

describe('agent bots', () => {
	/** A bot's endpoint that answers the statuses queued in `answers` (then 200) and records what it got. */
	async function botEndpoint() {
		const answers: number[] = [];
		const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
		const server = createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
				response.statusCode = answers.shift() ?? 200;
				response.end();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		return { url: `http://127.0.0.1:${port}/bot`, answers, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
	}

	test('a connected bot gets its inbox events signed with its secret; 429 and 500 are retried up to three attempts with one delivery id; a message it never took opens the pending conversation', async () => {
		const box = await startChatwootSandbox({ agentBotRetryDelayMs: 10 });
		const endpoint = await botEndpoint();
		try {
			const made = await call(box, 'POST', '/api/v1/accounts/1/agent_bots', { body: { name: 'Bot', outgoing_url: endpoint.url } });
			const { id: botId, secret } = made.json as { id: number; secret: string };
			assert.equal(typeof secret, 'string', 'an administrator sees the secret');
			const inbox = box.seed.inboxIds.website;
			assert.deepEqual((await call(box, 'GET', `/api/v1/accounts/1/inboxes/${inbox}/agent_bot`)).json, { agent_bot: {} });
			assert.equal((await call(box, 'POST', `/api/v1/accounts/1/inboxes/${inbox}/set_agent_bot`, { body: { agent_bot: botId } })).status, 200);
			assert.equal(((await call(box, 'GET', `/api/v1/accounts/1/inboxes/${inbox}/agent_bot`)).json.agent_bot as JsonObject).id, botId);

			const created = await call(box, 'POST', '/api/v1/accounts/1/conversations', {
				body: { source_id: 'bot-visitor-1', inbox_id: inbox, contact_id: box.seed.contactIds[0], status: 'open' },
			});
			assert.equal(created.json.status, 'pending', 'a conversation of a bot inbox starts pending, whatever was asked');
			const displayId = Number(created.json.id);
			const say = async (content: string) =>
				await call(box, 'POST', `/api/v1/accounts/1/conversations/${displayId}/messages`, { body: { content, message_type: 'incoming' } });
			const attemptsOf = (content: string) =>
				box.state.agentBotDeliveries.filter((d) => (JSON.parse(d.body) as { content?: string }).content === content);
			const settled = async (content: string, count: number) =>
				await waitFor(() => (attemptsOf(content).filter((d) => d.status !== null).length === count ? attemptsOf(content) : undefined));

			await say('Olá');
			const [hello] = await settled('Olá', 1);
			assert.equal(hello.event, 'message_created');
			const sent = endpoint.received.at(-1);
			assert.ok(sent && verify(secret, sent.headers, sent.body));
			assert.equal(sent.headers['x-chatwoot-delivery'], hello.deliveryId);
			assert.equal(box.state.conversationByDisplayId(1, displayId)?.status, 'pending', 'an incoming message leaves it pending');

			endpoint.answers.push(500, 429);
			await say('Tem alguém aí?');
			const retried = await settled('Tem alguém aí?', 3);
			assert.deepEqual(retried.map((d) => [d.status, d.attempt]), [[500, 1], [429, 2], [200, 3]]);
			assert.equal(new Set(retried.map((d) => d.deliveryId)).size, 1);
			assert.equal(box.state.conversationByDisplayId(1, displayId)?.status, 'pending');

			endpoint.answers.push(500, 500, 500, 500);
			await say('Alô?');
			assert.deepEqual((await settled('Alô?', 3)).map((d) => d.status), [500, 500, 500]);
			const conversation = await waitFor(() => {
				const found = box.state.conversationByDisplayId(1, displayId);
				return found?.status === 'open' ? found : undefined;
			});
			assert.match(box.state.messagePage(conversation.id, {}).at(-1)?.content ?? '', /moved to open/);

			await call(box, 'POST', `/api/v1/accounts/1/inboxes/${inbox}/set_agent_bot`, { body: { agent_bot: null } });
			assert.deepEqual((await call(box, 'GET', `/api/v1/accounts/1/inboxes/${inbox}/agent_bot`)).json, { agent_bot: {} });
			assert.deepEqual(box.recorder.invalidRequests(), []);
		} finally {
			await endpoint.close();
			await box.close();
		}
	});
});
