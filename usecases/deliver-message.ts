import type { ChatPoster } from '#functions/shared/chat-poster';
import type { Mailer } from '#functions/shared/mailer';
import type { Deps } from '#functions/shared/runtime';
import type { LedgerOwner } from '#store/keys';
import {
  claimSendRow,
  getSend,
  markFailed,
  markSent,
  type Outgoing,
  releaseSend,
  type SendRecord,
} from '#store/send-ledger-store';
import { recordTimeline } from '#store/timeline-store';

/**
 * The deliver step: the only place a message leaves churnguard. It claims the reserved ledger row (so one run
 * sends it), sends it, and settles the row; only then does the timeline say it was sent. Throttling is retried
 * (a throttled request was never accepted); any other refusal is settled as failed, counted, logged at error
 * level and never retried, because a retry after an answer that was lost could send twice.
 */

/** SES refused for rate: the message was not accepted, so the state machine may retry it (with jitter). */
export class SendThrottled extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SendThrottled';
  }
}

const THROTTLING = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

export function isThrottling(error: unknown): boolean {
  return error instanceof Error && THROTTLING.has(error.name);
}

export type DeliveryOutcome = 'sent' | 'failed' | 'already';

export type DeliverDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'metrics'> & {
  mailer?: Mailer;
  /** Slack and Teams posts (functions/shared/chat-poster.ts); without it every post is settled failed. */
  poster?: ChatPoster;
};

/** Sends a row's content by its channel: a post through the poster, anything else as mail. */
function sendBy(deps: DeliverDeps, outgoing: Outgoing): Promise<string> | string {
  if (outgoing.post) {
    if (!deps.poster) return 'no Slack or Teams poster is configured: see docs/channels.md';
    return deps.poster.post(outgoing.post);
  }
  if (!deps.mailer) return 'no mailer is configured: set a sender (SENDER_EMAIL) to send mail';
  return deps.mailer.send({
    to: outgoing.to,
    cc: outgoing.cc,
    subject: outgoing.subject,
    text: outgoing.text,
    ...(outgoing.html ? { html: outgoing.html } : {}),
    headers: outgoing.headers,
    attachments: outgoing.attachments,
    ...(outgoing.topic ? { topic: outgoing.topic } : {}),
  });
}

async function settleIncluded(
  deps: DeliverDeps,
  row: SendRecord,
  outcome: { messageId: string } | { error: string },
  execution: string | undefined,
) {
  for (const included of row.includes ?? []) {
    const owner = { accountId: included.accountId };
    const notice = await getSend(deps.db, owner, included.key);
    if (!notice) continue;
    await settle(deps, owner, included.key, notice, 'queued', outcome, execution, row);
  }
}

async function settle(
  deps: DeliverDeps,
  owner: LedgerOwner,
  key: string,
  row: SendRecord,
  from: 'sending' | 'queued',
  outcome: { messageId: string } | { error: string },
  execution: string | undefined,
  carriedBy?: SendRecord,
) {
  const at = deps.clock.now().toISOString();
  const how = { from, at, ...(row.outgoing ? { outgoing: row.outgoing } : {}) };
  const settled =
    'messageId' in outcome
      ? await markSent(deps.db, owner, key, outcome.messageId, how)
      : await markFailed(deps.db, owner, key, outcome.error, how);
  if (!settled || !('accountId' in owner) || !row.timeline) return;
  const note = row.timeline;
  const via = carriedBy ? ' (in the daily notice mail)' : '';
  await recordTimeline(deps.db, {
    accountId: owner.accountId,
    at,
    action: 'messageId' in outcome ? note.action : 'message_failed',
    what: 'messageId' in outcome ? `${note.what}${via}` : `Not delivered: ${note.what}`,
    why: 'messageId' in outcome ? note.why : outcome.error,
    cause: `message:${key}`,
    ...(execution ? { execution } : {}),
    details: {
      ...note.details,
      channel: row.channel,
      recipient: row.recipientId,
      ...('messageId' in outcome ? { messageId: outcome.messageId } : { error: outcome.error }),
    },
  });
}

export async function deliverMessage(
  deps: DeliverDeps,
  delivery: { owner: LedgerOwner; key: string },
  execution?: string,
): Promise<DeliveryOutcome> {
  const { owner, key } = delivery;
  // Claimed only from `reserved`: any other state (or no row) means another run has it or it is settled.
  const row = await claimSendRow(deps.db, owner, key, deps.clock.now().toISOString());
  if (!row) return 'already';
  const outgoing = row.outgoing;
  const fail = async (error: string) => {
    deps.metrics?.count({ MessagesFailed: 1 });
    deps.logger.error('message not delivered', { key, channel: row.channel, audience: row.audience, error });
    await settle(deps, owner, key, row, 'sending', { error }, execution);
    await settleIncluded(deps, row, { error }, execution);
    return 'failed' as const;
  };
  if (!outgoing) return fail('the ledger row holds no content to send');
  const sending = sendBy(deps, outgoing);
  // A string instead of a send: nothing can carry this row (no mailer, no poster).
  if (typeof sending === 'string') return fail(sending);
  let messageId: string;
  try {
    messageId = await sending;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (isThrottling(error)) {
      deps.metrics?.count({ MessagesThrottled: 1 });
      await releaseSend(deps.db, owner, key);
      throw new SendThrottled(reason);
    }
    return fail(reason);
  }
  deps.metrics?.count({ MessagesSent: 1 });
  await settle(deps, owner, key, row, 'sending', { messageId }, execution);
  await settleIncluded(deps, row, { messageId }, execution);
  return 'sent';
}
