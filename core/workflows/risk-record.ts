import * as z from 'zod';
import { TRIGGER_IDS } from './detect.ts';
import { ROOT_CAUSE_IDS, STRATEGIES } from './root-causes.ts';

/** A risk (a red-account escalation) as stored and as the API returns it. */
export const riskRecordSchema = z.object({
  riskId: z.string(),
  accountId: z.string(),
  region: z.string(),
  arr: z.number(),
  currency: z.string().default(''),
  status: z.enum(['open', 'closed']),
  tier: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  openedAt: z.string(),
  primaryCause: z.enum(ROOT_CAUSE_IDS),
  secondaryCause: z.enum(ROOT_CAUSE_IDS).nullable(),
  strategy: z.enum(STRATEGIES),
  /** What detection saw when it opened the risk, in words. */
  reasons: z.array(z.string()),
  triggers: z.array(z.enum(TRIGGER_IDS)).default([]),
  ackDeadline: z.string().nullable(),
  acknowledgedAt: z.string().nullable().default(null),
  ackNote: z.string().nullable().default(null),
  acknowledgedBy: z.string().nullable().default(null),
  scoreAtTier: z.number().nullable(),
  closedAt: z.string().nullable(),
  closeReason: z.string().nullable(),
  /** Who set the root causes by hand, when a CSM overrode the derived ones. */
  causeOverriddenBy: z.string().nullable(),
});
export type RiskRecord = z.infer<typeof riskRecordSchema>;

/** Risk ids carry their account so that POST /v1/risks/{id}/ack needs no index: `r.<base64url account>.<opened>`. */
export function riskIdFor(accountId: string, openedAt: string): string {
  return `r.${Buffer.from(accountId, 'utf8').toString('base64url')}.${openedAt.replace(/[^0-9]/g, '').slice(0, 12)}`;
}

export function accountOfRisk(riskId: string): string | undefined {
  const match = /^r\.([A-Za-z0-9_-]+)\.\d{12}$/.exec(riskId);
  return match ? Buffer.from(match[1] as string, 'base64url').toString('utf8') : undefined;
}
