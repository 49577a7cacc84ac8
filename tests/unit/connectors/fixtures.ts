import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { corporaDir } from '../../support/corpora.ts';

export { corporaDir, hasCorpora } from '../../support/corpora.ts';

/** Project-own fixtures, present on every clone. */
export const fixtureDir = path.resolve(process.cwd(), 'tests/fixtures/connectors');

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function fixture(name: string): unknown {
  return readJson(path.join(fixtureDir, name));
}

export function fixtureText(name: string): string {
  return readFileSync(path.join(fixtureDir, name), 'utf8');
}

export function corpus(...parts: string[]): unknown {
  return readJson(path.join(corporaDir, ...parts));
}

/** A JSON object for tests to read fields from; fails the test when the fixture is not an object. */
export function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('fixture is not a JSON object');
  }
  return Object.fromEntries(Object.entries(value));
}

/** A `Stripe-Signature` header built the way Stripe documents it, independently of the connector. */
export function stripeSignatureHeader(body: string, secret: string, timestamp: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export function unix(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
