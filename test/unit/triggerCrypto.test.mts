import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import { concatBytes, constantTimeEqual, hmacSha256, sha256, toHex, utf8 } from '../../nodes/shared/trigger/sha256.ts';

const bytes = (length: number, value: number) => new Uint8Array(length).fill(value);

describe('SHA-256', () => {
	test('FIPS 180-2 examples', () => {
		assert.equal(toHex(sha256(utf8(''))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		assert.equal(toHex(sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
		assert.equal(
			toHex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
			'248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
		);
		assert.equal(toHex(sha256(bytes(1_000_000, 0x61))), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
	});

	test('agrees with node:crypto on every length around the block and padding boundaries', () => {
		for (let length = 0; length <= 200; length++) {
			const message = randomBytes(length);
			assert.equal(toHex(sha256(message)), createHash('sha256').update(message).digest('hex'), `length ${length}`);
		}
	});
});

describe('HMAC-SHA256 (RFC 4231)', () => {
	const largeKey = bytes(131, 0xaa);
	const cases: Array<[string, Uint8Array, Uint8Array, string]> = [
		['1', bytes(20, 0x0b), utf8('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
		['2', utf8('Jefe'), utf8('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
		['3', bytes(20, 0xaa), bytes(50, 0xdd), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
		['4', Uint8Array.from({ length: 25 }, (_, i) => i + 1), bytes(50, 0xcd), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
		['6', largeKey, utf8('Test Using Larger Than Block-Size Key - Hash Key First'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
		[
			'7',
			largeKey,
			utf8('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
			'9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
		],
	];
	for (const [name, key, data, expected] of cases) {
		test(`test case ${name}`, () => assert.equal(toHex(hmacSha256(key, data)), expected));
	}

	test('test case 5 (output truncated to 128 bits)', () => {
		assert.equal(toHex(hmacSha256(bytes(20, 0x0c), utf8('Test With Truncation'))).slice(0, 32), 'a3b6167473100ee06e0c796c2955552b');
	});

	test('agrees with node:crypto for keys shorter than, equal to and longer than a block', () => {
		for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
			const key = randomBytes(keyLength);
			const message = randomBytes(keyLength * 3 + 7);
			assert.equal(toHex(hmacSha256(key, message)), createHmac('sha256', key).update(message).digest('hex'), `key length ${keyLength}`);
		}
	});
});

describe('byte helpers', () => {
	test('utf8 and concatBytes keep multi-byte characters intact', () => {
		assert.deepEqual([...concatBytes(utf8('a'), utf8('ç'), new Uint8Array(0), utf8('€'))], [...Buffer.from('aç€', 'utf8')]);
	});

	test('constantTimeEqual compares whole strings, whatever their lengths', () => {
		assert.equal(constantTimeEqual('sha256=abc', 'sha256=abc'), true);
		assert.equal(constantTimeEqual('sha256=abc', 'sha256=abd'), false);
		assert.equal(constantTimeEqual('sha256=abc', 'sha256=ab'), false);
		assert.equal(constantTimeEqual('', 'x'), false);
		assert.equal(constantTimeEqual('', ''), true);
	});
});
