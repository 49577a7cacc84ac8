import type { Config } from '#config/schema';
import { DAY_MS } from '#core/clock';
import type { Decision, Effect, MessageDraft, RiskGuard } from '#core/effects/effect';
import { oldestFirst } from '#core/health/score-trail';
import type { PriorScore } from '#core/health/types';
import { BANDS, type Band } from '#core/health/vocabulary';
import {
  type AccountView,
  csmOf,
  type InternalRecipient,
  managerOf,
  riskEvidence,
  triggersOf,
} from './account-view.ts';
import { contactPlayMessages } from './contact-plays.ts';
import type { Trigger } from './detect.ts';
import { composeNotice, type NoticeSection } from './notices.ts';
import { type RiskRecord, riskIdFor } from './risk-record.ts';
import { atDeadline, deriveRootCauses, strategyFor } from './risks.ts';
import { ROOT_CAUSES, type RootCauseId, type Strategy } from './root-causes.ts';
import type { Timer } from './timers.ts';

/**
 * The Red Account Process as decisions (seed 002; DESIGN decisions 9 and 10): from what an account looks like now,
 * the effects a risk check, a tier deadline, an update or a CSM's resolution call for. Pure: the executor applies
 * them. Every notice says what happened, why, what to do, and how to acknowledge.
 */

export const deadlineRef = (riskId: string, tier: number) => `${riskId}.T${tier}`;
export const updateRef = (riskId: string) => `${riskId}.update`;
export const outreachRef = (riskId: string) => `${riskId}.outreach`;

const iso = (ms: number) => new Date(ms).toISOString();

/** The timer that checks a tier's acknowledgement at its deadline, set only while the risk is as `requires` says. */
function deadlineTimer(
  accountId: string,
  riskId: string,
  tier: number,
  dueAt: string,
  requires: RiskGuard,
): Effect {
  return {
    kind: 'set_timer',
    requires,
    timer: {
      kind: 'risk_deadline',
      accountId,
      ref: deadlineRef(riskId, tier),
      dueAt,
      payload: { step: 'deadline', riskId, tier },
    },
  };
}
const day = (at: string) => at.slice(0, 10);

/** What started a risk check: the daily health pass, a critical signal, or a renewal checkpoint. */
export interface CheckInput {
  at: string;
  /** Deterministic id of the check (the timer), for timeline causes. */
  cause: string;
  origin: string;
  signalTriggers?: readonly Trigger[];
}

const BAND_RANK: Record<Band | 'unknown', number> = { unknown: -1, red: 0, yellow: 1, green: 2 };

/** Days the account has held at least `minBand` without a break, as the trail shows; 0 when below it now. */
export function daysAtLeast(
  trail: readonly PriorScore[],
  band: Band | 'unknown',
  minBand: Band,
  now: Date,
): number {
  if (BAND_RANK[band] < BAND_RANK[minBand]) return 0;
  const until = now.toISOString();
  let since: string | null = null;
  for (const entry of oldestFirst(trail)) {
    if (entry.at > until) break;
    if (BAND_RANK[entry.band] >= BAND_RANK[minBand]) since ??= entry.at;
    else since = null;
  }
  return since ? Math.floor((now.getTime() - Date.parse(since)) / DAY_MS) : 0;
}

function howToAcknowledge(config: Config, risk: Pick<RiskRecord, 'riskId' | 'tier'>): string[] {
  return [
    `POST ${config.messaging.publicBaseUrl}/v1/risks/${risk.riskId}/ack with {"note": "what you are doing"}`,
    `or resolve it when it is over: POST ${config.messaging.publicBaseUrl}/v1/risks/${risk.riskId}/resolve`,
  ];
}

function whySection(view: AccountView, reasons: readonly string[]): NoticeSection {
  const drivers = view.health.drivers.slice(0, 3).map((d) => d.text);
  const score = view.health.score === null ? 'no score' : `${Math.round(view.health.score)}`;
  return {
    heading: 'Why',
    lines: [...reasons, `health ${score} (${view.health.band})`, ...drivers.map((d) => `driver: ${d}`)],
  };
}

