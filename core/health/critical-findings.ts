import type { CriticalFinding } from '#config/critical-findings-schema';
import { say } from './deviation.ts';
import type { ComponentSnapshot, Driver } from './types.ts';
import type { Band } from './vocabulary.ts';

const RANK: Record<Band, number> = { red: 0, yellow: 1, green: 2 };

export interface CappedBand {
  band: Band;
  /** One driver per finding that holds and lowered the band, in config order. */
  drivers: Driver[];
}

function holds(finding: CriticalFinding, value: number): boolean {
  return finding.atOrBelow !== undefined
    ? value <= finding.atOrBelow
    : value >= (finding.atOrAbove ?? Infinity);
}

/**
 * The band after the critical findings that hold for this account (config `health.criticalFindings`): each holds
 * the band at its `capBand` at best. A finding is read from the measure of that name in its component, as scored;
 * a component not scored or a measure not taken is no finding. Pure.
 */
export function applyCriticalFindings(
  findings: readonly CriticalFinding[],
  segment: string,
  band: Band,
  components: readonly ComponentSnapshot[],
): CappedBand {
  let capped = band;
  const drivers: Driver[] = [];
  for (const finding of findings) {
    if (finding.segments && !finding.segments.includes(segment)) continue;
    const component = components.find((c) => c.component === finding.component);
    if (component?.status !== 'known') continue;
    const measure = component.measures.find((m) => m.measure === finding.measure);
    if (!measure || !holds(finding, measure.actual)) continue;
    if (RANK[finding.capBand] >= RANK[capped]) continue;
    const threshold =
      finding.atOrBelow !== undefined
        ? `at or below ${say(finding.atOrBelow)}`
        : `at or above ${say(finding.atOrAbove ?? 0)}`;
    drivers.push({
      component: finding.component,
      measure: finding.measure,
      kind: 'cap',
      text: `band held at ${finding.capBand} (critical finding ${finding.id}: ${finding.measure} ${say(measure.actual)} is ${threshold}); the score alone says ${band}: ${measure.finding}`,
      pointsLost: 0,
    });
    capped = finding.capBand;
  }
  return { band: capped, drivers };
}
