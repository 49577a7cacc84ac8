import type { ComponentSeries } from '#core/evaluation/component-series';
import { encodeComponents } from '#core/evaluation/component-series';
import { encodeSeries } from '#core/evaluation/daily-series';
import type { EvaluationHistory } from '#core/evaluation/history';
import type { Band } from '#core/health/vocabulary';
import { seededRandom } from '#core/simulation/random';

const DAYS = 300;
const OUTCOME_DAY = 250;

/**
 * A portfolio where engagement foretells churn and nothing else does: a churner's engagement fades over the 120
 * days before its churn (from wherever it was, with daily noise), or with `how: 'lower'` sits 25 points lower all
 * along; every other component, and the score churnguard gave, is noise.
 */
export function churnHistory(
  accounts: number,
  seed: number,
  churns: (index: number) => boolean,
  how: 'fades' | 'lower' = 'fades',
) {
  const random = seededRandom(seed);
  const noise = () => 40 + random() * 40;
  const churned = Array.from({ length: accounts }, (_, i) => churns(i));
  const result: EvaluationHistory = {
    start: '2026-01-01',
    days: DAYS,
    accounts: churned.map((churn, i) => {
      const level = 40 + random() * 50 - (churn && how === 'lower' ? 25 : 0);
      const fade = (day: number) =>
        churn && how === 'fades' ? Math.max(0, day - (OUTCOME_DAY - 120)) / 3 : 0;
      const series = (value: (day: number) => number) => Array.from({ length: DAYS }, (_, day) => value(day));
      const components: ComponentSeries = {
        engagement: series((day) => Math.min(100, Math.max(0, level - fade(day) + (random() - 0.5) * 20))),
        adoption: series(noise),
        support: series(noise),
        sentiment: series(noise),
        relationship: series(noise),
        outcomes: new Array<number | null>(DAYS).fill(null),
      };
      const scores = series(noise);
      return {
        accountId: `a${i}`,
        segment: 'core',
        series: {
          scores,
          bands: scores.map((s): Band => (s >= 75 ? 'green' : s >= 55 ? 'yellow' : 'red')),
          activity: new Array<number>(DAYS).fill(1),
        },
        components,
      };
    }),
    outcomes: churned.map((churn, i) => ({
      accountId: `a${i}`,
      outcome: churn ? 'churned' : 'renewed',
      day: OUTCOME_DAY,
    })),
  };
  return result;
}

/** The history as `churnguard simulate` writes it into result.json (the parts evaluate and calibrate read). */
export function asResultFile(history: EvaluationHistory) {
  const dayMs = 86_400_000;
  const startMs = Date.parse(`${history.start}T00:00:00Z`);
  return {
    start: history.start,
    days: history.days,
    accounts: history.accounts.map((a) => ({
      accountId: a.accountId,
      segment: a.segment,
      daily: {
        ...encodeSeries(a.series),
        ...(a.components ? { components: encodeComponents(a.components) } : {}),
      },
    })),
    outcomes: history.outcomes.map((o) => ({
      accountId: o.accountId,
      outcome: o.outcome,
      at: new Date(startMs + o.day * dayMs + 2 * 3_600_000).toISOString(),
    })),
  };
}