const causeLabel = (cause: RootCauseId | null) => (cause ? ROOT_CAUSES[cause].label : null);

function internalMessage(
  recipient: InternalRecipient,
  about: string,
  occurrence: string,
  playId: string,
  urgency: 'immediate' | 'routine',
  notice: Parameters<typeof composeNotice>[0],
  timeline: MessageDraft['timeline'],
): MessageDraft {
  return {
    key: { playId, about, recipientId: recipient.id, occurrence },
    audience: 'internal',
    recipient,
    channel: 'email',
    urgency,
    content: composeNotice(notice),
    timeline,
  };
}

/** Messages of the customer-facing plays a risk calls for (its strategy's, or a tech-touch account's digital plays). */
function outreachMessages(config: Config, view: AccountView, risk: RiskRecord, at: string): MessageDraft[] {
  const plays =
    view.health.segment.touch === 'tech'
      ? (config.escalation.techTouch.playsByCause[risk.primaryCause] ?? [])
      : config.escalation.strategies[risk.strategy].plays;
  const retry: Omit<Timer, 'dueAt'> = {
    kind: 'risk_check',
    accountId: view.account.id,
    ref: outreachRef(risk.riskId),
    payload: { step: 'outreach', riskId: risk.riskId },
  };
  return plays.flatMap((playId) =>
    contactPlayMessages(config, view, playId, {
      about: risk.riskId,
      occurrence: 'opened',
      why: `${risk.strategy} play for the open risk (${risk.primaryCause})`,
      details: { riskId: risk.riskId, at },
      retry,
    }),
  );
}

