import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { readTimeline } from '#store/timeline-store';
import { pendingTimers } from '#store/timer-store';
import { loadAccountView, useCaseDeps } from '#usecases/account-view';
import { ingest } from '#usecases/ingest';
import { loadReviewsDue } from '#usecases/reviews-due';
import { upsertAccountsWithTimers } from '#usecases/upsert-accounts';
import { silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { startWorkflowStack } from '../support/workflow-stack.ts';

/**
 * A customer who left stays gone, also once the churn is older than the 180-day lookback the rollups cover: a CRM
 * sync that keeps sending the account (with the contract that ended) books no review with it, mails none of its
 * contacts, and leaves the CSM's review list. On the local stack: the ReviewProgramme state machine as CDK
 * synthesizes it, mailing through SES local.
 */
describe('an account months after it churned', () => {
  let stack: Awaited<ReturnType<typeof startWorkflowStack>>;
  const hooli = account('hooli', {
    segment: 'core',
    contacts: [
      { id: 'hal', email: 'hal@hooli.example', name: 'Hal', role: 'sponsor', timezone: 'Europe/Paris' },
    ],
    contract: { startDate: '2025-07-01', renewalDate: '2026-07-01', arr: 48_000 },
  });
  const deps = () => useCaseDeps({ db: stack.db, clock: stack.clock, logger: silentLogger() });

  beforeAll(async () => {
    stack = await startWorkflowStack('2026-06-20T00:00:00Z');
    const { db, clock } = stack;
    await upsertAccountsWithTimers(db, [hooli], clock.now(), defaultConfig);
    // The renewal is lost: the outcome arrives on the renewal day.
    clock.set('2026-07-01T10:00:00Z');
    const result = await ingest(deps(), [
      {
        id: 'hooli-outcome-2026',
        accountId: 'hooli',
        type: 'renewal_outcome',
        occurredAt: '2026-07-01T10:00:00Z',
        attributes: { outcome: 'churned' },
      },
    ]);
    expect(result.accepted).toBe(1);
    // 200 days on, past the lookback, the CRM sync sends the account again as it stands: the contract that ended.
    clock.set('2027-01-17T06:00:00Z');
    await upsertAccountsWithTimers(db, [hooli], clock.now(), defaultConfig);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('is still churned to the workflows, though its rollups no longer show the outcome', async () => {
    const view = await loadAccountView(deps(), 'hooli');
    expect(view?.rollups.flatMap((r) => r.outcomes)).toEqual([]);
    expect(view?.facts.churned).toBe(true);
  }, 60_000);

  it('is not on the review list, neither planned nor overdue', async () => {
    const page = await loadReviewsDue(deps(), { days: 365, limit: 50, after: null, accountId: 'hooli' });
    expect(page.reviews).toEqual([]);
    expect(page.counts).toEqual({ overdue: 0, awaiting_outcome: 0, upcoming: 0, planned: 0 });
  }, 60_000);

  it('books no review when the programme comes due again, and mails none of its contacts', async () => {
    const { db, clock, engine, mail } = stack;
    const reviewTimers = (await pendingTimers(db, 'hooli')).filter((t) => t.kind === 'review');
    // Prepare: the sync set the programme's timers again; the first of them fires.
    expect(reviewTimers.length).toBeGreaterThan(0);
    const first = reviewTimers.map((t) => t.dueAt).sort()[0] as string;
    await mail.clear();
    await engine.advance(new Date(Date.parse(first) + 60_000), clock);
    expect(await mail.to('hal@hooli.example')).toEqual([]);
    expect(await mail.to('casey@vendor.example')).toEqual([]);
    const after = (await readTimeline(db, 'hooli')).filter((e) => e.at > '2027-01-17');
    expect(after.some((e) => e.action === 'review_scheduled' || e.action === 'message_sent')).toBe(false);
    expect(after.map((e) => `${e.what}: ${e.why}`)).toContain(
      'Programme review acr skipped: the account churned',
    );
    expect(engine.runtime.executions().every((e) => e.status === 'SUCCEEDED')).toBe(true);
  }, 120_000);
});
