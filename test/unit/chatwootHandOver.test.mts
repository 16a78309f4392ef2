// Chatwoot Conversation › Hand Over to a Human against the Chatwoot sandbox, through the real transport.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { handOverConversation } from '../../nodes/Chatwoot/actions/conversation/handOver.operation.ts';
import { chatwootProfile } from '../../nodes/Chatwoot/transport/chatwootProfile.ts';
import { ApiClient, DEFAULT_SETTINGS } from '../../nodes/shared/transport/apiClient.ts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { createContext, type ParamValue } from './fakeContext.mts';

let sandbox: ChatwootSandbox;
before(async () => (sandbox = await startChatwootSandbox({})));
after(async () => await sandbox.close());

async function handOver(params: Record<string, ParamValue>, token = sandbox.userToken): Promise<IDataObject> {
	const ctx = createContext({
		params: { accountId: String(sandbox.accountId), note: '', assignTo: {}, ...params },
		items: [{ json: {} }],
		credentials: { chatwootApi: { url: sandbox.url, accessToken: token, accountId: String(sandbox.accountId) } },
	});
	const client = new ApiClient(ctx, chatwootProfile('Chatwoot', 'chatwootApi', 'accessToken'), { ...DEFAULT_SETTINGS, maxRetries: 0 });
	const [output] = await (await handOverConversation.prepare.call(ctx, 0, client)).send();
	return output.json;
}

/** Display ids of the seeded conversations a bot inbox keeps pending. */
const pendingInBotInbox = () =>
	sandbox.state
		.conversationsOf(sandbox.accountId)
		.filter((c) => c.status === 'pending' && c.inbox_id === sandbox.seed.inboxIds.api)
		.map((c) => c.display_id);

describe('Conversation › Hand Over to a Human', () => {
	test('a pending conversation gets the note, is opened, then given to the team and the agent', async () => {
		const [displayId] = pendingInBotInbox();
		assert.ok(displayId, 'the seed has a pending conversation in the bot inbox');
		const [team] = sandbox.seed.teamIds;
		const agent = sandbox.seed.agentIds[1];
		const since = sandbox.recorder.requests().length;
		const result = await handOver({ conversationId: String(displayId), note: 'Cliente pediu um humano: reembolso do pedido 4411', assignTo: { teamId: team, assigneeId: String(agent) } });

		const calls = sandbox.recorder.requests().slice(since);
		assert.deepEqual(
			calls.map((r) => [r.operationId, r.body.kind === 'json' ? r.body.value : null]),
			[
				['create-a-new-message-in-a-conversation', { content: 'Cliente pediu um humano: reembolso do pedido 4411', message_type: 'outgoing', private: true }],
				['toggle-status-of-a-conversation', { status: 'open' }],
				['assign-a-conversation', { team_id: team }],
				['assign-a-conversation', { assignee_id: agent }],
				['get-details-of-a-conversation', null],
			],
		);
		assert.ok(calls.every((r) => !r.invalid));
		const stored = sandbox.state.conversationByDisplayId(sandbox.accountId, displayId);
		assert.deepEqual([stored?.status, stored?.team_id, stored?.assignee_id], ['open', team, agent]);
		const note = sandbox.state.messagePage(stored?.id ?? 0, {}).find((m) => m.private);
		assert.equal(note?.content, 'Cliente pediu um humano: reembolso do pedido 4411');
		assert.equal(result.status, 'open');
		assert.equal(((result.meta as IDataObject).assignee as IDataObject).id, agent);
	});

	test('without note, team or agent it only opens the conversation', async () => {
		const [displayId] = pendingInBotInbox();
		const since = sandbox.recorder.requests().length;
		const result = await handOver({ conversationId: String(displayId) });
		assert.deepEqual(
			sandbox.recorder.requests().slice(since).map((r) => r.operationId),
			['toggle-status-of-a-conversation', 'get-details-of-a-conversation'],
		);
		assert.equal(result.status, 'open');
	});

	test('ids that are not numbers are refused before anything is sent', async () => {
		const since = sandbox.recorder.requests().length;
		await assert.rejects(handOver({ conversationId: 'abc' }), /Conversation ID must be a number/);
		await assert.rejects(handOver({ conversationId: '3', assignTo: { teamId: 'suporte' } }), /Team must be a number/);
		assert.equal(sandbox.recorder.requests().length, since);
	});
});
