import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';

import { forgetDeliveries, forgetDelivery, isFirstDelivery } from '../../nodes/shared/trigger/recentDeliveries.ts';

const policy = { windowMs: 60_000, maxEntries: 3 };
const t0 = 1_700_000_000_000;

describe('recent deliveries', () => {
	test('a key is first once; a retry within the window is not', () => {
		const scope = randomUUID();
		assert.equal(isFirstDelivery(scope, 'a', policy, t0), true);
		assert.equal(isFirstDelivery(scope, 'a', policy, t0 + 1_000), false);
		assert.equal(isFirstDelivery(scope, 'a', policy, t0 + 2_000), false);
		assert.equal(isFirstDelivery(scope, 'b', policy, t0 + 3_000), true);
	});

	test('each workflow and trigger node has its own log', () => {
		const scope = randomUUID();
		isFirstDelivery(scope, 'a', policy, t0);
		assert.equal(isFirstDelivery(randomUUID(), 'a', policy, t0 + 1), true);
	});

	test('a key older than the window counts as new again', () => {
		const scope = randomUUID();
		isFirstDelivery(scope, 'a', policy, t0);
		assert.equal(isFirstDelivery(scope, 'a', policy, t0 + 61_000), true);
	});

	test('only the newest keys are kept', () => {
		const scope = randomUUID();
		['a', 'b', 'c', 'd'].forEach((key, i) => isFirstDelivery(scope, key, policy, t0 + i));
		assert.equal(isFirstDelivery(scope, 'd', policy, t0 + 10), false);
		assert.equal(isFirstDelivery(scope, 'a', policy, t0 + 10), true);
	});

	test('a delivery whose processing failed is forgotten, so the platform retry is processed', () => {
		const scope = randomUUID();
		isFirstDelivery(scope, 'a', policy, t0);
		isFirstDelivery(scope, 'b', policy, t0);
		forgetDelivery(scope, 'a');
		assert.equal(isFirstDelivery(scope, 'a', policy, t0 + 1_000), true);
		assert.equal(isFirstDelivery(scope, 'b', policy, t0 + 1_000), false);
	});

	test('removing the webhook forgets every delivery of the node', () => {
		const scope = randomUUID();
		isFirstDelivery(scope, 'a', policy, t0);
		forgetDeliveries(scope);
		assert.equal(isFirstDelivery(scope, 'a', policy, t0 + 1_000), true);
	});
});
