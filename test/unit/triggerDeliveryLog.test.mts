import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';

import { claim, complete, encode, logKey, merge, PersistedLog, release, rememberedKeys } from '../../nodes/shared/trigger/deliveryLog.ts';

const t0 = 1_750_000_000_000;
const minute = 60_000;

/** The same text as another process would have written it (another writer tag). */
const fromAnotherProcess = (persisted: string) => `other.1|${persisted.slice(persisted.indexOf('|') + 1)}`;

describe('delivery log', () => {
	test('a delivery is first once, in progress while it is being run, then a duplicate until its window ends', () => {
		const scope = randomUUID();
		const keys = [logKey('delivery', 'd-1')];
		assert.equal(claim(scope, keys, t0), 'first');
		assert.equal(claim(scope, keys, t0 + 1), 'in progress');
		complete(scope, keys, t0 + 5 * minute);
		assert.equal(claim(scope, keys, t0 + 2), 'duplicate');
		assert.equal(claim(scope, keys, t0 + 5 * minute - 1), 'duplicate');
		assert.equal(claim(scope, keys, t0 + 5 * minute), 'first', 'past its window the timestamp check refuses a replay instead');
	});

	test('any one known key makes a duplicate: a retry by its id, a replay by its signature', () => {
		const scope = randomUUID();
		complete(scope, [logKey('delivery', 'd-1'), logKey('signature', 'sha256=aa')], t0 + minute);
		assert.equal(claim(scope, [logKey('delivery', 'd-1'), logKey('signature', 'sha256=bb')], t0), 'duplicate');
		assert.equal(claim(scope, [logKey('delivery', 'd-forged'), logKey('signature', 'sha256=aa')], t0), 'duplicate');
		assert.equal(claim(scope, [logKey('delivery', 'd-2'), logKey('signature', 'sha256=cc')], t0), 'first');
	});

	test('a delivery that was not run is released, so the platform retry is taken', () => {
		const scope = randomUUID();
		const keys = [logKey('delivery', 'd-1')];
		claim(scope, keys, t0);
		release(scope, keys);
		assert.equal(claim(scope, keys, t0 + 1), 'first');
	});

	test('every key is kept for its whole window, however many others arrive', () => {
		const scope = randomUUID();
		for (let i = 0; i < 20_000; i++) {
			const keys = [logKey('delivery', `d-${i}`)];
			assert.equal(claim(scope, keys, t0 + i), 'first');
			complete(scope, keys, t0 + i + 10 * minute);
		}
		assert.equal(rememberedKeys(scope, t0 + 20_000), 20_000);
		assert.equal(claim(scope, [logKey('delivery', 'd-0')], t0 + 20_000), 'duplicate');
		assert.equal(rememberedKeys(scope, t0 + 10 * minute + 10_000), 10_000 - 1, 'the older half has expired');
	});

	test('each workflow and trigger node has its own log', () => {
		const scope = randomUUID();
		complete(scope, [logKey('delivery', 'd-1')], t0 + minute);
		assert.equal(claim(randomUUID(), [logKey('delivery', 'd-1')], t0), 'first');
	});

	test('what one process saved is known to another after it reads static data; expired keys are left out', () => {
		const writer = randomUUID();
		complete(writer, [logKey('delivery', 'kept')], t0 + 10 * minute);
		complete(writer, [logKey('delivery', 'expiring')], t0 + minute);
		const persisted = fromAnotherProcess(encode(writer, t0));
		assert.match(persisted, /^other\.1\|[A-Za-z0-9_-]{12}[0-9a-z]+,[A-Za-z0-9_-]{12}[0-9a-z]+$/);

		const reader = randomUUID();
		merge(reader, persisted, t0 + 2 * minute);
		assert.equal(claim(reader, [logKey('delivery', 'kept')], t0 + 2 * minute), 'duplicate');
		assert.equal(claim(reader, [logKey('delivery', 'expiring')], t0 + 2 * minute), 'first');
		assert.equal(claim(reader, [logKey('delivery', 'kept')], t0 + 11 * minute), 'first');
	});

	test('the value put in static data serialises to the log as it is when n8n saves it', () => {
		const scope = randomUUID();
		const staticData = { deliveries: new PersistedLog(scope) };
		complete(scope, [logKey('delivery', 'after the value was set')], Date.now() + minute);
		const saved = JSON.parse(JSON.stringify(staticData)) as { deliveries: string };
		const reader = randomUUID();
		merge(reader, fromAnotherProcess(saved.deliveries));
		assert.equal(claim(reader, [logKey('delivery', 'after the value was set')]), 'duplicate');
	});

	test('a key is 12 characters and shows nothing of what it stands for', () => {
		const key = logKey('delivery', '2f1a5c1e-8d0e-4b7a-9a51-2f6c3f0d7e10');
		assert.match(key, /^[A-Za-z0-9_-]{12}$/);
		assert.notEqual(logKey('signature', 'x'), logKey('delivery', 'x'));
	});
});
