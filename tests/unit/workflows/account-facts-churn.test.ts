import { describe, expect, it } from 'vitest';
import { accountFacts } from '#core/workflows/evidence';
import { dayAgo, daysAgo, NOW, rollupsFrom, signal } from '../health/builders.ts';

const lostFortyDaysAgo = rollupsFrom('acme', [
  signal('acme', 'renewal_outcome', daysAgo(40), { attributes: { outcome: 'churned' } }),
]);

describe('the churn the lookback shows (core/workflows/evidence.ts)', () => {
  it('counts a lost renewal of the contract in force, from the day that contract started', () => {
    expect(accountFacts(lostFortyDaysAgo, [], NOW).churned).toBe(true);
    expect(accountFacts(lostFortyDaysAgo, [], NOW, { contractStartDate: dayAgo(400) }).churned).toBe(true);
    expect(accountFacts(lostFortyDaysAgo, [], NOW, { contractStartDate: dayAgo(40) }).churned).toBe(true);
  });

  it('does not count a lost renewal of an earlier contract: the account was won back since', () => {
    expect(accountFacts(lostFortyDaysAgo, [], NOW, { contractStartDate: dayAgo(39) }).churned).toBe(false);
    expect(accountFacts(lostFortyDaysAgo, [], NOW, { contractStartDate: dayAgo(39) }).renewalOutcome).toEqual(
      {
        outcome: 'churned',
        at: expect.any(String),
      },
    );
  });
});
