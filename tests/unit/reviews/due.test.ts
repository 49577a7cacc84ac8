import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { reviewsDue } from '#core/reviews/due';
import type { ReviewRecord } from '#core/workflows/review-record';
import { account } from '../../support/fixtures.ts';

const NOW = new Date('2027-01-17T06:00:00Z');

const missedLastYear = (accountId: string): ReviewRecord => ({
  reviewId: 'cadence.acr.20260105',
  accountId,
  reviewKind: 'annual_customer_review',
  status: 'scheduled',
  scheduledAt: '2025-12-22T09:00:00.000Z',
  startsAt: '2026-01-05T13:00:00.000Z',
  invitedTo: ['sponsor'],
  programme: 'acr',
});

describe('the reviews due', () => {
  it('lists none of an account whose contract ended in churn, and the same reviews of one still a customer', () => {
    const contract = { startDate: '2025-07-01', renewalDate: '2026-07-01', arr: 48_000 };
    const gone = account('gone', { segment: 'core', contract });
    const kept = account('kept', { segment: 'core', contract });
    const due = reviewsDue(
      defaultConfig,
      [
        { account: gone, reviews: [missedLastYear('gone')], churned: true },
        { account: kept, reviews: [missedLastYear('kept')], churned: false },
      ],
      NOW,
      365,
    );
    expect(due.filter((r) => r.accountId === 'gone')).toEqual([]);
    const standings = due.filter((r) => r.accountId === 'kept').map((r) => r.standing);
    expect(standings).toContain('overdue');
    expect(standings).toContain('planned');
  });
});
