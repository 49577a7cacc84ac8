import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defaultConfig } from '#config/default';
import type { AccountInput } from '#core/accounts';
import { isHeldOut } from '#core/journeys/holdout';
import { ingestSignals } from '#functions/shared/ingest';
import { sesMailer } from '#functions/shared/mailer';
import { type SesLocal, startSesLocal } from '#local/ses-local';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine, type WorkflowEngine } from '#local/workflow-engine';
import type { Db } from '#store/client';
import { unsubscribe } from '#store/contact-preferences-store';
import { listNotSent, listSends } from '#store/send-ledger-store';
import { readTimeline } from '#store/timeline-store';
import { pendingTimers } from '#store/timer-store';
import { upsertAccountsWithTimers } from '#usecases/upsert-accounts';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account, realisticSignals } from '../support/fixtures.ts';
import { inbox } from '../support/ses-mail.ts';

/** The first id of the form `<prefix>-<n>` that is (or is not) in the weekly_tip holdout. */
const idWhere = (prefix: string, heldOut: boolean) => {
  for (let n = 0; ; n++) {
    const id = `${prefix}-${n}`;
    if (isHeldOut(id, 'weekly_tip', 0.2) === heldOut) return id;
  }
};

const HEALTHY = idWhere('healthy', false);
const HELD = idWhere('held', true);
const RED = idWhere('red', false);
const CHURN = idWhere('churn', false);

// Live since Wednesday 1 October 2025, so the onboarding milestones are behind them: every tip falls on a Wednesday
// (day 14 + 7n). ARR 48,000: tier C, the transactional segment, whose default cadence is a tip a week.
const smallAccount = (id: string): AccountInput =>
  account(id, {
    goLiveDate: '2025-10-01',
    contract: { startDate: '2025-10-01', renewalDate: '2026-10-01', arr: 48_000 },
    contacts: [
      ...account(id).contacts,
      {
        id: `${id}-user`,
        email: `user@${id}.example`,
        name: 'Uma User',
        role: 'user',
        timezone: 'Europe/Berlin',
      },
      {
        id: `${id}-sponsor`,
        email: `sp@${id}.example`,
        name: 'Sam Sponsor',
        role: 'sponsor',
        timezone: 'Europe/Berlin',
      },
    ],
  });

const trouble = (id: string, at: string) => [
  ...[0, 1, 2].map((n) => ({
    id: `${id}-nps-${n}`,
    accountId: id,
    type: 'nps' as const,
    occurredAt: at,
    value: 0,
  })),
  ...[1, 2].map((n) => ({
    id: `${id}-t-${n}`,
    accountId: id,
    type: 'ticket_opened' as const,
    occurredAt: at,
    attributes: { ticketId: `T${n}`, priority: 'urgent' },
  })),
  { id: `${id}-sp`, accountId: id, type: 'sponsor_left' as const, occurredAt: at },
  { id: `${id}-csat`, accountId: id, type: 'csat' as const, occurredAt: at, value: 1 },
];

const outcome = (accountId: string, value: 'renewed' | 'churned', at: string) => ({
  id: `${accountId}-outcome`,
  accountId,
  type: 'renewal_outcome' as const,
  occurredAt: at,
  attributes: { outcome: value },
});

