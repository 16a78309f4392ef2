// Return All on Chatwoot lists, with the paging the generated table takes from the contract, against the
// Chatwoot sandbox (which answers with Chatwoot 4.16.2's envelopes and page sizes).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { operationTable } from '../../nodes/Chatwoot/generated/operationTable.ts';
import { chatwootProfile } from '../../nodes/Chatwoot/transport/chatwootProfile.ts';
import type { PaginationSpec } from '../../nodes/shared/engine/operationTable.ts';
import { ApiClient, DEFAULT_SETTINGS, type ApiRequest } from '../../nodes/shared/transport/apiClient.ts';
import { collectRecords } from '../../nodes/shared/transport/pagination.ts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { createContext } from './fakeContext.mts';

let sandbox: ChatwootSandbox;
before(async () => {
	sandbox = await startChatwootSandbox({});
});
after(async () => {
	await sandbox.close();
});

function paginationOf(operationId: string): PaginationSpec {
	const spec = operationTable.operations.find((op) => op.id === operationId)?.pagination;
	assert.ok(spec, `${operationId} has no pagination`);
	return spec;
}

async function returnAll(operationId: string, request: ApiRequest) {
	const ctx = createContext({ credentials: { chatwootApi: { url: sandbox.url, accessToken: sandbox.userToken } } });
	const client = new ApiClient(ctx, chatwootProfile('Chatwoot', 'chatwootApi', 'accessToken'), { ...DEFAULT_SETTINGS, maxRetries: 0 });
	const records = await collectRecords(client, request, paginationOf(operationId));
	return { records, requests: ctx.attempts.length };
}

describe('Return All over Chatwoot lists', () => {
	test('Conversation › Filter: every match across pages of 25 ({meta, payload}, no data wrapper)', async () => {
		sandbox.state.seedConversations(60);
		const conversations = sandbox.state.conversationsOf(sandbox.accountId).filter((c) => c.status === 'open');
		assert.ok(conversations.length > 50, `${conversations.length} open conversations`);
		const { records, requests } = await returnAll('conversationFilter', {
			method: 'POST',
			path: `/api/v1/accounts/${sandbox.accountId}/conversations/filter`,
			body: { payload: [{ attribute_key: 'status', filter_operator: 'equal_to', values: ['open'] }] },
		});
		assert.deepEqual(records.map((r) => r.id).sort(), conversations.map((c) => c.display_id).sort());
		assert.equal(requests, Math.ceil(conversations.length / 25));
	});

	test('Contact › Search: follows meta.has_more past the first page (meta.count is the size of a page)', async () => {
		for (let i = 0; i < 37; i++) sandbox.state.newContact(sandbox.accountId, { name: `Paginada ${i}`, email: `paginada${i}@exemplo.com.br` });
		const { records, requests } = await returnAll('contactSearch', {
			method: 'GET',
			path: `/api/v1/accounts/${sandbox.accountId}/contacts/search`,
			qs: { q: 'paginada' },
		});
		assert.equal(records.length, 37);
		assert.equal(new Set(records.map((r) => r.id)).size, 37);
		assert.equal(requests, 3);
	});

	test('Contact › Search: exactly a page of matches ends on has_more false, without asking for an empty page', async () => {
		for (let i = 0; i < 15; i++) sandbox.state.newContact(sandbox.accountId, { name: `Exata ${i}`, email: `exata${i}@exemplo.com.br` });
		const { records, requests } = await returnAll('contactSearch', {
			method: 'GET',
			path: `/api/v1/accounts/${sandbox.accountId}/contacts/search`,
			qs: { q: 'exata' },
		});
		assert.equal(records.length, 15);
		assert.equal(requests, 1);
	});
});
