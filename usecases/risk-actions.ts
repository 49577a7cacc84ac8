import { decideResolve } from '#core/workflows/risk-decisions';
import { accountOfRisk } from '#core/workflows/risk-record';
import { strategyFor } from '#core/workflows/risks';
import { isRootCauseId, ROOT_CAUSE_IDS } from '#core/workflows/root-causes';
import { NotFoundError } from '#store/errors';
import {
  getRisk,
  overrideRootCauses,
  RiskClosedError,
  type RiskRecord,
  acknowledgeRisk as storeAcknowledgement,
} from '#store/risk-store';
import { recordTimeline } from '#store/timeline-store';
import { loadAccountView } from './account-view.ts';
import { applyEffects, type ExecutorDeps } from './apply-effects.ts';

/** What CSMs do to a risk through the API: acknowledge it, resolve it, set its root causes. */

export async function acknowledge(deps: ExecutorDeps, riskId: string, note: string, by: string | null) {
  const at = deps.clock.now().toISOString();
  const risk = await storeAcknowledgement(deps.db, riskId, note, at, by);
  await recordTimeline(deps.db, {
    accountId: risk.accountId,
    at: risk.acknowledgedAt ?? at,
    action: 'risk_acknowledged',
    what: `Tier ${risk.tier} risk acknowledged${risk.acknowledgedBy ? ` by ${risk.acknowledgedBy}` : ''}`,
    why: risk.ackNote ?? note,
    cause: `risk_ack:${risk.riskId}:T${risk.tier}`,
  });
  return risk;
}

async function openRiskOrThrow(deps: ExecutorDeps, riskId: string): Promise<RiskRecord> {
  const accountId = accountOfRisk(riskId);
  const risk = accountId ? await getRisk(deps.db, accountId, riskId) : undefined;
  if (!risk) throw new NotFoundError(`risk "${riskId}"`);
  if (risk.status !== 'open') throw new RiskClosedError(riskId);
  return risk;
}

/** The CSM closes the risk with a note (whatever detection says); closing lifts the hold on customer plays. */
export async function resolve(deps: ExecutorDeps, riskId: string, note: string, by: string | null) {
  const risk = await openRiskOrThrow(deps, riskId);
  const view = await loadAccountView(deps, risk.accountId);
  if (!view) throw new NotFoundError(`account "${risk.accountId}"`);
  const decision = decideResolve(deps.config, view, risk, { note, by, at: deps.clock.now().toISOString() });
  await applyEffects(deps, { accountId: risk.accountId, effects: decision.effects });
  const after = await getRisk(deps.db, risk.accountId, riskId);
  if (after?.status !== 'closed') throw new RiskClosedError(riskId);
  return after;
}

export class UnknownRootCauseError extends Error {
  constructor(field: string, value: string) {
    super(`${field} "${value}" is not a root cause; root causes are ${ROOT_CAUSE_IDS.join(', ')}`);
    this.name = 'UnknownRootCauseError';
  }
}

/** The CSM sets the primary (and secondary) root cause; the strategy follows the primary, as config says. */
export async function setRootCauses(
  deps: ExecutorDeps,
  riskId: string,
  causes: { primary: string; secondary: string | null; by: string },
) {
  const { primary, secondary } = causes;
  if (!isRootCauseId(primary)) throw new UnknownRootCauseError('primary', primary);
  if (secondary !== null && !isRootCauseId(secondary))
    throw new UnknownRootCauseError('secondary', secondary);
  const before = await openRiskOrThrow(deps, riskId);
  const strategy = strategyFor(primary, deps.config.escalation);
  const risk = await overrideRootCauses(deps.db, riskId, {
    primary,
    secondary,
    strategy,
    by: causes.by,
  });
  const at = deps.clock.now().toISOString();
  await recordTimeline(deps.db, {
    accountId: risk.accountId,
    at,
    action: 'risk_cause_set',
    what: `Root cause set by ${causes.by}: ${primary}${risk.secondaryCause ? `, then ${risk.secondaryCause}` : ''} (${strategy})`,
    why: `was ${before.primaryCause}${before.secondaryCause ? `, then ${before.secondaryCause}` : ''} (${before.strategy})`,
    cause: `risk_cause:${risk.riskId}:${at}`,
  });
  return risk;
}
