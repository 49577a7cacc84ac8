import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfig } from '#config/load';
import { computeBaselines } from '#core/health/baselines';
import { scoreAccount } from '#core/health/score';
import type { ScoringInput } from '#core/health/types';
import * as arb from './arbitraries.ts';
import { component, healthyCoreCohort, NOW, rollupsFrom } from './builders.ts';

const tenths = (value: number) => Math.round(value * 10);

const cohortBaselines = computeBaselines(defaultConfig, healthyCoreCohort(10), NOW);

describe('health score properties', () => {
  it('generated configs are valid configs', () => {
    fc.assert(
      fc.property(arb.config, (config) => {
        expect(parseConfig(config).ok).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('keeps the score within 0-100, and has one unless every component is unknown', () => {
    fc.assert(
      fc.property(arb.config, arb.scoringInput(), arb.baselines(), (config, { input }, baselines) => {
        const snapshot = scoreAccount(config, input, baselines, NOW);
        const allUnknown = snapshot.components.every((c) => c.status === 'unknown');
        if (allUnknown) {
          expect(snapshot.score).toBeNull();
        } else {
          expect(snapshot.score).toBeGreaterThanOrEqual(0);
          expect(snapshot.score).toBeLessThanOrEqual(100);
        }
        for (const c of snapshot.components) {
          if (c.status === 'known') {
            expect(c.score).toBeGreaterThanOrEqual(0);
            expect(c.score).toBeLessThanOrEqual(100);
          }
        }
      }),
    );
  });

  it('never lowers engagement when the account uses the product more', () => {
    const moreUse = fc.array(arb.signalSpec(['login', 'activity', 'usage', 'feature_used'], 29), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(arb.scoringInput(), moreUse, arb.baselines(), ({ input, specs }, anyExtra, baselines) => {
        const id = input.account.id;
        // More of the feeds the account already sends within the lookback: a feed arriving for the first time is
        // new evidence (health.measures leaves a feed never seen out, not zero), which may rightly show a shortfall;
        // a feed last seen before the lookback is not seen by scoring either.
        const seen = specs.filter((spec) => spec.daysAgo < defaultConfig.health.lookbackDays);
        const extra = anyExtra.filter((more) => seen.some((spec) => spec.type === more.type));
        const busier: ScoringInput = {
          ...input,
          rollups: rollupsFrom(id, [...arb.signalsOf(id, specs), ...arb.signalsOf(id, extra, specs.length)]),
        };
        const before = component(scoreAccount(defaultConfig, input, baselines, NOW), 'engagement');
        const after = component(scoreAccount(defaultConfig, busier, baselines, NOW), 'engagement');
        if (before?.status === 'known') {
          expect(after?.status).toBe('known');
          expect(after?.score ?? -1).toBeGreaterThanOrEqual(before.score);
        }
      }),
    );
  });

  it('never raises relationship, nor the score, when a sponsor leaves', () => {
    // Mostly recent departures, so that the departure is often the latest sponsor event.
    const departure = fc
      .oneof(arb.signalSpec(['sponsor_left'], 3), arb.signalSpec(['sponsor_left'], 179))
      .filter((spec) => spec.daysAgo > 0 || spec.minute <= 720);
    fc.assert(
      fc.property(arb.scoringInput(), departure, arb.baselines(), ({ input, specs }, left, baselines) => {
        const id = input.account.id;
        const withDeparture: ScoringInput = {
          ...input,
          rollups: rollupsFrom(id, [...arb.signalsOf(id, specs), ...arb.signalsOf(id, [left], specs.length)]),
        };
        const before = scoreAccount(defaultConfig, input, baselines, NOW);
        const after = scoreAccount(defaultConfig, withDeparture, baselines, NOW);
        const relationshipBefore = component(before, 'relationship');
        const relationshipAfter = component(after, 'relationship');
        // A departure is news: it can make an unknown sponsor known (health.measures), never the reverse.
        if (relationshipBefore?.status === 'known') expect(relationshipAfter?.status).toBe('known');
        if (relationshipBefore?.status === 'known' && relationshipAfter?.status === 'known') {
          expect(relationshipAfter.score).toBeLessThanOrEqual(relationshipBefore.score);
        }
        if (before.score !== null && after.score !== null)
          expect(after.score).toBeLessThanOrEqual(before.score);
      }),
    );
  });

  it('leaves unknown components out and renormalises the weights of the known ones', () => {
    fc.assert(
      fc.property(arb.config, arb.scoringInput(), arb.baselines(), (config, { input }, baselines) => {
        const snapshot = scoreAccount(config, input, baselines, NOW);
        const known = snapshot.components.filter((c) => c.status === 'known');
        const unknown = snapshot.components.filter((c) => c.status === 'unknown');
        expect(snapshot.unknown.map((u) => u.component)).toEqual(unknown.map((c) => c.component));
        expect(snapshot.renormalised).toBe(unknown.length > 0 && known.length > 0);
        for (const c of unknown)
          expect(c).toMatchObject({ score: null, contribution: 0, normalizedWeight: 0 });
        if (known.length === 0) return;
        const totalWeight = known.reduce((sum, c) => sum + c.weight, 0);
        expect(known.reduce((sum, c) => sum + c.normalizedWeight, 0)).toBeCloseTo(1, 3);
        const exact = known.reduce((sum, c) => sum + (c.score ?? 0) * (c.weight / totalWeight), 0);
        expect(Math.abs((snapshot.score ?? Number.NaN) - exact)).toBeLessThanOrEqual(0.05 + 1e-9);
      }),
    );
  });

  it("honours each segment's own band thresholds", () => {
    fc.assert(
      fc.property(arb.config, arb.scoringInput(), arb.baselines(), (config, { input }, baselines) => {
        const snapshot = scoreAccount(config, input, baselines, NOW);
        const thresholds = config.segments[snapshot.segment.segment]?.health.bands;
        expect(snapshot.bands).toEqual(thresholds);
        if (snapshot.score === null || !thresholds) return;
        const expected =
          snapshot.score >= thresholds.green
            ? 'green'
            : snapshot.score >= thresholds.yellow
              ? 'yellow'
              : 'red';
        // A critical finding (health.criticalFindings) may only hold the band lower, and then says so first.
        const rank = { red: 0, yellow: 1, green: 2, unknown: -1 };
        if (snapshot.drivers[0]?.kind === 'cap') expect(rank[snapshot.band]).toBeLessThan(rank[expected]);
        else expect(snapshot.band).toBe(expected);
      }),
    );
  });

  it('makes contributions add up exactly to the score, each within a tenth of its exact share', () => {
    fc.assert(
      fc.property(arb.config, arb.scoringInput(), arb.baselines(), (config, { input }, baselines) => {
        const snapshot = scoreAccount(config, input, baselines, NOW);
        if (snapshot.score === null) return;
        const sum = snapshot.components.reduce((total, c) => total + tenths(c.contribution), 0);
        expect(sum).toBe(tenths(snapshot.score));
        const known = snapshot.components.filter((c) => c.status === 'known');
        const totalWeight = known.reduce((total, c) => total + c.weight, 0);
        for (const c of known) {
          const share = ((c.score ?? 0) * c.weight) / totalWeight;
          expect(Math.abs(c.contribution - share)).toBeLessThanOrEqual(0.1 + 1e-9);
        }
      }),
    );
  });

  it('gives the same snapshot for the same inputs and clock, whatever their order', () => {
    fc.assert(
      fc.property(arb.scoringInput(), fc.boolean(), ({ input }, useCohort) => {
        const baselines = useCohort ? cohortBaselines : computeBaselines(defaultConfig, [], NOW);
        const shuffled: ScoringInput = {
          ...input,
          rollups: [...input.rollups].reverse(),
          tickets: [...input.tickets].reverse(),
          history: [...(input.history ?? [])].reverse(),
        };
        const first = scoreAccount(defaultConfig, input, baselines, NOW);
        expect(scoreAccount(defaultConfig, input, baselines, new Date(NOW))).toEqual(first);
        expect(scoreAccount(defaultConfig, shuffled, baselines, NOW)).toEqual(first);
      }),
    );
  });

  it('learns the same baselines whatever the order of the accounts', () => {
    fc.assert(
      fc.property(fc.array(arb.scoringInput(), { maxLength: 12 }), (generated) => {
        const inputs = generated.map(({ input }, i) => ({
          ...input,
          account: { ...input.account, id: `a-${i}` },
          rollups: input.rollups.map((rollup) => ({ ...rollup, accountId: `a-${i}` })),
          tickets: input.tickets.map((ticket) => ({ ...ticket, accountId: `a-${i}` })),
        }));
        expect(computeBaselines(defaultConfig, [...inputs].reverse(), NOW)).toEqual(
          computeBaselines(defaultConfig, inputs, NOW),
        );
      }),
      { numRuns: 40 },
    );
  });
});
