import type { Config, MilestoneDetection } from '#config/schema';
import { segmentConfig } from './segmentation.ts';

export interface JourneyMilestone {
  id: string;
  label: string;
  dueDay: number;
  detect: MilestoneDetection;
}

export interface JourneyBaseline {
  milestones: JourneyMilestone[];
  graceDays: number;
  championLead: number;
}

const baselinesOf = new WeakMap<object, Map<string, JourneyBaseline>>();

/**
 * The journey baseline (seed 004) with the segment's own due days and grace applied; worked out once per config
 * and segment (every scoring asks for it), and frozen: it is shared by every caller.
 */
export function journeyBaselineFor(
  config: Pick<Config, 'segments' | 'journeyBaseline'>,
  segment: string,
): JourneyBaseline {
  let bySegment = baselinesOf.get(config);
  if (!bySegment) {
    bySegment = new Map();
    baselinesOf.set(config, bySegment);
  }
  let journey = bySegment.get(segment);
  if (!journey) {
    journey = journeyBaselineOf(config, segment);
    for (const milestone of journey.milestones) Object.freeze(milestone);
    Object.freeze(journey.milestones);
    bySegment.set(segment, Object.freeze(journey));
  }
  return journey;
}

function journeyBaselineOf(
  config: Pick<Config, 'segments' | 'journeyBaseline'>,
  segment: string,
): JourneyBaseline {
  const own = segmentConfig(config, segment).journeyBaseline;
  const base = config.journeyBaseline;
  return {
    milestones: base.milestones.map((milestone) => ({
      ...milestone,
      dueDay: own?.dueDays?.[milestone.id] ?? milestone.dueDay,
    })),
    graceDays: own?.graceDays ?? base.graceDays,
    championLead: base.championLead,
  };
}

/**
 * Percent of target value an account should have realised on a given day after go-live: straight lines
 * from nothing at go-live through each value milestone (Day 90: 75%, Day 270: 100%), flat after the last.
 * Null when the journey sets no value milestone.
 */
export function valueTargetAt(journey: JourneyBaseline, daysLive: number): number | null {
  const points = journey.milestones
    .flatMap((m) => (m.detect.kind === 'value' ? [{ day: m.dueDay, percent: m.detect.atLeastPercent }] : []))
    .sort((a, b) => a.day - b.day);
  if (points.length === 0) return null;
  let previous = { day: 0, percent: 0 };
  for (const point of points) {
    if (daysLive <= point.day) {
      const share = (daysLive - previous.day) / (point.day - previous.day);
      return previous.percent + share * (point.percent - previous.percent);
    }
    previous = point;
  }
  return previous.percent;
}
