import { z } from 'zod';
import { renewalContext } from '#core/workflows/evidence';
import { decideRenewalAction, type RenewalDecision } from '#core/workflows/renewal';
import type { Db } from '#store/client';
import { getOpenRisk } from '#store/risk-store';
import { recordTimeline } from '#store/timeline-store';
import { loadAccountState } from '../shared/account-state.ts';
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
): Promise<CheckpointEvaluation> {
  const cause = checkpointCause(input);
  const state = await loadAccountState(db, input.accountId, now);
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
  const openRisk = await getOpenRisk(db, input.accountId);
  const decision = decideRenewalAction(
    renewalContext(state.facts, state.health, {
      daysBefore: input.daysBefore,
      openRiskTier: openRisk?.tier ?? null,
      reviewOverdue: false,
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

async function record(db: Db, input: z.infer<typeof checkpointInput>, evaluation: CheckpointEvaluation) {
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
  if (decision?.reviewKind) {
    await recordTimeline(db, {
      accountId: input.accountId,
      at: input.dueAt,
      action: 'review_scheduled',
      what:
        decision.reviewKind === 'annual_customer_review'
          ? 'Annual Customer Review to schedule before renewal'
          : 'Executive business review to schedule before renewal',
      why: `renewal in ${input.daysBefore} days`,
      cause: `review:${evaluation.cause}`,
      execution: input.execution,
    });
  }
  return { recorded };
}

/** The RenewalCheckpoint state machine's tasks: evaluate the account at a checkpoint, then record what was done. */
export function createRenewalCheckpointHandler(deps: Pick<Deps, 'db' | 'clock'>) {
  return async (event: unknown) => {
    const input = checkpointInput.parse(event);
    const now = deps.clock.now();
    if (input.task === 'evaluate') return evaluate(deps.db, input, now);
    return record(deps.db, input, input.evaluation as CheckpointEvaluation);
  };
}