/** Opening a risk at tier 1: the record, its deadline, the notices and the plays its strategy calls for. */
function openRisk(config: Config, view: AccountView, triggers: Trigger[], input: CheckInput): Effect[] {
  const { account } = view;
  const policy = config.escalation;
  const causes = deriveRootCauses(riskEvidence(view, config), policy.detection.weakRelationshipAtOrBelow);
  const strategy: Strategy = strategyFor(causes.primary, policy);
  const touch = view.health.segment.touch;
  const riskId = riskIdFor(account.id, input.at);
  const plan = config.escalation.strategies[strategy];
  // A strategy that asks no CSM task (Farewell by default) has nothing to acknowledge and no deadline to raise the
  // next tier: the CSM is told in the routine daily mail; Rescue always asks it.
  const asksCsm = 'csmTask' in plan ? plan.csmTask : true;
  const ackDeadline = asksCsm ? iso(Date.parse(input.at) + policy.ackDays.tier1 * DAY_MS) : null;
  const risk: RiskRecord = {
    riskId,
    accountId: account.id,
    region: account.region,
    arr: account.contract.arr,
    currency: account.currency,
    status: 'open',
    tier: 1,
    openedAt: input.at,
    primaryCause: causes.primary,
    secondaryCause: causes.secondary,
    strategy,
    reasons: triggers.map((t) => t.text),
    triggers: triggers.map((t) => t.id),
    ackDeadline,
    acknowledgedAt: null,
    ackNote: null,
    acknowledgedBy: null,
    scoreAtTier: view.health.score,
    closedAt: null,
    closeReason: null,
    causeOverriddenBy: null,
  };
  const requires = { riskId, status: 'open' as const, tier: 1 as const };
  const csm = csmOf(view, config);
  const causesText = [causeLabel(causes.primary), causeLabel(causes.secondary)]
    .filter(Boolean)
    .join('; then ');
  const notice = {
    subject: `[churnguard] ${account.name}: risk opened (${strategy}, ${causes.primary})`,
    summary: `${account.name} has a new tier-1 risk: ${causesText}. Strategy: ${strategy}.`,
    sections: [
      whySection(view, risk.reasons),
      { heading: 'What to do', lines: plan.steps },
      {
        heading: 'How to acknowledge',
        lines: ackDeadline
          ? [`by ${day(ackDeadline)}, or it goes to tier 2:`, ...howToAcknowledge(config, risk)]
          : [`no acknowledgement is asked (${strategy}): the renewal follows its countdown`],
      },
      {
        heading: 'Account',
        lines: [
          `ARR ${account.currency} ${account.contract.arr.toLocaleString('en-US')}, renewal ${account.contract.renewalDate}`,
          `churnguard account ${account.id}`,
        ],
      },
    ],
  };
  const effects: Effect[] = [
    { kind: 'open_risk', risk },
    {
      kind: 'timeline',
      requires,
      entry: {
        action: 'risk_opened',
        what: `Risk opened at tier 1 (${strategy}): ${causes.primary}${causes.secondary ? `, then ${causes.secondary}` : ''}${ackDeadline ? `; acknowledge by ${day(ackDeadline)}` : ''}`,
        why: risk.reasons.join('; '),
        cause: `risk_opened:${input.cause}`,
        details: { riskId, tier: 1, strategy, origin: input.origin, triggers: risk.triggers },
      },
    },
    {
      kind: 'message',
      requires,
      message: internalMessage(csm, riskId, 'T1', 'risk_notice', asksCsm ? 'immediate' : 'routine', notice, {
        action: 'notice_sent',
        what: `Tier-1 risk notice to ${csm.name} (${csm.role})`,
        why: risk.reasons.join('; '),
        details: { riskId, tier: 1 },
      }),
    },
  ];
  const manager = managerOf(view);
  if (strategy === 'rescue' && policy.strategies.rescue.managerAtOnce && touch !== 'tech' && manager) {
    effects.push({
      kind: 'message',
      requires,
      message: internalMessage(
        manager,
        riskId,
        'T1',
        'risk_notice',
        'immediate',
        {
          ...notice,
          summary: `${account.name} has a new risk whose fix is ours (rescue): you are brought in at once. ${csm.name} owns it.`,
        },
        {
          action: 'notice_sent',
          what: `Rescue: ${manager.name} (manager) brought in at once`,
          why: risk.reasons.join('; '),
          details: { riskId, tier: 1 },
        },
      ),
    });
  }
  if (ackDeadline) {
    effects.push(deadlineTimer(account.id, riskId, 1, ackDeadline, requires));
  }
  const every = strategy === 'rescue' ? config.escalation.strategies.rescue.updateEveryDays : null;
  if (every) {
    effects.push({
      kind: 'set_timer',
      requires,
      timer: {
        kind: 'risk_check',
        accountId: account.id,
        ref: updateRef(riskId),
        dueAt: iso(Date.parse(input.at) + every * DAY_MS),
        payload: { step: 'update', riskId },
      },
    });
  }
  for (const message of outreachMessages(config, view, risk, input.at)) {
    effects.push({ kind: 'message', requires, message });
  }
  return effects;
}

export function closeRiskEffects(
  config: Config,
  view: Pick<AccountView, 'account' | 'health'>,
  risk: RiskRecord,
  how: { at: string; reason: string; cause: string; notify: boolean },
): Effect[] {
  const closed = { riskId: risk.riskId, status: 'closed' as const };
  const effects: Effect[] = [
    { kind: 'close_risk', riskId: risk.riskId, region: risk.region, reason: how.reason },
    {
      kind: 'timeline',
      requires: closed,
      entry: {
        action: 'risk_closed',
        what: `Risk closed at tier ${risk.tier} (${risk.strategy}, ${risk.primaryCause})`,
        why: how.reason,
        cause: `risk_closed:${risk.riskId}`,
        details: { riskId: risk.riskId, tier: risk.tier },
      },
    },
    ...[1, 2].map(
      (tier): Effect => ({
        kind: 'cancel_timer',
        requires: closed,
        timerKind: 'risk_deadline',
        ref: deadlineRef(risk.riskId, tier),
      }),
    ),
    { kind: 'cancel_timer', requires: closed, timerKind: 'risk_check', ref: updateRef(risk.riskId) },
  ];
  if (how.notify) {
    const csm = csmOf(view, config);
    effects.push({
      kind: 'message',
      requires: closed,
      message: internalMessage(
        csm,
        risk.riskId,
        'closed',
        'risk_notice',
        'routine',
        {
          subject: `[churnguard] ${view.account.name}: risk closed`,
          summary: `The ${risk.strategy} risk on ${view.account.name} (${risk.primaryCause}) is closed: ${how.reason}. Customer messages paused by it flow again.`,
          sections: [],
        },
        {
          action: 'notice_sent',
          what: `Risk-closed notice to ${csm.name} (${csm.role})`,
          why: how.reason,
          details: { riskId: risk.riskId },
        },
      ),
    });
  }
  return effects;
}

