import type { DailyRollup } from '#core/rollup';
import { SIGNAL_TYPES, type SignalType } from '#core/signals';
import type { JourneyStanding } from './journey-class.ts';
import type { MilestoneAchievement } from './milestones.ts';
import type { HealthSnapshot } from './types.ts';

/** What a recompute produces for one account, before it is stored. */
export interface HealthState {
  snapshot: HealthSnapshot;
  journey: JourneyStanding;
  milestones: MilestoneAchievement[];
}

export type SignalCounts = Partial<Record<SignalType, number>>;

function componentsKey(snapshot: HealthSnapshot): string {
  return snapshot.components
    .map((c) => `${c.component}:${c.status}:${c.weight}:${c.score ?? '-'}:${c.contribution}`)
    .join('|');
}

const milestonesKey = (milestones: readonly MilestoneAchievement[]) =>
  milestones
    .map((m) => `${m.milestone}@${m.day}`)
    .sort()
    .join('|');

/**
 * Whether a new health state is worth a history entry: the score, band, a component's score, weight or
 * contribution, the model, the segment, the journey class or a milestone moved. Wording that only ages ("sponsor
 * left 12 days ago" becoming 13) and the trend are not changes; they are recomputed whenever health is read.
 */
/** Caps and overdue issues among the drivers: they change what a CSM reads without moving the score. */
const flaggedDrivers = (snapshot: HealthState['snapshot']) =>
  snapshot.drivers
    .filter((d) => d.kind !== undefined)
    .map((d) => `${d.kind}:${d.component}:${d.measure}`)
    .join('|');

export function healthChanged(before: HealthState, after: HealthState): boolean {
  const a = before.snapshot;
  const b = after.snapshot;
  return (
    a.score !== b.score ||
    a.band !== b.band ||
    a.modelVersion !== b.modelVersion ||
    a.segment.segment !== b.segment.segment ||
    a.segment.tier !== b.segment.tier ||
    componentsKey(a) !== componentsKey(b) ||
    flaggedDrivers(a) !== flaggedDrivers(b) ||
    before.journey.journeyClass !== after.journey.journeyClass ||
    milestonesKey(before.milestones) !== milestonesKey(after.milestones)
  );
}

const TYPE_INDEX = new Map<string, number>(SIGNAL_TYPES.map((type, index) => [type, index]));

/**
 * Signals of each type in the rollups (the lookback scoring read). Types appear in the order they first occur
 * (within a rollup, in SIGNAL_TYPES order); each rollup's counts are read once rather than once per known type.
 */
export function signalTotals(rollups: readonly DailyRollup[]): SignalCounts {
  const totals: number[] = [];
  const order: number[] = [];
  for (const rollup of rollups) {
    const counts: Partial<Record<string, number>> = rollup.counts;
    const fresh: number[] = [];
    for (const type in counts) {
      const index = TYPE_INDEX.get(type);
      const count = counts[type];
      if (index === undefined || !count) continue;
      const total = totals[index];
      if (total === undefined) {
        totals[index] = count;
        fresh.push(index);
      } else totals[index] = total + count;
    }
    if (fresh.length > 0) order.push(...fresh.sort((a, b) => a - b));
  }
  const out: SignalCounts = {};
  for (const index of order) out[SIGNAL_TYPES[index] as SignalType] = totals[index];
  return out;
}

/**
 * Which signals moved between two scorings: per type, the change in the count inside the lookback. Positive
 * counts are signals that arrived, negative ones signals that aged out of the lookback.
 */
export function signalChanges(before: SignalCounts, after: SignalCounts): SignalCounts {
  const changes: SignalCounts = {};
  for (const type of SIGNAL_TYPES) {
    const change = (after[type] ?? 0) - (before[type] ?? 0);
    if (change !== 0) changes[type] = change;
  }
  return changes;
}
