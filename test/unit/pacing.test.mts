import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { ApiClient, DEFAULT_SETTINGS } from '../../nodes/shared/transport/apiClient.ts';
import type { ApiProfile } from '../../nodes/shared/transport/apiProfile.ts';
import { limiterFor, AccountLimiter, type RateLimitRule, type ReleaseSlot } from '../../nodes/shared/transport/rateLimiter.ts';
import { rulesForShare } from '../../nodes/shared/transport/rateLimitShare.ts';
import { backoffMs, mayRetry, parseRetryAfter } from '../../nodes/shared/transport/retryPolicy.ts';
import { redactText, redactValue } from '../../nodes/shared/transport/redact.ts';
import { wtsProfile } from '../../nodes/WtsChat/transport/wtsProfile.ts';
import { createContext, wtsCredentials } from './fakeContext.mts';
import { mockClock, settle } from './mockClock.mts';
import { reply, waitUntil, withServer, type Handler } from './testServer.mts';

const FIVE_PER_500: RateLimitRule = { name: 'burst', requests: 5, windowMs: 500, appliesTo: '' };
/** Where the mocked clock of the limiter tests starts. */
const CLOCK_START = Date.UTC(2026, 11, 7, 12);

/** A slot, which these rules (no maximum wait) always give. */
async function slotOf(limiter: AccountLimiter, path: string): Promise<ReleaseSlot> {
	const slot = await limiter.acquire(path);
	assert.equal(typeof slot, 'function');
	return slot as ReleaseSlot;
}

/** A request answered at once: its slot is taken and dated now. */
async function take(limiter: AccountLimiter, path: string): Promise<void> {
	(await slotOf(limiter, path))();
}

/** 'acquired' when `acquire` resolves without sleeping (before the next macrotask), else 'waiting'. */
async function immediate(promise: Promise<void>): Promise<'acquired' | 'waiting'> {
	return await Promise.race([
		promise.then(() => 'acquired' as const),
		new Promise<'waiting'>((resolve) => setImmediate(() => resolve('waiting'))),
	]);
}

