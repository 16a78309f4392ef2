/** Deterministic PRNG (mulberry32): the same seed gives the same sequence of floats in [0, 1). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Deterministic version-4 UUIDs drawn from a seeded PRNG. */
export function seededUuids(seed: number): () => string {
	const random = seededRandom(seed);
	const word = () =>
		Math.floor(random() * 0x100000000)
			.toString(16)
			.padStart(8, '0');
	return () => {
		const a = word();
		const b = word();
		const c = word();
		const d = word();
		const variant = ((parseInt(c[0], 16) & 0x3) | 0x8).toString(16);
		return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
	};
}