/**
 * A risk check: with no open risk, any trigger opens one; with one open, the risk closes when none of the triggers
 * holds and health has held at least `close.minBand` for `close.forDays`; new evidence is noted.
 */
export function decideRiskCheck(config: Config, view: AccountView, input: CheckInput): Decision {
  const triggers = triggersOf(config, view, input.signalTriggers);
  const risk = view.openRisk;
  if (!risk) {
    if (triggers.length === 0) {
      return {
        summary: 'no risk',
        effects: [
          {
            kind: 'timeline',
            entry: {
              action: 'risk_check',
              what: `Risk check (${input.origin}): no risk opened`,
              why: 'none of the detection rules holds now',
              cause: `risk_check:${input.cause}`,
            },
          },
        ],
      };
    }
    return {
      summary: `open: ${triggers.map((t) => t.id).join(', ')}`,
      effects: openRisk(config, view, triggers, input),
    };
  }
  const close = config.escalation.close;
  const held = daysAtLeast(view.trail, view.health.band, close.minBand, view.now);
  if (triggers.length === 0 && held >= close.forDays) {
    return {
      summary: 'close: recovered',
      effects: closeRiskEffects(config, view, risk, {
        at: input.at,
        reason: `recovered: health ${view.health.band} for ${held} days and none of the triggers holds`,
        cause: input.cause,
        notify: true,
      }),
    };
  }
  const fresh = triggers.filter((t) => !risk.triggers.includes(t.id));
  if (fresh.length > 0) {
    const requires = { riskId: risk.riskId, status: 'open' as const };
    return {
      summary: `evidence: ${fresh.map((t) => t.id).join(', ')}`,
      effects: [
        {
          kind: 'note_evidence',
          requires,
          riskId: risk.riskId,
          triggers: [...risk.triggers, ...fresh.map((t) => t.id)],
          reasons: [...risk.reasons, ...fresh.map((t) => t.text)],
        },
        ...fresh.map(
          (t): Effect => ({
            kind: 'timeline',
            requires,
            entry: {
              action: 'risk_evidence',
              what: `New evidence on the open tier-${risk.tier} risk`,
              why: t.text,
              cause: `risk_evidence:${risk.riskId}:${t.id}`,
              details: { riskId: risk.riskId, trigger: t.id },
            },
          }),
        ),
      ],
    };
  }
  return {
    summary: 'open risk continues',
    effects: [
      {
        kind: 'timeline',
        entry: {
          action: 'risk_check',
          what: `Risk check (${input.origin}): the open tier-${risk.tier} risk continues`,
          why: triggers.length
            ? triggers.map((t) => t.text).join('; ')
            : `recovering: ${BANDS.includes(view.health.band as Band) ? view.health.band : 'no band'} for ${held} of ${close.forDays} days`,
          cause: `risk_check:${input.cause}`,
        },
      },
    ],
  };
}

/** Whether the daily health pass should start a risk check for this account (the check decides again). */
export function riskCheckNeeded(config: Config, view: AccountView): string | null {
  const triggers = triggersOf(config, view);
  const risk = view.openRisk;
  if (!risk) return triggers.length ? triggers.map((t) => t.id).join(',') : null;
  const close = config.escalation.close;
  if (
    triggers.length === 0 &&
    daysAtLeast(view.trail, view.health.band, close.minBand, view.now) >= close.forDays
  )
    return 'recovered';
  const fresh = triggers.filter((t) => !risk.triggers.includes(t.id));
  return fresh.length ? `evidence:${fresh.map((t) => t.id).join(',')}` : null;
}

