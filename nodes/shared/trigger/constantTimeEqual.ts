import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether two strings are equal, in time that depends on neither, so a forger cannot learn a secret or a
 * signature one character at a time from response times. Both are hashed first: `timingSafeEqual` needs inputs
 * of one length, and the digests have it whatever the strings' lengths.
 */
export function constantTimeEqual(a: string, b: string): boolean {
	return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
