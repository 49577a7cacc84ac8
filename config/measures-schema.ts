import * as z from 'zod';
import { COMPONENT_IDS } from '#core/health/vocabulary';
import { METRIC_NAME, METRIC_NAME_RULE } from '#core/signals';

/**
 * `health.measures` (issue 19 item 3): how scoring fits data shaped as companies keep it. Absent, scoring behaves
 * as it did before the section existed (the recorded fixtures are scored that way); the default config sets it.
 * docs/health-measures.md explains each setting.
 */

const oneToMax = (what: string, max: number) =>
  z
    .number({ error: `must be a whole number from 1 to ${max} (${what})` })
    .int(`must be a whole number from 1 to ${max} (${what})`)
    .min(1, `must be a whole number from 1 to ${max} (${what})`)
    .max(max, `must be a whole number from 1 to ${max} (${what})`);
const positive = z.number({ error: 'must be a number' }).finite().positive('must be positive');
const score100 = z
  .number({ error: 'must be from 0 to 100' })
  .min(0, 'must be from 0 to 100')
  .max(100, 'must be from 0 to 100');
const component = z.enum(COMPONENT_IDS, { error: `must be one of: ${COMPONENT_IDS.join(', ')}` });
const measureId = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9_]{0,63}$/, 'must be letters, digits and _, starting with a lower case letter');
const attributeName = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');

/**
 * How a "higher is better" usage measure turns into 0-100. `linear`: the share of the baseline, 100 at or above
 * it (bands are tuned to it). `log`: `atBaseline` at the baseline, linear below it, and above it rising with the
 * logarithm of actual/baseline to 100 at `ceilingRatio` times the baseline, so accounts above the median keep
 * ranking.
 */
export const scaleSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('linear') }),
    z.strictObject({
      kind: z.literal('log'),
      atBaseline: score100.refine((v) => v > 0 && v < 100, 'must be above 0 and below 100'),
      ceilingRatio: positive.refine((v) => v > 1, 'must be above 1 (times the baseline)'),
    }),
  ],
  { error: 'must have kind "linear" or "log"' },
);
export type Scale = z.infer<typeof scaleSchema>;

/** Where a custom measure's value comes from: an account attribute (`attributes` on the account). */
const attributeSource = z.strictObject(
  { attribute: attributeName },
  { error: 'must be { "attribute": name } or { "metric": name, "over": ..., "days": n }' },
);

export const METRIC_AGGREGATES = ['sum', 'average', 'latest'] as const;

/**
 * Or a custom metric sent as `metric` signals, read from the daily rollups scoring already loads: the sum of its
 * readings over the last `days` days (today included), their average, or the latest reading.
 */
const metricSource = z.strictObject({
  metric: z.string().regex(METRIC_NAME, METRIC_NAME_RULE),
  over: z.enum(METRIC_AGGREGATES, { error: `must be one of: ${METRIC_AGGREGATES.join(', ')}` }),
  days: oneToMax('the window of days read', 365),
});
export type MetricSource = z.infer<typeof metricSource>;

const numericSource = z.union([attributeSource, metricSource], {
  error:
    'must be { "attribute": name } or { "metric": name, "over": "sum" | "average" | "latest", "days": n }',
});

const numericCustom = z.strictObject({
  id: measureId,
  component,
  /** Relative to the component's other measures (each of which weighs 1). */
  weight: positive.default(1),
  from: numericSource,
  kind: z.literal('numeric'),
  direction: z.enum(['higher', 'lower'], { error: 'must be higher or lower (which is better)' }),
  /** The value a healthy account shows: 100 at or past it. */
  expected: z.number({ error: 'must be a number' }).finite().min(0, 'must not be negative'),
  /** How a driver names it: "tenure 4 vs 24 expected". */
  label: z.string().min(1).max(64),
});

const categoricalCustom = z.strictObject({
  id: measureId,
  component,
  weight: positive.default(1),
  from: attributeSource,
  kind: z.literal('categorical'),
  /** The score (0-100) of each value; a value not listed takes `otherwise`, or leaves the measure out. */
  scores: z
    .record(z.string().min(1).max(512), score100)
    .refine((scores) => Object.keys(scores).length > 0, 'must score at least one value'),
  otherwise: score100.optional(),
  label: z.string().min(1).max(64),
});

export const customMeasureSchema = z.discriminatedUnion('kind', [numericCustom, categoricalCustom], {
  error: 'must have kind "numeric" or "categorical"',
});
export type CustomMeasure = z.infer<typeof customMeasureSchema>;

export const measuresSchema = z.strictObject({
  /**
   * Before the data covers an account this many days (counted from the later of go-live and the first day of its
   * data) there is no verdict on product use: "not enough data yet". 0 judges from the first day.
   */
  minimumDataDays: z
    .number({ error: 'must be a whole number from 0 to 365 (days of data before a verdict)' })
    .int('must be a whole number from 0 to 365 (days of data before a verdict)')
    .min(0, 'must be a whole number from 0 to 365 (days of data before a verdict)')
    .max(365, 'must be a whole number from 0 to 365 (days of data before a verdict)'),
  scale: scaleSchema,
  /**
   * When fewer than `minCohortSize` healthy accounts have a metric (the defaults paint most of a portfolio red),
   * it is learnt from all the segment's accounts instead: this quantile for "higher is better" metrics (1 minus it
   * for ticket counts), before the configured fallback.
   */
  segmentQuantile: z
    .number({ error: 'must be from 0.5 to 1' })
    .min(0.5, 'must be from 0.5 to 1')
    .max(1, 'must be from 0.5 to 1')
    .nullable(),
  /** Usage per licensed seat (`contract.seats`), beside the absolute figures, when the account gives its seats. */
  perSeat: z.boolean(),
  /** Usage per this much ARR (e.g. 1000: usage per 1,000 of ARR) beside the absolute figures; null: not scored. */
  perArr: positive.nullable(),
  /** Usage in the last `recentDays` days against the `priorDays` before them (seed 005 "decreased usage"). */
  ownHistory: z
    .strictObject({
      recentDays: oneToMax('the recent period', 365),
      priorDays: oneToMax('the period compared with', 365),
    })
    .nullable(),
  /** Account attributes scored by configuration (Gainsight measures, ChurnZero factors). */
  custom: z
    .array(customMeasureSchema)
    .max(50, 'must have at most 50 custom measures')
    .superRefine((custom, ctx) => {
      const seen = new Set<string>();
      custom.forEach((measure, index) => {
        if (seen.has(measure.id))
          ctx.addIssue({ code: 'custom', path: [index, 'id'], message: 'is repeated' });
        seen.add(measure.id);
      });
    }),
});
export type MeasuresConfig = z.infer<typeof measuresSchema>;
