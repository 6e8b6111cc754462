import { timingSafeEqual } from 'node:crypto';

/** Compares a secret (token, signature) in constant time; the lengths, which are public, are compared first. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
