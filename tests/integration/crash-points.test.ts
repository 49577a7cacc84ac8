import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { dispatchDueTimers } from '#functions/dispatcher/app';
import type { Mailer, OutgoingEmail } from '#functions/shared/mailer';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine } from '#local/workflow-engine';
import { upsertAccount } from '#store/account-store';
import { listRisks } from '#store/risk-store';
import { getSend } from '#store/send-ledger-store';
import { pendingTimers } from '#store/timer-store';
import { useCaseDeps } from '#usecases/account-view';
import { deliverMessage } from '#usecases/deliver-message';
import { ingest } from '#usecases/ingest';
import { reserveTeamMail } from '#usecases/team-mail';
import { crashingOn } from '../support/crash.ts';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';

/**
 * Crashes at the points where a workflow acts (issue 14, item 5), each followed by the run the platform makes
 * again: a send before its claim, and between SES accepting the mail and the ledger recording it; a dispatch
 * between starting an execution and marking its timer fired. Nothing is done twice, and nothing is lost.
 */
const AT = '2026-06-01T09:00:00.000Z';
const owner = { team: 'digest#EMEA' };
const key = { playId: 'regional_digest', about: 'EMEA#2026-W23', recipientId: 'part1', occurrence: 'weekly' };
const MAIL = {
  to: ['casey@vendor.example'],
  subject: 'EMEA weekly risk review',
  text: 'one account',
  html: '<p>x</p>',
};

function capture(): Mailer & { sent: OutgoingEmail[] } {
  const sent: OutgoingEmail[] = [];
  return { sent, send: async (email) => `id-${sent.push(email)}` };
}

async function reserved() {
  const db = await createTestDb();
  const clock = new VirtualClock(AT);
  const delivery = await reserveTeamMail(db, owner, key, AT, MAIL);
  if (!delivery) throw new Error('not reserved');
  return { db, clock, delivery };
}

const claims = (command: unknown) =>
  command instanceof UpdateCommand && command.input.ExpressionAttributeValues?.[':status'] === 'sending';
const settles = (command: unknown) =>
  command instanceof UpdateCommand && command.input.ExpressionAttributeValues?.[':status'] === 'sent';

describe('a send that crashes, then runs again', () => {
  it('sends once when the crash struck before the claim', async () => {
    const { db, clock, delivery } = await reserved();
    const mailer = capture();
    const crashy = crashingOn(db, claims);
    await expect(
      deliverMessage({ ...useCaseDeps({ db: crashy, clock, logger: silentLogger() }), mailer }, delivery),
    ).rejects.toThrow('simulated crash');
    expect(mailer.sent).toHaveLength(0);
    expect(
      await deliverMessage({ ...useCaseDeps({ db, clock, logger: silentLogger() }), mailer }, delivery),
    ).toBe('sent');
    expect(mailer.sent).toHaveLength(1);
    expect((await getSend(db, owner, delivery.key))?.status).toBe('sent');
  });

  it('never sends twice when the crash struck after SES accepted the mail and before the ledger recorded it', async () => {
    const { db, clock, delivery } = await reserved();
    const mailer = capture();
    const crashy = crashingOn(db, settles);
    await expect(
      deliverMessage({ ...useCaseDeps({ db: crashy, clock, logger: silentLogger() }), mailer }, delivery),
    ).rejects.toThrow('simulated crash');
    expect(mailer.sent).toHaveLength(1);
    // The retry (Step Functions retries the task) finds the row claimed and sends nothing.
    expect(
      await deliverMessage({ ...useCaseDeps({ db, clock, logger: silentLogger() }), mailer }, delivery),
    ).toBe('already');
    expect(mailer.sent).toHaveLength(1);
    // The row stays `sending`: the ledger says the mail may have gone, not that it went.
    expect((await getSend(db, owner, delivery.key))?.status).toBe('sending');
  });

  it('is a no-op for a mail already sent, however often it runs', async () => {
    const { db, clock, delivery } = await reserved();
    const mailer = capture();
    const deps = { ...useCaseDeps({ db, clock, logger: silentLogger() }), mailer };
    expect(await deliverMessage(deps, delivery)).toBe('sent');
    expect(await Promise.all([deliverMessage(deps, delivery), deliverMessage(deps, delivery)])).toEqual([
      'already',
      'already',
    ]);
    expect(mailer.sent).toHaveLength(1);
  });
});

describe('a dispatch that crashes, then runs again', () => {
  it('starts the workflow once when the crash struck between starting it and marking its timer fired', async () => {
    // Prepare: the sponsor leaves, which starts a risk check through a timer due now.
    const db = await createTestDb();
    const clock = new VirtualClock(AT);
    const mailer = capture();
    const deps = { db, clock, logger: silentLogger() };
    const engine = createWorkflowEngine(deps, { mailer, schedules: false });
    await upsertAccount(
      db,
      account('acme', { contract: { startDate: '2026-01-01', renewalDate: '2028-01-01', arr: 48_000 } }),
      clock.now(),
    );
    await ingest(useCaseDeps(deps), [
      { id: 'gone', accountId: 'acme', type: 'sponsor_left', occurredAt: AT },
    ]);
    expect((await pendingTimers(db, 'acme')).map((t) => t.kind)).toContain('risk_check');
    // Act: the execution starts, then the dispatcher dies before the timer is marked; the next run finds it again.
    const crashy = crashingOn(db, (command) => command instanceof TransactWriteCommand);
    await expect(dispatchDueTimers(crashy, engine.starter, clock.now())).rejects.toThrow('simulated crash');
    const again = await dispatchDueTimers(db, engine.starter, clock.now());
    // Assess: refused by name, one risk, one mail to the CSM, the timer settled.
    expect(again).toMatchObject({ started: 0, alreadyStarted: 1 });
    expect(await listRisks(db, 'acme')).toHaveLength(1);
    expect(mailer.sent.filter((m) => m.to.includes('casey@vendor.example'))).toHaveLength(1);
    expect((await pendingTimers(db, 'acme')).map((t) => t.kind)).not.toContain('risk_check');
  });
});