describe('AccountLimiter', () => {
	test('5 requests / 500 ms: a burst of 5 passes at once, the 6th waits until the window frees', async (t) => {
		const timers = mockClock(t, CLOCK_START);
		const limiter = new AccountLimiter([FIVE_PER_500]);
		const start = Date.now();
		for (let i = 0; i < 5; i++) assert.equal(await immediate(take(limiter, '/x')), 'acquired', `request ${i + 1} was held back`);
		const sixth = take(limiter, '/x');
		assert.equal(await immediate(sixth), 'waiting');
		await settle(timers, sixth);
		assert.ok(Date.now() - start >= 500, `6th request released after ${Date.now() - start} ms`);
	});

	test('waiters are released in order, none before the window frees', async () => {
		const limiter = new AccountLimiter([{ ...FIVE_PER_500, requests: 2, windowMs: 200 }]);
		const start = Date.now();
		const released: Array<[number, number]> = [];
		await Promise.all([0, 1, 2, 3].map(async (i) => {
			await take(limiter, '/x');
			released.push([i, Date.now() - start]);
		}));
		const late = released.filter(([i]) => i >= 2);
		assert.equal(late.length, 2);
		for (const [, at] of late) assert.ok(at >= 200, `released after ${at} ms, the window is 200 ms`);
		assert.deepEqual(released.slice(0, 2).map(([i]) => i).sort(), [0, 1]);
	});

	test('a rule covers only its path prefix; the general rule counts every path', async (t) => {
		const timers = mockClock(t, CLOCK_START);
		const limiter = new AccountLimiter(
			[
				{ name: 'all', requests: 3, windowMs: 300, appliesTo: '' },
				{ name: 'send', requests: 1, windowMs: 300, appliesTo: '/chat/v1/send/' },
			],
		);
		assert.equal(await immediate(take(limiter, '/chat/v1/send/text')), 'acquired');
		const secondSend = take(limiter, '/chat/v1/send/file');
		assert.equal(await immediate(secondSend), 'waiting', 'the send rule allows one send per window');
		assert.equal(await immediate(take(limiter, '/core/v1/contact')), 'acquired', 'other paths are not held by the send rule');
		assert.equal(await immediate(take(limiter, '/core/v1/contact')), 'acquired');
		const fourth = take(limiter, '/core/v1/contact');
		assert.equal(await immediate(fourth), 'waiting', 'the general rule counted the send too');
		await settle(timers, Promise.all([secondSend, fourth]));
	});

	test('blockUntil holds every covered path until the given time, and only covered paths', async (t) => {
		const timers = mockClock(t, CLOCK_START);
		const limiter = new AccountLimiter([{ ...FIVE_PER_500, appliesTo: '/chat/' }]);
		await take(limiter, '/chat/a');
		const until = Date.now() + 300;
		limiter.blockUntil('/chat/a', until);
		assert.equal(await immediate(take(limiter, '/core/b')), 'acquired', 'a path no rule covers is not blocked');
		const blocked = take(limiter, '/chat/b');
		assert.equal(await immediate(blocked), 'waiting');
		await settle(timers, blocked);
		assert.ok(Date.now() >= until, `released ${until - Date.now()} ms before the server's time`);
	});

	test('after blockUntil the full budget is available again once the block has passed', async (t) => {
		const timers = mockClock(t, CLOCK_START);
		const limiter = new AccountLimiter([FIVE_PER_500]);
		limiter.blockUntil('/x', Date.now() + 100);
		await settle(timers, take(limiter, '/x'));
		for (let i = 0; i < 4; i++) assert.equal(await immediate(take(limiter, '/x')), 'acquired');
		const sixth = take(limiter, '/x');
		assert.equal(await immediate(sixth), 'waiting');
		await settle(timers, sixth);
	});

	test('a slot stays taken while its request is in flight, and frees a window after the answer came back', async () => {
		const limiter = new AccountLimiter([{ ...FIVE_PER_500, requests: 1, windowMs: 100 }]);
		const release = await slotOf(limiter, '/x');
		const next = take(limiter, '/x');
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.equal(await immediate(next), 'waiting', 'an unanswered request still holds its slot');
		const answeredAt = Date.now();
		release();
		await next;
		assert.ok(Date.now() - answeredAt >= 100, `the next request went ${Date.now() - answeredAt} ms after the answer`);
	});

	test('a request the server refused without counting gives its slot back', async (t) => {
		mockClock(t, CLOCK_START);
		const limiter = new AccountLimiter([{ ...FIVE_PER_500, requests: 1, windowMs: 300 }]);
		(await slotOf(limiter, '/x'))(false);
		assert.equal(await immediate(take(limiter, '/x')), 'acquired', 'the refused request still held the only slot');
		assert.equal(await immediate(take(limiter, '/x')), 'waiting', 'a counted request keeps its slot');
	});

	test('limiterFor shares one limiter per account and rule set', () => {
		const a = limiterFor('acct-1', [FIVE_PER_500]);
		assert.equal(limiterFor('acct-1', [FIVE_PER_500]), a);
		assert.notEqual(limiterFor('acct-2', [FIVE_PER_500]), a);
		assert.notEqual(limiterFor('acct-1', [{ ...FIVE_PER_500, requests: 6 }]), a);
	});
});

describe('rulesForShare', () => {
	test('each of N processes gets the Nth part of every limit, at least one request', () => {
		const rules = [FIVE_PER_500, { name: 'long', requests: 1_000, windowMs: 300_000, appliesTo: '' }];
		assert.deepEqual(rulesForShare(rules, 2).map((rule) => rule.requests), [2, 500]);
		assert.deepEqual(rulesForShare(rules, 3).map((rule) => rule.requests), [1, 333]);
		assert.deepEqual(rulesForShare(rules, 10).map((rule) => rule.requests), [1, 100]);
		assert.deepEqual(rulesForShare(rules, 2).map((rule) => rule.windowMs), [500, 300_000]);
	});

	test('no share, 1, 0, negative, fractional or text shares keep the full limits', () => {
		for (const share of [undefined, 1, 0, -2, 1.5, '2']) assert.equal(rulesForShare([FIVE_PER_500], share)[0].requests, 5, String(share));
	});
});

/** The WTS profile with a small limit, so pacing shows within a test. */
const pacedProfile = (rules: RateLimitRule[]): ApiProfile => ({ ...wtsProfile, rateLimits: () => rules });