const DAY_MS = 86_400_000;
const dayAt = (start: string, n: number) =>
  new Date(Date.parse(`${start}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

describe('weekly tips on the virtual clock, mailing through SES local', () => {
  let db: Db;
  let clock: VirtualClock;
  let engine: WorkflowEngine;
  let ses: SesLocal;
  const mail = () => inbox(ses).all();
  const mailTo = (address: string) => inbox(ses).to(address);
  const tipRows = async (accountId: string) =>
    (await listNotSent(db, accountId)).filter((r) => r.playId === 'weekly_tip');

  beforeAll(async () => {
    db = await createTestDb();
    ses = await startSesLocal();
    await inbox(ses).clear();
    clock = new VirtualClock('2026-01-05T06:00:00Z');
    engine = createWorkflowEngine(
      { db, clock, logger: silentLogger() },
      { mailer: sesMailer({ from: 'cs@vendor.example', endpoint: ses.endpoint }) },
    );
    await upsertAccountsWithTimers(
      db,
      [HEALTHY, HELD, RED, CHURN].map(smallAccount),
      clock.now(),
      defaultConfig,
    );
    // Five weeks of steady use before the run; the healthy account also builds dashboards (one tip fewer to give).
    await ingestSignals(
      db,
      [
        ...realisticSignals([HEALTHY, HELD, RED, CHURN], 35, 40, '2025-12-01'),
        {
          id: `${HEALTHY}-dash`,
          accountId: HEALTHY,
          type: 'feature_used' as const,
          occurredAt: '2026-01-02T10:00:00Z',
          userId: 'u1',
          attributes: { feature: 'dashboards' },
        },
        ...trouble(RED, '2026-01-04T10:00:00Z'),
      ],
      clock.now(),
    );
    await unsubscribe(db, HEALTHY, `${HEALTHY}-user`, clock.now().toISOString());
    // Four weeks, day by day: each evening the day's use arrives; the engine runs timers and the daily passes.
    for (let n = 0; n < 26; n++) {
      const day = dayAt('2026-01-05', n);
      await engine.advance(`${day}T23:00:00Z`, clock);
      const outcomes =
        day === '2026-01-16'
          ? [
              // Renewed early: the held-out account stays a customer and in the cadence; the other one leaves.
              outcome(HELD, 'renewed', `${day}T10:00:00Z`),
              outcome(CHURN, 'churned', `${day}T10:00:00Z`),
            ]
          : [];
      await ingestSignals(
        db,
        [
          ...realisticSignals([HEALTHY, HELD, ...(day < '2026-01-16' ? [CHURN] : [])], 1, 40, day),
          ...outcomes,
        ],
        clock.now(),
      );
    }
  }, 600_000);

  afterAll(async () => {
    await ses?.stop();
  });

  it('sends the healthy account a tip a week, each on a feature it has not used, in the contact morning', async () => {
    const tips = await mailTo(`admin@${HEALTHY}.example`);
    expect(tips.map((m) => m.subject)).toEqual([
      `Account ${HEALTHY}: let the numbers come to you`,
      `Account ${HEALTHY}: a report that writes itself`,
      `Account ${HEALTHY}: bring your other tools in`,
      `Account ${HEALTHY}: automate the step you repeat`,
    ]);
    expect(tips[0]?.body.text).toContain('nobody at Account healthy');
    expect(tips[0]?.body.text).toMatch(/Unsubscribe: http:\/\/127\.0\.0\.1:3000\/v1\/unsubscribe\/\S+/);
    const sent = (await listSends(db, HEALTHY)).filter((s) => s.playId === 'weekly_tip');
    expect(sent.map((s) => `${s.occurrence} ${s.status} ${s.sentAt}`)).toEqual([
      '2026-01-07 sent 2026-01-07T07:00:00.000Z',
      '2026-01-14 sent 2026-01-14T07:00:00.000Z',
      '2026-01-21 sent 2026-01-21T07:00:00.000Z',
      '2026-01-28 sent 2026-01-28T07:00:00.000Z',
    ]);
    const timeline = (await readTimeline(db, HEALTHY)).filter((e) => e.details?.play === 'weekly_tip');
    expect(timeline.map((e) => e.what)).toEqual([
      'weekly_tip (email) to Ada Admin: alerts tip',
      'weekly_tip (email) to Ada Admin: reports tip',
      'weekly_tip (email) to Ada Admin: integrations tip',
      'weekly_tip (email) to Ada Admin: workflows tip',
    ]);
  });

  it('runs each tip for the Berlin contacts once, due at their 08:00: no deferred retry, no quiet-hours row', async () => {
    const tipRuns = new Set(
      engine.runtime
        .executions()
        .filter((e) => e.stateMachineName === 'MilestoneJourney')
        .flatMap((e) => {
          const input = z.object({
            accountId: z.string(),
            ref: z.string(),
            day: z.string(),
            dueAt: z.string(),
          });
          const parsed = input.safeParse(e.input);
          return parsed.success && parsed.data.accountId === HEALTHY
            ? [`${parsed.data.ref} ${parsed.data.day} ${parsed.data.dueAt}`]
            : [];
        }),
    );
    expect([...tipRuns].sort()).toEqual([
      'tip 2026-01-07 2026-01-07T07:00:00.000Z',
      'tip 2026-01-14 2026-01-14T07:00:00.000Z',
      'tip 2026-01-21 2026-01-21T07:00:00.000Z',
      'tip 2026-01-28 2026-01-28T07:00:00.000Z',
    ]);
    expect((await tipRows(HEALTHY)).filter((r) => r.reason === 'quiet_hours')).toEqual([]);
  });

  it('keeps the next tip scheduled, one pointer per account', async () => {
    const pending = (await pendingTimers(db, HEALTHY)).filter((t) => t.kind === 'journey_tip');
    expect(pending).toEqual([{ kind: 'journey_tip', ref: 'tip', dueAt: '2026-02-04T07:00:00.000Z' }]);
  });

  it('sends nothing to the unsubscribed user or the sponsor (not in the audience), with rows saying why', async () => {
    expect(await mailTo(`user@${HEALTHY}.example`)).toEqual([]);
    expect(await mailTo(`sp@${HEALTHY}.example`)).toEqual([]);
    const dropped = (await tipRows(HEALTHY)).filter((r) => r.outcome === 'dropped');
    expect(dropped.map((r) => `${r.recipientId} ${r.reason}`)).toEqual(
      Array.from({ length: 4 }, () => `${HEALTHY}-user unsubscribed`),
    );
  });

  it('sends no tip to the red account and records why for each contact and week', async () => {
    expect(await mailTo(`admin@${RED}.example`)).toEqual([]);
    expect(await mailTo(`user@${RED}.example`)).toEqual([]);
    const rows = await tipRows(RED);
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row).toMatchObject({ outcome: 'not_selected', reason: 'struggling' });
      expect(row.detail).toMatch(/^tip withheld: .*(health is red|an urgent ticket is open)/);
    }
  });

  it('holds the held-out account out of every tip, and says so in the not-sent ledger', async () => {
    expect(await mailTo(`admin@${HELD}.example`)).toEqual([]);
    expect(await mailTo(`user@${HELD}.example`)).toEqual([]);
    const held = (await tipRows(HELD)).filter((r) => r.outcome === 'held_out');
    expect(held).toHaveLength(8);
    expect(held[0]?.detail).toBe('account in the 20% holdout of weekly_tip');
  });

  it('stops the tips of the account that churned, and keeps those of the one that renewed', async () => {
    expect(await mailTo(`admin@${CHURN}.example`)).toHaveLength(2);
    const sent = (await listSends(db, CHURN)).filter((s) => s.playId === 'weekly_tip');
    expect(sent.map((s) => `${s.recipientId} ${s.occurrence}`)).toEqual([
      `${CHURN}-admin 2026-01-07`,
      `${CHURN}-admin 2026-01-14`,
      `${CHURN}-user 2026-01-07`,
      `${CHURN}-user 2026-01-14`,
    ]);
    expect((await pendingTimers(db, CHURN)).filter((t) => t.kind === 'journey_tip')).toEqual([]);
    expect((await pendingTimers(db, HELD)).filter((t) => t.kind === 'journey_tip')).toEqual([
      { kind: 'journey_tip', ref: 'tip', dueAt: '2026-02-04T07:00:00.000Z' },
    ]);
  });

  it('sends nothing more when a tip execution is started again', async () => {
    const before = await mail();
    const tipRuns = engine.runtime
      .executions()
      .filter((e) => e.stateMachineName === 'MilestoneJourney' && JSON.stringify(e.input).includes('"day"'));
    expect(tipRuns.length).toBeGreaterThanOrEqual(14);
    for (const run of tipRuns) {
      expect(
        await engine.starter.start(
          'journey_tip',
          `${run.executionName}-again`,
          run.input as Record<string, unknown>,
        ),
      ).toBe('started');
    }
    expect(engine.runtime.executions().every((e) => e.status === 'SUCCEEDED')).toBe(true);
    expect((await mail()).length).toBe(before.length);
    expect((await listSends(db, HEALTHY)).filter((s) => s.playId === 'weekly_tip')).toHaveLength(4);
  });
});
