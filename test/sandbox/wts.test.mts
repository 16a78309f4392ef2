// Behaviour of the WTS sandbox: run with `node --import tsx --test test/sandbox/wts.test.mts`.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { minimalRequest } from '../../sandbox/core/minimal-request.mts';
import { ContractSchemas } from '../../sandbox/core/schema-validator.mts';
import { slowReceiver } from '../harness/deliveries.mts';
import type { ContractOperation, SchemaObject } from '../../sandbox/core/openapi.mts';
import {
	missingHandlers,
	startWtsSandbox,
	WTS_CONTRACT,
	type WtsSandbox,
} from '../../sandbox/wts/server.mts';

type JsonObject = Record<string, unknown>;

const contractSchemas = new ContractSchemas(WTS_CONTRACT);
const ERROR_ENVELOPE: SchemaObject = { $ref: '#/components/schemas/ErrorEnvelope' };

interface CallOptions {
	query?: string;
	body?: unknown;
	headers?: Record<string, string>;
	/** false = no Authorization header; a string = that header value. */
	auth?: boolean | string;
	signal?: AbortSignal;
}

interface CallResult {
	status: number;
	headers: Headers;
	text: string;
	json: JsonObject;
}

async function call(
	sb: WtsSandbox,
	method: string,
	path: string,
	options: CallOptions = {},
): Promise<CallResult> {
	const headers: Record<string, string> = { ...options.headers };
	if (options.auth !== false)
		headers.authorization = typeof options.auth === 'string' ? options.auth : `Bearer ${sb.apiKey}`;
	if (options.body !== undefined) headers['content-type'] ??= 'application/json';
	const response = await fetch(`${sb.url}${path}${options.query ? `?${options.query}` : ''}`, {
		method,
		headers,
		body:
			options.body === undefined
				? undefined
				: typeof options.body === 'string'
					? options.body
					: JSON.stringify(options.body),
		signal: options.signal,
	});
	const text = await response.text();
	let json: JsonObject = {};
	try {
		json = text ? (JSON.parse(text) as JsonObject) : {};
	} catch {
		// Non-JSON answers (HTML fault pages, S3 XML) are checked through `text`.
	}
	return { status: response.status, headers: response.headers, text, json };
}

