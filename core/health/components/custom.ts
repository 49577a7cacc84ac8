import type { CustomMeasure } from '#config/measures-schema';
import type { AccountInput } from '#core/accounts';
import { higherIsBetter, lowerIsBetter, say } from '../deviation.ts';
import type { ComponentResult, Measure } from '../types.ts';
import type { ComponentId } from '../vocabulary.ts';
import { fromMeasures } from './result.ts';

/**
 * A custom measure (health.measures.custom) of an account attribute: a number against the value a healthy
 * account shows, or a category scored by its mapping. An attribute the account lacks, a number where a category
 * is expected (or the reverse) or an unmapped category without `otherwise` leaves the measure out: unknown,
 * never zero.
 */
export function customMeasure(definition: CustomMeasure, account: AccountInput): Measure | undefined {
  const value = account.attributes?.[definition.from.attribute];
  if (value === undefined) return undefined;
  const { id, label, weight } = definition;
  if (definition.kind === 'numeric') {
    if (typeof value !== 'number') return undefined;
    const better = definition.direction === 'higher' ? 'at least' : 'at most';
    return {
      measure: id,
      actual: value,
      expected: definition.expected,
      expectedFrom: 'custom',
      score:
        definition.direction === 'higher'
          ? higherIsBetter(value, definition.expected)
          : lowerIsBetter(value, definition.expected),
      weight,
      finding: `${label} ${say(value)} vs ${better} ${say(definition.expected)} expected`,
    };
  }
  const category = String(value);
  const score = definition.scores[category] ?? definition.otherwise;
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
  account: AccountInput,
): ComponentResult {
  const custom = definitions.flatMap((definition) =>
    definition.component === component ? (customMeasure(definition, account) ?? []) : [],
  );
  if (custom.length === 0) return result;
  const own = result.status === 'known' ? result.measures : [];
  return fromMeasures([...own, ...custom], '');
}
