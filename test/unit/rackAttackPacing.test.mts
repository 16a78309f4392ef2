import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { INodeProperties } from 'n8n-workflow';

import { ChatwootApi } from '../../credentials/ChatwootApi.credentials.ts';
import { KonverteDigitalApi } from '../../credentials/KonverteDigitalApi.credentials.ts';
import { WtsChatApi } from '../../credentials/WtsChatApi.credentials.ts';
import { chatwootPause, chatwootProfile, chatwootRateLimits, DEFAULT_REQUESTS_PER_MINUTE } from '../../nodes/Chatwoot/transport/chatwootProfile.ts';
import { ApiClient, DEFAULT_SETTINGS } from '../../nodes/shared/transport/apiClient.ts';
import type { ApiProfile } from '../../nodes/shared/transport/apiProfile.ts';
import { AccountLimiter, FIXED_WINDOW_GUARD_MS, nextWindowStart, type RateLimitRule, type ReleaseSlot } from '../../nodes/shared/transport/rateLimiter.ts';
import { pacedRules } from '../../nodes/shared/transport/rateLimitShare.ts';
import { createContext } from './fakeContext.mts';
import { mockClock, settle } from './mockClock.mts';
import { reply, withServer } from './testServer.mts';

const WINDOW = 1_000;
/** The guard a 1 s window keeps at each edge (a twentieth of it). */
const GUARD = WINDOW / 20;
const THREE_PER_WINDOW: RateLimitRule = { name: 'general', requests: 3, windowMs: WINDOW, appliesTo: '', window: 'fixed' };

/** Where the mocked clock starts: 100 ms into a window, past its guard, so a test's burst stays in one window. */
const EARLY_IN_WINDOW = Date.UTC(2026, 11, 7, 12) + 100;

/** A slot for a request that is never held for longer than its rules allow. */
async function slot(limiter: AccountLimiter, path: string, method = 'GET'): Promise<ReleaseSlot> {
	const given = await limiter.acquire(path, method);
	assert.equal(typeof given, 'function', `no slot for ${method} ${path}`);
	return given as ReleaseSlot;
}

async function sendAt(limiter: AccountLimiter, path: string, method = 'GET'): Promise<number> {
	const release = await slot(limiter, path, method);
	const at = Date.now();
	release();
	return at;
}

const chatwootCredentials = (url: string, requestsPerMinute?: number) => ({
	chatwootApi: { url, accessToken: 'cw-token', accountId: '1', ...(requestsPerMinute === undefined ? {} : { requestsPerMinute }) },
});

