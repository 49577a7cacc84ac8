import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import {
  compareHoldouts,
  holdoutShares,
  journeyMessageOf,
  type SimAction,
  type SimSkip,
  summarise,
} from '#core/simulation/summary';
import { summaryTable } from '../../../cli/commands/simulate.ts';

const sent = (accountId: string, play: string): SimAction => ({
  at: '2026-02-02T09:00:00.000Z',
  accountId,
  kind: 'journey_message',
  what: `${play} (email) to Ada`,
  why: 'Value: late',
  play,
  contact: `${accountId}-admin`,
  mode: 'live',
});
const skip = (accountId: string, play: string, outcome: string, reason: string): SimSkip => ({
  at: '2026-02-02T09:00:00.000Z',
  accountId,
  play,
  contact: `${accountId}-admin`,
  outcome,
  reason,
});
const ended = (accountId: string, outcome: string, at = '2026-06-01T00:00:00.000Z') => ({
  accountId,
  outcome,
  at,
});

describe('holdout comparison (issue 8, item 5)', () => {
  // Prepare: four accounts reached by the nudge, two held out; one treated and both held-out accounts churn.
  const actions = ['a', 'b', 'c', 'd'].map((id) => sent(id, 'nudge_value'));
  const skips = [
    skip('e', 'nudge_value', 'held_out', 'held_out'),
    skip('f', 'nudge_value', 'held_out', 'held_out'),
  ];
  const outcomes = [
    ended('a', 'renewed'),
    ended('b', 'churned'),
    ended('c', 'expanded'),
    ended('e', 'churned'),
    ended('f', 'renewed', '2026-03-01T00:00:00.000Z'),
    ended('f', 'churned', '2026-07-01T00:00:00.000Z'),
  ];

  it('counts outcomes and churn rates of treated and held-out accounts per play', () => {
    // Act
    const [nudge, ...others] = compareHoldouts(actions, skips, outcomes, { nudge_value: 0.1, weekly_tip: 0 });
    // Assess
    expect(others).toEqual([]);
    expect(nudge).toMatchObject({
      play: 'nudge_value',
      share: 0.1,
      treated: { accounts: 4, outcomes: { churned: 1, expanded: 1, renewed: 1 }, noOutcome: 1 },
      heldOut: { accounts: 2, outcomes: { churned: 2 }, noOutcome: 0, churnRate: 1 },
      silent: { accounts: 0, churnRate: null },
    });
    expect(nudge?.treated.churnRate).toBeCloseTo(1 / 3);
    expect(nudge?.churnRateDifference).toBeCloseTo(1 / 3 - 1);
  });

  it('puts accounts of a silent play in their own group, never among the treated', () => {
    const silentSkips = [
      skip('a', 'congratulate_value', 'would_have_sent', 'silent_mode'),
      skip('e', 'congratulate_value', 'held_out', 'held_out'),
    ];
    const [value] = compareHoldouts([], silentSkips, outcomes, { congratulate_value: 0.1 });
    expect(value?.treated.accounts).toBe(0);
    expect(value?.silent).toMatchObject({ accounts: 1, outcomes: { renewed: 1 } });
    expect(value?.heldOut).toMatchObject({ accounts: 1, outcomes: { churned: 1 } });
    expect(value?.churnRateDifference).toBeNull();
  });

  it('without configured shares, compares the plays that held some account out', () => {
    expect(compareHoldouts(actions, skips, outcomes).map((h) => [h.play, h.share])).toEqual([
      ['nudge_value', null],
    ]);
  });

  it('is part of the summary and of the --summary table', () => {
    const summary = summarise(actions, skips, [], outcomes, { nudge_value: 0.1 });
    expect(summary.holdouts).toHaveLength(1);
    const table = summaryTable(summary);
    expect(table).toMatch(
      /holdout nudge_value \(10% held out\): treated\s+4 accounts: churned 1, expanded 1, renewed 1, no outcome 1; churn 33%/,
    );
    expect(table).toMatch(
      /holdout nudge_value \(10% held out\): held out\s+2 accounts: churned 2; churn 100%/,
    );
    expect(table).not.toMatch(/: silent/);
  });
});

describe('holdout shares', () => {
  it('lists the default plays that hold accounts out', () => {
    expect(holdoutShares(defaultConfig)).toEqual({
      congratulate_value: 0.1,
      nudge_value: 0.1,
      reengage: 0.1,
      weekly_tip: 0.2,
    });
  });
});

describe('journey messages in the result', () => {
  it('reads play and contact from the timeline cause', () => {
    expect(journeyMessageOf('message:nudge_first_login#first_login#lag-admin#due')).toEqual({
      play: 'nudge_first_login',
      contact: 'lag-admin',
      mode: 'live',
    });
    expect(journeyMessageOf('renewal_checkpoint:T-90:2026-04-02T09:00:00.000Z')).toEqual({});
    expect(journeyMessageOf(undefined)).toEqual({});
  });
});
