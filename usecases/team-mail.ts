import type { ChatHold } from '#core/channels/hold';
import type { ChatPost } from '#core/channels/post';
import { renderChatPost } from '#core/channels/render';
import type { ChatDestination } from '#core/channels/route';
import { previousDay } from '#core/clock';
import { type MessageKey, messageKeyId } from '#core/journeys/messages';
import type { Db } from '#store/client';
import { heldPosts, holdPost } from '#store/held-post-store';
import type { LedgerOwner } from '#store/keys';
import { getSend, markFailed, releaseHeld, reserveSend } from '#store/send-ledger-store';
import type { Delivery } from './apply-effects.ts';
import { type DeliverDeps, deliverMessage } from './deliver-message.ts';

/** A mail composed for people inside the vendor (no template, no unsubscribe link). */
export interface TeamMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * Reserves a team's mail (a person's daily notices, a region's digest) in its ledger, once per key; the delivery
 * when it is still to be sent. A retried run finds the row already sent and gets none.
 */
export async function reserveTeamMail(
  db: Db,
  owner: LedgerOwner,
  key: MessageKey,
  at: string,
  mail: TeamMail,
  includes?: { accountId: string; key: string }[],
): Promise<Delivery | undefined> {
  await reserveSend(db, {
    owner,
    key,
    channel: 'email',
    audience: 'internal',
    priority: 100,
    at,
    status: 'reserved',
    outgoing: { ...mail, cc: [], headers: [], attachments: [] },
    ...(includes ? { includes } : {}),
  });
  const keyId = messageKeyId(key);
  return (await getSend(db, owner, keyId))?.status === 'reserved' ? { owner, key: keyId } : undefined;
}

/**
 * Reserves a team's post (the digest, a person's daily notices, in a Slack or Teams channel) in its ledger, once
 * per key, like its mail; the delivery when it is due now. A post held by a quiet day waits `queued` for its
 * day's run; one no day allows is recorded `failed` with why, never dropped unseen.
 */
export async function reserveTeamPost(
  db: Db,
  owner: LedgerOwner,
  key: MessageKey,
  at: string,
  destination: ChatDestination,
  post: ChatPost,
  hold: ChatHold,
): Promise<Delivery | undefined> {
  const keyId = messageKeyId(key);
  await reserveSend(db, {
    owner,
    key,
    channel: destination.kind,
    audience: 'internal',
    priority: 100,
    at,
    status: hold.outcome === 'held' ? 'queued' : 'reserved',
    ...(hold.outcome === 'held' ? { queuedFor: hold.day } : {}),
    outgoing: {
      to: [],
      cc: [],
      headers: [],
      attachments: [],
      ...renderChatPost(destination.kind, destination.name, post),
    },
  });
  if (hold.outcome === 'held') {
    if ((await getSend(db, owner, keyId))?.status === 'queued')
      await holdPost(db, { day: hold.day, owner, key: keyId });
    return undefined;
  }
  if (hold.outcome === 'dropped') {
    await markFailed(db, owner, keyId, `not posted: ${hold.detail}`, { from: 'reserved', at });
    return undefined;
  }
  return (await getSend(db, owner, keyId))?.status === 'reserved' ? { owner, key: keyId } : undefined;
}

/** Held posts due on `day` (or on the day before, when that run did not get to them), released for delivery. */
export async function releaseHeldPosts(db: Db, day: string): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  for (const queueDay of [previousDay(day), day]) {
    for (const held of await heldPosts(db, queueDay)) {
      await releaseHeld(db, held.owner, held.key);
      const row = await getSend(db, held.owner, held.key);
      if (row?.status === 'reserved')
        deliveries.push({ owner: held.owner, key: held.key, execution: row.execution ?? null });
    }
  }
  return deliveries;
}

/** Sends reserved team mail one after another; how many went. */
export async function deliverTeamMail(deps: DeliverDeps, deliveries: readonly Delivery[]): Promise<number> {
  let sent = 0;
  for (const delivery of deliveries) if ((await deliverMessage(deps, delivery)) === 'sent') sent++;
  return sent;
}
