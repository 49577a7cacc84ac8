import type { CustomMeasure, Scale } from '#config/measures-schema';
import type { Config } from '#config/schema';
import { type DayReadings, type MeasureEntry, OTHER_MEASURES } from '#core/evaluation/measure-readings';
import { categoryScore, numericScore } from '#core/health/components/custom';
import { MEASURE_SWITCHES, type MeasureSwitch } from '#core/health/components/engagement';
import { higherIsBetterOn, round1 } from '#core/health/deviation';
import { COMPONENT_IDS, type ComponentId } from '#core/health/vocabulary';

/**
 * The measure parameters calibrate fits (issue 19): the usage scale, the custom measures' settings, and whether
 * the measures per seat, per ARR and of the own-history trend earn their place.
 */
export interface MeasureParams {
  scale: Scale;
  custom: readonly CustomMeasure[];
  /**
   * Whether each setting that adds engagement measures (per seat, per ARR, the own-history trend) is on. Calibrate
   * can only turn one off: the readings hold the measures a setting added, not those it would add.
   */
  switches: Readonly<Record<MeasureSwitch, boolean>>;
}

/** The live config's measure parameters, or none when it has no health.measures section (nothing to refit). */
export function measureParamsOf(config: Config): MeasureParams | undefined {
  const settings = config.health.measures;
  return settings
    ? {
        scale: settings.scale,
        custom: settings.custom,
        switches: {
          perSeat: settings.perSeat,
          perArr: settings.perArr !== null,
          ownHistory: settings.ownHistory !== null,
        },
      }
    : undefined;
}

const SWITCH_OF = new Map<string, MeasureSwitch>(
  Object.entries(MEASURE_SWITCHES).flatMap(([setting, measures]) =>
    measures.map((measure): [string, MeasureSwitch] => [measure, setting as MeasureSwitch]),
  ),
);

/**
 * A component's score from a day's readings under other parameters: each refittable measure scored again (a usage
 * measure from its ratio on the scale, a numeric custom measure from its value, a categorical one from the
 * account's category, left out when the mapping scores none), the others as they were, weighted as scoring weighs
 * them (components/result.ts: measure scores to one decimal, their weighted mean to one). Null: no measure left.
 */
function componentUnder(
  params: MeasureParams,
  component: ComponentId,
  entries: readonly MeasureEntry[],
  categories: DayReadings['categories'],
): number | null {
  let sum = 0;
  let total = 0;
  for (const [id, score, weight, input] of entries) {
    if (id === OTHER_MEASURES) {
      sum += score * weight;
      total += weight;
      continue;
    }
    const custom = params.custom.find((c) => c.id === id);
    if (custom?.kind === 'categorical') continue;
    const setting = custom ? undefined : SWITCH_OF.get(id);
    if (setting && !params.switches[setting]) continue;
    const rescored =
      custom?.kind === 'numeric'
        ? input === null
          ? score
          : numericScore(custom, input)
        : input === null
          ? score
          : higherIsBetterOn(params.scale, input, 1);
    const measureWeight = custom ? custom.weight : weight;
    sum += round1(rescored) * measureWeight;
    total += measureWeight;
  }
  for (const custom of params.custom) {
    if (custom.kind !== 'categorical' || custom.component !== component) continue;
    const category = categories[custom.from.attribute];
    const score = category === undefined ? undefined : categoryScore(custom, category);
    if (score === undefined) continue;
    sum += round1(score) * custom.weight;
    total += custom.weight;
  }
  return total > 0 ? round1(sum / total) : null;
}

/** Each component's score on a day under `params`: recomputed where the day's readings hold it, else as recorded. */
export function componentsUnder(
  params: MeasureParams,
  readings: DayReadings | undefined,
  recorded: readonly (number | null)[],
): (number | null)[] {
  if (!readings) return [...recorded];
  return COMPONENT_IDS.map((component, index) => {
    const entries = readings.components[component];
    return entries
      ? componentUnder(params, component, entries, readings.categories)
      : (recorded[index] ?? null);
  });
}
