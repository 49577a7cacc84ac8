import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The request body exactly as received: signatures are computed over bytes, never over re-serialised JSON. */
export type RawBody = string | Uint8Array;

export type Verification = { ok: true } | { ok: false; reason: string };

export const verified: Verification = { ok: true };

export function refused(reason: string): Verification {
  return { ok: false, reason };
}

/** One secret or several (several while a secret is being rolled). */
export type Secrets = string | readonly string[];

export function secretList(secrets: Secrets): string[] {
  return (typeof secrets === 'string' ? [secrets] : [...secrets]).filter((s) => s.length > 0);
}

export function hmac(algorithm: 'sha1' | 'sha256', secret: string, ...parts: RawBody[]): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Constant-time string comparison. Both sides are hashed first so that neither the content nor the length of
 * the expected value leaks through timing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}

/** True when any candidate equals any expected value; every pair is compared, so timing says nothing about which. */
export function anyEqual(candidates: readonly string[], expected: readonly string[]): boolean {
  let found = false;
  for (const candidate of candidates) {
    for (const value of expected) {
      if (constantTimeEqual(candidate, value)) found = true;
    }
  }
  return found;
}

/** Whether `at` lies within `toleranceSeconds` of `now`, in either direction. */
export function withinTolerance(at: Date, now: Date, toleranceSeconds: number): boolean {
  return Math.abs(now.getTime() - at.getTime()) <= toleranceSeconds * 1000;
}
