import * as z from 'zod';
import { accountSchema } from '#core/accounts';
import { issueSchema } from '#core/issues/issue';
import { contractEventSchema, outcomeOfRenewal } from '#core/renewals/contract-history';
import { daysToRenewal } from '#core/renewals/desk';
import { REVIEW_STANDINGS, type ReviewStanding } from '#core/reviews/due';
import { REVIEW_KINDS, reviewRecordSchema } from '#core/workflows/review-record';
import { riskRecordSchema } from '#core/workflows/risk-record';

/** What `churnguard account <id>` reads besides the health: profile, risks and reviews, issues, what is scheduled. */
export const workbenchSchemas = {
  profile: accountSchema.pick({ currency: true, contract: true, csm: true, region: true }).loose(),
  history: z.looseObject({
    risks: z.array(riskRecordSchema),
    reviews: z.array(reviewRecordSchema),
    contract: z.array(contractEventSchema).default([]),
  }),
  issues: z.object({
    asOf: z.string(),
    issues: z.array(
      issueSchema.extend({
        overdueSteps: z.array(z.object({ action: z.string(), due: z.string(), daysLate: z.number() })),
      }),
    ),
  }),
  timeline: z.looseObject({
    upcoming: z.array(z.object({ kind: z.string(), ref: z.string(), dueAt: z.string() })),
  }),
  /** GET /v1/reviews?account=<id>&due=<REVIEWS_AHEAD_DAYS>d: booked and planned reviews, and any overdue. */
  reviews: z.looseObject({
    reviews: z.array(
      z.looseObject({
        standing: z.enum(REVIEW_STANDINGS),
        kind: z.enum(REVIEW_KINDS),
        programme: z.string().optional(),
        startsAt: z.string(),
        invitationAt: z.string().optional(),
      }),
    ),
  }),
};

/** How far ahead `churnguard account` lists reviews. */
export const REVIEWS_AHEAD_DAYS = 180;

export interface Workbench {
  profile: z.infer<typeof workbenchSchemas.profile>;
  history: z.infer<typeof workbenchSchemas.history>;
  reviews: z.infer<typeof workbenchSchemas.reviews>;
  issues: z.infer<typeof workbenchSchemas.issues>;
  timeline: z.infer<typeof workbenchSchemas.timeline>;
}

const STANDING_WORDS: Record<ReviewStanding, string> = {
  overdue: 'OVERDUE (missed, or no outcome recorded)',
  awaiting_outcome: 'held? record its outcome',
  upcoming: 'booked, invitations sent',
  planned: 'planned',
};

const money = (amount: number, currency: string) => `${currency} ${amount.toLocaleString('en-US')}`;

/** The CSM's summary of an account: money, renewal, owner, open risk and issues, upcoming reviews and checkpoints. */
export function renderWorkbench({ profile, history, reviews, issues, timeline }: Workbench): string {
  const now = new Date(issues.asOf);
  const days = daysToRenewal(profile.contract.renewalDate, now);
  const risk = history.risks.find((r) => r.status === 'open');
  const open = issues.issues.filter((i) => i.status === 'open');
  const checkpoints = timeline.upcoming.filter((t) => t.kind === 'renewal_checkpoint');
  const outcome = outcomeOfRenewal(history.contract, profile.contract.renewalDate);
  const lines = [
    `ARR        ${money(profile.contract.arr, profile.currency)}`,
    `Renewal    ${profile.contract.renewalDate} (${days < 0 ? `${-days} days ago` : `in ${days} days`})${outcome ? `: ${outcome.outcome} on ${outcome.at.slice(0, 10)}` : ''}`,
    `CSM        ${profile.csm.name}, region ${profile.region}`,
    risk
      ? `Open risk  tier ${risk.tier}, ${risk.primaryCause} (${risk.strategy}), opened ${risk.openedAt.slice(0, 10)}${risk.acknowledgedAt ? ', acknowledged' : ', not acknowledged'}`
      : 'Open risk  none',
    open.length ? `Issues     ${open.length} open` : 'Issues     none open',
    ...open.flatMap((issue) => [
      `  - ${issue.category}: ${issue.summary} (${issue.issueId})`,
      ...issue.plan.map((step) => {
        const late = issue.overdueSteps.find((o) => o.action === step.action && o.due === step.due);
        const mark = step.status === 'done' ? 'done' : late ? `LATE ${late.daysLate} days` : 'open';
        return `      [${mark}] ${step.due} ${step.owner}: ${step.action}`;
      }),
    ]),
    reviews.reviews.length
      ? `Reviews    next ${REVIEWS_AHEAD_DAYS} days:`
      : `Reviews    none in the next ${REVIEWS_AHEAD_DAYS} days`,
    ...reviews.reviews.map(
      (r) =>
        `  - ${r.startsAt.slice(0, 10)} ${r.kind.replace(/_/g, ' ')}${r.programme ? ` (${r.programme})` : ''}: ${STANDING_WORDS[r.standing]}${r.invitationAt ? `, invitations ${r.invitationAt.slice(0, 10)}` : ''}`,
    ),
    checkpoints.length ? 'Checkpoints' : 'Checkpoints none scheduled',
    ...checkpoints.map((t) => `  - ${t.dueAt.slice(0, 10)} ${t.ref}`),
  ];
  return `${lines.join('\n')}\n`;
}
