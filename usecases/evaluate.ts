import * as z from 'zod';
import type { Decision, Effect } from '#core/effects/effect';
import { accountSituation, type RestraintContext, restraintContext } from '#core/journeys/context';
import { PHASES } from '#core/journeys/milestone-status';
import { decideMilestoneCheck } from '#core/journeys/plan';
import { strugglingBecause } from '#core/journeys/select-plays';
import { TIP_TIMER_REF } from '#core/journeys/tip-cadence';
import { decideTip } from '#core/journeys/tip-plan';
import { decideProgrammeReview } from '#core/reviews/decide';
import { decideReviewUpdate } from '#core/reviews/reschedule';
import { TRIGGER_IDS } from '#core/workflows/detect';
import { decideCheckpoint } from '#core/workflows/renewal';
import {
  decideDeadline,
  decideOutreach,
  decideRenewalClose,
  decideRiskCheck,
  decideUpdate,
} from '#core/workflows/risk-decisions';
import { type LoadedView, loadAccountView, type UseCaseDeps } from './account-view.ts';

/**
 * The Evaluate step of every workflow (evaluateCheckpoint, evaluateRiskStep, evaluateMilestone): load the account
 * as decisions read it, call the pure decision, and return its effects for the Apply step. Nothing is written here
 * but the health a stale account is scored with (as any reader of it would).
 */
export interface Evaluation extends Decision {
  accountId: string;
  /** The account's situation for the context step of restraint, as the decision saw it. */
  context: RestraintContext;
}

const gone = (accountId: string): Evaluation => ({
  accountId,
  summary: 'the account no longer exists',
  effects: [],
  context: { openEscalation: false, urgentTicket: false, renewalNegotiation: false },
});

async function evaluateWith(
  deps: UseCaseDeps,
  accountId: string,
  decide: (view: LoadedView) => Decision,
): Promise<Evaluation> {
  const view = await loadAccountView(deps, accountId);
  if (!view) return gone(accountId);
  const decision = decide(view);
  return { accountId, ...decision, context: restraintContext(view, deps.config) };
}

const timerInput = { accountId: z.string(), ref: z.string(), dueAt: z.string() };

export const checkpointInput = z.object({
  ...timerInput,
  daysBefore: z.number(),
  renewalDate: z.string(),
  retryOf: z.string().optional(),
  caughtUp: z.boolean().optional(),
});

export const checkpointCause = (input: { ref: string; dueAt: string }) =>
  `renewal_checkpoint:${input.ref}:${input.dueAt}`;

export function evaluateCheckpoint(deps: UseCaseDeps, input: z.infer<typeof checkpointInput>) {
  return evaluateWith(deps, input.accountId, (view) =>
    decideCheckpoint(deps.config, view, {
      ref: input.retryOf ?? input.ref,
      daysBefore: input.daysBefore,
      renewalDate: input.renewalDate,
      at: input.dueAt,
      cause: checkpointCause(input),
      retry: input.retryOf !== undefined,
      caughtUp: input.caughtUp === true,
    }),
  );
}

export const riskStepInput = z.discriminatedUnion('step', [
  z.object({
    ...timerInput,
    step: z.literal('detect'),
    origin: z.string().default('health pass'),
    triggerId: z.enum(TRIGGER_IDS).optional(),
    triggerText: z.string().optional(),
  }),
  z.object({ ...timerInput, step: z.literal('deadline'), riskId: z.string(), tier: z.number() }),
  z.object({ ...timerInput, step: z.literal('update'), riskId: z.string() }),
  z.object({ ...timerInput, step: z.literal('outreach'), riskId: z.string() }),
  z.object({ ...timerInput, step: z.literal('renewal'), riskId: z.string(), outcome: z.string() }),
]);
export type RiskStepInput = z.infer<typeof riskStepInput>;

