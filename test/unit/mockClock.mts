// Pacing tests on a mocked clock: time moves only when the test moves it, so a machine too busy to run a
// timer on time cannot move a request into another window or free a slot before the test looks at it.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

export type MockTimers = TestContext['mock']['timers'];

/** Mocks setTimeout (which n8n-workflow's `sleep` calls) and Date for the rest of the test, from `now`. */
export function mockClock(t: TestContext, now: number): MockTimers {
	t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now });
	return t.mock.timers;
}

/**
 * Moves the mocked clock a millisecond at a time until `work` settles, and returns its value. Between steps
 * the promise chains the fired timers woke run to their next timer, so every timer fires at its exact time.
 */
export async function settle<T>(timers: MockTimers, work: Promise<T>, maxMs = 60_000): Promise<T> {
	let done = false;
	const watched = work.finally(() => {
		done = true;
	});
	for (let elapsed = 0; ; elapsed++) {
		await new Promise((resolve) => setImmediate(resolve));
		if (done) return await watched;
		assert.ok(elapsed < maxMs, `still waiting after ${maxMs} ms of mocked time`);
		timers.tick(1);
	}
}
