import type { ChatPost } from '#core/channels/post';
import { renderChatPost } from '#core/channels/render';
import type { ChatDestination } from '#core/channels/route';
import { type MessageKey, messageKeyId } from '#core/journeys/messages';
import type { Db } from '#store/client';
import type { LedgerOwner } from '#store/keys';
import { getSend, reserveSend } from '#store/send-ledger-store';
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
 * Reserves a team's post (the digest, in a Slack or Teams channel) in its ledger, once per key, like its mail;
 * the delivery when it is still to be posted.
 */
export async function reserveTeamPost(
  db: Db,
  owner: LedgerOwner,
  key: MessageKey,
  at: string,
  destination: ChatDestination,
  post: ChatPost,
): Promise<Delivery | undefined> {
  await reserveSend(db, {
    owner,
    key,
    channel: destination.kind,
    audience: 'internal',
    priority: 100,
    at,
    status: 'reserved',
    outgoing: {
      to: [],
      cc: [],
      headers: [],
      attachments: [],
      ...renderChatPost(destination.kind, destination.name, post),
    },
  });
  const keyId = messageKeyId(key);
  return (await getSend(db, owner, keyId))?.status === 'reserved' ? { owner, key: keyId } : undefined;
}

/** Sends reserved team mail one after another; how many went. */
export async function deliverTeamMail(deps: DeliverDeps, deliveries: readonly Delivery[]): Promise<number> {
  let sent = 0;
  for (const delivery of deliveries) if ((await deliverMessage(deps, delivery)) === 'sent') sent++;
  return sent;
}
