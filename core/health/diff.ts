import { round1, say } from './deviation.ts';
import type { ComponentSnapshot, HealthSnapshot, Measure } from './types.ts';
import { COMPONENT_LABELS, type ComponentId } from './vocabulary.ts';

export interface MeasureChange {
  measure: string;
  before: number | null;
  after: number | null;
  finding: string | null;
}

export interface ComponentChange {
  component: ComponentId;
  before: number | 'unknown' | 'unweighted';
  after: number | 'unknown' | 'unweighted';
  /** Points this component added to (or took from) the score; the changes add up to `scoreChange`. */
  contributionChange: number;
  measures: MeasureChange[];
}

export interface SnapshotDiff {
  accountId: string;
  from: string;
  to: string;
  scoreChange: number | null;
  band: { before: HealthSnapshot['band']; after: HealthSnapshot['band'] };
  modelChanged: boolean;
  segmentChanged: boolean;
  /** Components whose contribution or status changed, largest movement first. */
  components: ComponentChange[];
  summary: string;
}

type Side = ComponentSnapshot | undefined;

const stateOf = (side: Side): ComponentChange['before'] =>
  side === undefined ? 'unweighted' : side.status === 'known' ? side.score : 'unknown';

const measuresOf = (side: Side): Measure[] => (side?.status === 'known' ? side.measures : []);

function measureChanges(before: Side, after: Side): MeasureChange[] {
  const earlier = new Map(measuresOf(before).map((m) => [m.measure, m]));
  const later = new Map(measuresOf(after).map((m) => [m.measure, m]));
  const names = [...new Set([...earlier.keys(), ...later.keys()])];
  return names.flatMap((name) => {
    const was = earlier.get(name);
    const now = later.get(name);
    if (was && now && was.actual === now.actual && was.score === now.score) return [];
    return [
      {
        measure: name,
        before: was?.actual ?? null,
        after: now?.actual ?? null,
        finding: now?.finding ?? null,
      },
    ];
  });
}

const signed = (points: number) => `${points > 0 ? '+' : ''}${say(points)}`;

function summarise(diff: Omit<SnapshotDiff, 'summary'>): string {
  if (diff.scoreChange === null) return 'score not comparable: one of the snapshots has no score';
  const moved = diff.components
    .filter((c) => c.contributionChange !== 0)
    .map((c) => `${COMPONENT_LABELS[c.component]} ${signed(c.contributionChange)}`);
  const direction = diff.scoreChange > 0 ? 'rose' : diff.scoreChange < 0 ? 'fell' : 'held';
  const bandMove = diff.band.before === diff.band.after ? '' : ` (${diff.band.before} → ${diff.band.after})`;
  const points = diff.scoreChange === 0 ? '' : ` ${say(Math.abs(diff.scoreChange))} points`;
  const model = diff.modelChanged ? '; the health model changed in between' : '';
  return `score ${direction}${points}${bandMove}${moved.length ? `: ${moved.join(', ')}` : ''}${model}`;
}

/**
 * Why a score moved between two snapshots of one account: each component's change in contribution
 * (they add up to the score change, because each snapshot's contributions add up to its score) and
 * the measures behind it.
 */
export function diffSnapshots(previous: HealthSnapshot, next: HealthSnapshot): SnapshotDiff {
  if (previous.accountId !== next.accountId) {
    throw new Error(`cannot compare snapshots of accounts ${previous.accountId} and ${next.accountId}`);
  }
  // The measures are compared only for the components kept: most components hold still from one day to the next.
  const components = [...new Set([...previous.components, ...next.components].map((c) => c.component))]
    .map((component, order) => {
      const before = previous.components.find((c) => c.component === component);
      const after = next.components.find((c) => c.component === component);
      const contributionChange = round1((after?.contribution ?? 0) - (before?.contribution ?? 0));
      return { component, before, after, contributionChange, order };
    })
    .filter((c) => c.contributionChange !== 0 || stateOf(c.before) !== stateOf(c.after))
    .sort((a, b) => Math.abs(b.contributionChange) - Math.abs(a.contributionChange) || a.order - b.order)
    .map(
      ({ component, before, after, contributionChange }): ComponentChange => ({
        component,
        before: stateOf(before),
        after: stateOf(after),
        contributionChange,
        measures: measureChanges(before, after),
      }),
    );
  const diff = {
    accountId: next.accountId,
    from: previous.at,
    to: next.at,
    scoreChange: previous.score === null || next.score === null ? null : round1(next.score - previous.score),
    band: { before: previous.band, after: next.band },
    modelChanged: previous.modelVersion !== next.modelVersion,
    segmentChanged: previous.segment.segment !== next.segment.segment,
    components,
  };
  return { ...diff, summary: summarise(diff) };
}
