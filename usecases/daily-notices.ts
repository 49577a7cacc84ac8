import { DAY_MS, utcDay } from '#core/clock';
import { composeDailyNotices } from '#core/workflows/notices';
import { type QueuedNotice, queuedNotices } from '#store/notice-queue-store';
import { getSend } from '#store/send-ledger-store';
import type { UseCaseDeps } from './account-view.ts';
import type { Delivery } from './apply-effects.ts';
import type { DeliverDeps } from './deliver-message.ts';
import { deliverTeamMail, reserveTeamMail } from './team-mail.ts';

/**
 * One mail per person per day instead of one per routine notice (seed 002: "there is way too much email"; a CSM
 * got 146 milestone notices in one week). The day's queued notices, and yesterday's that missed their mail, are
 * gathered per recipient into one mail, reserved in a team ledger row that lists the account rows it settles, and
 * sent through the deliver step, which settles each notice and writes its timeline entry.
 */
export async function prepareDailyNotices(deps: UseCaseDeps, day: string): Promise<Delivery[]> {
  const yesterday = utcDay(new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS));
  const groups = new Map<string, QueuedNotice[]>();
  for (const queueDay of [yesterday, day]) {
    for (const [hash, notices] of await queuedNotices(deps.db, queueDay)) {
      groups.set(hash, [...(groups.get(hash) ?? []), ...notices]);
    }
  }
  const deliveries: Delivery[] = [];
  const at = deps.clock.now().toISOString();
  for (const [hash, queued] of groups) {
    // A notice already settled by an earlier day's mail (a retried run) is not listed again.
    const open: QueuedNotice[] = [];
    for (const notice of queued) {
      const row = await getSend(deps.db, { accountId: notice.accountId }, notice.key);
      if (row?.status === 'queued') open.push(notice);
    }
    const recipient = open[0]?.recipient;
    if (!recipient) continue;
    const owner = { team: `notices#${hash}` };
    const key = { playId: 'daily_notices', about: day, recipientId: hash, occurrence: 'daily' };
    const content = composeDailyNotices(recipient.name, day, open[0]?.region ?? '', open);
    const delivery = await reserveTeamMail(
      deps.db,
      owner,
      key,
      at,
      { to: [recipient.email], subject: content.subject, text: content.text, html: content.html },
      open.map((n) => ({ accountId: n.accountId, key: n.key })),
    );
    if (delivery) deliveries.push(delivery);
  }
  return deliveries;
}

/** The daily notice run: prepare each person's mail, then deliver them (the scheduled function and the simulator). */
export async function sendDailyNotices(deps: UseCaseDeps & DeliverDeps, day = utcDay(deps.clock.now())) {
  const deliveries = await prepareDailyNotices(deps, day);
  const sent = await deliverTeamMail(deps, deliveries);
  return { day, mails: deliveries.length, sent };
}
