import type { CustomMeasure, MetricSource } from '#config/measures-schema';
import { type AccountContext, recentRollups } from '../context.ts';
import { higherIsBetter, lowerIsBetter, plural, say } from '../deviation.ts';
import type { ComponentResult, Measure } from '../types.ts';
import type { ComponentId } from '../vocabulary.ts';
import { readMetric } from './metric-reading.ts';
import { fromMeasures } from './result.ts';

/** A number and how a driver says it: an attribute as it is, a metric with its window and readings. */
interface NumericValue {
  value: number;
  said: string;
}

function numericValue(
  from: { attribute: string } | MetricSource,
  context: AccountContext,
): NumericValue | undefined {
  if ('attribute' in from) {
    const value = context.input.account.attributes?.[from.attribute];
    return typeof value === 'number' ? { value, said: say(value) } : undefined;
  }
  const reading = readMetric(from, recentRollups(context, from.days));
  if (!reading) return undefined;
  const window = `in the last ${plural(from.days, 'day')}`;
  const said =
    from.over === 'sum'
      ? `${say(reading.value)} ${window} (${plural(reading.readings, 'reading')})`
      : from.over === 'average'
        ? `${say(reading.value)} on average over ${plural(reading.readings, 'reading')} ${window}`
        : `${say(reading.value)} (latest reading, ${reading.latestDay})`;
  return { value: reading.value, said };
}

type NumericCustom = Extract<CustomMeasure, { kind: 'numeric' }>;
type CategoricalCustom = Extract<CustomMeasure, { kind: 'categorical' }>;

/** A numeric custom measure's score of a value: against its expected value, in its direction. */
export const numericScore = (definition: Pick<NumericCustom, 'direction' | 'expected'>, value: number) =>
  definition.direction === 'higher'
    ? higherIsBetter(value, definition.expected)
    : lowerIsBetter(value, definition.expected);

/** A categorical custom measure's score of a category: its mapping, else `otherwise`, else none (left out). */
export const categoryScore = (
  definition: Pick<CategoricalCustom, 'scores' | 'otherwise'>,
  category: string,
) => definition.scores[category] ?? definition.otherwise;

/**
 * A custom measure (health.measures.custom) of an account attribute or a custom metric: a number against the
 * value a healthy account shows, or a category scored by its mapping. An attribute the account lacks, a metric with
 * no reading in its window, a number where a category is expected (or the reverse) or an unmapped category without
 * `otherwise` leaves the measure out: unknown, never zero.
 */
export function customMeasure(definition: CustomMeasure, context: AccountContext): Measure | undefined {
  const { id, label, weight } = definition;
  if (definition.kind === 'numeric') {
    const numeric = numericValue(definition.from, context);
    if (!numeric) return undefined;
    const { value } = numeric;
    const better = definition.direction === 'higher' ? 'at least' : 'at most';
    return {
      measure: id,
      actual: value,
      expected: definition.expected,
      expectedFrom: 'custom',
      score: numericScore(definition, value),
      weight,
      finding: `${label} ${numeric.said} vs ${better} ${say(definition.expected)} expected`,
    };
  }
  const value = context.input.account.attributes?.[definition.from.attribute];
  if (value === undefined) return undefined;
  const category = String(value);
  const score = categoryScore(definition, category);
  if (score === undefined) return undefined;
  return {
    measure: id,
    actual: score,
    expected: 100,
    expectedFrom: 'custom',
    score,
    weight,
    finding: `${label} "${category}" (scores ${say(score)} of 100)`,
  };
}

/** The component's result with the custom measures configured for it added beside its own measures. */
export function withCustomMeasures(
  result: ComponentResult,
  component: ComponentId,
  definitions: readonly CustomMeasure[],
  context: AccountContext,
): ComponentResult {
  const custom = definitions.flatMap((definition) =>
    definition.component === component ? (customMeasure(definition, context) ?? []) : [],
  );
  if (custom.length === 0) return result;
  const own = result.status === 'known' ? result.measures : [];
  return fromMeasures([...own, ...custom], '');
}