describe('fixed windows (rack-attack)', () => {
	test('3 per window: three go at once, the fourth waits for the next window of Unix time, past its guard', async (t) => {
		const timers = mockClock(t, EARLY_IN_WINDOW);
		const limiter = new AccountLimiter([THREE_PER_WINDOW]);
		const times = await settle(timers, Promise.all([1, 2, 3, 4].map(() => sendAt(limiter, '/x'))));
		const window = Math.floor(times[0] / WINDOW);
		assert.deepEqual(times.slice(0, 3).map((at) => Math.floor(at / WINDOW)), [window, window, window]);
		assert.equal(Math.floor(times[3] / WINDOW), window + 1, 'the fourth request went in the same window');
		assert.ok(times[3] % WINDOW >= GUARD, `the fourth went ${times[3] % WINDOW} ms into its window, inside the guard`);
	});

	test('a request whose answer comes back in the next window counts in that window too', async (t) => {
		const timers = mockClock(t, EARLY_IN_WINDOW);
		const limiter = new AccountLimiter([THREE_PER_WINDOW]);
		const slow = await slot(limiter, '/slow');
		const startWindow = Math.floor(Date.now() / WINDOW);
		await settle(timers, new Promise((resolve) => setTimeout(resolve, nextWindowStart(Date.now(), WINDOW) + GUARD + 20 - Date.now())));
		slow();
		const times = await settle(timers, Promise.all([1, 2, 3].map(() => sendAt(limiter, '/x'))));
		const windows = times.map((at) => Math.floor(at / WINDOW));
		assert.equal(windows.filter((w) => w === startWindow + 1).length, 2, `sent in windows ${windows.join(', ')}`);
		assert.equal(windows[2], startWindow + 2);
	});

	test('a refused request gives its place in the window back', async (t) => {
		const timers = mockClock(t, EARLY_IN_WINDOW);
		const limiter = new AccountLimiter([{ ...THREE_PER_WINDOW, requests: 1 }]);
		(await slot(limiter, '/x'))(false);
		const refusedWindow = Math.floor(Date.now() / WINDOW);
		const at = await settle(timers, sendAt(limiter, '/x'));
		assert.equal(Math.floor(at / WINDOW), refusedWindow, 'the refused request still held the only place in its window');
	});

	test('a pattern rule keeps one budget per captured account, and counts only its methods', async (t) => {
		const timers = mockClock(t, EARLY_IN_WINDOW);
		const search: RateLimitRule = { ...THREE_PER_WINDOW, name: 'search', requests: 1, appliesTo: /^\/api\/v1\/accounts\/(\d+)\/contacts\/search/ };
		const remove: RateLimitRule = { ...THREE_PER_WINDOW, name: 'delete', requests: 1, methods: ['DELETE'], appliesTo: /^\/api\/v1\/accounts\/(\d+)\/conversations\/\d+$/ };
		const limiter = new AccountLimiter([search, remove]);
		const window = Math.floor(Date.now() / WINDOW);
		const sameWindow = [
			await sendAt(limiter, '/api/v1/accounts/1/contacts/search'),
			await sendAt(limiter, '/api/v1/accounts/2/contacts/search'),
			await sendAt(limiter, '/api/v1/accounts/1/conversations/5', 'DELETE'),
			await sendAt(limiter, '/api/v1/accounts/1/conversations/5', 'GET'),
			await sendAt(limiter, '/api/v1/accounts/1/conversations/5', 'GET'),
		];
		assert.deepEqual(sameWindow.map((at) => Math.floor(at / WINDOW)), [window, window, window, window, window]);
		const again = await settle(timers, sendAt(limiter, '/api/v1/accounts/1/contacts/search'));
		assert.equal(Math.floor(again / WINDOW), window + 1, 'the second search of account 1 went in the same window');
	});

	test('a budget that frees later than the rule lets a request wait fails it at once, naming when it frees', async (t) => {
		// A stopped clock: a day's window that ended between the refusal and the check would name another day.
		mockClock(t, EARLY_IN_WINDOW);
		const daily: RateLimitRule = { name: 'agent create', requests: 1, windowMs: 86_400_000, appliesTo: '/agents', methods: ['POST'], window: 'fixed', maxWaitMs: 1_000, description: '1 agent per day' };
		const limiter = new AccountLimiter([daily]);
		(await slot(limiter, '/agents', 'POST'))();
		assert.deepEqual(await limiter.acquire('/agents', 'POST'), { rule: daily, freesAt: nextWindowStart(Date.now(), 86_400_000) + FIXED_WINDOW_GUARD_MS });
		(await slot(limiter, '/agents', 'GET'))();
	});

	test('pauseUntil holds every path of the account', async () => {
		const limiter = new AccountLimiter([{ ...THREE_PER_WINDOW, window: 'sliding', requests: 100 }]);
		const until = Date.now() + 200;
		limiter.pauseUntil(until);
		const times = await Promise.all(['/a', '/b/c', '/'].map((path) => sendAt(limiter, path)));
		for (const at of times) assert.ok(at >= until, `sent ${until - at} ms before the pause ended`);
	});
});

