import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { computeBaselines } from '#core/health/baselines';
import { diffSnapshots } from '#core/health/diff';
import { scoreAccount } from '#core/health/score';
import type { ScoringInput } from '#core/health/types';
import {
  account,
  activity,
  daysAgo,
  healthyCoreCohort,
  meetings,
  NOW,
  openTicket,
  rollupsFrom,
  signal,
  withConfig,
} from './builders.ts';

const baselines = computeBaselines(defaultConfig, healthyCoreCohort(10), NOW);
const id = 'acme';
const steady = [
  ...activity(id),
  ...meetings(id, 4),
  signal(id, 'value_realized', daysAgo(3), { value: 100 }),
];

const before: ScoringInput = { account: account({ id }), rollups: rollupsFrom(id, steady), tickets: [] };
const after: ScoringInput = {
  account: account({ id }),
  rollups: rollupsFrom(id, [...steady, signal(id, 'sponsor_left', daysAgo(2))]),
  tickets: [openTicket(id, 't-1', 20), openTicket(id, 't-2', 25)],
};

const tenths = (value: number) => Math.round(value * 10);

describe('snapshot diff', () => {
  const previous = scoreAccount(defaultConfig, before, baselines, NOW);
  const next = scoreAccount(defaultConfig, after, baselines, NOW);
  const diff = diffSnapshots(previous, next);

  it('names the components that moved the score, largest first, adding up to the change', () => {
    // Adoption did not change: its -0.1 is the rounding that makes the contributions add up to the score exactly.
    expect(diff.components.map((c) => c.component)).toEqual(['relationship', 'support', 'adoption']);
    const moved = diff.components.reduce((sum, c) => sum + tenths(c.contributionChange), 0);
    expect(moved).toBe(tenths(diff.scoreChange ?? Number.NaN));
    expect(diff.scoreChange).toBeLessThan(0);
  });

  it('shows the measures behind each move', () => {
    const relationship = diff.components.find((c) => c.component === 'relationship');
    expect(relationship?.measures).toEqual([
      { measure: 'sponsor', before: 1, after: 0, finding: 'sponsor left 2 days ago' },
    ]);
    const support = diff.components.find((c) => c.component === 'support');
    expect(support?.measures.map((m) => [m.measure, m.before, m.after])).toEqual([
      ['openTickets', 0, 2],
      ['ticketRate', 0, 0.67],
      ['staleTickets', 0, 2],
    ]);
  });

  it('sums up the move in one sentence', () => {
    expect(diff.summary).toBe(
      'score fell 14.2 points: Relationship -8.8, Support burden -5.3, Adoption breadth -0.1',
    );
    expect(diff.modelChanged).toBe(false);
  });

  it('mentions the band when the move crosses a threshold', () => {
    const demanding = withConfig(defaultConfig, (draft) => {
      if (draft.segments.core) draft.segments.core.health.bands = { green: 90, yellow: 50 };
    });
    const crossed = diffSnapshots(
      scoreAccount(demanding, before, baselines, NOW),
      scoreAccount(demanding, after, baselines, NOW),
    );
    expect(crossed.band).toEqual({ before: 'green', after: 'yellow' });
    expect(crossed.summary).toBe(
      'score fell 14.2 points (green → yellow): Relationship -8.8, Support burden -5.3, Adoption breadth -0.1',
    );
  });

  it('says when the model changed in between', () => {
    const stricter = withConfig(defaultConfig, (draft) => {
      if (draft.segments.core) draft.segments.core.health.weights.relationship = 40;
    });
    const rescored = scoreAccount(stricter, after, baselines, NOW);
    const changed = diffSnapshots(previous, rescored);
    expect(changed.modelChanged).toBe(true);
    expect(changed.summary).toContain('the health model changed in between');
  });

  it('refuses to compare two different accounts', () => {
    expect.assertions(1);
    const other = { ...next, accountId: 'someone-else' };
    expect(() => diffSnapshots(previous, other)).toThrow(
      'cannot compare snapshots of accounts acme and someone-else',
    );
  });
});
