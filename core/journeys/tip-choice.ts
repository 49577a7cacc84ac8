import type { TipsConfig } from '#config/journeys-schema';
import type { DailyRollup } from '#core/rollup';

export interface TipChoice {
  /** The feature the tip teaches; null for the general tip. */
  feature: string | null;
  template: string;
}

/** Features the account used on any day of the rollups given (the health lookback). */
export function adoptedFeatures(rollups: readonly Pick<DailyRollup, 'features'>[]): Set<string> {
  const adopted = new Set<string>();
  for (const rollup of rollups) for (const feature of rollup.features) adopted.add(feature);
  return adopted;
}

/**
 * What tip `occurrence` teaches: a feature of the catalogue the account has not adopted, rotating through them
 * from one tip to the next (so an account that adopts nothing does not get the same tip every week), else the
 * general tip (the tip play's own template).
 */
export function chooseTip(
  tips: TipsConfig,
  adopted: ReadonlySet<string>,
  occurrence: number,
  generalTemplate: string,
): TipChoice {
  const unadopted = tips.features.filter((f) => !adopted.has(f.feature));
  const pick = unadopted[occurrence % Math.max(1, unadopted.length)];
  return pick
    ? { feature: pick.feature, template: pick.template }
    : { feature: null, template: generalTemplate };
}
