import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfigOverrides } from '#config/file';
import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { syncJourneyTimers } from '#functions/shared/journey-timers';
import { type Mailer, sesMailer } from '#functions/shared/mailer';
import { syncRenewalTimers } from '#functions/shared/renewal-timers';
import { type SesLocal, startSesLocal } from '#local/ses-local';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine, type WorkflowEngine } from '#local/workflow-engine';
import { upsertAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { readHealthHistory } from '#store/health-store';
import { listInAppMessages } from '#store/in-app-store';
import { listRisks } from '#store/risk-store';
import { listNotSent, listSends } from '#store/send-ledger-store';
import { readTimeline, type TimelineEntry } from '#store/timeline-store';
import { useCaseDeps } from '#usecases/account-view';
import { ingest } from '#usecases/ingest';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { inbox } from '../support/ses-mail.ts';

/**
 * Issue 21's "done when", on the virtual clock with every schedule running (daily health pass with risk
 * detection, dispatcher, daily notice mails, weekly digest), through the synthesized state machines and SES local:
 * an account that turns red on day 60 of a three-year contract is escalated whatever the renewal date, recovers,
 * and is nudged again once its risk has closed; a champion's holiday week is left alone.
 *
 * The playbook is the default with three changes a team would make: the steep-fall trigger off (so that the red
 * streak is what opens the risk here), the value nudge out of silent mode with no holdout, and the EBR-2 value
 * milestone due on day 120 rather than 270 (so the story fits four months).
 */

const DAY = 86_400_000;
const START = '2026-01-01';
const dayOf = (n: number) => new Date(Date.parse(`${START}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

function storyConfig(): Config {
  const parsed = parseConfigOverrides({
    escalation: { detection: { steepFall: null } },
    plays: { nudge_value: { silent: false, holdout: 0 } },
    journeyBaseline: {
      milestones: defaultConfig.journeyBaseline.milestones.map((m) =>
        m.id === 'value_100' ? { ...m, dueDay: 120 } : m,
      ),
    },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

const people = (id: string, admin = `ada@${id}.example`) => [
  {
    id: `${id}-sponsor`,
    email: `sam@${id}.example`,
    name: 'Sam Sponsor',
    role: 'sponsor' as const,
    timezone: 'UTC',
  },
  { id: `${id}-admin`, email: admin, name: 'Ada Admin', role: 'admin' as const, timezone: 'UTC' },
];
const threeYears = { startDate: START, renewalDate: '2029-01-01', arr: 100_000 };
// Core, low touch (tier B): the CSM is told, the manager steps in at tier 2.
const north = account('north', {
  name: 'North Ltd',
  arr: 100_000,
  goLiveDate: START,
  manager: { name: 'Morgan Lead', email: 'morgan@vendor.example' },
  contacts: people('north'),
  contract: threeYears,
});
// The champion's admin mailbox refuses mail: a send that fails, to walk the message_failed entry too.
const champ = account('champ', {
  name: 'Champ AG',
  arr: 100_000,
  goLiveDate: START,
  manager: { name: 'Morgan Lead', email: 'morgan@vendor.example' },
  contacts: people('champ', 'full-mailbox@champ.example'),
  contract: threeYears,
});

/** SES local, except for one address whose mailbox SES refuses (an error path SES local cannot produce). */
function mailerRefusing(address: string, ses: SesLocal): Mailer {
  const real = sesMailer({ from: 'cs@vendor.example', endpoint: ses.endpoint });
  return {
    async send(email) {
      if (email.to.includes(address)) throw new Error(`MessageRejected: mailbox ${address} is full`);
      return real.send(email);
    },
  };
}

/** A day of use by `users` people, each logging in and using a feature, at 10:00 UTC. */
const use = (accountId: string, day: string, users: number) =>
  Array.from({ length: users }, (_, u) => [
    {
      id: `${accountId}-l-${day}-${u}`,
      accountId,
      type: 'login',
      occurredAt: `${day}T10:00:00Z`,
      userId: `u${u}`,
    },
    {
      id: `${accountId}-f-${day}-${u}`,
      accountId,
      type: 'feature_used',
      occurredAt: `${day}T10:05:00Z`,
      userId: `u${u}`,
      attributes: { feature: `f${u % 6}` },
    },
  ]).flat();

describe('risk follows the customer, on the virtual clock', () => {
  let db: Db;
  let clock: VirtualClock;
  let engine: WorkflowEngine;
  let ses: SesLocal;
  let mail: ReturnType<typeof inbox>;
  const config = storyConfig();
  const deps = () => useCaseDeps({ db, clock, logger: silentLogger(), config });

  /** Lives the days up to `until` (exclusive): each day's use at 10:00, every schedule and timer on the way. */
  async function live(until: number, usersOn: (accountId: string, day: number) => number) {
    const from = Math.round((clock.now().getTime() - Date.parse(`${START}T00:00:00Z`)) / DAY);
    for (let d = from; d < until; d++) {
      await engine.advance(`${dayOf(d)}T11:00:00Z`, clock);
      const signals = [north, champ].flatMap((a) => use(a.id, dayOf(d), usersOn(a.id, d)));
      if (d === 3)
        for (const a of [north, champ])
          signals.push({
            id: `${a.id}-configured`,
            accountId: a.id,
            type: 'milestone',
            occurredAt: `${dayOf(d)}T10:30:00Z`,
            attributes: { milestone: 'configuration_complete' },
          } as never);
      const result = await ingest(deps(), signals);
      expect(result.rejected).toEqual([]);
      await engine.advance(`${dayOf(d + 1)}T00:00:00Z`, clock);
    }
  }
  // North: eight people a day for a month, then nobody (day 30), then eight again from day 85. Champ: eight a
  // day, but for a holiday week with nobody at all.
  const users = (accountId: string, d: number) =>
    accountId === 'north' ? (d < 30 || d >= 85 ? 8 : 0) : d >= 62 && d < 69 ? 0 : 8;

  beforeAll(async () => {
    db = await createTestDb();
    clock = new VirtualClock(`${START}T00:00:00Z`);
    ses = await startSesLocal();
    mail = inbox(ses);
    engine = createWorkflowEngine(
      { db, clock, logger: silentLogger(), config },
      { mailer: mailerRefusing('full-mailbox@champ.example', ses) },
    );
    for (const a of [north, champ] satisfies AccountInput[]) {
      await upsertAccount(db, a, clock.now());
      await syncRenewalTimers(db, a, clock.now(), config.timers);
      await syncJourneyTimers(db, a, clock.now(), config);
    }
  });

  afterAll(async () => {
    await ses.stop();
  });

  it('opens a tier-1 risk within a week of the account turning red, 34 months before renewal, and mails the CSM why and what to do', async () => {
    await live(75, users);
    // Red from about day 60: the first red score after the month of use (the history is newest first).
    const history = (await readHealthHistory(db, 'north')).reverse();
    const firstRed = history.find((h) => h.band === 'red' && h.at >= dayOf(30))?.at ?? '';
    expect(firstRed.slice(0, 10) >= dayOf(50) && firstRed.slice(0, 10) <= dayOf(65), firstRed).toBe(true);
    const [risk] = await listRisks(db, 'north');
    expect(risk).toMatchObject({ tier: expect.any(Number), status: 'open', strategy: 'recover' });
    expect(Date.parse(risk?.openedAt ?? '') - Date.parse(firstRed ?? '')).toBeLessThanOrEqual(7 * DAY);
    const opened = (await readTimeline(db, 'north')).find((e) => e.action === 'risk_opened');
    expect(opened?.why).toBe('health has been red for 3 days');

    const [notice] = (await mail.to('casey@vendor.example')).filter((m) => m.subject.includes('risk opened'));
    expect(notice?.subject).toMatch(/^\[churnguard\] North Ltd: risk opened \(recover, /);
    expect(notice?.body.text).toContain('Why:\n- health has been red for 3 days');
    expect(notice?.body.text).toContain(
      'What to do:\n- Book a success-plan reset with the sponsor within 7 days.',
    );
    expect(notice?.body.text).toContain(`/v1/risks/${risk?.riskId}/ack`);
    // The Recover strategy's reset goes to the sponsor, in office hours.
    expect((await mail.to('sam@north.example')).map((m) => m.subject)).toContain(
      'North Ltd: resetting our success plan',
    );
  });

  it('brings in the manager by mail at tier 2 when nobody acknowledges', async () => {
    const [risk] = await listRisks(db, 'north');
    expect(risk?.tier).toBeGreaterThanOrEqual(2);
    const managerMail = await mail.to('morgan@vendor.example');
    const tier2 = managerMail.find((m) => m.subject === '[churnguard] North Ltd: risk raised to tier 2');
    expect(tier2?.body.text).toContain('tier 1 was not acknowledged by its deadline');
  });

  it('leaves a champion’s holiday week alone: no risk, no notice', async () => {
    expect(await listRisks(db, 'champ')).toEqual([]);
    const aboutChamp = (await mail.all()).filter(
      (m) => m.destination.to.some((to) => to.endsWith('@vendor.example')) && m.subject.includes('Champ AG'),
    );
    expect(aboutChamp).toEqual([]);
  });

  it('holds customer nudges while the risk is open, closes it once the account has recovered, and nudges again', async () => {
    await live(130, users);
    // Day 95 (EBR 1 late) fell inside the open risk: the nudge was not sent, and the ledger says why.
    expect(await listNotSent(db, 'north')).toContainEqual(
      expect.objectContaining({
        playId: 'nudge_value',
        about: 'value_75',
        outcome: 'dropped',
        reason: 'context',
        detail: 'the account has an open escalation',
      }),
    );
    const [risk] = await listRisks(db, 'north');
    expect(risk).toMatchObject({ status: 'closed' });
    expect(risk?.closeReason).toMatch(/^recovered: health (green|yellow) for 14 days/);
    const closed = (await readTimeline(db, 'north')).find((e) => e.action === 'risk_closed');
    expect((closed?.at ?? '').slice(0, 10) < dayOf(125)).toBe(true);
    // Day 125 (EBR 2 late), after the close: the nudge goes to the sponsor.
    const nudges = (await mail.to('sam@north.example')).filter((m) =>
      m.subject.startsWith('Getting North Ltd to its target value'),
    );
    expect(nudges).toHaveLength(1);
    expect(nudges[0]?.body.text).toContain('EBR 2: 100% of target value');
  });

  it('backs every timeline entry that claims a message with the message itself, or the row saying it failed', async () => {
    const claims = ['message_sent', 'notice_sent', 'in_app_posted', 'message_failed'];
    const delivered = new Map((await mail.all()).map((m) => [m.messageId, m]));
    const walked = new Set<string>();
    for (const accountId of ['north', 'champ']) {
      const sends = new Map((await listSends(db, accountId)).map((row) => [row.messageId, row]));
      const entries = (await readTimeline(db, accountId)).filter((e: TimelineEntry) =>
        claims.includes(e.action),
      );
      for (const entry of entries) {
        walked.add(entry.action);
        const messageId = String(entry.details?.messageId ?? '');
        if (entry.action === 'message_failed') {
          expect(entry.why, entry.what).toContain('MessageRejected');
          const failed = (await listSends(db, accountId)).filter((row) => row.status === 'failed');
          expect(failed.map((row) => row.error)).toContain(entry.why);
        } else if (entry.action === 'in_app_posted') {
          const recipient = String(entry.details?.recipient);
          const posted = await listInAppMessages(db, accountId, recipient);
          expect(posted.length, entry.what).toBeGreaterThan(0);
        } else {
          // An email: SES local holds it, sent to the person the entry names.
          const email = delivered.get(messageId);
          expect(email, `${entry.action} ${entry.what}`).toBeDefined();
          expect(sends.get(messageId)?.status ?? 'sent in a daily notice mail', entry.what).not.toBe(
            'failed',
          );
        }
      }
    }
    expect([...walked].sort()).toEqual(['in_app_posted', 'message_failed', 'message_sent', 'notice_sent']);
  });
});
