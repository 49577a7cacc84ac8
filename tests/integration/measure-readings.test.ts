import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { componentsUnder, type MeasureParams, measureParamsOf } from '#core/calibration/measure-params';
import { historyFromSimulation, simulationHistorySchema } from '#core/evaluation/from-simulation';
import { readingDays } from '#core/evaluation/measure-readings';
import { COMPONENT_IDS } from '#core/health/vocabulary';
import { runSimulation } from '#local/simulation/run';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';
import { CONTRACT_MEASURE, TENURE_MEASURE } from '../support/custom-measures.ts';

/**
 * What a simulation keeps for calibrate to refit the measures (issue 19 item 2): on the days calibrate reads, each
 * account's measures as the health in force at the end of the day scored them. Scored again under the same
 * parameters they must give the components the result records for those days, or a fit on them would judge
 * parameters against a score nobody saw.
 */
describe('the measure readings a simulation keeps', () => {
  const config: Config = structuredClone(defaultConfig);
  if (config.health.measures)
    config.health.measures.custom = [TENURE_MEASURE, { ...CONTRACT_MEASURE, scores: { basic: 40, pro: 90 } }];
  const input = () => {
    const synthetic = syntheticSimulationInput(12, 60, 3);
    const accounts = synthetic.accounts.map((account, n) =>
      typeof account === 'object'
        ? {
            ...account,
            attributes: {
              tenureMonths: 3 + n * 4,
              contract: n % 3 === 0 ? 'basic' : n % 3 === 1 ? 'pro' : 'trial',
            },
          }
        : account,
    );
    return { ...synthetic, accounts };
  };

  it('gives back, scored again under the live parameters, the components the result records on each kept day', async () => {
    // Through the result file's schema, as evaluate and calibrate read it.
    const history = historyFromSimulation(
      simulationHistorySchema.parse(await runSimulation(input(), { config })),
    );
    const live = measureParamsOf(config) as MeasureParams;
    let compared = 0;
    for (const account of history.accounts) {
      const outcomeDays = history.outcomes.filter((o) => o.accountId === account.accountId).map((o) => o.day);
      for (const [day, readings] of account.readings ?? []) {
        expect(readingDays(history.days, day, outcomeDays)).toBe(true);
        const recorded = COMPONENT_IDS.map((c) => account.components?.[c][day] ?? null);
        const again = componentsUnder(
          live,
          readings,
          recorded.map(() => null),
        );
        for (const component of Object.keys(readings.components)) {
          const index = COMPONENT_IDS.indexOf(component as (typeof COMPONENT_IDS)[number]);
          const was = recorded[index] ?? null;
          if (was === null) expect(again[index]).toBeNull();
          else expect(again[index] ?? Number.NaN).toBeCloseTo(was, 1);
          compared++;
        }
      }
    }
    // Engagement on most kept days, relationship and outcomes (the custom measures' components) on all of them.
    expect(compared).toBeGreaterThan(12 * 8 * 2);
    const planned = history.accounts.flatMap((a) => [...(a.readings?.values() ?? [])]);
    expect(planned.some((r) => r.categories.contract === 'trial')).toBe(true);
    expect(
      planned.some((r) =>
        r.components.relationship?.some(
          ([id, , weight, value]) => id === 'tenure' && weight === 2 && value !== null,
        ),
      ),
    ).toBe(true);
  }, 120_000);
});
