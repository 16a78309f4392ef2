/**
 * Agent-bot mode of the Chatwoot trigger: activation makes (or takes over) an agent bot that delivers to the
 * trigger and connects it to the chosen inboxes, deactivation disconnects and deletes it, all against the
 * Chatwoot sandbox; deliveries signed with the bot's secret start one execution however often Chatwoot retries
 * them, and only the events chosen for the bot start one.
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import type { IDataObject, IHookFunctions, INode, IWebhookFunctions } from 'n8n-workflow';

import { adoptAgentBot, createAgentBot, removeAgentBots } from '../../nodes/ChatwootTrigger/agentBot.ts';
import { ChatwootTrigger } from '../../nodes/ChatwootTrigger/ChatwootTrigger.node.ts';
import { receiveChatwootDelivery } from '../../nodes/ChatwootTrigger/delivery.ts';
import type { ChatwootTriggerState } from '../../nodes/ChatwootTrigger/registration.ts';
import type { ChatwootBrand } from '../../nodes/Chatwoot/transport/chatwootProfile.ts';
import { seal, triggerKey, unseal } from '../../nodes/shared/trigger/sealedSecret.ts';
import { startChatwootSandbox, type ChatwootSandbox } from '../../sandbox/chatwoot/server.mts';
import { createContext, testNode } from './fakeContext.mts';
import { deliver, type TriggerSetup } from './fakeWebhook.mts';

const brand: ChatwootBrand = { platformName: 'Chatwoot', nodeName: 'chatwootTrigger', credentialType: 'chatwootApi', platformCredentialType: 'chatwootPlatformApi' };
const OWN_URL = 'http://127.0.0.1:5678/webhook/agent-bot-unit/webhook';

describe('agent bot lifecycle', () => {
	let chatwoot: ChatwootSandbox;
	before(async () => (chatwoot = await startChatwootSandbox({})));
	after(async () => await chatwoot.close());

	const context = (state: ChatwootTriggerState, params: IDataObject): IHookFunctions =>
		Object.assign(createContext({ credentials: { chatwootApi: { url: chatwoot.url, accessToken: chatwoot.userToken, accountId: '1' } } }), {
			getNodeParameter: (name: string, fallback?: unknown) => ({ mode: 'agentBot', options: {}, ...params })[name] ?? fallback,
			getNodeWebhookUrl: () => OWN_URL,
			getWorkflowStaticData: () => state,
			getWorkflow: () => ({ id: 'wfBot1', name: 'Support agent', active: true }),
		}) as unknown as IHookFunctions;
	const ours = () => [...chatwoot.state.agentBots.values()].filter((bot) => bot.outgoing_url === OWN_URL);
	const botOf = (inbox: number) => chatwoot.state.inboxes.get(inbox)?.agent_bot_id ?? null;
	const inboxes = () => chatwoot.seed.inboxIds;
	const opened = (state: ChatwootTriggerState) => unseal(String(state.secretSealed), triggerKey(chatwoot.userToken, testNode.id, 'delivery secret'));

	/** Activation as n8n runs it: checkExists, then create when nothing was adopted. */
	async function activate(state: ChatwootTriggerState, params: IDataObject): Promise<void> {
		if (!(await adoptAgentBot(context(state, params), brand))) await createAgentBot(context(state, params), brand);
	}

	test('activation makes one bot that delivers here, connects the chosen inboxes and keeps its secret sealed', async () => {
		const state: ChatwootTriggerState = {};
		await activate(state, { botInboxIds: [inboxes().website] });
		const [bot] = ours();
		assert.equal(ours().length, 1);
		assert.equal(bot.account_id, 1);
		assert.match(bot.name, /Support agent/);
		assert.equal(botOf(inboxes().website), bot.id);
		assert.deepEqual([state.agentBotId, state.botInboxIds, state.accountId], [bot.id, [inboxes().website], '1']);
		assert.equal(opened(state), bot.secret);
		assert.ok(!JSON.stringify(state).includes(bot.secret));

		// The next activation takes the same bot over; an inbox no longer chosen is disconnected.
		await activate(state, { botInboxIds: [inboxes().email] });
		assert.deepEqual(ours().map((b) => b.id), [bot.id]);
		assert.deepEqual([botOf(inboxes().website), botOf(inboxes().email)], [null, bot.id]);

		await removeAgentBots(context(state, { botInboxIds: [inboxes().email] }), brand);
		assert.deepEqual([ours().length, botOf(inboxes().email)], [0, null]);
		assert.deepEqual(state, {});
		assert.deepEqual(chatwoot.recorder.invalidRequests(), []);
	});

	test('a bot made by hand with this URL is taken over with its secret; copies go', async () => {
		const headers = { api_access_token: chatwoot.userToken, 'content-type': 'application/json' };
		const made: Array<{ id: number; secret: string }> = [];
		for (const name of ['by hand', 'copy']) {
			const response = await fetch(`${chatwoot.url}/api/v1/accounts/1/agent_bots`, { method: 'POST', headers, body: JSON.stringify({ name, outgoing_url: OWN_URL }) });
			made.push((await response.json()) as { id: number; secret: string });
		}
		const state: ChatwootTriggerState = {};
		assert.equal(await adoptAgentBot(context(state, { botInboxIds: [inboxes().website] }), brand), true);
		assert.deepEqual(ours().map((b) => b.id), [made[0].id]);
		assert.equal(opened(state), made[0].secret);
		assert.equal(botOf(inboxes().website), made[0].id);
		await removeAgentBots(context(state, { botInboxIds: [inboxes().website] }), brand);
		assert.equal(ours().length, 0);
	});

	test('deactivation leaves an inbox alone that was given to another bot meanwhile', async () => {
		const state: ChatwootTriggerState = {};
		await activate(state, { botInboxIds: [inboxes().website, inboxes().email] });
		const other = [...chatwoot.state.agentBots.values()].find((bot) => bot.outgoing_url !== OWN_URL && bot.account_id === 1);
		assert.ok(other);
		const response = await fetch(`${chatwoot.url}/api/v1/accounts/1/inboxes/${inboxes().email}/set_agent_bot`, {
			method: 'POST',
			headers: { api_access_token: chatwoot.userToken, 'content-type': 'application/json' },
			body: JSON.stringify({ agent_bot: other.id }),
		});
		assert.equal(response.status, 200);
		await removeAgentBots(context(state, { botInboxIds: [inboxes().website, inboxes().email] }), brand);
		assert.deepEqual([ours().length, botOf(inboxes().website), botOf(inboxes().email)], [0, null, other.id]);
	});

	test('a deactivation after the mode was switched to account webhook still removes the bot', async () => {
		const state: ChatwootTriggerState = {};
		await activate(state, { botInboxIds: [inboxes().website] });
		assert.equal(ours().length, 1);
		const switched = context(state, { mode: 'accountWebhook', events: ['message_created'] });
		assert.equal(await new ChatwootTrigger().webhookMethods.default.delete.call(switched), true);
		assert.deepEqual([ours().length, botOf(inboxes().website), state], [0, null, {}]);
	});

	test('activation without an inbox is refused before anything is made', async () => {
		const state: ChatwootTriggerState = {};
		const bots = chatwoot.state.agentBots.size;
		await assert.rejects(activate(state, { botInboxIds: [] }), /Choose the inboxes the agent bot answers/);
		assert.equal(chatwoot.state.agentBots.size, bots);
	});
});

