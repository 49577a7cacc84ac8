import { DAY_MS, utcDay } from '#core/clock';
import { messageKeyId } from '#core/journeys/messages';
import { composeDailyNotices } from '#core/workflows/notices';
import { type QueuedNotice, queuedNotices } from '#store/notice-queue-store';
import { getSend, reserveSend } from '#store/send-ledger-store';
import type { UseCaseDeps } from './account-view.ts';
import type { Delivery } from './apply-effects.ts';
import { type DeliverDeps, deliverMessage } from './deliver-message.ts';

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
    const content = composeDailyNotices(recipient.name, day, open);
    await reserveSend(deps.db, {
      owner,
      key,
      channel: 'email',
      audience: 'internal',
      priority: 100,
      at,
      status: 'reserved',
      outgoing: {
        to: [recipient.email],
        cc: [],
        subject: content.subject,
        text: content.text,
        html: content.html,
        headers: [],
        attachments: [],
      },
      includes: open.map((n) => ({ accountId: n.accountId, key: n.key })),
    });
    const keyId = messageKeyId(key);
    if ((await getSend(deps.db, owner, keyId))?.status === 'reserved') deliveries.push({ owner, key: keyId });
  }
  return deliveries;
}

/** The daily notice run: prepare each person's mail, then deliver them (the scheduled function and the simulator). */
export async function sendDailyNotices(deps: UseCaseDeps & DeliverDeps, day = utcDay(deps.clock.now())) {
  const deliveries = await prepareDailyNotices(deps, day);
  const outcomes = [];
  for (const delivery of deliveries) outcomes.push(await deliverMessage(deps, delivery));
  return { day, mails: deliveries.length, sent: outcomes.filter((o) => o === 'sent').length };
}
