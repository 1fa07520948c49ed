// The secrets that bind a caller to a principal: per-agent tokens and instance secrets, random, stored only as hashes, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A per-agent token: what mcp.token hands out (one agent of one project, on every face). */
export function newAgentToken(): string {
  return `brains_${randomBytes(32).toString('hex')}`;
}

/** An agent instance's secret: every connection the instance opens presents it. */
export function newInstanceSecret(): string {
  return `brains_i_${randomBytes(32).toString('hex')}`;
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Equal-length SHA-256 digests compared with timingSafeEqual: neither length nor content leaks through timing. */
export function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** A stored hash equals the hash of what was presented, compared in constant time. */
export function hashMatches(storedHex: string, presentedHashHex: string): boolean {
  const a = Buffer.from(storedHex, 'hex');
  const b = Buffer.from(presentedHashHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