/** A tier's acknowledgement deadline: raise the next tier, or hold (acknowledged and improving, or capped by touch). */
export function decideDeadline(
  config: Config,
  view: AccountView,
  input: { riskId: string; tier: number; at: string; cause: string },
): Decision {
  const risk = view.openRisk;
  if (risk?.riskId !== input.riskId || risk.tier !== input.tier) {
    return { summary: 'risk closed or already moved on', effects: [] };
  }
  const policy = config.escalation;
  const outcome = atDeadline(risk, view.health.score, policy, view.health.segment.touch);
  if (outcome.action === 'hold') {
    return {
      summary: `hold: ${outcome.why}`,
      effects: [
        {
          kind: 'timeline',
          entry: {
            action: 'risk_held',
            what: `Risk stays at tier ${risk.tier}`,
            why: outcome.why,
            cause: `risk_deadline:${risk.riskId}:T${input.tier}`,
            details: { riskId: risk.riskId, tier: risk.tier },
          },
        },
      ],
    };
  }
  const toTier = outcome.toTier;
  const nextDeadline = toTier === 2 ? iso(Date.parse(input.at) + policy.ackDays.tier2 * DAY_MS) : null;
  const requires = { riskId: risk.riskId, status: 'open' as const, tier: toTier };
  const { account } = view;
  const csm = csmOf(view, config);
  const manager = managerOf(view);
  const effects: Effect[] = [
    {
      kind: 'raise_risk',
      riskId: risk.riskId,
      toTier,
      ackDeadline: nextDeadline,
      scoreAtTier: view.health.score,
    },
    {
      kind: 'timeline',
      requires,
      entry: {
        action: 'risk_escalated',
        what:
          toTier === 2
            ? `Risk raised to tier 2${manager ? `: ${manager.name} (manager) asked to step in` : ''}, acknowledge by ${day(nextDeadline ?? '')}`
            : `Risk raised to tier 3: on the ${risk.region} weekly cross-functional review`,
        why: outcome.why,
        cause: `risk_deadline:${risk.riskId}:T${input.tier}`,
        details: { riskId: risk.riskId, tier: toTier },
      },
    },
  ];
  if (nextDeadline) {
    effects.push(deadlineTimer(account.id, risk.riskId, 2, nextDeadline, requires));
  } else {
    effects.push({ kind: 'regional_review', requires, riskId: risk.riskId, region: risk.region });
  }
  const notice = {
    subject: `[churnguard] ${account.name}: risk raised to tier ${toTier}`,
    summary:
      toTier === 2
        ? `The ${risk.strategy} risk on ${account.name} (${risk.primaryCause}) is raised to tier 2: ${outcome.why}. ${csm.name} owns it; you are asked to step in.`
        : `The ${risk.strategy} risk on ${account.name} (${risk.primaryCause}) is raised to tier 3: ${outcome.why}. It is on the ${risk.region} weekly cross-functional review.`,
    sections: [
      whySection(view, risk.reasons),
      { heading: 'What to do', lines: policy.strategies[risk.strategy].steps },
      {
        heading: 'How to acknowledge',
        lines: nextDeadline
          ? [`by ${day(nextDeadline)}, or it goes to tier 3:`, ...howToAcknowledge(config, risk)]
          : howToAcknowledge(config, risk),
      },
    ],
  };
  for (const person of [manager, csm]) {
    if (!person) continue;
    effects.push({
      kind: 'message',
      requires,
      message: internalMessage(person, risk.riskId, `T${toTier}`, 'risk_notice', 'immediate', notice, {
        action: 'notice_sent',
        what: `Tier-${toTier} risk notice to ${person.name} (${person.role})`,
        why: outcome.why,
        details: { riskId: risk.riskId, tier: toTier },
      }),
    });
  }
  return { summary: `raise to tier ${toTier}`, effects };
}

