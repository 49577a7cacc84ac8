import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { accountContext, recentRollups } from '#core/health/context';
import { dayNumber } from '#core/health/days';
import { account, activity, NOW, rollupsFrom } from './builders.ts';

describe('account context windows', () => {
  it('takes a window as the lookback rollups dated within it, whatever order the rollups came in', () => {
    const rollups = rollupsFrom('acme', activity('acme', { days: 200 }));
    const today = dayNumber(NOW);
    for (const input of [rollups, [...rollups].reverse()]) {
      const context = accountContext(defaultConfig, { account: account(), rollups: input, tickets: [] }, NOW);
      for (const days of [1, 7, 30, 90, 180, 400]) {
        const within = context.rollups.filter((r) => dayNumber(r.day) > today - days);
        expect(recentRollups(context, days)).toEqual(within);
        expect(recentRollups(context, days)).toBe(recentRollups(context, days));
      }
    }
  });
});
