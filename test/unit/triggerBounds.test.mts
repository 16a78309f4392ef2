import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
	depthProblem,
	MAX_DELIVERY_BYTES,
	MAX_DELIVERY_DEPTH,
	nestingDepth,
	sizeProblem,
} from '../../nodes/shared/trigger/webhookRequest.ts';

const bytes = (text: string) => Buffer.from(text);
const nested = (levels: number) => bytes(`${'{"a":['.repeat(levels / 2)}1${']}'.repeat(levels / 2)}`);

describe('delivery bounds', () => {
	test('nesting depth counts objects and arrays, not brackets inside strings', () => {
		assert.equal(nestingDepth(bytes('1')), 0);
		assert.equal(nestingDepth(bytes('{"a":[1,{"b":2}],"c":{}}')), 3);
		assert.equal(nestingDepth(bytes('{"text":"[[[{{{ \\" ]]] {{"}')), 1);
		assert.equal(nestingDepth(bytes('{"a":"\\\\","b":[[1]]}')), 3, 'an escaped backslash ends before the quote');
		assert.equal(nestingDepth(nested(10_000)), 10_000);
	});

	test('a body nested deeper than the bound is refused with 400, one at the bound passes', () => {
		assert.equal(depthProblem(nested(MAX_DELIVERY_DEPTH)), undefined);
		const refused = depthProblem(nested(MAX_DELIVERY_DEPTH + 2));
		assert.equal(refused?.status, 400);
		assert.match(refused?.reason ?? '', /66 levels deep.*up to 64/);
	});

	test('a body larger than the bound is refused with 413, one at the bound passes', () => {
		assert.equal(sizeProblem(new Uint8Array(MAX_DELIVERY_BYTES)), undefined);
		const refused = sizeProblem(new Uint8Array(MAX_DELIVERY_BYTES + 1));
		assert.equal(refused?.status, 413);
		assert.match(refused?.reason ?? '', /1048577 bytes.*up to 1048576/);
	});
});