describe('Chatwoot limits', () => {
	test('the credential sets the general limit; empty or invalid values keep rack-attack default 3000 per minute', () => {
		const general = (value: unknown) => chatwootRateLimits(value === undefined ? {} : { requestsPerMinute: value as number }).find((r) => r.name === 'req/ip');
		assert.equal(general(undefined)?.requests, DEFAULT_REQUESTS_PER_MINUTE);
		assert.equal(DEFAULT_REQUESTS_PER_MINUTE, 3000);
		assert.equal(general(300)?.requests, 300);
		for (const bad of [0, -5, 2.5, 'x', '']) assert.equal(general(bad)?.requests, 3000, String(bad));
		assert.equal(general(300)?.window, 'fixed');
		assert.equal(general(300)?.windowMs, 60_000);
	});

	test('each throttle of rack_attack.rb covers its paths and methods, per account', () => {
		const rules = chatwootRateLimits({});
		const covering = (method: string, path: string) =>
			rules
				.filter((rule) => (!rule.methods || rule.methods.includes(method)) && (typeof rule.appliesTo === 'string' ? path.startsWith(rule.appliesTo) : rule.appliesTo.test(path)))
				.map((rule) => `${rule.name} ${rule.requests}/${rule.windowMs / 60_000}min`)
				.sort();
		assert.deepEqual(covering('GET', '/api/v1/accounts/1/contacts/search'), ['contact search 100/1min', 'req/ip 3000/1min']);
		assert.deepEqual(covering('GET', '/api/v1/accounts/1/conversations/meta'), ['conversations meta 30/1min', 'req/ip 3000/1min']);
		assert.deepEqual(covering('DELETE', '/api/v1/accounts/1/conversations/9'), ['conversation delete 60/1min', 'req/ip 3000/1min']);
		assert.deepEqual(covering('GET', '/api/v1/accounts/1/conversations/9'), ['req/ip 3000/1min']);
		assert.deepEqual(covering('POST', '/api/v1/accounts/1/conversations/9/transcript'), ['req/ip 3000/1min', 'transcript 1000/60min']);
		assert.deepEqual(covering('GET', '/api/v2/accounts/1/reports/drilldown'), [
			'reports drilldown 10/1min',
			'reports per account 1000/1min',
			'reports per user 100/1min',
			'req/ip 3000/1min',
		]);
		assert.deepEqual(covering('POST', '/api/v1/accounts/1/agents'), ['agent create 100/1440min', 'req/ip 3000/1min']);
		assert.deepEqual(covering('POST', '/api/v1/accounts/1/agents/bulk_create'), ['agent create 100/1440min', 'req/ip 3000/1min']);
		assert.deepEqual(covering('DELETE', '/api/v1/accounts/1/agents/4'), ['agent delete 50/1440min', 'req/ip 3000/1min']);
		assert.deepEqual(covering('POST', '/api/v1/accounts/1/upload'), ['req/ip 3000/1min', 'upload 60/60min']);
		assert.deepEqual(covering('POST', '/api/v1/accounts/1/conversations/9/messages'), ['req/ip 3000/1min']);
		for (const rule of rules) assert.equal(rule.window, 'fixed', rule.name);
		for (const rule of rules.filter((r) => r.windowMs > 60_000)) assert.ok(rule.maxWaitMs !== undefined && rule.description, rule.name);
	});

	test('Chatwoot and Konverte Digital credentials offer Processes Sending at Once, the same field as WTS Chat', () => {
		const shareField = (properties: INodeProperties[]) => {
			const field = properties.find((property) => property.name === 'rateLimitShare');
			assert.ok(field, 'no Processes Sending at Once field');
			const { description: _description, ...rest } = field;
			return rest;
		};
		const wts = shareField(new WtsChatApi().properties);
		assert.deepEqual(wts, { displayName: 'Processes Sending at Once', name: 'rateLimitShare', type: 'number', typeOptions: { minValue: 1, numberPrecision: 0 }, default: 1 });
		assert.deepEqual(shareField(new ChatwootApi().properties), wts);
		assert.deepEqual(shareField(new KonverteDigitalApi().properties), wts);
	});

	test('with Processes Sending at Once = N, each process paces to 1/N of Requests per Minute and of every per-account limit', () => {
		const profile = chatwootProfile('Chatwoot', 'chatwootApi', 'accessToken');
		const byName = (credentials: Record<string, unknown>) => new Map(pacedRules(profile, { url: 'https://chat.example.com', ...credentials }).map((rule) => [rule.name, rule]));
		const whole = byName({ requestsPerMinute: 600 });
		const third = byName({ requestsPerMinute: 600, rateLimitShare: 3 });
		assert.equal(third.get('req/ip')?.requests, 200);
		assert.equal(third.get('contact search')?.requests, 33);
		assert.equal(third.get('reports drilldown')?.requests, 3);
		assert.equal(byName({ rateLimitShare: 2 }).get('req/ip')?.requests, DEFAULT_REQUESTS_PER_MINUTE / 2);
		assert.deepEqual([...third.keys()], [...whole.keys()]);
		for (const [name, rule] of whole) {
			assert.equal(third.get(name)?.requests, Math.max(1, Math.floor(rule.requests / 3)), name);
			assert.equal(third.get(name)?.windowMs, rule.windowMs, name);
			assert.equal(third.get(name)?.window, 'fixed', name);
		}
		assert.deepEqual([...byName({ requestsPerMinute: 600, rateLimitShare: 1 }).values()], [...whole.values()]);
	});

	test('a Chatwoot client whose credential says 2 processes sends half of each window', async (t) => {
		const timers = mockClock(t, EARLY_IN_WINDOW);
		const sentAt: number[] = [];
		const credentials = { chatwootApi: { ...chatwootCredentials('https://chat.example.com').chatwootApi, rateLimitShare: 2 } };
		const ctx = createContext({
			credentials,
			transport: async () => {
				sentAt.push(Date.now());
				return { statusCode: 200, headers: {}, body: '{}' };
			},
		});
		const profile: ApiProfile = { ...chatwootProfile('Chatwoot', 'chatwootApi', 'accessToken'), rateLimits: () => [{ ...THREE_PER_WINDOW, requests: 4 }] };
		const client = new ApiClient(ctx, profile, { ...DEFAULT_SETTINGS, maxRetries: 0 });
		await settle(timers, Promise.all([1, 2, 3].map(async (n) => await client.request({ method: 'GET', path: `/api/v1/accounts/1/labels/${n}` }))));
		const windows = sentAt.map((at) => Math.floor(at / WINDOW)).sort((a, b) => a - b);
		assert.equal(windows[1], windows[0], 'two requests fit in the first window');
		assert.equal(windows[2], windows[0] + 1, 'the third waited for the next window');
	});

	test('after a 429 the account waits for the next minute, with a margin that doubles for each 429 in a row up to 8 s', () => {
		const now = Date.parse('2026-12-05T22:00:41.250Z');
		const nextMinute = Date.parse('2026-12-05T22:01:00Z');
		assert.deepEqual([1, 2, 3, 4, 5, 6, 20].map((n) => chatwootPause(n, undefined, now) - nextMinute), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
		assert.equal(chatwootPause(1, 3_000, now), now + 3_000, 'a Retry-After (a proxy may add one) is followed');
	});
});

describe('ApiClient after a 429 without Retry-After', () => {
	/** Chatwoot's profile with a short pause, so the account-wide hold shows within a test. */
	const shortPause = (pauses: number[]): ApiProfile => ({
		...chatwootProfile('Chatwoot', 'chatwootApi', 'accessToken'),
		pauseAfterRateLimit: (refusals, _retryAfter, now) => {
			pauses.push(refusals);
			return now + 300;
		},
	});

	test('the whole account pauses: a request to another path waits too, and the refused one is sent again once', async () => {
		const pauses: number[] = [];
		let refusedAt = 0;
		let other: Promise<unknown> | undefined;
		await withServer(
			(req, res, n) => (n === 0 ? reply(res, 429, 'Retry later\n') : reply(res, 200, { path: req.path })),
			async (server) => {
				const profile = shortPause(pauses);
				const credentials = chatwootCredentials(server.baseUrl);
				const second = new ApiClient(createContext({ credentials }), profile);
				const first = new ApiClient(createContext({ credentials }), profile, {
					...DEFAULT_SETTINGS,
					onRateLimited: () => {
						refusedAt = Date.now();
						other = second.request({ method: 'GET', path: '/api/v1/accounts/1/labels' });
					},
				});
				const answer = await first.request({ method: 'POST', path: '/api/v1/accounts/1/conversations/1/messages', body: {} });
				assert.deepEqual(answer, { path: '/api/v1/accounts/1/conversations/1/messages' });
				assert.deepEqual(await other, { path: '/api/v1/accounts/1/labels' });
				assert.deepEqual(server.requests.map((r) => r.path).sort(), [
					'/api/v1/accounts/1/conversations/1/messages',
					'/api/v1/accounts/1/conversations/1/messages',
					'/api/v1/accounts/1/labels',
				]);
				for (const request of server.requests.slice(1)) assert.ok(request.at - refusedAt >= 290, `${request.path} came ${request.at - refusedAt} ms after the 429`);
				assert.deepEqual(pauses, [1]);
			},
		);
	});

	test('429s in a row are counted for the pause, and an answer ends the row', async () => {
		const pauses: number[] = [];
		await withServer(
			(req, res, n) => (n < 2 || n === 3 ? reply(res, 429, 'Retry later\n') : reply(res, 200, {})),
			async (server) => {
				const profile = shortPause(pauses);
				const client = new ApiClient(createContext({ credentials: chatwootCredentials(server.baseUrl, 1000) }), profile);
				await client.request({ method: 'GET', path: '/api/v1/accounts/1/labels' });
				await client.request({ method: 'GET', path: '/api/v1/accounts/1/labels' });
				assert.deepEqual(pauses, [1, 2, 1]);
			},
		);
	});
});
