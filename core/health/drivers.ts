import { measureWeight } from './components/result.ts';
import { round1 } from './deviation.ts';
import type { ComponentSnapshot, Driver } from './types.ts';

/** Findings that cost less than this are noise, not a reason. */
const MIN_POINTS = 1;

/**
 * The findings that cost the score most points, biggest first. A measure costs its component's share of
 * the score times its shortfall from 100, divided among the component's measures by their weights (a component
 * scores the weighted mean of its measures). Ties keep component order, then measure order, so the list is stable.
 */
export function topDrivers(components: readonly ComponentSnapshot[], max: number): Driver[] {
  const candidates = components.flatMap((component) => {
    if (component.status !== 'known') return [];
    const totalWeight = component.measures.reduce((sum, measure) => sum + measureWeight(measure), 0);
    return component.measures.map((measure) => ({
      component: component.component,
      measure: measure.measure,
      text: measure.finding,
      pointsLost:
        (100 - measure.score) * ((component.normalizedWeight * measureWeight(measure)) / totalWeight),
    }));
  });
  return candidates
    .map((candidate, order) => ({ candidate, order }))
    .filter(({ candidate }) => candidate.pointsLost >= MIN_POINTS)
    .sort((a, b) => b.candidate.pointsLost - a.candidate.pointsLost || a.order - b.order)
    .slice(0, max)
    .map(({ candidate }) => ({ ...candidate, pointsLost: round1(candidate.pointsLost) }));
}
