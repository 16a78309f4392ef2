/**
 * The harness's wait for a publication to settle, against scripted status reads: the torn reads n8n 2.40.7
 * gives on PostgreSQL while a publication commits (see publication.mts) must not be taken for its outcome.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { settledPublication, type PublicationStatus } from './publication.mts';

const status = (value: PublicationStatus['status'], triggers: PublicationStatus['triggers'] = []): PublicationStatus => ({
	status: value,
	liveVersionId: triggers.length > 0 ? 'v1' : null,
	pendingVersionId: value === 'in_progress' ? 'v1' : null,
	triggers,
});
const activated = status('published', [{ nodeId: 'trigger', status: 'activated', errorMessage: null }]);
const notPublished = status('not_published');

/** Reads that answer `script` in order, then keep answering its last entry; counts the reads. */
function scripted(script: PublicationStatus[]): { read: () => Promise<PublicationStatus>; reads: () => number } {
	let reads = 0;
	return {
		read: async () => await Promise.resolve(script[Math.min(reads++, script.length - 1)]),
		reads: () => reads,
	};
}

const options = { timeoutMs: 60_000, what: 'the test publication', intervalMs: 1 };

test('an activation read torn during its commit (not published, no triggers) is read again: the outcome is published', async () => {
	const reader = scripted([status('in_progress'), notPublished, activated, activated]);
	assert.deepEqual(await settledPublication(reader.read, options), activated);
	assert.equal(reader.reads(), 4);
});

test('a deactivation read torn during its commit (still published) is read again: the outcome is not published', async () => {
	const reader = scripted([status('in_progress'), activated, notPublished, notPublished]);
	assert.deepEqual(await settledPublication(reader.read, options), notPublished);
});

test('a status counts only when two reads in a row agree, with no publication in flight between them', async () => {
	const reader = scripted([activated, status('in_progress'), activated, activated]);
	assert.deepEqual(await settledPublication(reader.read, options), activated);
	assert.equal(reader.reads(), 4);
});

test('a failed publication settles as failed, with its trigger error', async () => {
	const failed = status('failed', [{ nodeId: 'trigger', status: 'failed', errorMessage: 'connect ECONNREFUSED' }]);
	assert.deepEqual(await settledPublication(scripted([status('in_progress'), failed]).read, options), failed);
});

test('a status that never settles fails after the deadline with the last reading', async () => {
	await assert.rejects(
		settledPublication(scripted([status('in_progress')]).read, { ...options, timeoutMs: 20 }),
		/the test publication did not settle within 20 ms: \{"status":"in_progress"/,
	);
});
