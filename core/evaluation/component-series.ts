import * as z from 'zod';
import type { ComponentChange } from '#core/health/diff';
import { COMPONENT_IDS, type ComponentId } from '#core/health/vocabulary';

/**
 * Each health component's score in force at the end of each day of a run (null: unknown, unweighted or not yet
 * scored), for `churnguard calibrate`. Rebuilt from what the store keeps: the current snapshot's components and
 * the history of changes, each of which lists every component whose score or status changed with its value
 * before (core/health/diff.ts). Walking the changes back from the current snapshot gives each component's score
 * after every change, exactly.
 */
export type ComponentSeries = Record<ComponentId, (number | null)[]>;

export interface ComponentNow {
  component: ComponentId;
  score: number | null;
}

export interface ComponentChangeEntry {
  at: string;
  /** Only each changed component's score before the change is read. */
  diff: { components: readonly Pick<ComponentChange, 'component' | 'before'>[] } | null;
}

const DAY_MS = 86_400_000;
type State = Record<ComponentId, number | null>;
const scoreOf = (state: number | 'unknown' | 'unweighted') => (typeof state === 'number' ? state : null);

export function buildComponentSeries(
  start: string,
  days: number,
  current: readonly ComponentNow[],
  changes: readonly ComponentChangeEntry[],
): ComponentSeries {
  const sorted = changes
    .map((change) => ({ change, time: Date.parse(change.at) }))
    .sort((a, b) => a.time - b.time);
  let state = Object.fromEntries(COMPONENT_IDS.map((c) => [c, null])) as State;
  for (const c of current) state[c.component] = c.score;
  // afterChange[k]: every component's score once change k was made.
  const afterChange: State[] = new Array(sorted.length);
  for (let k = sorted.length - 1; k >= 0; k--) {
    afterChange[k] = state;
    state = { ...state };
    for (const c of sorted[k]?.change.diff?.components ?? []) state[c.component] = scoreOf(c.before);
  }
  const series = Object.fromEntries(
    COMPONENT_IDS.map((c) => [c, [] as (number | null)[]]),
  ) as ComponentSeries;
  const startMs = Date.parse(`${start}T00:00:00Z`);
  let next = 0;
  let inForce: State | undefined;
  for (let day = 0; day < days; day++) {
    const dayEnd = startMs + (day + 1) * DAY_MS;
    while (next < sorted.length && (sorted[next]?.time ?? Number.POSITIVE_INFINITY) < dayEnd) {
      inForce = afterChange[next];
      next++;
    }
    for (const c of COMPONENT_IDS) series[c].push(inForce?.[c] ?? null);
  }
  return series;
}

/** Run-length text, `87.5x30 -x10 60x5`: a component's score holds for days at a time. Scores keep one decimal. */
export function encodeRuns(values: readonly (number | null)[]): string {
  const runs: string[] = [];
  let i = 0;
  while (i < values.length) {
    const value = values[i] ?? null;
    let length = 1;
    while (i + length < values.length && (values[i + length] ?? null) === value) length++;
    runs.push(`${value === null ? '-' : Math.round(value * 10) / 10}x${length}`);
    i += length;
  }
  return runs.join(' ');
}

export function decodeRuns(text: string): (number | null)[] {
  if (text === '') return [];
  return text.split(' ').flatMap((run) => {
    const [value, length] = run.split('x');
    return new Array<number | null>(Number(length)).fill(value === '-' ? null : Number(value));
  });
}

export const encodedComponentsSchema = z.partialRecord(
  z.enum(COMPONENT_IDS),
  z.string().regex(/^((-|-?\d+(\.\d+)?)x\d+)?( (-|-?\d+(\.\d+)?)x\d+)*$/, 'must be runs of value x days'),
);

export const encodeComponents = (series: ComponentSeries): Record<ComponentId, string> =>
  Object.fromEntries(COMPONENT_IDS.map((c) => [c, encodeRuns(series[c])])) as Record<ComponentId, string>;