function items(result: CallResult): JsonObject[] {
	return result.json.items as JsonObject[];
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function assertEnvelope(result: CallResult, status: number, key: string): void {
	assert.equal(result.status, status, result.text);
	assert.equal(result.json.httpStatusCode, status);
	assert.equal(result.json.key, key);
	assert.equal(result.json.error, true);
	assert.equal(typeof result.json.text, 'string');
	assert.match(String((result.json.id as JsonObject).shortValue), /^[0-9a-f]{8}$/);
	assert.deepEqual(contractSchemas.validate(ERROR_ENVELOPE, result.json, 'response'), []);
}

let sb: WtsSandbox;
before(async () => {
	sb = await startWtsSandbox({ validateResponses: true, syncDelayMs: 20, statusDelayMs: 40 });
});
after(async () => {
	await sb.close();
});

describe('auth and routing', () => {
	test('auth runs before routing; prefix rule; 404 envelope with a good token', async () => {
		assertEnvelope(
			await call(sb, 'GET', '/core/v1/does-not-exist', { auth: 'Bearer wrong' }),
			401,
			'ERROR_UNAUTHORIZED',
		);
		assertEnvelope(
			await call(sb, 'GET', '/chat/v1/channel', { auth: false }),
			401,
			'ERROR_UNAUTHORIZED',
		);
		// The raw key without "Bearer" appears in one old docs sample; the API wants the Bearer form.
		assertEnvelope(
			await call(sb, 'GET', '/chat/v1/channel', { auth: sb.apiKey }),
			401,
			'ERROR_UNAUTHORIZED',
		);
		assertEnvelope(await call(sb, 'GET', '/core/v1/does-not-exist'), 404, 'ERROR_ROUTE_NOT_FOUND');
		assertEnvelope(await call(sb, 'GET', '/v1/contact'), 400, 'ERROR_INVALID_SERVICE');
		const ok = await call(sb, 'GET', '/chat/v1/channel');
		assert.equal(ok.status, 200);
		assert.ok(Array.isArray(ok.json));
		const unknown = sb.recorder.requests({ path: '/core/v1/does-not-exist' });
		assert.equal(unknown.find((r) => r.status === 404)?.invalid, true);
		assert.equal(sb.recorder.credentials().get('wrong')?.length, 1);
	});

	test('literal segments win over templates; encoded path parameters', async () => {
		const note = await call(sb, 'GET', `/chat/v1/session/note/${sb.seed.sessionNotes[0]}`);
		assert.equal(note.status, 200, note.text);
		assert.equal(note.json.id, sb.seed.sessionNotes[0]);
		const notes = await call(sb, 'GET', `/chat/v1/session/${sb.seed.sessions[0].id}/note`);
		assert.equal(items(notes).length, 2);
		assert.equal((await call(sb, 'GET', '/core/v1/tag/color')).status, 200);
		assert.equal(
			sb.recorder.requests({ path: `/chat/v1/session/note/${sb.seed.sessionNotes[0]}` })[0]
				.operationId,
			'getSessionNote',
		);

		const contact = sb.seed.contacts[3];
		const byPhone = await call(
			sb,
			'GET',
			`/core/v1/contact/phonenumber/${encodeURIComponent(contact.phoneNumber ?? '')}`,
		);
		assert.equal(byPhone.status, 200, byPhone.text);
		assert.equal(byPhone.json.id, contact.id);
		// `a%2Fb` is one segment (so not a route miss) and fails the uuid check.
		const slash = await call(sb, 'GET', '/core/v1/contact/a%2Fb');
		assertEnvelope(slash, 400, 'ERROR_VALIDATION');
		assert.match(String(slash.json.text), /id must match format "uuid"/);
	});
});

describe('validation', () => {
	test('invalid bodies are 400 with the field named, and recorded as invalid', async () => {
		const cases: Array<[string, string, unknown, RegExp]> = [
			['POST', '/core/v1/tag', { color: 'PURPLE_500' }, /name is required/],
			['POST', '/core/v1/tag', { name: 5 }, /name must be string/],
			[
				'POST',
				`/core/v1/contact/${sb.seed.contacts[0].id}/tags`,
				{ operation: 'Add', tagIds: [] },
				/operation must be one of/,
			],
			[
				'POST',
				'/core/v2/file',
				{ tempFileId: 'not-a-uuid' },
				/tempFileId must match format "uuid"/,
			],
			[
				'POST',
				'/chat/v1/send/template',
				{ to: '+55|11990000000', templateId: 'x' },
				/from is required/,
			],
			['POST', '/core/v1/contact', '{"name": ', /not valid JSON/],
		];
		for (const [method, path, body, message] of cases) {
			const before = sb.recorder.invalidRequests().length;
			const result = await call(sb, method, path, { body });
			assertEnvelope(
				result,
				400,
				result.json.key === 'ERROR_INVALID_BODY' ? 'ERROR_INVALID_BODY' : 'ERROR_VALIDATION',
			);
			assert.match(String(result.json.text), message);
			const invalid = sb.recorder.invalidRequests();
			assert.equal(invalid.length, before + 1);
			assert.ok(invalid.at(-1)?.validationErrors.length);
			assert.equal(invalid.at(-1)?.processed, false);
		}
		const wrongType = await call(sb, 'POST', '/core/v1/tag', {
			body: 'name=x',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
		});
		assertEnvelope(wrongType, 415, 'ERROR_UNSUPPORTED_MEDIA_TYPE');
	});

	test('query names are case-insensitive, empty values are absent, unknown keys are rejected', async () => {
		const result = await call(sb, 'GET', '/chat/v2/session', {
			query: 'pagesize=5&PAGENUMBER=2&status=IN_PROGRESS&status=PENDING&ActiveAt.After=&contactId=',
		});
		assert.equal(result.status, 200, result.text);
		assert.equal(result.json.pageSize, 5);
		assert.equal(result.json.pageNumber, 2);
		assert.ok(items(result).every((s) => s.status === 'IN_PROGRESS' || s.status === 'PENDING'));
		assert.deepEqual(sb.recorder.requests({ operationId: 'listSessions' }).at(-1)?.query, {
			Status: ['IN_PROGRESS', 'PENDING'],
			PageNumber: 2,
			PageSize: 5,
		});

		const unknown = await call(sb, 'GET', '/chat/v2/session', {
			query: 'autoPagination=true&PageSize=5',
		});
		assertEnvelope(unknown, 400, 'ERROR_UNKNOWN_QUERY_PARAMETER');
		assert.match(String(unknown.json.text), /autoPagination/);
		assert.equal(sb.recorder.invalidRequests().at(-1)?.path, '/chat/v2/session');
		assertEnvelope(
			await call(sb, 'GET', '/chat/v2/session', { query: 'PageSize=101' }),
			400,
			'ERROR_VALIDATION',
		);
		assertEnvelope(
			await call(sb, 'GET', '/chat/v2/session', { query: 'Status=Started' }),
			400,
			'ERROR_VALIDATION',
		);

		const lenient = await startWtsSandbox({ lenientQuery: true });
		try {
			assert.equal(
				(
					await call(lenient, 'GET', '/chat/v2/session', {
						query: 'autoPagination=true&status[]=x',
					})
				).status,
				200,
			);
			assert.equal(lenient.recorder.invalidRequests().length, 0);
		} finally {
			await lenient.close();
		}
	});

	test('date filters and deepObject metadata filter', async () => {
		const all = await call(sb, 'GET', '/chat/v2/session', {
			query: 'PageSize=100&CreatedAt.After=2000-01-01T00:00:00Z',
		});
		const recent = await call(sb, 'GET', '/chat/v2/session', {
			query: `PageSize=100&CreatedAt.After=${new Date(Date.now() - 2 * 86_400_000).toISOString()}`,
		});
		assert.ok(Number(recent.json.totalItems) < Number(all.json.totalItems));
		const tagged = await call(sb, 'GET', '/chat/v2/session', {
			query: 'Metadata[pedido]=PED-2000',
		});
		assert.equal(items(tagged).length, 1);
	});
});

describe('pagination', () => {
	test('sessions need several pages at PageSize 15', async () => {
		const ids = new Set<unknown>();
		let pageNumber = 1;
		let pages = 0;
		for (;;) {
			const result = await call(sb, 'GET', '/chat/v2/session', {
				query: `PageNumber=${pageNumber}&PageSize=15`,
			});
			assert.equal(result.status, 200);
			for (const item of items(result)) ids.add(item.id);
			pages++;
			if (!result.json.hasMorePages) {
				assert.equal(result.json.totalPages, pageNumber);
				break;
			}
			pageNumber++;
		}
		assert.ok(pages >= 4);
		assert.equal(ids.size, sb.state.sessions.size);
	});

	test('plain-array lists and the contact filter body paging', async () => {
		for (const path of [
			'/core/v1/tag',
			'/core/v1/agent',
			'/core/v2/department',
			'/chat/v1/channel',
			'/core/v1/custom-field',
			'/core/v1/webhook/subscription',
		]) {
			assert.ok(Array.isArray((await call(sb, 'GET', path)).json), path);
		}
		const filtered = await call(sb, 'POST', '/core/v1/contact/filter', {
			body: { pageNumber: 2, pageSize: 10, status: 'ACTIVE' },
		});
		assert.equal(filtered.status, 200, filtered.text);
		assert.equal(filtered.json.pageNumber, 2);
		assert.equal(items(filtered).length, 10);
		assert.equal(filtered.json.hasMorePages, true);
	});

	test('seedContacts(100000) pages through to the last page', async () => {
		const bulk = await startWtsSandbox();
		try {
			bulk.state.seedContacts(100_000);
			const first = await call(bulk, 'GET', '/core/v1/contact', {
				query: 'PageSize=100&PageNumber=1',
			});
			assert.equal(first.json.totalPages, Math.ceil(Number(first.json.totalItems) / 100));
			const last = await call(bulk, 'GET', '/core/v1/contact', {
				query: `PageSize=100&PageNumber=${String(first.json.totalPages)}`,
			});
			assert.equal(last.json.hasMorePages, false);
			assert.ok(items(last).length > 0);
		} finally {
			await bulk.close();
		}
	});
});

describe('state', () => {
	test('contact create -> get -> masked update -> get', async () => {
		const created = await call(sb, 'POST', '/core/v1/contact', {
			body: {
				name: 'Maria Teste',
				phoneNumber: '+55|11912345678',
				email: 'maria@example.com',
				tagNames: ['Nova tag'],
				customFields: { cpf: '123' },
			},
		});
		assert.equal(created.status, 200, created.text);
		const id = String(created.json.id);
		assert.deepEqual(created.json.tagNames, ['Nova tag']);
		assert.equal((await call(sb, 'GET', `/core/v1/contact/${id}`)).json.email, 'maria@example.com');

		const masked = await call(sb, 'PUT', `/core/v2/contact/${id}`, {
			body: { fields: ['Name'], name: 'Maria Nova', email: 'ignored@example.com' },
		});
		assert.equal(masked.status, 200, masked.text);
		const afterMask = await call(
			sb,
			'GET',
			`/core/v1/contact/phonenumber/${encodeURIComponent('+55|11912345678')}`,
			{ query: 'IncludeDetails=CustomFields' },
		);
		assert.equal(afterMask.json.name, 'Maria Nova');
		assert.equal(afterMask.json.email, 'maria@example.com');
		assert.deepEqual(afterMask.json.customFields, { cpf: '123' });

		// No mask: every field present changes; custom fields are keyed by key, not display name.
		assert.equal(
			(await call(sb, 'PUT', `/core/v2/contact/${id}`, { body: { email: 'new@example.com' } })).json
				.email,
			'new@example.com',
		);
		const byName = await call(sb, 'PUT', `/core/v2/contact/${id}`, {
			body: { fields: ['CustomFields'], customFields: { Plano: 'Pro' } },
		});
		assertEnvelope(byName, 400, 'ERROR_CUSTOM_FIELD_NOT_FOUND');
		assert.match(String(byName.json.text), /use its key "plano"/);

		const duplicate = await call(sb, 'POST', '/core/v1/contact', {
			body: { phoneNumber: '+55|11912345678' },
		});
		assertEnvelope(duplicate, 400, 'ERROR_CONTACT_ALREADY_EXISTS');
		const existing = await call(sb, 'POST', '/core/v1/contact', {
			body: { phoneNumber: '+55|11912345678', options: { getIfExists: true } },
		});
		assert.equal(existing.json.id, id);

		const tags = await call(
			sb,
			'POST',
			`/core/v1/contact/phonenumber/${encodeURIComponent('+55|11912345678')}/tags`,
			{ body: { operation: 'InsertIfNotExists', tagIds: [sb.seed.tags[0].id] } },
		);
		assert.equal((tags.json.tagIds as string[]).length, 2);
		const removed = await call(sb, 'POST', `/core/v1/contact/${id}/tags`, {
			body: { operation: 'DeleteIfExists', tagIds: [sb.seed.tags[0].id] },
		});
		assert.equal((removed.json.tagIds as string[]).length, 1);
	});

	test('session transfer, assign, status, complete and notes', async () => {
		const session = sb.seed.sessions[5].id;
		const transferred = await call(sb, 'PUT', `/chat/v1/session/${session}/transfer`, {
			body: { type: 'DEPARTMENT', newDepartmentId: sb.seed.departments[1].id },
		});
		assert.equal(transferred.json.departmentId, sb.seed.departments[1].id);
		assert.equal(transferred.json.status, 'PENDING');
		const assigned = await call(sb, 'PUT', `/chat/v1/session/${session}/assignee`, {
			body: { userId: sb.seed.agents[2].id },
		});
		assert.equal(assigned.json.userId, sb.seed.agents[2].id);
		assert.equal(assigned.json.status, 'IN_PROGRESS');
		const partial = await call(sb, 'PUT', `/chat/v2/session/${session}/partial`, {
			body: { fields: ['Metadata'], metadata: { pedido: 'X1' }, number: 'ignored' },
		});
		assert.deepEqual(partial.json.metadata, { pedido: 'X1' });
		assert.notEqual(partial.json.number, 'ignored');
		const note = await call(sb, 'POST', `/chat/v1/session/${session}/note`, {
			body: { text: 'nota' },
		});
		assert.equal(
			(await call(sb, 'GET', `/chat/v1/session/note/${String(note.json.id)}`)).json.text,
			'nota',
		);
		const completed = await call(sb, 'PUT', `/chat/v1/session/${session}/complete`, {
			body: { reactivateOnNewMessage: true },
		});
		assert.equal(completed.json.status, 'COMPLETED');
		assert.ok(completed.json.endAt);
		assertEnvelope(
			await call(sb, 'PUT', `/chat/v1/session/${session}/assignee`, {
				body: { userId: sb.seed.agents[1].id },
			}),
			400,
			'ERROR_SESSION_COMPLETED',
		);
	});

	test('cards: create, update with mask, duplicate, notes', async () => {
		const panel = sb.seed.panels[0];
		const created = await call(sb, 'POST', '/crm/v2/panel/card', {
			body: {
				stepId: panel.stepIds[0],
				title: 'Nova oportunidade',
				monetaryAmount: 1200.5,
				contactIds: [sb.seed.contacts[1].id],
				customFields: { origem_lead: 'Site' },
				tagNames: ['Quente'],
			},
		});
		assert.equal(created.status, 200, created.text);
		const id = String(created.json.id);
		assert.deepEqual(created.json.tagIds, [panel.tagIds[0]]);
		const moved = await call(sb, 'PUT', `/crm/v3/panel/card/${id}`, {
			body: { fields: ['StepId'], stepId: panel.stepIds[1], title: 'not applied' },
		});
		assert.equal(moved.json.stepId, panel.stepIds[1]);
		assert.equal(moved.json.title, 'Nova oportunidade');
		const lost = await call(sb, 'PUT', `/crm/v3/panel/card/${id}`, {
			body: { status: 'LOST', lostReasonId: panel.lostReasonIds[0] },
		});
		assert.equal(lost.json.status, 'LOST');
		const otherStep = await call(sb, 'PUT', `/crm/v3/panel/card/${id}`, {
			body: { stepId: sb.seed.panels[1].stepIds[0] },
		});
		assertEnvelope(otherStep, 400, 'ERROR_STEP_NOT_IN_PANEL');
		const copy = await call(sb, 'POST', `/crm/v2/panel/card/${id}/duplicate`, {
			body: { copyToStepId: sb.seed.panels[1].stepIds[0] },
		});
		assert.equal(copy.json.panelId, sb.seed.panels[1].id);
		assert.notEqual(copy.json.id, id);
		await call(sb, 'POST', `/crm/v1/panel/card/${id}/note`, { body: { text: 'ligar amanhã' } });
		const notes = await call(sb, 'GET', `/crm/v1/panel/card/${id}/note`);
		assert.equal(items(notes).length, 1);
		const listed = await call(sb, 'GET', '/crm/v2/panel/card', {
			query: `PanelId=${panel.id}&Statuses=LOST`,
		});
		assert.deepEqual(
			items(listed).map((c) => c.id),
			[id],
		);
	});

	test('portfolio and sequence membership, single and batch', async () => {
		const portfolio = sb.seed.portfolios[1].id;
		const contact = sb.seed.contacts[30];
		await call(sb, 'POST', `/core/v1/portfolio/${portfolio}/contact`, {
			body: { contactId: contact.id },
		});
		assert.ok(
			(
				(await call(sb, 'GET', `/core/v1/contact/${contact.id}`)).json.portfolioIds as string[]
			).includes(portfolio),
		);
		const batch = await call(sb, 'POST', `/core/v1/portfolio/${portfolio}/contact/batch`, {
			body: { phoneNumbers: [sb.seed.contacts[31].phoneNumber] },
		});
		assert.equal(items(batch).length, 1);
		const listed = await call(sb, 'GET', `/core/v1/portfolio/${portfolio}/contact`, {
			query: 'Page=1&PageSize=100',
		});
		assert.ok(items(listed).some((m) => m.contactId === contact.id));
		assert.equal(
			(
				await call(sb, 'DELETE', `/core/v1/portfolio/${portfolio}/contact`, {
					body: { contactId: contact.id },
				})
			).status,
			200,
		);
		assert.ok(
			!(
				(await call(sb, 'GET', `/core/v1/contact/${contact.id}`)).json.portfolioIds as string[]
			).includes(portfolio),
		);

		const sequence = sb.seed.sequences[2].id;
		const added = await call(sb, 'POST', `/chat/v1/sequence/${sequence}/contact/batch`, {
			body: { phoneNumbers: ['+55|11955554444'] },
		});
		assert.equal(items(added).length, 1, 'unknown phones become contacts');
		const members = await call(sb, 'GET', `/chat/v2/sequence/${sequence}/contact`, {
			query: 'PhoneNumber=%2B55%7C11955554444',
		});
		assert.equal(items(members).length, 1);
		await call(sb, 'DELETE', `/chat/v1/sequence/${sequence}/contact/batch`, {
			body: { phoneNumbers: ['+55|11955554444'] },
		});
		assert.equal(
			(
				(await call(sb, 'GET', `/chat/v1/sequence/${sequence}/contact`))
					.json as unknown as unknown[]
			).length,
			0,
		);
	});
});

describe('sending', () => {
	// The answer that accepts a message reports it in flight. Read against the short delays of `sb`, that
	// status depends on how soon the answer is written; here a message stays in flight for a minute.
	let inFlight: WtsSandbox;
	before(async () => {
		inFlight = await startWtsSandbox({
			validateResponses: true,
			syncDelayMs: 20,
			statusDelayMs: 60_000,
		});
	});
	after(async () => {
		await inFlight.close();
	});

	test('send text: QUEUED, then SENT/DELIVERED at the statusUrl', async () => {
		const text = {
			from: sb.seed.channels[0].id,
			to: sb.seed.contacts[0].phoneNumber,
			text: 'Olá!',
		};
		const queued = await call(inFlight, 'POST', '/chat/v1/send/text', { body: text });
		assert.equal(queued.status, 200, queued.text);
		assert.equal(queued.json.status, 'QUEUED');
		const sent = await call(sb, 'POST', '/chat/v1/send/text', { body: text });
		assert.equal(sent.status, 200, sent.text);
		await sleep(90);
		const status = await fetch(String(sent.json.statusUrl), {
			headers: { authorization: `Bearer ${sb.apiKey}` },
		}).then((r) => r.json() as Promise<JsonObject>);
		assert.ok(status.status === 'SENT' || status.status === 'DELIVERED', String(status.status));

		const oi = { to: sb.seed.contacts[1].phoneNumber, body: { text: 'oi' } };
		const processing = await call(inFlight, 'POST', '/chat/v1/message/send', { body: oi });
		assert.equal(processing.json.status, 'PROCESSING');
		const classic = await call(sb, 'POST', '/chat/v1/message/send', { body: oi });
		await sleep(90);
		assert.equal(
			(await call(sb, 'GET', `/chat/v1/message/${String(classic.json.id)}/status`)).json.status,
			'DELIVERED',
		);

		const sync = await call(
			inFlight,
			'POST',
			`/chat/v1/session/${inFlight.seed.sessions[2].id}/message/sync`,
			{ body: { text: 'síncrono' } },
		);
		assert.equal(sync.status, 200, sync.text);
		assert.equal(sync.json.text, 'síncrono');
		assert.equal(
			sync.json.status,
			'PROCESSING',
			'syncDelayMs (20) < statusDelayMs (60 s): still in flight',
		);
	});

	test('free text outside the 24 h window fails; templates are checked', async () => {
		const stranger = await call(sb, 'POST', '/chat/v1/send/text', {
			body: { to: '+55|11933332222', text: 'oi' },
		});
		await sleep(50);
		const status = await call(sb, 'GET', `/chat/v1/send/message/${String(stranger.json.id)}`);
		assert.equal(status.json.status, 'FAILED');
		assert.match(String(status.json.failedReason), /24h window/);

		const [approved, withImage, inRevision, , , otherChannel] = sb.seed.templates;
		const from = sb.seed.channels[0].id;
		const to = '+55|11933332222';
		assertEnvelope(
			await call(sb, 'POST', '/chat/v1/send/template', {
				body: { from, to, templateId: inRevision.id, parameters: { 1: 'x' } },
			}),
			400,
			'ERROR_TEMPLATE_NOT_APPROVED',
		);
		assertEnvelope(
			await call(sb, 'POST', '/chat/v1/send/template', {
				body: { from, to, templateId: otherChannel.id, parameters: { 1: 'x' } },
			}),
			400,
			'ERROR_TEMPLATE_CHANNEL_MISMATCH',
		);
		assertEnvelope(
			await call(sb, 'POST', '/chat/v1/send/template', {
				body: { from, to, templateId: approved.id, parameters: { 1: 'Ana' } },
			}),
			400,
			'ERROR_TEMPLATE_PARAMETER_MISSING',
		);
		assertEnvelope(
			await call(sb, 'POST', '/chat/v1/send/template', {
				body: { from, to, templateId: withImage.id, parameters: { 1: 'x' } },
			}),
			400,
			'ERROR_TEMPLATE_FILE_REQUIRED',
		);
		const ok = await call(sb, 'POST', '/chat/v1/send/template', {
			body: {
				from: '+55|1130040000',
				to,
				templateId: approved.id,
				parameters: { 1: 'Ana', 2: 'Loja' },
			},
		});
		assert.equal(ok.status, 200, ok.text);
		await sleep(90);
		assert.equal(
			(await call(sb, 'GET', `/chat/v1/send/message/${String(ok.json.id)}`)).json.status,
			'DELIVERED',
		);
		assert.equal(sb.state.messages.get(String(ok.json.id))?.text, 'Olá Ana, bem-vindo(a) à Loja!');
	});

	test('batch sends: at most 100, results in order', async () => {
		// Accepted recipients are read as QUEUED in the answer that accepts them.
		const template = inFlight.seed.templates[4];
		const messages = (n: number) =>
			Array.from({ length: n }, (_, i) => ({ to: `+55|1198888${String(i).padStart(4, '0')}` }));
		const tooMany = await call(inFlight, 'POST', '/chat/v1/send/template/batch', {
			body: {
				from: inFlight.seed.channels[0].id,
				templateId: template.id,
				messages: messages(101),
			},
		});
		assertEnvelope(tooMany, 400, 'ERROR_VALIDATION');
		assert.match(String(tooMany.json.text), /messages must NOT have more than 100 items/);
		const batch = await call(inFlight, 'POST', '/chat/v1/send/template/batch', {
			body: {
				from: inFlight.seed.channels[0].id,
				templateId: template.id,
				messages: [
					{ to: '+55|11977770001', senderId: 'a' },
					{ to: 'not a phone', senderId: 'b' },
					{ to: '+55|11977770003', senderId: 'c' },
				],
			},
		});
		const results = batch.json.results as JsonObject[];
		assert.deepEqual(
			results.map((r) => r.senderId),
			['a', 'b', 'c'],
		);
		assert.deepEqual(
			results.map((r) => r.status),
			['QUEUED', 'FAILED', 'QUEUED'],
		);

		const bots = await call(inFlight, 'POST', '/chat/v1/send/chatbot/batch', {
			body: {
				botKey: inFlight.seed.chatbots[1].key,
				messages: [{ to: inFlight.seed.contacts[4].phoneNumber }],
			},
		});
		assert.equal((bots.json.results as JsonObject[]).length, 1);
		const byId = await call(inFlight, 'POST', '/chat/v1/send/chatbot', {
			body: { botKey: inFlight.seed.chatbots[1].id, to: inFlight.seed.contacts[4].phoneNumber },
		});
		assertEnvelope(byId, 400, 'ERROR_CHATBOT_NOT_FOUND');
		const legacy = await call(inFlight, 'POST', '/chat/v1/chatbot/send', {
			body: { botId: inFlight.seed.chatbots[1].id, to: inFlight.seed.contacts[4].phoneNumber },
		});
		assertEnvelope(legacy, 400, 'ERROR_VALIDATION');
	});
});

describe('files', () => {
	test('v2 upload flow: presigned PUT without Authorization, then save', async () => {
		const url = await call(sb, 'GET', '/core/v2/file', {
			query: 'Type=DOCUMENT&Name=relatorio.pdf&MimeType=application/pdf',
		});
		assert.equal(url.status, 200, url.text);
		const upload = String(url.json.urlUpload);
		assert.match(upload, /\/__upload\/.+X-Amz-Signature=/);
		const bytes = Buffer.from('%PDF-1.4 sandbox test file');

		const withAuth = await fetch(upload, {
			method: 'PUT',
			body: bytes,
			headers: { 'content-type': 'application/pdf', authorization: `Bearer ${sb.apiKey}` },
		});
		assert.equal(withAuth.status, 400);
		assert.match(await withAuth.text(), /Only one auth mechanism allowed/);
		const wrongType = await fetch(upload, {
			method: 'PUT',
			body: bytes,
			headers: { 'content-type': 'image/png' },
		});
		assert.equal(wrongType.status, 403);
		const tampered = await fetch(
			upload.replace(/X-Amz-Signature=[0-9a-f]+/, 'X-Amz-Signature=00'),
			{ method: 'PUT', body: bytes, headers: { 'content-type': 'application/pdf' } },
		);
		assert.equal(tampered.status, 403);
		assertEnvelope(
			await call(sb, 'POST', '/core/v2/file', { body: { tempFileId: url.json.tempFileId } }),
			400,
			'ERROR_FILE_NOT_UPLOADED',
		);

		const put = await fetch(upload, {
			method: 'PUT',
			body: bytes,
			headers: { 'content-type': 'application/pdf' },
		});
		assert.equal(put.status, 200);
		const recorded = sb.recorder
			.requests({ path: `/__upload/${String(url.json.tempFileId)}` })
			.at(-1);
		assert.equal(recorded?.rawRoute, 'upload');
		assert.ok(recorded?.body.kind === 'raw' && recorded.body.bytes.equals(bytes));

		const saved = await call(sb, 'POST', '/core/v2/file', {
			body: { tempFileId: url.json.tempFileId },
		});
		assert.equal(saved.status, 200, saved.text);
		assert.equal(saved.json.size, bytes.length);
		assert.equal(saved.json.type, 'DOCUMENT');
		assert.deepEqual(sb.state.files.get(String(saved.json.id))?.bytes, bytes);
		const download = await fetch(String(saved.json.publicUrl));
		assert.deepEqual(Buffer.from(await download.arrayBuffer()), bytes);

		const sent = await call(sb, 'POST', '/chat/v1/send/document', {
			body: { to: sb.seed.contacts[0].phoneNumber, fileIdOrUrl: saved.json.id, text: 'segue' },
		});
		assert.equal(sent.status, 200, sent.text);
	});

	test('v1 upload flow and the upload size limit', async () => {
		const small = await startWtsSandbox({ maxUploadBytes: 10 });
		try {
			const slot = await call(small, 'POST', '/core/v1/file/upload', {
				body: { mimeType: 'text/plain', name: 'a.txt' },
			});
			assert.match(String(slot.json.keyS3), /^tmp\//);
			const tooBig = await fetch(String(slot.json.urlUpload), {
				method: 'PUT',
				body: 'x'.repeat(11),
				headers: { 'content-type': 'text/plain' },
			});
			assert.equal(tooBig.status, 400);
			assert.match(await tooBig.text(), /EntityTooLarge/);
			const put = await fetch(String(slot.json.urlUpload), {
				method: 'PUT',
				body: 'hello',
				headers: { 'content-type': 'text/plain' },
			});
			assert.equal(put.status, 200);
			const saved = await call(small, 'PUT', '/core/v1/file', {
				body: { name: 'a.txt', keyS3: slot.json.keyS3, mimeType: 'text/plain' },
			});
			assert.equal(saved.status, 200, saved.text);
			assert.equal(saved.json.size, 5);
		} finally {
			await small.close();
		}
	});
});

describe('rate limits', () => {
	test('429 with Retry-After; a paced client sees none; send family has its own bucket', async () => {
		// The burst is counted at one instant, however a busy machine spreads its six requests; then time runs.
		let stoppedAt: number | undefined = performance.now();
		const limited = await startWtsSandbox({
			rateLimits: { general: { limit: 5, windowMs: 500 }, send: { limit: 3, windowMs: 500 } },
			rateLimitClock: () => stoppedAt ?? performance.now(),
		});
		try {
			const burst = await Promise.all(
				Array.from({ length: 6 }, () => call(limited, 'GET', '/core/v1/tag')),
			);
			const refused = burst.filter((r) => r.status === 429);
			assert.equal(refused.length, 1);
			assertEnvelope(refused[0], 429, 'ERROR_TOO_MANY_REQUESTS');
			assert.equal(refused[0].headers.get('retry-after'), '1');
			// The send bucket is independent of the exhausted general one.
			const send = await call(limited, 'GET', `/chat/v1/send/message/${sb.seed.messages[0]}`);
			assert.notEqual(send.status, 429);

			stoppedAt = undefined;
			await sleep(520);
			// Paced as the node's limiter paces: a request waits until 500 ms after the answer to the fifth before
			// it. The server counted that one before answering, so it never sees more than 5 in 500 ms, however
			// late a request reaches it on a busy machine (dated by send times, one did: a 429).
			const answeredAt: number[] = [];
			let statuses = 0;
			for (let i = 0; i < 15; i++) {
				const earliest = i >= 5 ? answeredAt[i - 5] + 500 : 0;
				const wait = earliest - performance.now();
				if (wait > 0) await sleep(wait);
				const { status } = await call(limited, 'GET', '/core/v1/tag');
				answeredAt.push(performance.now());
				if (status === 429) statuses++;
			}
			assert.equal(statuses, 0);
		} finally {
			await limited.close();
		}
	});
});

describe('faults', () => {
	const newContact = (phone: string) => ({ body: { name: 'Falha', phoneNumber: phone } });

	test('status fault with Retry-After is not processed', async () => {
		sb.faults.add({
			method: 'POST',
			path: '/core/v1/contact',
			times: 1,
			fault: { kind: 'status', status: 503, retryAfter: 2 },
		});
		const result = await call(sb, 'POST', '/core/v1/contact', newContact('+55|11900000101'));
		assert.equal(result.status, 503);
		assert.equal(result.headers.get('retry-after'), '2');
		assert.equal(result.json.key, 'ERROR_FAULT_INJECTED');
		assert.equal(sb.state.contactByPhoneNumber('+55|11900000101'), undefined);
		const record = sb.recorder
			.requests({ operationId: undefined, path: '/core/v1/contact', method: 'POST' })
			.at(-1);
		assert.equal(record?.processed, false);
		assert.match(String(record?.fault), /^status#/);
	});

	test('reset-before: socket dies, nothing happens', async () => {
		sb.faults.add({
			method: 'POST',
			path: '/core/v1/contact',
			times: 1,
			fault: { kind: 'reset-before' },
		});
		await assert.rejects(call(sb, 'POST', '/core/v1/contact', newContact('+55|11900000102')));
		assert.equal(sb.state.contactByPhoneNumber('+55|11900000102'), undefined);
		assert.equal(
			sb.recorder.requests({ path: '/core/v1/contact', method: 'POST' }).at(-1)?.processed,
			false,
		);
	});

	test('reset-mid-body: processed, then the answer is cut', async () => {
		sb.faults.add({
			method: 'POST',
			path: '/core/v1/contact',
			times: 1,
			fault: { kind: 'reset-mid-body' },
		});
		await assert.rejects(call(sb, 'POST', '/core/v1/contact', newContact('+55|11900000103')));
		assert.ok(sb.state.contactByPhoneNumber('+55|11900000103'));
		const record = sb.recorder.requests({ path: '/core/v1/contact', method: 'POST' }).at(-1);
		assert.equal(record?.processed, true);
		assert.equal(record?.status, 200);
	});

	test('a rule with bodyIncludes refuses only the request whose body holds the text, and records that body', async () => {
		sb.faults.add({ method: 'POST', path: '/core/v1/contact', bodyIncludes: '+55|11900000105', fault: { kind: 'status', status: 422 } });
		const [before, refused, after] = await Promise.all(
			['+55|11900000104', '+55|11900000105', '+55|11900000106'].map((phone) => call(sb, 'POST', '/core/v1/contact', newContact(phone))),
		);
		assert.deepEqual([before.status, refused.status, after.status], [200, 422, 200]);
		assert.ok(sb.state.contactByPhoneNumber('+55|11900000104'));
		assert.equal(sb.state.contactByPhoneNumber('+55|11900000105'), undefined);
		const record = sb.recorder.requests({ path: '/core/v1/contact', method: 'POST', status: 422 }).at(-1);
		assert.equal(record?.processed, false);
		assert.deepEqual(record?.body, { kind: 'json', value: newContact('+55|11900000105').body });
		sb.faults.clear();

		const added = await fetch(`${sb.url}/__sandbox/faults`, {
			method: 'POST',
			body: JSON.stringify({ path: '/core/v1/contact', bodyIncludes: '11900000107', times: 1, fault: { kind: 'status', status: 422 } }),
		});
		assert.equal(added.status, 200);
		assert.equal((await call(sb, 'POST', '/core/v1/contact', newContact('+55|11900000107'))).status, 422);
		assert.equal((await call(sb, 'POST', '/core/v1/contact', newContact('+55|11900000107'))).status, 200, 'times: 1 fires once');
		sb.faults.clear();
	});

	test('delay, timeout, malformed JSON and HTML pages', async () => {
		sb.faults.add({ path: '/core/v1/tag', times: 1, fault: { kind: 'delay', ms: 150 } });
		const started = performance.now();
		assert.equal((await call(sb, 'GET', '/core/v1/tag')).status, 200);
		assert.ok(performance.now() - started >= 140);

		sb.faults.add({ path: '/core/v1/agent', times: 1, fault: { kind: 'timeout' } });
		await assert.rejects(call(sb, 'GET', '/core/v1/agent', { signal: AbortSignal.timeout(200) }));
		const timedOut = sb.recorder.requests({ path: '/core/v1/agent' }).at(-1);
		assert.equal(timedOut?.processed, true);
		assert.equal(timedOut?.status, null);

		sb.faults.add({
			path: /^\/core\/v2\/department$/,
			times: 1,
			fault: { kind: 'malformed-json' },
		});
		const malformed = await call(sb, 'GET', '/core/v2/department');
		assert.equal(malformed.status, 200);
		assert.throws(() => JSON.parse(malformed.text));

		sb.faults.add({
			method: 'GET',
			path: '/chat/v1/channel',
			times: 1,
			fault: { kind: 'html', status: 502 },
		});
		const html = await call(sb, 'GET', '/chat/v1/channel');
		assert.equal(html.status, 502);
		assert.match(html.headers.get('content-type') ?? '', /text\/html/);
		assert.match(html.text, /<html>/);
		assert.equal((await call(sb, 'GET', '/chat/v1/channel')).status, 200, 'times: 1 fires once');
	});

	test('a barrier answers the requests it holds once all have arrived, or at its deadline', async () => {
		sb.faults.add({ path: '/core/v1/tag', times: 2, fault: { kind: 'barrier', count: 2, ms: 60_000 } });
		const tags = () => sb.recorder.requests({ path: '/core/v1/tag' });
		const before = tags().length;
		const first = call(sb, 'GET', '/core/v1/tag');
		while (tags().length === before) await sleep(5);
		const held = tags()[before];
		// A request answered after the first one arrived: the first is still held.
		assert.equal((await call(sb, 'GET', '/core/v1/agent')).status, 200);
		assert.equal(held.status, null);
		const [firstAnswer, secondAnswer] = await Promise.all([first, call(sb, 'GET', '/core/v1/tag')]);
		assert.equal(firstAnswer.status, 200);
		assert.equal(secondAnswer.status, 200);
		const second = tags()[before + 1];
		assert.ok(held.answeredAfterSeq !== null && held.answeredAfterSeq >= second.seq, 'the first was answered after the second arrived');

		sb.faults.add({ path: '/core/v1/tag', times: 1, fault: { kind: 'barrier', count: 2, ms: 100 } });
		assert.equal((await call(sb, 'GET', '/core/v1/tag')).status, 200);
		const alone = tags().at(-1);
		assert.equal(alone?.answeredAfterSeq, alone?.seq, 'answered at the deadline with no other arrival');
	});

	test('probabilistic rules are reproducible with a seed; the admin API adds rules', async () => {
		const pattern = async (seed: number) => {
			const box = await startWtsSandbox({ faultSeed: seed });
			try {
				box.faults.add({
					path: '/core/v1/tag',
					probability: 0.5,
					fault: { kind: 'status', status: 500 },
				});
				const statuses: number[] = [];
				for (let i = 0; i < 12; i++) statuses.push((await call(box, 'GET', '/core/v1/tag')).status);
				return statuses;
			} finally {
				await box.close();
			}
		};
		const first = await pattern(42);
		assert.deepEqual(await pattern(42), first);
		assert.ok(first.includes(500) && first.includes(200));

		const added = await fetch(`${sb.url}/__sandbox/faults`, {
			method: 'POST',
			body: JSON.stringify({
				pathRegex: '^/core/v1/tag$',
				times: 1,
				fault: { kind: 'status', status: 429, retryAfter: 'Wed, 21 Oct 2099 07:28:00 GMT' },
			}),
		});
		assert.equal(added.status, 200);
		const limited = await call(sb, 'GET', '/core/v1/tag');
		assert.equal(limited.status, 429);
		assert.equal(limited.headers.get('retry-after'), 'Wed, 21 Oct 2099 07:28:00 GMT');
		assert.equal((await fetch(`${sb.url}/__sandbox/faults`, { method: 'DELETE' })).status, 200);
		assert.equal(sb.faults.list().length, 0);
	});
});

describe('webhooks and admin API', () => {
	test('emitWebhook delivers to enabled subscriptions, repeats and alters the URL', async () => {
		const received: Array<{ url: string; body: JsonObject }> = [];
		const receiver = createServer((request: IncomingMessage, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => {
				received.push({
					url: request.url ?? '',
					body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as JsonObject,
				});
				response.end('ok');
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		try {
			const port = (receiver.address() as AddressInfo).port;
			const created = await call(sb, 'POST', '/core/v1/webhook/subscription', {
				body: {
					name: 'Teste',
					url: `http://127.0.0.1:${port}/hook?secret=abc`,
					events: ['CONTACT_NEW'],
				},
			});
			assert.deepEqual(created.json.events, [{ event: 'CONTACT_NEW', description: 'New contact' }]);
			const contact = await call(sb, 'GET', `/core/v1/contact/${sb.seed.contacts[0].id}`);
			const deliveries = await sb.emitWebhook('CONTACT_NEW', contact.json, { repeat: 2 });
			assert.equal(deliveries.length, 2);
			assert.equal(received.length, 2);
			assert.equal(received[0].url, '/hook?secret=abc');
			assert.equal(received[0].body.eventType, 'CONTACT_NEW');
			assert.match(String(received[0].body.date), /\.\d{7}Z$/);
			assert.deepEqual(received[0].body, received[1].body);
			await sb.emitWebhook('CONTACT_NEW', contact.json, { removeQueryParams: ['secret'] });
			assert.equal(received[2].url, '/hook');
			assert.equal(
				(await sb.emitWebhook('SESSION_NEW', {})).length,
				0,
				'no subscription for that event',
			);

			const viaAdmin = await fetch(`${sb.url}/__sandbox/emit`, {
				method: 'POST',
				body: JSON.stringify({ eventType: 'CONTACT_NEW', content: contact.json }),
			});
			assert.equal(((await viaAdmin.json()) as unknown[]).length, 1);
		} finally {
			receiver.close();
		}
	});

	test('a receiver that has not answered within webhookTimeoutMs fails the delivery', async () => {
		// It answers after a second, well within the default 5 s, so only the option cuts it off; the sandbox's
		// timer starts before the receiver's, so on any machine it runs out first.
		const receiver = await slowReceiver(1_000);
		const box = await startWtsSandbox({ webhookTimeoutMs: 200 });
		try {
			const { port } = receiver;
			await call(box, 'POST', '/core/v1/webhook/subscription', {
				body: { name: 'Lento', url: `http://127.0.0.1:${port}/hook`, events: ['CONTACT_NEW'] },
			});
			const [delivery] = await box.emitWebhook('CONTACT_NEW', { id: 'c1' });
			assert.equal(delivery.status, null);
			assert.match(String(delivery.error), /timeout|aborted/i);
		} finally {
			receiver.close();
			await box.close();
		}
	});

	test('admin API: requests, summary, seed-contacts, reset', async () => {
		const box = await startWtsSandbox();
		try {
			await call(box, 'GET', '/core/v1/tag');
			const requests = (await (
				await fetch(`${box.url}/__sandbox/requests?operationId=listTags`)
			).json()) as JsonObject[];
			assert.equal(requests.length, 1);
			await fetch(`${box.url}/__sandbox/seed-contacts`, {
				method: 'POST',
				body: JSON.stringify({ count: 10 }),
			});
			const summary = (await (await fetch(`${box.url}/__sandbox/state/summary`)).json()) as {
				counts: Record<string, number>;
			};
			assert.equal(summary.counts.contacts, 50);
			const contactId = box.seed.contacts[0].id;
			await fetch(`${box.url}/__sandbox/reset`, { method: 'POST' });
			assert.equal(box.state.contacts.size, 40);
			assert.equal(box.seed.contacts[0].id, contactId, 'the seed is deterministic');
			assert.equal(box.recorder.requests().length, 0);
		} finally {
			await box.close();
		}
	});
});

describe('contract coverage', () => {
	test('every operation has a handler', () => {
		assert.deepEqual(missingHandlers(), []);
	});

	test('every operation answers 2xx to a minimal valid request built from the contract', async () => {
		const box = await startWtsSandbox({ validateResponses: true, syncDelayMs: 1 });
		try {
			const seed = box.seed;
			const upload = await call(box, 'GET', '/core/v2/file', {
				query: 'Type=IMAGE&Name=a.png&MimeType=image/png',
			});
			await fetch(String(upload.json.urlUpload), {
				method: 'PUT',
				body: 'png',
				headers: { 'content-type': 'image/png' },
			});
			const legacy = await call(box, 'POST', '/core/v1/file/upload', {
				body: { mimeType: 'text/plain', name: 'a.txt' },
			});
			await fetch(String(legacy.json.urlUpload), {
				method: 'PUT',
				body: 'txt',
				headers: { 'content-type': 'text/plain' },
			});
			const sent = await call(box, 'POST', '/chat/v1/send/text', {
				body: { to: seed.contacts[0].phoneNumber, text: 'x' },
			});
			const dispatch = await call(box, 'POST', '/chat/v1/send/chatbot', {
				body: { botKey: seed.chatbots[0].key, to: seed.contacts[0].phoneNumber },
			});
			const otp = await call(box, 'POST', '/chat/v1/send/otp', {
				body: { from: seed.channels[0].id, to: seed.contacts[0].phoneNumber },
			});
			const tag = await call(box, 'POST', '/core/v1/tag', { body: { name: 'to delete' } });
			const phone = seed.contacts[3].phoneNumber ?? '';
			const future = new Date(Date.now() + 86_400_000).toISOString();
			const to = seed.contacts[0].phoneNumber;
			const from = seed.channels[0].id;

			// Path ids: per-operation exceptions first, then by path shape.
			const pathIds: Record<string, string> = {
				deleteTag: String(tag.json.id),
				deleteAgent: seed.agents[4].id,
				deleteDepartment: seed.departments[2].id,
				completeSession: seed.sessions[2].id,
				getSessionNote: seed.sessionNotes[0],
				deleteSessionNote: seed.sessionNotes[1],
				getChatbotSendStatus: String(dispatch.json.id),
				getSendMessageStatus: String(sent.json.id),
				getOtpStatus: String(otp.json.id),
				getOtpBroadcastLegacy: String(otp.json.id),
				noteId: seed.cardNotes[1].id,
			};
			const byShape: Array<[RegExp, string]> = [
				[/contact\/phonenumber/, phone],
				[/\/contact\/\{id\}/, seed.contacts[3].id],
				[/\/tag\//, seed.tags[1].id],
				[/\/agent\//, seed.agents[1].id],
				[/\/department\//, seed.departments[1].id],
				[/\/portfolio\//, seed.portfolios[0].id],
				[/\/webhook\//, seed.webhookSubscriptions[0]],
				[/\/session\//, seed.sessions[0].id],
				[/\/message\//, seed.messages[0]],
				[/sequence\//, seed.sequences[0].id],
				[/scheduled-message\//, seed.scheduledMessages[0]],
				[/panel\/card\//, seed.cards[0].id],
				[/\/panel\//, seed.panels[0].id],
			];
			const fieldValues: Record<string, unknown> = {
				contactId: seed.contacts[0].id,
				contactIds: [seed.contacts[2].id],
				stepId: seed.panels[0].stepIds[0],
				tempFileId: upload.json.tempFileId,
				keyS3: legacy.json.keyS3,
				templateId: seed.templates[4].id,
				from,
				to,
				botKey: seed.chatbots[0].key,
				sessionId: seed.sessions[0].id,
				userId: seed.agents[1].id,
				fileIdOrUrl: seed.files[0].id,
				newStatus: 'PENDING',
				status: 'Active',
				SessionId: seed.sessions[0].id,
				PanelId: seed.panels[0].id,
				Name: 'a.png',
			};
			const extraBody: Record<string, unknown> = {
				sendText: { to },
				sendImage: { to },
				sendAudio: { to },
				sendVideo: { to },
				sendDocument: { to },
				sendChatbot: { botKey: seed.chatbots[0].key, to },
				sendChatbotQueued: { botKey: seed.chatbots[0].key, to },
				transferSession: { newDepartmentId: seed.departments[1].id },
				createDepartment: { name: 'Suporte N2' },
				updateDepartment: { name: 'Vendas B2B' },
				updateTag: { name: 'Renomeada' },
				deleteTag: { removeFromContacts: true },
				updateCardV1: { title: 'Renomeado' },
				createScheduledMessage: { templateId: seed.templates[4].id, scheduling: future },
				cancelScheduledMessagesBatch: [seed.scheduledMessages[1]],
			};
			const isLast = (op: ContractOperation) =>
				op.method === 'DELETE' || op.operationId === 'cancelScheduledMessage';
			const ordered = [
				...box.operations.filter((op) => !isLast(op)),
				...box.operations.filter(isLast),
			];
			assert.equal(ordered.length, 125);

			const failures: string[] = [];
			for (const operation of ordered) {
				const request = minimalRequest(WTS_CONTRACT, operation, {
					valueFor: ({ location, name }) => {
						if (location === 'path')
							return (
								pathIds[operation.operationId] ??
								pathIds[name] ??
								byShape.find(([shape]) => shape.test(operation.path))?.[1]
							);
						return fieldValues[name];
					},
				});
				const extra = extraBody[operation.operationId];
				const body = Array.isArray(extra)
					? extra
					: extra
						? { ...(request.body as JsonObject | undefined), ...(extra as JsonObject) }
						: request.body;
				const query = new URLSearchParams(request.query).toString();
				const result = await call(box, request.method, request.path, { query, body });
				if (result.status < 200 || result.status >= 300)
					failures.push(
						`${operation.operationId} ${request.method} ${request.path}: ${result.status} ${result.text.slice(0, 300)}`,
					);
			}
			assert.deepEqual(failures, []);
			assert.deepEqual(
				box.recorder.invalidRequests().map((r) => `${r.method} ${r.path}`),
				[],
			);
			assert.deepEqual(box.recorder.responseViolations(), []);
			assert.equal(box.recorder.operationsCalled().size, 125);
		} finally {
			await box.close();
		}
	});

	test('no answer of the main sandbox broke the contract', () => {
		assert.deepEqual(sb.recorder.responseViolations(), []);
	});
});
