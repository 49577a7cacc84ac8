import { z } from 'zod';
import type { Config } from '#config/schema';
import { renewalContext } from '#core/workflows/evidence';
import { decideRenewalAction, type RenewalDecision } from '#core/workflows/renewal';
import { reviewInvitation } from '#core/workflows/review-invitation';
import { getAccount } from '#store/account-store';
import type { Db } from '#store/client';
import { createReview, listReviews, renewalOfReview, reviewIdFor } from '#store/review-store';
import { getOpenRisk } from '#store/risk-store';
import { recordTimeline } from '#store/timeline-store';
import { loadAccountState } from '../shared/account-state.ts';
import type { Mailer } from '../shared/mailer.ts';
import type { Deps } from '../shared/runtime.ts';

const checkpointInput = z.object({
  task: z.enum(['evaluate', 'record']),
  accountId: z.string(),
  ref: z.string(),
  dueAt: z.string(),
  daysBefore: z.number(),
  renewalDate: z.string(),
  execution: z.string().optional(),
  evaluation: z.unknown().optional(),
});

export interface CheckpointEvaluation {
  skip: string | null;
  decision: RenewalDecision | null;
  escalate: boolean;
  healthScore: number | null;
  band: string;
  cause: string;
}

export const checkpointCause = (input: { accountId: string; ref: string; dueAt: string }) =>
  `renewal_checkpoint:${input.ref}:${input.dueAt}`;

async function evaluate(
  db: Db,
  input: z.infer<typeof checkpointInput>,
  now: Date,
  config?: Config,
): Promise<CheckpointEvaluation> {
  const cause = checkpointCause(input);
  const state = await loadAccountState(db, input.accountId, now, config);
  if (!state)
    return {
      skip: 'account no longer exists',
      decision: null,
      escalate: false,
      healthScore: null,
      band: 'unknown',
      cause,
    };
  if (state.facts.churned)
    return {
      skip: 'account churned',
      decision: null,
      escalate: false,
      healthScore: null,
      band: state.health.band,
      cause,
    };
  if (state.account.contract.renewalDate !== input.renewalDate) {
    return {
      skip: 'the renewal date moved; a new checkpoint is scheduled',
      decision: null,
      escalate: false,
      healthScore: null,
      band: state.health.band,
      cause,
    };
  }
  const [openRisk, reviews] = await Promise.all([
    getOpenRisk(db, input.accountId),
    listReviews(db, input.accountId),
  ]);
  const decision = decideRenewalAction(
    renewalContext(state.facts, state.health, {
      daysBefore: input.daysBefore,
      openRiskTier: openRisk?.tier ?? null,
      reviewOverdue: false,
      reviewBooked: reviews.some(
        (r) => renewalOfReview(r.reviewId) === input.renewalDate && r.status !== 'missed',
      ),
    }),
  );
  return {
    skip: null,
    decision,
    escalate: decision.actions.includes('escalate'),
    healthScore: state.health.score,
    band: state.health.band,
    cause,
  };
}

const ACTION_WORDS: Record<string, string> = {
  escalate: 'escalate the renewal risk',
  schedule_review: 'schedule the renewal review',
  send_value_message: 'send the renewal-value message',
  on_track: 'on track, nothing to do',
};

async function record(
  deps: CheckpointDeps,
  input: z.infer<typeof checkpointInput>,
  evaluation: CheckpointEvaluation,
) {
  const { db } = deps;
  const decision = evaluation.decision;
  const what = evaluation.skip
    ? `Renewal checkpoint ${input.ref} skipped`
    : `Renewal checkpoint ${input.ref}: ${decision?.actions.map((a) => ACTION_WORDS[a]).join('; ')}`;
  const why =
    evaluation.skip ??
    `renewal risk ${decision?.assessment.level}: ${decision?.assessment.reasons.join('; ')}`;
  const recorded = await recordTimeline(db, {
    accountId: input.accountId,
    at: input.dueAt,
    action: 'renewal_checkpoint',
    what,
    why,
    cause: evaluation.cause,
    execution: input.execution,
    details: {
      band: evaluation.band,
      score: evaluation.healthScore,
      actions: decision?.actions ?? [],
      reviewKind: decision?.reviewKind ?? null,
    },
  });
  if (decision?.reviewKind) await scheduleReview(deps, input, evaluation, decision.reviewKind);
  return { recorded };
}

/**
 * The review the checkpoint asked for: a review record, then the invitation with its .ics to the CSM and the
 * sponsor/champion. The record is created once per checkpoint and the mail is sent only by the call that created
 * it, so a retry never sends twice; the price is that a crash between the two loses the invitation, which the
 * timeline then shows as scheduled without "invitation sent".
 */
async function scheduleReview(
  deps: CheckpointDeps,
  input: z.infer<typeof checkpointInput>,
  evaluation: CheckpointEvaluation,
  kind: 'ebr' | 'annual_customer_review',
) {
  const account = await getAccount(deps.db, input.accountId);
  if (!account) return;
  const reviewId = reviewIdFor(input.ref, input.renewalDate);
  const reason = `renewal on ${input.renewalDate}, ${input.daysBefore} days away`;
  const invitation = reviewInvitation(account, kind, reviewId, new Date(input.dueAt), reason);
  const created = await createReview(deps.db, {
    reviewId,
    accountId: account.id,
    reviewKind: kind,
    status: 'scheduled',
    scheduledAt: input.dueAt,
    startsAt: invitation.startsAt,
    invitedTo: invitation.to,
  });
  let sent = false;
  if (created && deps.mailer) {
    await deps.mailer.send({
      to: invitation.to,
      subject: invitation.subject,
      text: invitation.text,
      html: invitation.html,
      attachments: [
        {
          filename: 'review.ics',
          contentType: 'text/calendar; method=REQUEST',
          content: Buffer.from(invitation.ics),
        },
      ],
    });
    sent = true;
  }
  await recordTimeline(deps.db, {
    accountId: input.accountId,
    at: input.dueAt,
    action: 'review_scheduled',
    what: `${invitation.subject} proposed for ${invitation.startsAt.slice(0, 10)}${sent ? `; invitation with .ics sent to ${invitation.to.length} people` : ''}`,
    why: reason,
    cause: `review:${evaluation.cause}`,
    execution: input.execution,
    details: { reviewId, kind, sent },
  });
}

type CheckpointDeps = Pick<Deps, 'db' | 'clock' | 'config'> & { mailer?: Mailer };

/** The RenewalCheckpoint state machine's tasks: evaluate the account at a checkpoint, then record what was done. */
export function createRenewalCheckpointHandler(deps: CheckpointDeps) {
  return async (event: unknown) => {
    const input = checkpointInput.parse(event);
    const now = deps.clock.now();
    if (input.task === 'evaluate') return evaluate(deps.db, input, now, deps.config);
    return record(deps, input, input.evaluation as CheckpointEvaluation);
  };
}
