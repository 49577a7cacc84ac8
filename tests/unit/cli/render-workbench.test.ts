import { describe, expect, it } from 'vitest';
import { outcomeEvent } from '#core/renewals/contract-history';
import { renderWorkbench, workbenchSchemas } from '../../../cli/render-workbench.ts';
import { account } from '../../support/fixtures.ts';

const gone = account('gone', {
  contract: { startDate: '2025-07-01', renewalDate: '2026-07-01', arr: 48_000 },
});

/** The workbench as the API answers it for an account whose renewal was lost 200 days ago. */
function workbench(contract: unknown[]) {
  return {
    profile: workbenchSchemas.profile.parse(gone),
    history: workbenchSchemas.history.parse({ risks: [], reviews: [], contract }),
    reviews: workbenchSchemas.reviews.parse({ reviews: [] }),
    issues: workbenchSchemas.issues.parse({ asOf: '2027-01-17T06:00:00.000Z', issues: [] }),
    timeline: workbenchSchemas.timeline.parse({ upcoming: [] }),
  };
}

describe('churnguard account <id>: the renewal line', () => {
  it('says when the renewal in force was lost, and says nothing more without an outcome', () => {
    const churn = outcomeEvent({
      accountId: 'gone',
      at: '2026-07-01T10:00:00.000Z',
      outcome: 'churned',
      contractArr: 48_000,
      currency: 'EUR',
      renewalDate: '2026-07-01',
    });
    expect(renderWorkbench(workbench([churn]))).toContain(
      'Renewal    2026-07-01 (200 days ago): churned on 2026-07-01\n',
    );
    expect(renderWorkbench(workbench([]))).toContain('Renewal    2026-07-01 (200 days ago)\n');
  });
});
