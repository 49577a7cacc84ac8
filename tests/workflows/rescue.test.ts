import { describe, expect, it } from 'vitest';
import type { Mailer, OutgoingEmail } from '#functions/shared/mailer';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine } from '#local/workflow-engine';
import { upsertAccount } from '#store/account-store';
import { listRisks } from '#store/risk-store';
import { readTimeline } from '#store/timeline-store';
import { useCaseDeps } from '#usecases/account-view';
import { ingest } from '#usecases/ingest';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';

const DAY = 86_400_000;
const day = (n: number) => new Date(Date.parse('2026-05-01T00:00:00Z') + n * DAY).toISOString().slice(0, 10);

describe('a Rescue risk, on the virtual clock', () => {
  it('mails the manager at once: the timeline’s "brought in at once" is a mail the manager got', async () => {
    // Prepare: a Core account in steady use for a month, then an urgent ticket that stays open.
    const db = await createTestDb();
    const clock = new VirtualClock(`${day(0)}T00:00:00Z`);
    const sent: OutgoingEmail[] = [];
    const mailer: Mailer = { send: async (email) => `id-${sent.push(email)}` };
    const deps = { db, clock, logger: silentLogger() };
    const engine = createWorkflowEngine(deps, { mailer });
    await upsertAccount(
      db,
      account('acme', {
        goLiveDate: '2025-01-01',
        manager: { name: 'Morgan Lead', email: 'morgan@vendor.example' },
        contract: { startDate: '2026-01-01', renewalDate: '2028-01-01', arr: 48_000 },
      }),
      clock.now(),
    );
    for (let d = 0; d < 40; d++) {
      await engine.advance(`${day(d)}T11:00:00Z`, clock);
      const signals: unknown[] = [0, 1, 2, 3].map((u) => ({
        id: `l-${d}-${u}`,
        accountId: 'acme',
        type: 'login',
        occurredAt: `${day(d)}T10:00:00Z`,
        userId: `u${u}`,
      }));
      if (d === 33)
        signals.push({
          id: 'urgent',
          accountId: 'acme',
          type: 'ticket_opened',
          occurredAt: `${day(d)}T10:30:00Z`,
          attributes: { ticketId: 'T-1', priority: 'urgent' },
        });
      await ingest(useCaseDeps(deps), signals);
    }
    await engine.advance(`${day(40)}T00:00:00Z`, clock);
    // Assess: a rescue risk; its timeline entry and the manager's mail.
    const [risk] = await listRisks(db, 'acme');
    expect(risk).toMatchObject({ strategy: 'rescue', primaryCause: 'support_issues' });
    const brought = (await readTimeline(db, 'acme')).find((e) => e.what.startsWith('Rescue: Morgan Lead'));
    expect(brought?.action).toBe('notice_sent');
    const managerMail = sent.filter((m) => m.to.includes('morgan@vendor.example'));
    expect(managerMail[0]?.subject).toBe('[churnguard] Account acme: risk opened (rescue, support_issues)');
    expect(managerMail[0]?.text).toContain('you are brought in at once. Casey Morgan owns it.');
    expect(brought?.details?.messageId).toBe(`id-${sent.findIndex((m) => m === managerMail[0]) + 1}`);
  });
});
