import { dailyNoticesPost } from '#core/channels/daily-post';
import { chatHoldOf } from '#core/channels/hold';
import { chatDestinations, chatRecipientId } from '#core/channels/route';
import { previousDay, utcDay } from '#core/clock';
import { type MessageKey, messageKeyId } from '#core/journeys/messages';
import { composeDailyNotices } from '#core/workflows/notices';
import { type QueuedNotice, queuedNotices } from '#store/notice-queue-store';
import { getSend } from '#store/send-ledger-store';
import type { UseCaseDeps } from './account-view.ts';
import type { Delivery } from './apply-effects.ts';
import type { DeliverDeps } from './deliver-message.ts';
import { deliverTeamMail, releaseHeldPosts, reserveTeamMail, reserveTeamPost } from './team-mail.ts';

/**
 * One mail per person per day instead of one per routine notice (seed 002: "there is way too much email"; a CSM
 * got 146 milestone notices in one week). The day's queued notices, and yesterday's that missed their mail, are
 * gathered per recipient into one mail, reserved in a team ledger row that lists the account rows it settles, and
 * sent through the deliver step, which settles each notice and writes its timeline entry. The same gathering goes
 * as one post to each Slack or Teams channel routed `daily` for the person (its own ledger row, so a retried run
 * posts nothing twice; held to the next allowed day on a quiet day), and posts held by quiet days go today.
 */
export async function prepareDailyNotices(deps: UseCaseDeps, day: string): Promise<Delivery[]> {
  const groups = new Map<string, QueuedNotice[]>();
  for (const queueDay of [previousDay(day), day]) {
    for (const [hash, notices] of await queuedNotices(deps.db, queueDay)) {
      groups.set(hash, [...(groups.get(hash) ?? []), ...notices]);
    }
  }
  const deliveries: Delivery[] = await releaseHeldPosts(deps.db, day);
  const now = deps.clock.now();
  const at = now.toISOString();
  for (const [hash, queued] of groups) {
    // A notice already settled by an earlier day's mail (a retried run) is not listed again.
    const open: QueuedNotice[] = [];
    for (const notice of queued) {
      const row = await getSend(deps.db, { accountId: notice.accountId }, notice.key);
      if (row?.status === 'queued') open.push(notice);
    }
    const recipient = queued[0]?.recipient;
    if (!recipient) continue;
    const region = queued[0]?.region ?? '';
    const owner = { team: `notices#${hash}` };
    const key = { playId: 'daily_notices', about: day, recipientId: hash, occurrence: 'daily' };
    const content = composeDailyNotices(recipient.name, day, region, open);
    if (open.length > 0) {
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
    const destinations = chatDestinations(deps.config.channels, {
      topic: 'daily',
      region,
      people: [recipient.email],
    });
    for (const destination of destinations) {
      const postKey = { ...key, recipientId: `${chatRecipientId(destination.name)}#${hash}` };
      // A retried run whose notices the first run's mail already settled still delivers the post it reserved.
      const post =
        open.length > 0
          ? dailyNoticesPost(content, recipient.name, open, deps.config.messaging.publicBaseUrl)
          : undefined;
      const delivery = post
        ? await reserveTeamPost(
            deps.db,
            owner,
            postKey,
            at,
            destination,
            post,
            chatHoldOf(deps.config, destination, now),
          )
        : await reservedPost(deps, owner, postKey);
      if (delivery) deliveries.push(delivery);
    }
  }
  return deliveries;
}

async function reservedPost(
  deps: UseCaseDeps,
  owner: { team: string },
  key: MessageKey,
): Promise<Delivery | undefined> {
  const keyId = messageKeyId(key);
  return (await getSend(deps.db, owner, keyId))?.status === 'reserved' ? { owner, key: keyId } : undefined;
}

/** The daily notice run: prepare each person's mail, then deliver them (the scheduled function and the simulator). */
export async function sendDailyNotices(deps: UseCaseDeps & DeliverDeps, day = utcDay(deps.clock.now())) {
  const deliveries = await prepareDailyNotices(deps, day);
  const sent = await deliverTeamMail(deps, deliveries);
  return { day, mails: deliveries.length, sent };
}