/**
 * Answers 200, but holds every answer until `count` requests have arrived (or 10 s have passed, so a client
 * that sends them one at a time fails the test rather than hanging it), and writes `arrive n` and `answer n`
 * to `events`: requests sent together all arrive before the first answer, however slow the machine.
 */
function answerOnceAllArrived(count: number, events: string[]): Handler {
	let arrived = 0;
	return async (_req, res, n) => {
		events.push(`arrive ${n}`);
		arrived++;
		await waitUntil(() => arrived >= count);
		events.push(`answer ${n}`);
		reply(res, 200, {});
	};
}

describe('ApiClient pacing', () => {
	test('a burst of 5 goes out at once and the 6th request only after the 500 ms window', async () => {
		await withServer(
			(_req, res) => reply(res, 200, {}),
			async (server) => {
				const ctx = createContext({ credentials: wtsCredentials(server.baseUrl) });
				const client = new ApiClient(ctx, pacedProfile([FIVE_PER_500]), { ...DEFAULT_SETTINGS, maxRetries: 0 });
				const start = Date.now();
				await Promise.all([1, 2, 3, 4, 5, 6].map((n) => client.request({ method: 'GET', path: `/x/${n}` })));
				const times = server.requests.map((r) => r.at);
				assert.equal(times.length, 6);
				const sixth = Math.max(...times);
				const burst = [...times].sort((a, b) => a - b).slice(0, 5);
				for (const at of burst) assert.ok(at < sixth);
				assert.ok(sixth - start >= 500, `6th request arrived ${sixth - start} ms after the burst started`);
				assert.ok(sixth - burst[0] >= 450, `6th request arrived ${sixth - burst[0]} ms after the first`);
			},
		);
	});

	test('with Processes Sending at Once = 2 on the credential, a burst is half the limit', async () => {
		const events: string[] = [];
		await withServer(
			answerOnceAllArrived(2, events),
			async (server) => {
				const ctx = createContext({ credentials: { wtsChatApi: { ...wtsCredentials(server.baseUrl).wtsChatApi, rateLimitShare: 2 } } });
				const client = new ApiClient(ctx, pacedProfile([{ ...FIVE_PER_500, requests: 4 }]), { ...DEFAULT_SETTINGS, maxRetries: 0 });
				await Promise.all([1, 2, 3].map((n) => client.request({ method: 'GET', path: `/x/${n}` })));
				const times = server.requests.map((r) => r.at).sort((a, b) => a - b);
				assert.equal(times.length, 3);
				assert.deepEqual(events.slice(0, 2), ['arrive 0', 'arrive 1'], 'the first two go out together');
				assert.ok(times[2] - times[0] >= 450, `the third waited for the window: ${times[2] - times[0]} ms`);
			},
		);
	});

	test('paceToLimits false sends without waiting', async () => {
		const events: string[] = [];
		await withServer(
			answerOnceAllArrived(3, events),
			async (server) => {
				const ctx = createContext({ credentials: wtsCredentials(server.baseUrl) });
				const client = new ApiClient(ctx, pacedProfile([{ ...FIVE_PER_500, requests: 1, windowMs: 60_000 }]), {
					...DEFAULT_SETTINGS,
					paceToLimits: false,
				});
				await Promise.all([1, 2, 3].map(() => client.request({ method: 'GET', path: '/x' })));
				assert.equal(server.requests.length, 3);
				assert.deepEqual(events.slice(0, 3), ['arrive 0', 'arrive 1', 'arrive 2'], 'a request waited for an answer before it was sent');
			},
		);
	});

	test('a 429 with Retry-After blocks the account: another client on the same key waits too', async () => {
		let blockedAt = 0;
		let other: Promise<unknown> | undefined;
		await withServer(
			(req, res, n) => (n === 0 ? reply(res, 429, { text: 'limit' }, { 'Retry-After': '0.3' }) : reply(res, 200, { path: req.path })),
			async (server) => {
				const rules = [{ ...FIVE_PER_500, requests: 50 }];
				const second = new ApiClient(createContext({ credentials: wtsCredentials(server.baseUrl) }), pacedProfile(rules));
				const first = new ApiClient(createContext({ credentials: wtsCredentials(server.baseUrl) }), pacedProfile(rules), {
					...DEFAULT_SETTINGS,
					onRateLimited: () => {
						blockedAt = Date.now();
						other = second.request({ method: 'GET', path: '/other' });
					},
				});
				assert.deepEqual(await first.request({ method: 'POST', path: '/first', body: {} }), { path: '/first' });
				assert.deepEqual(await other, { path: '/other' });
				assert.ok(blockedAt > 0);
				const arrivals = Object.fromEntries(server.requests.slice(1).map((r) => [r.path, r.at - blockedAt]));
				assert.ok(arrivals['/first'] >= 280, `the retry came ${arrivals['/first']} ms after the 429 (Retry-After 0.3 s)`);
				assert.ok(arrivals['/other'] >= 280, `the other client's request came ${arrivals['/other']} ms after the 429`);
			},
		);
	});
});

