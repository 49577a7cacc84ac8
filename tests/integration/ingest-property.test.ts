import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '#core/clock';
import { createSignalsHandler } from '#functions/signals/app';
import { upsertAccounts } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { createTestDb, dumpTable, testDeps } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';

const KEY = 'cg_property_key';
const clock = fixedClock('2026-06-01T12:00:00Z');

function event(body: string) {
  return httpEvent('POST /v1/signals', { body, headers: { authorization: `Bearer ${KEY}` } });
}

const validSignal = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12 }),
  accountId: fc.constantFrom('acme', 'globex', 'ghost'),
  type: fc.constantFrom(
    'login',
    'usage',
    'nps',
    'csat',
    'feature_used',
    'ticket_opened',
    'renewal_outcome',
    'milestone',
  ),
  occurredAt: fc
    .date({ min: new Date('2026-01-01'), max: new Date('2026-06-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  value: fc.option(fc.integer({ min: -5, max: 15 }), { nil: undefined }),
  userId: fc.option(fc.constantFrom('u1', 'u2'), { nil: undefined }),
  attributes: fc.option(
    fc.record(
      {
        feature: fc.constantFrom('reports', 'export'),
        ticketId: fc.constantFrom('T1', 'T2'),
        outcome: fc.constantFrom('renewed', 'lost'),
        milestone: fc.constantFrom('first_login', ''),
      },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  ),
});

/** A plausible signal with one thing broken, or left alone: the mix real producers send. */
const mutatedSignal = fc
  .tuple(
    validSignal,
    fc.constantFrom('none', 'drop', 'retype', 'extra'),
    fc.constantFrom('id', 'accountId', 'type', 'occurredAt', 'value', 'userId', 'attributes'),
    fc.jsonValue(),
  )
  .map(([signal, mutation, field, junk]) => {
    const copy: Record<string, unknown> = JSON.parse(JSON.stringify(signal));
    if (mutation === 'drop') delete copy[field];
    if (mutation === 'retype') copy[field] = junk;
    if (mutation === 'extra') copy.unexpected = junk;
    return copy;
  });

describe('ingest path under malformed payloads (property)', () => {
  let db: Db;
  let handler: ReturnType<typeof createSignalsHandler>;
  let accepted = 0;

  beforeAll(async () => {
    db = await createTestDb();
    const deps = testDeps(db, clock);
    await registerApiKey(db, KEY, 'property', clock.now());
    await upsertAccounts(db, [account('acme'), account('globex')], clock.now());
    handler = createSignalsHandler(deps);
  });

  it('answers every arbitrary body with a 4xx or 202 and a field-level reason, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ signals: v })),
        ),
        async (body) => {
          const result = await handler(event(body));
          expect(result.statusCode).toBeLessThan(500);
          const parsed = JSON.parse(result.body ?? '{}');
          if (result.statusCode === 202) accepted += parsed.accepted;
          else {
            expect(result.statusCode).toBeGreaterThanOrEqual(400);
            expect(parsed.message).toEqual(expect.any(String));
          }
        },
      ),
      { numRuns: 1500, seed: 20261122 },
    );
  });

  it('accounts for every record of a batch of half-broken signals: accepted, duplicate or rejected with its reasons', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutatedSignal, { minLength: 1, maxLength: 25 }), async (signals) => {
        const result = await handler(event(JSON.stringify({ signals })));
        expect(result.statusCode).toBe(202);
        const body = JSON.parse(result.body ?? '{}');
        expect(body.accepted + body.duplicates + body.rejected.length).toBe(signals.length);
        for (const rejection of body.rejected) {
          expect(rejection.errors.length).toBeGreaterThan(0);
          for (const error of rejection.errors) {
            expect(error.path).not.toBe('');
            expect(error.message).not.toBe('');
          }
        }
        accepted += body.accepted;
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('stored exactly the signals it said it accepted: no partial writes', async () => {
    const stored = await dumpTable(db, (item) => item.kind === 'signal');
    expect(stored.length).toBe(accepted);
    expect(accepted).toBeGreaterThan(0);
  });
});
