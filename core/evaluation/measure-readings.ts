import * as z from 'zod';
import type { Config } from '#config/schema';
import { MEASURE_SWITCHES, SCALED_MEASURES } from '#core/health/components/engagement';
import { measureWeight } from '#core/health/components/result';
import { ratioOnScale, round2 } from '#core/health/deviation';
import type { HealthSnapshot, Measure } from '#core/health/types';
import { COMPONENT_IDS, type ComponentId } from '#core/health/vocabulary';
import { CHECKPOINTS, SAMPLE_STEP } from './cases.ts';

/**
 * What `calibrate` needs to score a day's components again under other measure parameters (health.measures.scale
 * and the custom measures), read from the health snapshot in force at the end of the day:
 * - each measure those parameters score, as `[id, score, weight, input]`: the input is the actual/baseline ratio of
 *   a usage measure on the scale (deviation.ts ratioOnScale), the value of a numeric custom measure, null for a
 *   categorical one (its category is under `categories`) and for the own-history trend (a setting switches it on
 *   or off, engagement.ts MEASURE_SWITCHES, as it does the usage measures per seat and per ARR);
 * - the component's other measures as one `['*', mean score, total weight]`: they are not refitted, and a component
 *   scores the weighted mean of its measures (components/result.ts), so their mean and weight are all it needs;
 * - the account's value of each attribute a categorical custom measure reads, so that a category the live config
 *   leaves unscored (no measure that day) can be scored by a fitted mapping.
 * Only components holding such a measure, or named by a custom measure, are kept.
 */
export type MeasureEntry = [id: string, score: number, weight: number, input: number | null];

export interface DayReadings {
  components: Partial<Record<ComponentId, MeasureEntry[]>>;
  categories: Record<string, string>;
}

/** The id of the entry that stands for a component's measures that are not refitted. */
export const OTHER_MEASURES = '*';

const entrySchema = z.tuple([z.string().min(1), z.number(), z.number().positive(), z.number().nullable()]);
export const dayReadingsSchema = z.strictObject({
  components: z.partialRecord(z.enum(COMPONENT_IDS), z.array(entrySchema)),
  categories: z.record(z.string(), z.string()),
});
/** Readings by day of the run (the day's index, as a string key: JSON objects have no number keys). */
export const readingsByDaySchema = z.record(
  z.string().regex(/^\d+$/, 'must be a day of the run'),
  dayReadingsSchema,
);
export type ReadingsByDay = z.infer<typeof readingsByDaySchema>;

/**
 * The days of an account whose readings a run keeps: those calibrate samples (every SAMPLE_STEP days from the
 * first) and the day it reads red on before each of the account's renewal outcomes (CHECKPOINTS[0] days before).
 */
export function readingDays(days: number, day: number, outcomeDays: readonly number[]): boolean {
  if (day < 0 || day >= days) return false;
  return day % SAMPLE_STEP === 0 || outcomeDays.some((outcome) => outcome - CHECKPOINTS[0] === day);
}

const SWITCHED = new Set<string>(Object.values(MEASURE_SWITCHES).flat());

function entryOf(measure: Measure, component: ComponentId, config: Config): MeasureEntry | undefined {
  const weight = measureWeight(measure);
  if (measure.expectedFrom === 'custom') {
    const custom = config.health.measures?.custom.find((c) => c.id === measure.measure);
    if (!custom) return undefined;
    return [measure.measure, measure.score, weight, custom.kind === 'numeric' ? measure.actual : null];
  }
  if (component !== 'engagement') return undefined;
  // A measure a setting switches on is kept apart, so that calibrate can weigh the component without it.
  if (!SCALED_MEASURES.has(measure.measure) || measure.expected === null)
    return SWITCHED.has(measure.measure) ? [measure.measure, measure.score, weight, null] : undefined;
  const scale = config.health.measures?.scale;
  const ratio = ratioOnScale(scale, measure.score, measure.actual, measure.expected);
  // Four significant digits: scored again, the ratio gives the score to well within its one decimal.
  return ratio === null ? undefined : [measure.measure, measure.score, weight, Number(ratio.toPrecision(4))];
}

/**
 * A day's readings from the snapshot in force at its end and the account's attributes then, under the config that
 * scored it. Undefined when nothing in it is refittable: no health.measures, or no component it would change.
 */
export function readingsOf(
  snapshot: HealthSnapshot,
  attributes: Readonly<Record<string, unknown>> | undefined,
  config: Config,
): DayReadings | undefined {
  const settings = config.health.measures;
  if (!settings) return undefined;
  const named = new Set(settings.custom.map((c) => c.component));
  const components: DayReadings['components'] = {};
  for (const component of snapshot.components) {
    const measures = component.status === 'known' ? component.measures : [];
    const entries: MeasureEntry[] = [];
    let otherWeight = 0;
    let otherSum = 0;
    for (const measure of measures) {
      const entry = entryOf(measure, component.component, config);
      if (entry) entries.push(entry);
      else {
        otherWeight += measureWeight(measure);
        otherSum += measureWeight(measure) * measure.score;
      }
    }
    if (entries.length === 0 && !named.has(component.component)) continue;
    if (otherWeight > 0) entries.push([OTHER_MEASURES, round2(otherSum / otherWeight), otherWeight, null]);
    components[component.component] = entries;
  }
  const categories: Record<string, string> = {};
  for (const custom of settings.custom) {
    if (custom.kind !== 'categorical') continue;
    const value = attributes?.[custom.from.attribute];
    if (value !== undefined && value !== null) categories[custom.from.attribute] = String(value);
  }
  if (Object.keys(components).length === 0 && Object.keys(categories).length === 0) return undefined;
  return { components, categories };
}
