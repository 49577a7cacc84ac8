import * as z from 'zod';
import { type ApiTarget, getJson } from '../api-client.ts';

const nudgesSchema = z.object({
  accountId: z.string(),
  sent: z.array(
    z.looseObject({
      playId: z.string(),
      about: z.string(),
      recipientId: z.string(),
      channel: z.string(),
      status: z.string(),
      reservedAt: z.string(),
    }),
  ),
  notSent: z.array(
    z.looseObject({
      playId: z.string(),
      about: z.string(),
      recipientId: z.string(),
      at: z.string(),
      outcome: z.string(),
      reason: z.string(),
      detail: z.string(),
      deferUntil: z.string().optional(),
    }),
  ),
});
export type AccountNudges = z.infer<typeof nudgesSchema>;

export function fetchNudges(target: ApiTarget, accountId: string): Promise<AccountNudges> {
  return getJson(target, `/v1/accounts/${encodeURIComponent(accountId)}/nudges`, nudgesSchema);
}

/**
 * An account's messages as text: each in the send ledger with where it stands (sent, failed, on its way, queued
 * for a daily notice mail), then those not sent and why.
 */
export function renderNudges(nudges: AccountNudges): string {
  const lines = ['', `Messages in the send ledger (${nudges.sent.length})`];
  for (const s of nudges.sent) {
    lines.push(`  ${s.reservedAt.slice(0, 16)}  ${s.playId} (${s.channel}) to ${s.recipientId}: ${s.status}`);
  }
  lines.push('', `Messages not sent (${nudges.notSent.length})`);
  for (const n of nudges.notSent) {
    const until = n.deferUntil ? ` until ${n.deferUntil.slice(0, 16)}` : '';
    lines.push(
      `  ${n.at.slice(0, 16)}  ${n.playId} to ${n.recipientId}: ${n.outcome}${until}, ${n.reason} (${n.detail})`,
    );
  }
  return `${lines.join('\n')}\n`;
}
