import { type AccountContext, recentRollups } from '../context.ts';
import { higherIsBetter, say } from '../deviation.ts';
import type { ComponentResult, Measure, SegmentBaseline } from '../types.ts';
import { type BaselineSample, expected } from './expected.ts';
import { type RecentAverage, recentAverage } from './recency.ts';
import { fromMeasures } from './result.ts';

export interface SentimentMeasures {
  nps: RecentAverage | null;
  csat: RecentAverage | null;
  windowDays: number;
}

/** Null when no NPS or CSAT answer arrived within the window. */
export function measureSentiment(context: AccountContext): SentimentMeasures | null {
  const { windows, decay } = context.config.health;
  const recent = recentRollups(context, windows.sentiment);
  const nps = recentAverage(recent, 'nps', context.today, decay.sentimentHalfLifeDays);
  const csat = recentAverage(recent, 'csat', context.today, decay.sentimentHalfLifeDays);
  return nps || csat ? { nps, csat, windowDays: windows.sentiment } : null;
}

export function sentimentSample(measured: SentimentMeasures): BaselineSample {
  return {
    ...(measured.nps && { nps: measured.nps.mean }),
    ...(measured.csat && { csat: measured.csat.mean }),
  };
}

/** CSAT runs from 1, so both sides are measured from the bottom of the scale. */
const CSAT_FLOOR = 1;

export function scoreSentiment(
  measured: SentimentMeasures | null,
  baseline: SegmentBaseline,
  context: AccountContext,
): ComponentResult {
  const { label } = context.segment;
  if (!measured) {
    return {
      status: 'unknown',
      reason: `no NPS or CSAT answer in the last ${context.config.health.windows.sentiment} days`,
    };
  }
  const measures: Measure[] = [];
  const npsTypical = expected(baseline, 'nps');
  if (measured.nps && npsTypical) {
    const actual = measured.nps.mean;
    measures.push({
      measure: 'nps',
      actual,
      expected: npsTypical.value,
      expectedFrom: npsTypical.from,
      baselineMetric: 'nps',
      score: higherIsBetter(actual, npsTypical.value),
      finding: `NPS averaging ${say(actual)} vs ${say(npsTypical.value)} for healthy ${label} accounts (recent answers count most)`,
    });
  }
  const csatTypical = expected(baseline, 'csat');
  if (measured.csat && csatTypical && csatTypical.value > CSAT_FLOOR) {
    const actual = measured.csat.mean;
    measures.push({
      measure: 'csat',
      actual,
      expected: csatTypical.value,
      expectedFrom: csatTypical.from,
      baselineMetric: 'csat',
      score: higherIsBetter(actual - CSAT_FLOOR, csatTypical.value - CSAT_FLOOR),
      finding: `CSAT averaging ${say(actual)}/5 vs ${say(csatTypical.value)} for healthy ${label} accounts (recent answers count most)`,
    });
  }
  return fromMeasures(measures, `no ${label} baseline for the NPS or CSAT answers received`);
}