describe('retryPolicy', () => {
	test('parseRetryAfter reads seconds, decimals, HTTP dates and header arrays', () => {
		const now = Date.parse('2026-01-31T12:00:00Z');
		assert.equal(parseRetryAfter('120', now), 120_000);
		assert.equal(parseRetryAfter(' 2 ', now), 2_000);
		assert.equal(parseRetryAfter('0.25', now), 250);
		assert.equal(parseRetryAfter(3, now), 3_000);
		assert.equal(parseRetryAfter('Sat, 31 Jan 2026 12:00:30 GMT', now), 30_000);
		assert.equal(parseRetryAfter(['5', '9'], now), 5_000);
	});

	test('parseRetryAfter: past dates wait 0, unreadable values are ignored', () => {
		const now = Date.parse('2026-01-31T12:00:00Z');
		assert.equal(parseRetryAfter('Sat, 31 Jan 2026 11:00:00 GMT', now), 0);
		for (const value of [undefined, '', 'soon', 'in a minute', null, {}]) assert.equal(parseRetryAfter(value, now), undefined, String(value));
	});

	test('mayRetry: 429 and refused always; 5xx, reset and timeout only for idempotent methods', () => {
		for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
			assert.equal(mayRetry(method, 'rate-limited'), true);
			assert.equal(mayRetry(method, 'refused'), true);
		}
		for (const kind of ['server-error', 'reset', 'timeout'] as const) {
			for (const method of ['GET', 'get', 'HEAD', 'PUT', 'DELETE']) assert.equal(mayRetry(method, kind), true, `${method} ${kind}`);
			for (const method of ['POST', 'PATCH']) assert.equal(mayRetry(method, kind), false, `${method} ${kind}`);
		}
	});

	test('backoffMs grows exponentially within [ceiling/2, ceiling] and is capped', () => {
		for (let i = 0; i < 50; i++) {
			const first = backoffMs(0);
			assert.ok(first >= 250 && first <= 500, String(first));
			const third = backoffMs(2);
			assert.ok(third >= 1_000 && third <= 2_000, String(third));
			const late = backoffMs(30);
			assert.ok(late >= 10_000 && late <= 20_000, String(late));
			const custom = backoffMs(1, 10, 15);
			assert.ok(custom >= 7 && custom <= 15, String(custom));
		}
	});
});

describe('redact', () => {
	test('masks the secret and its URL-encoded form, everywhere in a string', () => {
		const secret = 'pn_a/b+c=d';
		assert.equal(redactText(`key ${secret} and ${encodeURIComponent(secret)} and ${secret}`, [secret]), 'key *** and *** and ***');
	});

	test('ignores secrets shorter than 4 characters and empty lists', () => {
		assert.equal(redactText('abc abc', ['abc']), 'abc abc');
		assert.equal(redactText('anything', []), 'anything');
	});

	test('redactValue deep-copies and masks strings in objects and arrays, leaving other values', () => {
		const input = { a: 'x secret1 y', list: ['secret1', 2, { deep: 'secret1' }], n: 3, t: true, nil: null };
		const out = redactValue(input, ['secret1']);
		assert.deepEqual(out, { a: 'x *** y', list: ['***', 2, { deep: '***' }], n: 3, t: true, nil: null });
		assert.equal(input.a, 'x secret1 y', 'the input is not changed');
	});
});