/** Rescue: the CSM gets an update every few days until the risk closes. */
export function decideUpdate(
  config: Config,
  view: AccountView,
  input: { riskId: string; at: string; occurrence: string },
): Decision {
  const risk = view.openRisk;
  const every = config.escalation.strategies.rescue.updateEveryDays;
  if (risk?.riskId !== input.riskId || risk.strategy !== 'rescue' || !every) {
    return { summary: 'risk closed: no update', effects: [] };
  }
  const csm = csmOf(view, config);
  const openDays = Math.floor((view.now.getTime() - Date.parse(risk.openedAt)) / DAY_MS);
  const triggers = triggersOf(config, view);
  const requires = { riskId: risk.riskId, status: 'open' as const };
  return {
    summary: 'rescue update',
    effects: [
      {
        kind: 'message',
        requires,
        message: internalMessage(
          csm,
          risk.riskId,
          `update-${input.occurrence}`,
          'risk_update',
          'routine',
          {
            subject: `[churnguard] ${view.account.name}: rescue update, day ${openDays}`,
            summary: `The rescue risk on ${view.account.name} (${risk.primaryCause}) has been open ${openDays} days, at tier ${risk.tier}${risk.acknowledgedAt ? ', acknowledged' : ', not acknowledged yet'}.`,
            sections: [
              whySection(view, triggers.length ? triggers.map((t) => t.text) : ['no trigger holds now']),
              { heading: 'What to do', lines: config.escalation.strategies.rescue.steps },
              { heading: 'How to acknowledge', lines: howToAcknowledge(config, risk) },
            ],
          },
          {
            action: 'notice_sent',
            what: `Rescue update to ${csm.name} (${csm.role}), day ${openDays}`,
            why: 'rescue risks send the CSM an update until they close',
            details: { riskId: risk.riskId },
          },
        ),
      },
      {
        kind: 'set_timer',
        requires,
        timer: {
          kind: 'risk_check',
          accountId: view.account.id,
          ref: updateRef(risk.riskId),
          dueAt: iso(Date.parse(input.at) + every * DAY_MS),
          payload: { step: 'update', riskId: risk.riskId },
        },
      },
    ],
  };
}

/** A deferred outreach message is tried again: the open risk's plays, those already sent skipped by the ledger. */
export function decideOutreach(
  config: Config,
  view: AccountView,
  input: { riskId: string; at: string },
): Decision {
  const risk = view.openRisk;
  if (risk?.riskId !== input.riskId) return { summary: 'risk closed: no outreach', effects: [] };
  const requires = { riskId: risk.riskId, status: 'open' as const };
  return {
    summary: 'outreach retried',
    effects: outreachMessages(config, view, risk, input.at).map((message) => ({
      kind: 'message' as const,
      requires,
      message,
    })),
  };
}

/** A renewal outcome resolves the renewal and, with it, the open risk. */
export function decideRenewalClose(
  config: Config,
  view: AccountView,
  input: { riskId: string; outcome: string; at: string; cause: string },
): Decision {
  const risk = view.openRisk;
  if (risk?.riskId !== input.riskId) return { summary: 'risk already closed', effects: [] };
  return {
    summary: `close: renewal ${input.outcome}`,
    effects: closeRiskEffects(config, view, risk, {
      at: input.at,
      reason: `renewal resolved: ${input.outcome}`,
      cause: input.cause,
      notify: true,
    }),
  };
}

/** The CSM resolves the risk with a note: it closes now, whatever detection says. */
export function decideResolve(
  config: Config,
  view: Pick<AccountView, 'account' | 'health'>,
  risk: RiskRecord,
  input: { note: string; by: string | null; at: string },
): Decision {
  return {
    summary: 'close: resolved by the CSM',
    effects: closeRiskEffects(config, view, risk, {
      at: input.at,
      reason: `resolved${input.by ? ` by ${input.by}` : ''}: ${input.note}`,
      cause: `resolve:${risk.riskId}`,
      notify: false,
    }),
  };
}
