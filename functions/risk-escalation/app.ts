import { z } from 'zod';
import type { Config } from '#config/schema';
import { riskEvidence } from '#core/workflows/evidence';
import { atDeadline, chooseStrategy, DEFAULT_ESCALATION, deriveRootCauses } from '#core/workflows/risks';
import type { Db } from '#store/client';
import {
  addToRegionalReview,
  getRisk,
  openRisk,
  type RiskRecord,
  raiseTier,
  riskIdFor,
} from '#store/risk-store';
import { recordTimeline } from '#store/timeline-store';
import { scheduleTimer } from '#store/timer-store';
import { loadAccountState } from '../shared/account-state.ts';
import type { Deps } from '../shared/runtime.ts';

const DAY_MS = 86_400_000;

const openInput = z.object({
  task: z.literal('open'),
  accountId: z.string(),
  cause: z.string(),
  at: z.string(),
  reasons: z.array(z.string()).default([]),
  execution: z.string().optional(),
});
const deadlineInput = z.object({
  task: z.literal('deadline'),
  accountId: z.string(),
  riskId: z.string(),
  tier: z.number(),
  dueAt: z.string(),
  execution: z.string().optional(),
});
const taskInput = z.discriminatedUnion('task', [openInput, deadlineInput]);

function deadlineTimer(risk: RiskRecord, deadline: string) {
  return {
    kind: 'risk_deadline' as const,
    accountId: risk.accountId,
    ref: `${risk.riskId}.T${risk.tier}`,
    dueAt: deadline,
    payload: { riskId: risk.riskId, tier: risk.tier },
  };
}

/** Tier 1: the risk is noted, the CSM told, and an acknowledgement deadline set. Opening twice changes nothing. */
async function open(db: Db, input: z.infer<typeof openInput>, now: Date, config?: Config) {
  const state = await loadAccountState(db, input.accountId, now, config);
  if (!state) return { riskId: null, created: false, tier: null };
  const causes = deriveRootCauses(riskEvidence(state.facts, state.health));
  const deadline = new Date(Date.parse(input.at) + DEFAULT_ESCALATION.ackDays[1] * DAY_MS).toISOString();
  const { risk, created } = await openRisk(db, {
    riskId: riskIdFor(input.accountId, input.at),
    accountId: input.accountId,
    region: state.account.region,
    arr: state.account.contract.arr,
    status: 'open',
    tier: 1,
    openedAt: input.at,
    primaryCause: causes.primary,
    secondaryCause: causes.secondary,
    strategy: chooseStrategy(causes.primary),
    reasons: input.reasons,
    ackDeadline: deadline,
    acknowledgedAt: null,
    ackNote: null,
    scoreAtTier: state.health.score,
    closedAt: null,
    closeReason: null,
    causeOverriddenBy: null,
  });
  if (created) {
    await scheduleTimer(db, deadlineTimer(risk, deadline));
    await recordTimeline(db, {
      accountId: input.accountId,
      at: input.at,
      action: 'risk_opened',
      what: `Risk opened at tier 1 (${risk.strategy}): ${risk.primaryCause}${risk.secondaryCause ? `, then ${risk.secondaryCause}` : ''}; ${state.account.csm.name} (CSM) notified, acknowledge by ${deadline.slice(0, 10)}`,
      why: input.reasons.join('; ') || 'renewal risk is high',
      cause: `risk_opened:${input.cause}`,
      execution: input.execution,
      details: { riskId: risk.riskId, tier: 1, notified: 'csm' },
    });
  }
  return { riskId: risk.riskId, created, tier: risk.tier };
}

/** At a tier's deadline: no acknowledgement or no improvement raises the next tier. */
async function deadline(db: Db, input: z.infer<typeof deadlineInput>, now: Date, config?: Config) {
  const risk = await getRisk(db, input.accountId, input.riskId);
  if (risk?.status !== 'open' || risk.tier !== input.tier)
    return { raised: false, reason: 'risk closed or already moved on' };
  const state = await loadAccountState(db, input.accountId, now, config);
  const outcome = atDeadline(risk, state?.health.score ?? null, { touch: state?.health.segment.touch });
  const cause = `risk_deadline:${risk.riskId}:T${input.tier}`;
  if (outcome.action === 'hold') {
    await recordTimeline(db, {
      accountId: risk.accountId,
      at: input.dueAt,
      action: 'risk_held',
      what: `Risk stays at tier ${risk.tier}`,
      why: outcome.why,
      cause,
      execution: input.execution,
    });
    return { raised: false, reason: outcome.why };
  }
  const nextDeadline =
    outcome.toTier === 2
      ? new Date(Date.parse(input.dueAt) + DEFAULT_ESCALATION.ackDays[2] * DAY_MS).toISOString()
      : null;
  const raised = await raiseTier(db, risk, outcome.toTier, {
    ackDeadline: nextDeadline,
    scoreAtTier: state?.health.score ?? null,
  });
  if (!raised) return { raised: false, reason: 'already raised' };
  const manager = state?.account.manager?.name ?? 'the CS manager';
  if (outcome.toTier === 2 && nextDeadline) {
    await scheduleTimer(db, deadlineTimer({ ...risk, tier: 2 }, nextDeadline));
  } else {
    await addToRegionalReview(db, risk, input.dueAt);
  }
  await recordTimeline(db, {
    accountId: risk.accountId,
    at: input.dueAt,
    action: 'risk_escalated',
    what:
      outcome.toTier === 2
        ? `Risk raised to tier 2: ${manager} brought in, acknowledge by ${nextDeadline?.slice(0, 10)}`
        : `Risk raised to tier 3: on the ${risk.region} weekly cross-functional review`,
    why: outcome.why,
    cause,
    execution: input.execution,
    details: { riskId: risk.riskId, tier: outcome.toTier },
  });
  return { raised: true, tier: outcome.toTier };
}

/** The RiskEscalation state machine's tasks. */
export function createRiskEscalationHandler(deps: Pick<Deps, 'db' | 'clock' | 'config'>) {
  return async (event: unknown) => {
    const input = taskInput.parse(event);
    const now = deps.clock.now();
    return input.task === 'open'
      ? open(deps.db, input, now, deps.config)
      : deadline(deps.db, input, now, deps.config);
  };
}
