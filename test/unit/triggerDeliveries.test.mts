import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';

import type { IDataObject } from 'n8n-workflow';

import { forgetDeliveries, forgetDelivery, isFirstDelivery } from '../../nodes/shared/trigger/recentDeliveries.ts';

const policy = { windowMs: 60_000, maxEntries: 3 };
const t0 = 1_700_000_000_000;

describe('recent deliveries', () => {
	test('a key is first once; a retry within the window is not', () => {
		const scope = randomUUID();
		const staticData: IDataObject = {};
		assert.equal(isFirstDelivery(scope, staticData, 'a', policy, t0), true);
		assert.equal(isFirstDelivery(scope, staticData, 'a', policy, t0 + 1_000), false);
		assert.equal(isFirstDelivery(scope, staticData, 'b', policy, t0 + 2_000), true);
		assert.deepEqual(Object.keys(staticData.recentDeliveries as IDataObject).sort(), ['a', 'b']);
	});

	test('a key older than the window counts as new again', () => {
		const scope = randomUUID();
		const staticData: IDataObject = {};
		isFirstDelivery(scope, staticData, 'a', policy, t0);
		assert.equal(isFirstDelivery(scope, staticData, 'a', policy, t0 + 61_000), true);
	});

	test('only the newest keys are kept', () => {
		const scope = randomUUID();
		const staticData: IDataObject = {};
		['a', 'b', 'c', 'd'].forEach((key, i) => isFirstDelivery(scope, staticData, key, policy, t0 + i));
		assert.deepEqual(Object.keys(staticData.recentDeliveries as IDataObject).sort(), ['b', 'c', 'd']);
		assert.equal(isFirstDelivery(scope, staticData, 'a', policy, t0 + 10), true);
	});

	test('a retry is recognised from static data alone (another process, or after a restart)', () => {
		const staticData: IDataObject = {};
		isFirstDelivery(randomUUID(), staticData, 'a', policy, t0);
		assert.equal(isFirstDelivery(randomUUID(), staticData, 'a', policy, t0 + 1_000), false);
	});

	test('concurrent requests that loaded the same static data still see each other in this process', () => {
		const scope = randomUUID();
		// Each webhook request gets its own copy of the workflow's static data, loaded before either saved.
		const loadedByFirst: IDataObject = {};
		const loadedBySecond: IDataObject = {};
		assert.equal(isFirstDelivery(scope, loadedByFirst, 'a', policy, t0), true);
		assert.equal(isFirstDelivery(scope, loadedBySecond, 'a', policy, t0 + 5), false);
		// And a later save keeps the keys of both requests.
		assert.equal(isFirstDelivery(scope, loadedBySecond, 'b', policy, t0 + 10), true);
		assert.deepEqual(Object.keys(loadedBySecond.recentDeliveries as IDataObject).sort(), ['a', 'b']);
	});

	test('a delivery whose processing failed is forgotten, so the platform retry is processed', () => {
		const scope = randomUUID();
		const staticData: IDataObject = {};
		isFirstDelivery(scope, staticData, 'a', policy, t0);
		forgetDelivery(scope, staticData, 'a');
		assert.equal(isFirstDelivery(scope, staticData, 'a', policy, t0 + 1_000), true);
	});

	test('removing the webhook forgets every delivery of the node', () => {
		const scope = randomUUID();
		const staticData: IDataObject = {};
		isFirstDelivery(scope, staticData, 'a', policy, t0);
		forgetDeliveries(scope, staticData);
		assert.equal(staticData.recentDeliveries, undefined);
		assert.equal(isFirstDelivery(scope, staticData, 'a', policy, t0 + 1_000), true);
	});
});