describe('agent bot deliveries', () => {
	const TOKEN = 'cw_access_token';
	const SECRET = 'bot_secret_unit';
	const receive = async (ctx: IWebhookFunctions) => await receiveChatwootDelivery(ctx, brand);

	function setup(botEvents: string[]): TriggerSetup {
		const webhookId = randomUUID();
		const node: INode = { id: `node-${webhookId}`, name: 'Trigger', type: 'x', typeVersion: 1, position: [0, 0], parameters: {}, webhookId };
		return {
			node,
			// `events` (account-webhook mode) does not count for a bot.
			params: { mode: 'agentBot', botEvents, events: ['contact_created'], filters: {}, options: {} },
			credentials: { chatwootApi: { url: 'http://127.0.0.1:9', accessToken: TOKEN, accountId: '1' } },
			staticData: { accountId: '1', agentBotId: 7, botInboxIds: [2], secretSealed: seal(SECRET, triggerKey(TOKEN, webhookId, 'delivery secret')) },
			workflowId: `wf-${webhookId}`,
		};
	}

	/** One attempt of Chatwoot's AgentBots::WebhookJob: timestamped and signed now, the delivery id kept across retries. */
	function attempt(payload: IDataObject, deliveryId: string, at: number, secret = SECRET) {
		const body = JSON.stringify(payload);
		const signature = `sha256=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
		return { body, headers: { 'content-type': 'application/json', 'x-chatwoot-signature': signature, 'x-chatwoot-timestamp': String(at), 'x-chatwoot-delivery': deliveryId } };
	}

	const message = { event: 'message_created', id: 41, content: 'Quero falar com alguém', message_type: 'incoming', conversation: { id: 9, status: 'pending', inbox_id: 2 }, inbox: { id: 2, name: 'Site' } };

	test('a delivery and its three retries, each signed anew, start one execution', async () => {
		const bot = setup(['message_created']);
		const now = Math.floor(Date.now() / 1000);
		const answers = [];
		for (const delay of [0, 3, 6, 9]) answers.push(await deliver(bot, attempt(message, 'delivery-1', now + delay), receive));
		assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
		assert.deepEqual(answers.map((a) => (a.body as IDataObject).started), [true, false, false, false]);
		assert.equal(bot.executions?.length, 1);
		const item = bot.executions?.[0].json as IDataObject;
		assert.deepEqual([item.event, item.deliveryId, (item.message as IDataObject).content], ['message_created', 'delivery-1', 'Quero falar com alguém']);
		assert.deepEqual(item.conversation, { id: 9, status: 'pending', inboxId: 2, contactId: null, assigneeId: null, labels: [], channel: null });

		// The next message is another delivery, and another execution.
		await deliver(bot, attempt({ ...message, id: 42, content: 'Alô?' }, 'delivery-2', now), receive);
		assert.equal(bot.executions?.length, 2);
	});

	test('deliveries signed with another secret, or events not chosen for the bot, start nothing', async () => {
		const bot = setup(['message_created', 'conversation_opened']);
		const now = Math.floor(Date.now() / 1000);
		const forged = await deliver(bot, attempt(message, 'forged', now, 'not the bot secret'), receive);
		assert.equal(forged.status, 401);
		const notChosen = await deliver(bot, attempt({ event: 'conversation_resolved', id: 9, inbox_id: 2, status: 'resolved' }, 'r-1', now), receive);
		assert.deepEqual(notChosen.body, { accepted: true, started: false, reason: 'event conversation_resolved not chosen' });
		const webhookEvent = await deliver(bot, attempt({ event: 'contact_created', id: 5 }, 'c-1', now), receive);
		assert.equal((webhookEvent.body as IDataObject).started, false);
		const reopened = await deliver(bot, attempt({ event: 'conversation_opened', id: 9, inbox_id: 2, status: 'open' }, 'o-1', now), receive);
		assert.equal((reopened.body as IDataObject).started, true);
		assert.deepEqual(bot.executions?.map((item) => [item.json.event, (item.json.conversation as IDataObject).status]), [['conversation_opened', 'open']]);
	});
});
