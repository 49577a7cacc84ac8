import * as z from 'zod';
import type { Band, ComponentId } from '#core/health/vocabulary';
import { encodedComponentsSchema } from './component-series.ts';
import { type ReadingsByDay, readingsByDaySchema } from './measure-readings.ts';

/**
 * An account's days, as a simulation result keeps them for `churnguard evaluate`: for each day of the run (index 0
 * is its first day), the score and band in force at the end of the day and the product-activity signals that arrived
 * that day. Each series is one string (a number or `-` per day, separated by spaces; one letter per day for bands),
 * so a year of a thousand accounts stays a few megabytes in result.json instead of a line per value.
 */
export interface DailySeries {
  scores: (number | null)[];
  bands: (Band | null)[];
  activity: number[];
}

/** The signal types that say someone used the product, counted per day for the plain baselines. */
export const ACTIVITY_TYPES = ['login', 'activity', 'feature_used', 'usage'] as const;

/** A day's product activity: its signals of the activity types. */
export const activityOf = (counts: DayCounts['counts']): number =>
  ACTIVITY_TYPES.reduce((sum, type) => sum + (counts[type] ?? 0), 0);

const BAND_LETTER: Record<Band, string> = { green: 'g', yellow: 'y', red: 'r' };
const LETTER_BAND: Record<string, Band> = { g: 'green', y: 'yellow', r: 'red' };

export interface EncodedSeries {
  scores: string;
  bands: string;
  activity: string;
  /** Each component's score day by day, as runs (component-series.ts); what `calibrate` fits weights on. */
  components?: Partial<Record<ComponentId, string>>;
  /** The measures behind the components on the days calibrate reads (measure-readings.ts), by day. */
  readings?: ReadingsByDay;
}

/** Scores keep one decimal: the scores the API shows. */
const scoreText = (score: number | null) => (score === null ? '-' : String(Math.round(score * 10) / 10));

export function encodeSeries(series: DailySeries): EncodedSeries {
  return {
    scores: series.scores.map(scoreText).join(' '),
    bands: series.bands.map((band) => (band === null ? '-' : BAND_LETTER[band])).join(''),
    activity: series.activity.join(' '),
  };
}

const numberList = (text: string) => (text === '' ? [] : text.split(' '));

/** The encoded series, checked: every day a number (or `-` for a score), a band letter, the same length. */
export const encodedSeriesSchema = z
  .strictObject({
    scores: z.string().regex(/^(-|-?\d+(\.\d+)?)?( (-|-?\d+(\.\d+)?))*$/, 'must be numbers or -, one a day'),
    bands: z.string().regex(/^[gyr-]*$/, 'must be one letter a day: g, y, r or -'),
    activity: z.string().regex(/^(\d+)?( \d+)*$/, 'must be whole numbers, one a day'),
    components: encodedComponentsSchema.optional(),
    readings: readingsByDaySchema.optional(),
  })
  .refine(
    (s) => numberList(s.scores).length === s.bands.length && numberList(s.activity).length === s.bands.length,
    { message: 'scores, bands and activity must cover the same days' },
  );

export function decodeSeries(encoded: EncodedSeries): DailySeries {
  return {
    scores: numberList(encoded.scores).map((text) => (text === '-' ? null : Number(text))),
    bands: [...encoded.bands].map((letter) => LETTER_BAND[letter] ?? null),
    activity: numberList(encoded.activity).map(Number),
  };
}

/** A score change as the health history stores it (store/health-store.ts). */
export interface ScoreChange {
  at: string;
  score: number | null;
  band: Band | 'unknown';
}

/** A day's signal counts as the daily rollup keeps them (core/rollup.ts). */
export interface DayCounts {
  day: string;
  counts: Partial<Record<string, number>>;
}

const DAY_MS = 86_400_000;

/** The series of `days` days from `start` (YYYY-MM-DD): the score in force at each day's end, each day's activity. */
export function buildDailySeries(
  start: string,
  days: number,
  changes: readonly ScoreChange[],
  rollups: readonly DayCounts[],
): DailySeries {
  const startMs = Date.parse(`${start}T00:00:00Z`);
  const sorted = changes
    .map((change) => ({ change, time: Date.parse(change.at) }))
    .sort((a, b) => a.time - b.time);
  const scores: (number | null)[] = [];
  const bands: (Band | null)[] = [];
  let next = 0;
  let current: ScoreChange | undefined;
  for (let day = 0; day < days; day++) {
    const dayEnd = startMs + (day + 1) * DAY_MS;
    while (next < sorted.length && (sorted[next]?.time ?? Number.POSITIVE_INFINITY) < dayEnd) {
      current = sorted[next]?.change;
      next++;
    }
    const band = current && current.band !== 'unknown' ? current.band : null;
    scores.push(band === null ? null : (current?.score ?? null));
    bands.push(band);
  }
  const activity = new Array<number>(days).fill(0);
  for (const rollup of rollups) {
    const day = Math.floor((Date.parse(`${rollup.day}T00:00:00Z`) - startMs) / DAY_MS);
    if (day < 0 || day >= days) continue;
    activity[day] = activityOf(rollup.counts);
  }
  return { scores, bands, activity };
}
