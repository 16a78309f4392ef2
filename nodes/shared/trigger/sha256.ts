/**
 * SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104) in plain TypeScript: community nodes may not import
 * `crypto`, and webhook signatures must be checked over the exact bytes received.
 */

const ROUND_CONSTANTS = new Uint32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL_STATE = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const BLOCK_BYTES = 64;

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** Digest of `message` (32 bytes). */
export function sha256(message: Uint8Array): Uint8Array {
	// Padding: 0x80, zeros, then the message length in bits as a 64-bit big-endian number.
	const paddedLength = Math.ceil((message.length + 9) / BLOCK_BYTES) * BLOCK_BYTES;
	const padded = new Uint8Array(paddedLength);
	padded.set(message);
	padded[message.length] = 0x80;
	const view = new DataView(padded.buffer);
	const bitLength = message.length * 8;
	view.setUint32(paddedLength - 8, Math.floor(bitLength / 0x100000000));
	view.setUint32(paddedLength - 4, bitLength >>> 0);

	const state = INITIAL_STATE.slice();
	const w = new Uint32Array(64);
	for (let offset = 0; offset < paddedLength; offset += BLOCK_BYTES) {
		for (let t = 0; t < 16; t++) w[t] = view.getUint32(offset + t * 4);
		for (let t = 16; t < 64; t++) {
			const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
			const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
			w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
		}
		let [a, b, c, d, e, f, g, h] = state;
		for (let t = 0; t < 64; t++) {
			const sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
			const choice = (e & f) ^ (~e & g);
			const temp1 = (h + sum1 + choice + ROUND_CONSTANTS[t] + w[t]) | 0;
			const sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
			const majority = (a & b) ^ (a & c) ^ (b & c);
			const temp2 = (sum0 + majority) | 0;
			h = g;
			g = f;
			f = e;
			e = (d + temp1) | 0;
			d = c;
			c = b;
			b = a;
			a = (temp1 + temp2) | 0;
		}
		state[0] = (state[0] + a) | 0;
		state[1] = (state[1] + b) | 0;
		state[2] = (state[2] + c) | 0;
		state[3] = (state[3] + d) | 0;
		state[4] = (state[4] + e) | 0;
		state[5] = (state[5] + f) | 0;
		state[6] = (state[6] + g) | 0;
		state[7] = (state[7] + h) | 0;
	}
	const digest = new Uint8Array(32);
	const digestView = new DataView(digest.buffer);
	state.forEach((word, index) => digestView.setUint32(index * 4, word >>> 0));
	return digest;
}

/** HMAC-SHA256 of `message` under `key` (RFC 2104; keys longer than a block are hashed first). */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
	const blockKey = new Uint8Array(BLOCK_BYTES);
	blockKey.set(key.length > BLOCK_BYTES ? sha256(key) : key);
	const inner = new Uint8Array(BLOCK_BYTES + message.length);
	const outer = new Uint8Array(BLOCK_BYTES + 32);
	for (let i = 0; i < BLOCK_BYTES; i++) {
		inner[i] = blockKey[i] ^ 0x36;
		outer[i] = blockKey[i] ^ 0x5c;
	}
	inner.set(message, BLOCK_BYTES);
	outer.set(sha256(inner), BLOCK_BYTES);
	return sha256(outer);
}

export function toHex(bytes: Uint8Array): string {
	let hex = '';
	for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
	return hex;
}

export function utf8(text: string): Uint8Array {
	return new TextEncoder().encode(text);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.length;
	}
	return out;
}

/**
 * Compares two strings in time that depends only on their lengths, so a forger cannot learn a secret or a
 * signature one character at a time from response times.
 */
export function constantTimeEqual(a: string, b: string): boolean {
	let difference = a.length ^ b.length;
	const length = Math.max(a.length, b.length);
	for (let i = 0; i < length; i++) difference |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
	return difference === 0;
}
