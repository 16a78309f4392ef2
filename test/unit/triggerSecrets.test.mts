/**
 * Delivery secrets are kept sealed with a key derived from the credential: a workflow's static data alone
 * does not verify or forge a delivery, and static data written by earlier versions (plain secrets) goes on
 * working and is sealed at its first delivery.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';

import type { IDataObject, INode } from 'n8n-workflow';

import { receiveChatwootDelivery } from '../../nodes/ChatwootTrigger/delivery.ts';
import type { ChatwootBrand } from '../../nodes/Chatwoot/transport/chatwootProfile.ts';
import { readSecret, seal, sealPlainSecret, triggerKey, unseal } from '../../nodes/shared/trigger/sealedSecret.ts';
import { receiveWtsDelivery } from '../../nodes/WtsChatTrigger/delivery.ts';
import { deliver, type TriggerSetup } from './fakeWebhook.mts';

const node: INode = { id: 'node-7', name: 'Trigger', type: 'x', typeVersion: 1, position: [0, 0], parameters: {}, webhookId: 'hook-7' };
const API_KEY = 'pn_live_key';
const TOKEN = 'cw_access_token';
const brand: ChatwootBrand = { platformName: 'Chatwoot', nodeName: 'chatwootTrigger', credentialType: 'chatwootApi', platformCredentialType: 'chatwootPlatformApi' };

describe('sealed secrets', () => {
	const key = triggerKey(API_KEY, 'hook-7', 'delivery secret');

	test('a sealed secret opens with its key only, and shows nothing of the secret', () => {
		const sealed = seal('s3cr3t-value', key);
		assert.equal(unseal(sealed, key), 's3cr3t-value');
		assert.ok(!sealed.includes('s3cr3t'));
		assert.notEqual(seal('s3cr3t-value', key), sealed, 'a new IV each time');
		assert.equal(unseal(sealed, triggerKey('another key', 'hook-7', 'delivery secret')), undefined);
		assert.equal(unseal(sealed, triggerKey(API_KEY, 'another-hook', 'delivery secret')), undefined);
		const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
		assert.equal(unseal(tampered, key), undefined);
		assert.equal(unseal('plain text', key), undefined);
	});

	test('a plain secret from an earlier version is read, then replaced by its sealed form', () => {
		const fields = { sealed: 'secretSealed', plain: 'secret' };
		const state: IDataObject = { secret: 'old-plain' };
		assert.equal(readSecret(state, fields, key), 'old-plain');
		assert.equal(sealPlainSecret(state, fields, key), true);
		assert.equal(state.secret, undefined);
		assert.equal(readSecret(state, fields, key), 'old-plain');
		assert.equal(sealPlainSecret(state, fields, key), false);
	});
});

describe('deliveries against sealed and earlier static data', () => {
	const wtsSetup = (staticData: IDataObject): TriggerSetup => ({
		node,
		params: { events: ['MESSAGE_RECEIVED'], filters: {}, options: {} },
		credentials: { wtsChatApi: { apiKey: API_KEY, baseUrl: 'http://127.0.0.1:9' } },
		staticData,
	});
	const wtsBody = () => JSON.stringify({ eventType: 'MESSAGE_RECEIVED', date: new Date().toISOString(), content: { id: `m-${Math.random()}`, sessionId: 's1', text: 'Oi' } });

	test('WTS: the secret in the URL is checked against the sealed one; the static data itself is no secret', async () => {
		const urlSecret = 'a'.repeat(64);
		const staticData: IDataObject = { urlSecretSealed: seal(urlSecret, triggerKey(API_KEY, 'hook-7', 'delivery secret')) };
		const setup = wtsSetup(staticData);
		assert.equal((await deliver(setup, { body: wtsBody(), query: { secret: urlSecret } }, receiveWtsDelivery)).status, 200);
		for (const value of Object.values(staticData)) {
			assert.equal((await deliver(setup, { body: wtsBody(), query: { secret: String(value) } }, receiveWtsDelivery)).status, 401);
		}
		const otherCredential = { ...setup, credentials: { wtsChatApi: { apiKey: 'pn_other', baseUrl: 'http://127.0.0.1:9' } } };
		const refused = await deliver(otherCredential, { body: wtsBody(), query: { secret: urlSecret } }, receiveWtsDelivery);
		assert.equal(refused.status, 401);
		assert.match(JSON.stringify(refused.body), /credential, which changed since the workflow was activated/);
	});

	test('WTS: a plain secret kept by an earlier version goes on working and is sealed at the first delivery', async () => {
		const staticData: IDataObject = { subscriptionId: 'sub-1', urlSecret: 'b'.repeat(64) };
		const answer = await deliver(wtsSetup(staticData), { body: wtsBody(), query: { secret: 'b'.repeat(64) } }, receiveWtsDelivery);
		assert.equal(answer.status, 200);
		assert.equal(staticData.urlSecret, undefined);
		assert.equal(unseal(String(staticData.urlSecretSealed), triggerKey(API_KEY, 'hook-7', 'delivery secret')), 'b'.repeat(64));
		assert.equal((await deliver(wtsSetup(staticData), { body: wtsBody(), query: { secret: 'b'.repeat(64) } }, receiveWtsDelivery)).status, 200);
	});

	const chatwootSetup = (staticData: IDataObject): TriggerSetup => ({
		node,
		params: { events: ['message_created'], filters: {}, options: {} },
		credentials: { chatwootApi: { url: 'http://127.0.0.1:9', accessToken: TOKEN, accountId: '1' } },
		staticData,
	});
	const signedWith = (secret: string, id: number) => {
		const body = JSON.stringify({ event: 'message_created', id, content: 'Oi', message_type: 'incoming' });
		const timestamp = String(Math.floor(Date.now() / 1000));
		const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
		return { body, headers: { 'x-chatwoot-signature': signature, 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-delivery': `d-${id}` } };
	};

	test('Chatwoot: signatures are checked with the sealed secret; signing with the static data is refused', async () => {
		const staticData: IDataObject = { accountId: '1', webhookId: 5, secretSealed: seal('whsec_real', triggerKey(TOKEN, 'hook-7', 'delivery secret')) };
		const setup = chatwootSetup(staticData);
		const receive = async (ctx: Parameters<typeof receiveChatwootDelivery>[0]) => await receiveChatwootDelivery(ctx, brand);
		assert.equal((await deliver(setup, signedWith('whsec_real', 1), receive)).status, 200);
		let id = 2;
		for (const value of Object.values(staticData)) {
			assert.equal((await deliver(setup, signedWith(String(value), id++), receive)).status, 401);
		}
	});

	test('Chatwoot: a plain signing secret kept by an earlier version goes on working and is sealed at the first delivery', async () => {
		const staticData: IDataObject = { accountId: '1', webhookId: 5, secret: 'whsec_old' };
		const receive = async (ctx: Parameters<typeof receiveChatwootDelivery>[0]) => await receiveChatwootDelivery(ctx, brand);
		assert.equal((await deliver(chatwootSetup(staticData), signedWith('whsec_old', 11), receive)).status, 200);
		assert.equal(staticData.secret, undefined);
		assert.equal(unseal(String(staticData.secretSealed), triggerKey(TOKEN, 'hook-7', 'delivery secret')), 'whsec_old');
		assert.equal((await deliver(chatwootSetup(staticData), signedWith('whsec_old', 12), receive)).status, 200);
	});
});