/** The RiskEscalation workflow's Evaluate: a risk check, a tier deadline, a rescue update or retried outreach. */
export function evaluateRiskStep(deps: UseCaseDeps, input: RiskStepInput) {
  const cause = `${input.ref}:${input.dueAt}`;
  return evaluateWith(deps, input.accountId, (view) => {
    switch (input.step) {
      case 'detect':
        return decideRiskCheck(deps.config, view, {
          at: input.dueAt,
          cause,
          origin: input.origin,
          signalTriggers:
            input.triggerId && input.triggerText ? [{ id: input.triggerId, text: input.triggerText }] : [],
        });
      case 'deadline':
        return decideDeadline(deps.config, view, {
          riskId: input.riskId,
          tier: input.tier,
          at: input.dueAt,
          cause,
        });
      case 'update':
        return decideUpdate(deps.config, view, {
          riskId: input.riskId,
          at: input.dueAt,
          occurrence: input.dueAt.slice(0, 10),
        });
      case 'outreach':
        return decideOutreach(deps.config, view, { riskId: input.riskId, at: input.dueAt });
      case 'renewal':
        return decideRenewalClose(deps.config, view, {
          riskId: input.riskId,
          outcome: input.outcome,
          at: input.dueAt,
          cause,
        });
    }
  });
}

export const milestoneInput = z.object({ ...timerInput, milestone: z.string(), phase: z.enum(PHASES) });

/** The MilestoneJourney workflow's Evaluate: one milestone check (due or grace) of the account's journey. */
export function evaluateMilestone(deps: UseCaseDeps, input: z.infer<typeof milestoneInput>) {
  return evaluateWith(deps, input.accountId, (view) => {
    if (view.facts.churned) return { summary: 'the account churned', effects: [] as Effect[] };
    const situation = accountSituation(view);
    const decision = decideMilestoneCheck(deps.config, {
      account: view.account,
      rollups: view.rollups,
      achievements: view.record.milestones,
      situation,
      health: { score: view.health.score, band: view.health.band, touch: view.health.segment.touch },
      milestone: input.milestone,
      phase: input.phase,
      now: view.now,
    });
    const struggling = strugglingBecause(situation);
    return {
      summary: `${decision.summary}${struggling ? ` (${struggling})` : ''}`,
      effects: decision.effects,
    };
  });
}

export const tipInput = z.object({
  ...timerInput,
  occurrence: z.number().int().min(0),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

/** The MilestoneJourney workflow's Evaluate for a tip of the segment's cadence (core/journeys/tip-plan.ts). */
export function evaluateTip(deps: UseCaseDeps, input: z.infer<typeof tipInput>) {
  return evaluateWith(deps, input.accountId, (view) =>
    decideTip(deps.config, {
      account: view.account,
      rollups: view.rollups,
      situation: accountSituation(view),
      health: { score: view.health.score, band: view.health.band },
      churned: view.facts.churned,
      occurrence: input.occurrence,
      day: input.day,
      now: view.now,
      scheduleNext: input.ref === TIP_TIMER_REF,
    }),
  );
}

const programmeReviewInput = z.object({
  ...timerInput,
  entry: z.string(),
  reviewDate: z.string(),
  retryOf: z.string().optional(),
});

const reviewUpdateInput = z.object({
  ...timerInput,
  update: z.string(),
  sequence: z.number().int().min(1),
  retryOf: z.string().optional(),
});

export const reviewInput = z.union([programmeReviewInput, reviewUpdateInput]);

/**
 * The ReviewProgramme workflow's Evaluate: one programme review coming due (config.reviews), or the updated
 * invitations of a review that moved (core/reviews/reschedule.ts).
 */
export function evaluateProgrammeReview(deps: UseCaseDeps, input: z.infer<typeof reviewInput>) {
  if ('update' in input) {
    return evaluateWith(deps, input.accountId, (view) =>
      decideReviewUpdate(deps.config, view, {
        ref: input.retryOf ?? input.ref,
        reviewId: input.update,
        sequence: input.sequence,
        at: input.dueAt,
      }),
    );
  }
  return evaluateWith(deps, input.accountId, (view) =>
    decideProgrammeReview(deps.config, view, {
      ref: input.retryOf ?? input.ref,
      entry: input.entry,
      reviewDate: input.reviewDate,
      at: input.dueAt,
      cause: `review:${input.ref}:${input.dueAt}`,
      retry: input.retryOf !== undefined,
    }),
  );
}
