import { describe, expect, it } from 'vitest';
import { type SimAction, type SimOutcome, summarise } from '#core/simulation/summary';

/** A risk opened for an account on a day: the warning the summary measures from. */
const riskOpened = (accountId: string, at: string): SimAction => ({
  at,
  accountId,
  kind: 'risk_opened',
  what: 'risk opened at tier 1',
  why: 'health is red',
});
const churned = (accountId: string, at: string): SimOutcome => ({ accountId, outcome: 'churned', at });

describe('how early the simulation summary says churn was warned of', () => {
  it('gives the median days of warning of an even number of churners as the mean of the middle two', () => {
    const actions = [
      riskOpened('a', '2026-03-01T09:00:00.000Z'),
      riskOpened('b', '2026-03-01T09:00:00.000Z'),
      riskOpened('c', '2026-03-01T09:00:00.000Z'),
      riskOpened('d', '2026-03-01T09:00:00.000Z'),
    ];
    // 10, 30, 91 and 200 days of warning: the middle two are 30 and 91.
    const outcomes = [
      churned('c', '2026-05-31T09:00:00.000Z'),
      churned('a', '2026-03-11T09:00:00.000Z'),
      churned('d', '2026-09-17T09:00:00.000Z'),
      churned('b', '2026-03-31T09:00:00.000Z'),
    ];
    const { warning } = summarise(actions, [], [], outcomes);
    expect(warning?.medianDaysOfWarning).toBe(60.5);
    expect(warning?.warnedChurned).toBe(4);
    expect(warning?.shareWarnedAtLeast60Days).toBe(0.5);
  });

  it('gives the middle one for an odd number, and none when no churner was warned', () => {
    const actions = [
      riskOpened('a', '2026-03-01T09:00:00.000Z'),
      riskOpened('b', '2026-03-01T09:00:00.000Z'),
      riskOpened('c', '2026-03-01T09:00:00.000Z'),
    ];
    const outcomes = [
      churned('a', '2026-03-11T09:00:00.000Z'),
      churned('b', '2026-05-31T09:00:00.000Z'),
      churned('c', '2026-03-31T09:00:00.000Z'),
    ];
    expect(summarise(actions, [], [], outcomes).warning?.medianDaysOfWarning).toBe(30);
    const unwarned = summarise([], [], [], outcomes).warning;
    expect(unwarned?.medianDaysOfWarning).toBeNull();
    expect(unwarned?.warnedChurned).toBe(0);
  });
});
