import * as z from 'zod';
import { defaultConfig } from '#config/default';
import { outcomeOfRenewal } from '#core/renewals/contract-history';
import type { Db } from '#store/client';
import { readContractHistory } from '#store/contract-history-store';
import { pendingTimers } from '#store/timer-store';
import { NOW } from './webhooks.ts';

/** An account as GET /v1/accounts/{id} answers it, the fields the CRM connectors set. */
export const accountAnswer = z.looseObject({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  arr: z.number(),
  currency: z.string(),
  goLiveDate: z.string(),
  csm: z.looseObject({ email: z.string() }),
  contacts: z.array(z.looseObject({ id: z.string(), email: z.string(), role: z.string() })),
  contract: z.looseObject({ startDate: z.string(), renewalDate: z.string(), arr: z.number() }),
});

/** GET /v1/accounts/{id} over HTTP with a key. */
export async function readAccount(base: string, key: string, id: string) {
  const response = await fetch(`${base}/v1/accounts/${id}`, { headers: { Authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** The renewal checkpoints still ahead of NOW for a renewal date (09:00 UTC, T-n days), as the config says. */
export function countdownFor(renewalDate: string) {
  const renewalAt = Date.parse(`${renewalDate}T09:00:00Z`);
  return defaultConfig.timers.renewalCheckpointDays
    .map((n) => ({ ref: `T-${n}`, dueAt: new Date(renewalAt - n * 86_400_000).toISOString() }))
    .filter(({ dueAt }) => dueAt > NOW.toISOString())
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
}

/** An account's pending renewal checkpoints (catch-ups of passed ones left out). */
export async function countdown(db: Db, accountId: string) {
  return (await pendingTimers(db, accountId))
    .filter((t) => t.kind === 'renewal_checkpoint' && !t.ref.includes('.'))
    .map(({ ref, dueAt }) => ({ ref, dueAt }));
}

/** How an account's current renewal ended, as the contract history records it (null while it is open). */
export async function renewalOutcome(db: Db, accountId: string, renewalDate: string) {
  return outcomeOfRenewal(await readContractHistory(db, accountId), renewalDate)?.outcome ?? null;
}
