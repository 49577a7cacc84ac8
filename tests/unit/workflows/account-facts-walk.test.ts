import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '#core/clock';
import type { DailyRollup } from '#core/rollup';
import type { Signal } from '#core/signals';
import { accountFacts } from '#core/workflows/evidence';
import { type SignalSpec, signalSpec, signalsOf } from '../health/arbitraries.ts';
import { NOW, rollupsFrom } from '../health/builders.ts';

/**
 * accountFacts reads every fact in one walk over the rollups. Each fact here is read as its definition says,
 * straight from the rollups, and the walk must agree on random histories.
 */

const TYPES: SignalSpec['type'][] = [
  'sponsor_left',
  'sponsor_joined',
  'payment_failed',
  'payment_succeeded',
  'renewal_risk',
  'contract_change_requested',
  'meeting_held',
  'meeting_missed',
  'relationship_score',
  'renewal_outcome',
  'login',
];

/** A contract change asks for a cut or a rise, by the spec's number. */
function withDirection(signal: Signal, index: number): Signal {
  return signal.type === 'contract_change_requested'
    ? { ...signal, attributes: { direction: index % 3 === 0 ? 'raise' : 'reduce' } }
    : signal;
}

const since = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString().slice(0, 10);
const inLast = (rollups: readonly DailyRollup[], days: number) => rollups.filter((r) => r.day >= since(days));
const latestOf = (values: readonly (string | undefined)[]) =>
  values.reduce<string | null>((best, at) => (at && (!best || at > best) ? at : best), null);
const latestDay = (rollups: readonly DailyRollup[]) =>
  rollups.reduce<DailyRollup | undefined>((best, r) => (!best || r.day > best.day ? r : best), undefined);

describe('the facts of an account, read in one walk (core/workflows/evidence.ts)', () => {
  it('agree with each fact read on its own from the rollups', () => {
    fc.assert(
      fc.property(fc.array(signalSpec(TYPES, 240), { maxLength: 60 }), fc.boolean(), (specs, shuffled) => {
        const signals = signalsOf('acme', specs).map(withDirection);
        const built = rollupsFrom('acme', signals);
        const rollups = shuffled ? [...built].reverse() : built;
        const facts = accountFacts(rollups, [], NOW);
        const lastPaid = latestOf(rollups.map((r) => r.lastAt.payment_succeeded));
        const cuts = inLast(rollups, 180).filter((r) => r.contractReductions > 0);
        const recent = inLast(rollups, 90);
        const sum = (type: 'meeting_held' | 'meeting_missed') =>
          recent.reduce((n, r) => n + (r.counts[type] ?? 0), 0);
        const relationship = latestDay(
          rollups.filter((r) => r.latestValues.relationship_score !== undefined),
        );
        const outcome = latestDay(rollups.filter((r) => r.outcomes.length > 0));
        expect(facts.contractReductionRequested).toBe(cuts.length > 0);
        expect(facts.contractReductionAt).toBe(latestOf(cuts.map((r) => r.lastAt.contract_change_requested)));
        expect(facts.paymentFailures).toEqual(
          rollups
            .filter((r) => (r.counts.payment_failed ?? 0) > 0)
            .filter((r) => !lastPaid || (r.lastAt.payment_failed ?? '') > lastPaid)
            .map((r) => ({ day: r.day, count: r.counts.payment_failed }))
            .sort((a, b) => (a.day < b.day ? -1 : 1)),
        );
        expect(facts.paymentFailedRecently).toBe(
          inLast(rollups, 30).some((r) => (r.counts.payment_failed ?? 0) > 0),
        );
        expect(facts.renewalRiskFlagged).toBe(recent.some((r) => (r.counts.renewal_risk ?? 0) > 0));
        expect(facts.renewalRiskAt).toBe(latestOf(recent.map((r) => r.lastAt.renewal_risk)));
        expect(facts.meetingsMissed).toBe(sum('meeting_missed') > sum('meeting_held'));
        expect(facts.relationshipScoredOn).toBe(relationship?.day ?? null);
        expect(facts.relationshipScore).toBe(relationship?.latestValues.relationship_score ?? null);
        expect(facts.churned).toBe(rollups.some((r) => r.outcomes.includes('churned')));
        expect(facts.renewalOutcome?.outcome ?? null).toBe(outcome?.outcomes.at(-1) ?? null);
        expect(facts.firstDataDay).toBe(rollups.map((r) => r.day).sort()[0] ?? null);
        const left = latestOf(rollups.map((r) => r.lastAt.sponsor_left));
        const joined = latestOf(rollups.map((r) => r.lastAt.sponsor_joined));
        expect(facts.sponsorLeftAt).toBe(left && (!joined || joined < left) ? left : null);
      }),
      { numRuns: 300 },
    );
  });

  it('are the same read from frozen rollups, as the store hands them back, and read again', () => {
    fc.assert(
      fc.property(fc.array(signalSpec(TYPES, 240), { maxLength: 60 }), (specs) => {
        const rollups = rollupsFrom('acme', signalsOf('acme', specs).map(withDirection));
        const frozen = rollups.map((r) => Object.freeze({ ...r }));
        const facts = accountFacts(rollups, [], NOW);
        expect(accountFacts(frozen, [], NOW)).toEqual(facts);
        expect(accountFacts(frozen, [], NOW)).toEqual(facts);
      }),
      { numRuns: 200 },
    );
  });
});
