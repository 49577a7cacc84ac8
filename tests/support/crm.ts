import { createHmac } from 'node:crypto';
import * as z from 'zod';
import { defaultConfig } from '#config/default';
import { outcomeOfRenewal } from '#core/renewals/contract-history';
import type { Db } from '#store/client';
import { readContractHistory } from '#store/contract-history-store';
import { pendingTimers } from '#store/timer-store';
import { NOW, SECRETS } from './webhooks.ts';

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

/**
 * Posts a body to the local server's HubSpot webhook signed as HubSpot does (v3): over the https URL it was given
 * (the local server reads the Host it was sent to), with the timestamp `at` (NOW unless said).
 */
export function hubspotPoster(base: string) {
  return (body: string, options: { at?: Date; secret?: string } = {}) => {
    const url = `${base}/v1/webhooks/hubspot`;
    const signedUrl = url.replace(/^http:/, 'https:');
    const timestamp = String((options.at ?? NOW).getTime());
    const signature = createHmac('sha256', options.secret ?? SECRETS.hubspot)
      .update(`POST${signedUrl}${body}${timestamp}`)
      .digest('base64');
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-HubSpot-Signature-v3': signature,
        'X-HubSpot-Request-Timestamp': timestamp,
      },
      body,
    });
  };
}
