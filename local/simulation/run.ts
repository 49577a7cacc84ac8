import { Logger } from '@aws-lambda-powertools/logger';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { checkAccounts } from '#core/ingest';
import type { SignalInput } from '#core/signals';
import { observedJourneyClass } from '#core/simulation/journey';
import type { Scenario } from '#core/simulation/scenario';
import {
  holdoutShares,
  journeyMessageOf,
  type SimAccountEnd,
  type SimAction,
  type SimEmail,
  type SimOutcome,
  type SimSkip,
  type SimSummary,
  summarise,
} from '#core/simulation/summary';
import type { FieldError } from '#core/validation';
import { createAccountsHandler } from '#functions/accounts/app';
import { createRisksHandler } from '#functions/risks/app';
import { loadAccountState } from '#functions/shared/account-state';
import type { Mailer, OutgoingEmail } from '#functions/shared/mailer';
import { createSignalsHandler } from '#functions/signals/app';
import { registerApiKey } from '#store/api-key-store';
import { expireItems } from '#store/memory/client';
import type { Horizon } from '#store/memory/table';
import { getOpenRisk } from '#store/risk-store';
import { listNotSent } from '#store/send-ledger-store';
import { readRollups } from '#store/signal-store';
import { readTimeline } from '#store/timeline-store';
import { VirtualClock } from '../virtual-clock.ts';
import { createWorkflowEngine } from '../workflow-engine.ts';
import { capturedSes } from './captured-ses.ts';
import { openSimulationStore, type SimulationStore } from './store.ts';

const DAY_MS = 86_400_000;
const KEY = 'cg_simulation';
/** Step Functions lets an execution name be used again 90 days after its execution closed, and forgets it. */
const STEP_FUNCTIONS_NAME_REUSE_DAYS = 90;

/** What a run is fed: a validated scenario, or a synthetic portfolio that makes each day's signals on demand. */
export interface SimulationInput {
  start: string;
  days: number;
  accounts: unknown[];
  signalsForDay(day: number): unknown[];
  acks: Scenario['acks'];
  outcomes: Scenario['outcomes'];
}

export interface SimulationResult {
  start: string;
  days: number;
  actions: SimAction[];
  skipped: SimSkip[];
  emails: SimEmail[];
  accounts: SimAccountEnd[];
  rejected: { day: number; index: number; id?: string; errors: FieldError[] }[];
  summary: SimSummary;
}

export class ScenarioError extends Error {
  constructor(
    readonly errors: FieldError[],
    subject = 'the scenario',
  ) {
    super(
      `${subject} has ${errors.length} problem(s):\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`,
    );
    this.name = 'ScenarioError';
  }
}

/** A scenario's signals bucketed by virtual day; a signal outside the window is a field-level error. */
export function scenarioInput(scenario: Scenario): SimulationInput {
  const startMs = Date.parse(`${scenario.start}T00:00:00Z`);
  const byDay = new Map<number, unknown[]>();
  const errors: FieldError[] = [];
  scenario.signals.forEach((signal, index) => {
    const at =
      typeof signal === 'object' && signal !== null && 'occurredAt' in signal
        ? Date.parse(String(signal.occurredAt))
        : Number.NaN;
    const day = Math.floor((at - startMs) / DAY_MS);
    if (Number.isNaN(at))
      errors.push({ path: `signals[${index}].occurredAt`, message: 'must be an ISO 8601 date-time' });
    else if (day < 0 || day >= scenario.days)
      errors.push({
        path: `signals[${index}].occurredAt`,
        message: `must fall inside the scenario window (${scenario.days} days from ${scenario.start})`,
      });
    else byDay.set(day, [...(byDay.get(day) ?? []), signal]);
  });
  const accounts = checkAccounts(scenario.accounts);
  for (const r of accounts.rejected)
    for (const e of r.errors) errors.push({ path: `accounts[${r.index}].${e.path}`, message: e.message });
  if (errors.length) throw new ScenarioError(errors);
  return {
    start: scenario.start,
    days: scenario.days,
    accounts: scenario.accounts,
    signalsForDay: (d) => byDay.get(d) ?? [],
    acks: scenario.acks,
    outcomes: scenario.outcomes,
  };
}

/** Mail goes nowhere: it is captured, with deterministic ids, for result.json. */
function outbox(clock: VirtualClock): Mailer & { sent: SimEmail[] } {
  const sent: SimEmail[] = [];
  return {
    sent,
    async send(email: OutgoingEmail) {
      sent.push({ at: clock.now().toISOString(), to: [...email.to].sort(), subject: email.subject });
      return `sim-${sent.length}`;
    },
  };
}

function post(
  handler: ReturnType<typeof createSignalsHandler>,
  routeKey: string,
  body: unknown,
  pathParameters?: Record<string, string>,
) {
  return handler({
    version: '2.0',
    routeKey,
    rawPath: '/',
    rawQueryString: '',
    headers: { authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
    pathParameters,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'sim',
      apiId: 'sim',
      domainName: 'sim',
      domainPrefix: 'sim',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'sim' },
      requestId: 'sim',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  });
}

/**
 * Runs the real system over a virtual year: the same handlers, store, dispatcher and synthesized state machines,
 * on an in-memory DynamoDB Local, with mail captured. Each virtual day: timers due that day fire first (the
 * dispatcher), then the day's signals, acknowledgements and outcomes enter through the API handlers.
 */
/** Where a run's wall time goes, in milliseconds by phase; filled when passed (benchmarks). */
export type PhaseProfile = Record<'setup' | 'timers' | 'signals' | 'acks' | 'expiry' | 'collect', number>;

export const emptyPhaseProfile = (): PhaseProfile => ({
  setup: 0,
  timers: 0,
  signals: 0,
  acks: 0,
  expiry: 0,
  collect: 0,
});

/** How a run is observed and configured; every field is optional. */
export interface RunOptions {
  /** Called after each virtual day (progress bars). */
  onDay?: (day: number, days: number) => void;
  /** Filled with wall time per phase (benchmarks). */
  profile?: PhaseProfile;
  /** Filled with how many signals entered the run (benchmarks). */
  counts?: { signals: number };
  /** The playbook config the run uses (handlers, workflows, scoring); the built-in default when absent. */
  config?: Config;
  /** Where the data lives: the in-memory store adapter (default) or a private DynamoDB Local. */
  store?: SimulationStore;
  /**
   * What the in-memory store forgets besides expired items (store/memory/horizons.ts), to bound a long backtest's
   * memory; none by default. With scoringHorizons, accounts' journey classes below see only the kept rollups.
   */
  horizons?: readonly Horizon[];
}

export async function runSimulation(
  input: SimulationInput,
  options: RunOptions = {},
): Promise<SimulationResult> {
  const parts = await simulateParts(input, options);
  const mark = Date.now();
  const result = assembleResult(input, [parts], options.config);
  if (options.profile) options.profile.collect += Date.now() - mark;
  return result;
}

/** What one run (or one shard of a run) saw, before it is sorted and summarised with the others. */
export type SimulationParts = Pick<
  SimulationResult,
  'actions' | 'skipped' | 'emails' | 'accounts' | 'rejected'
>;

/**
 * Runs the accounts of `input` and collects what happened to them. Accounts only meet in things a simulation does
 * not run (the weekly regional digest, the portfolio passes), so a portfolio split into shards by account gives
 * the same parts, in pieces (local/simulation/shards.ts; the shard test checks the whole result is identical).
 */
export async function simulateParts(
  input: SimulationInput,
  { onDay, profile, counts, config, store = 'memory', horizons }: RunOptions = {},
): Promise<SimulationParts> {
  let mark = Date.now();
  const lap = (phase: keyof PhaseProfile) => {
    const now = Date.now();
    if (profile) profile[phase] += now - mark;
    mark = now;
  };
  const opened = await openSimulationStore(store, horizons);
  try {
    const { db } = opened;
    const startMs = Date.parse(`${input.start}T00:00:00Z`);
    const clock = new VirtualClock(new Date(startMs));
    const mail = outbox(clock);
    const deps = { db, clock, logger: new Logger({ logLevel: 'SILENT' }), ...(config ? { config } : {}) };
    const engine = createWorkflowEngine(deps, {
      mailer: mail,
      ses: capturedSes(clock, mail.sent),
      forgetClosedExecutionsAfterDays: STEP_FUNCTIONS_NAME_REUSE_DAYS,
    });
    await registerApiKey(db, KEY, 'simulation', clock.now());
    const accountsApi = createAccountsHandler(deps);
    const signalsApi = createSignalsHandler(deps);
    const risksApi = createRisksHandler(deps);
    const rejected: SimulationResult['rejected'] = [];
    for (let i = 0; i < input.accounts.length; i += 500) {
      await post(accountsApi, 'POST /v1/accounts', { accounts: input.accounts.slice(i, i + 500) });
    }
    const accountIds = checkAccounts(input.accounts)
      .valid.map((v) => v.account.id)
      .sort();
    for (let day = 0; day < input.days; day++) {
      const dayEnd = new Date(startMs + (day + 1) * DAY_MS - 1000);
      await engine.advance(dayEnd, clock);
      lap('timers');
      const outcomes = input.outcomes
        .filter((o) => Math.floor((Date.parse(o.at) - startMs) / DAY_MS) === day)
        .map(
          (o): SignalInput => ({
            id: `outcome-${o.accountId}-${o.at}`,
            accountId: o.accountId,
            type: 'renewal_outcome',
            occurredAt: o.at,
            attributes: { outcome: o.outcome },
          }),
        );
      const signals = [...input.signalsForDay(day), ...outcomes];
      if (counts) counts.signals += signals.length;
      for (let i = 0; i < signals.length; i += 1000) {
        const response = await post(signalsApi, 'POST /v1/signals', { signals: signals.slice(i, i + 1000) });
        const body = JSON.parse(response.body ?? '{}') as {
          rejected?: { index: number; id?: string; errors: FieldError[] }[];
        };
        for (const r of body.rejected ?? []) rejected.push({ day, ...r, index: r.index + i });
      }
      lap('signals');
      for (const ack of input.acks.filter((a) => Math.floor((Date.parse(a.at) - startMs) / DAY_MS) === day)) {
        const risk = await getOpenRisk(db, ack.accountId);
        if (risk) await post(risksApi, 'POST /v1/risks/{id}/ack', { note: ack.note }, { id: risk.riskId });
      }
      lap('acks');
      expireItems(db, dayEnd);
      lap('expiry');
      onDay?.(day + 1, input.days);
    }

    const actions: SimAction[] = [];
    const skipped: SimSkip[] = [];
    const accounts: SimAccountEnd[] = [];
    const outcomeOf = new Map(input.outcomes.map((o) => [o.accountId, o.outcome]));
    for (const accountId of accountIds) {
      for (const entry of await readTimeline(db, accountId)) {
        const details = (entry.details ?? {}) as Record<string, unknown>;
        actions.push({
          at: entry.at,
          accountId,
          kind: entry.action,
          what: entry.what,
          why: entry.why,
          ...journeyMessageOf(entry.cause),
          ...(typeof details.play === 'string' ? { play: details.play } : {}),
          ...(typeof details.contact === 'string' ? { contact: details.contact } : {}),
          ...(details.mode === 'live' || details.mode === 'silent' || details.mode === 'held_out'
            ? { mode: details.mode }
            : {}),
          ...(typeof details.subject === 'string' ? { subject: details.subject } : {}),
          ...(entry.execution ? { execution: entry.execution } : {}),
        });
      }
      for (const row of await listNotSent(db, accountId)) {
        skipped.push({
          at: row.at,
          accountId,
          play: row.playId,
          contact: row.recipientId,
          outcome: row.outcome,
          reason: row.reason,
        });
      }
      const state = await loadAccountState(db, accountId, clock.now(), config);
      const risk = await getOpenRisk(db, accountId);
      const observed = state !== undefined && state.account.goLiveDate >= input.start;
      const journeyClass = observed
        ? observedJourneyClass(
            config ?? defaultConfig,
            state.account,
            await readRollups(db, accountId, input.start, clock.now().toISOString().slice(0, 10)),
            input.start,
            clock.now(),
          )
        : null;
      accounts.push({
        accountId,
        score: state?.health.score ?? null,
        band: state?.health.band ?? 'unknown',
        drivers: state?.health.drivers.map((d) => d.text) ?? [],
        journeyClass,
        segment: state?.health.segment.segment ?? 'unknown',
        openRisk: risk ? { tier: risk.tier, primaryCause: risk.primaryCause, strategy: risk.strategy } : null,
        outcome: outcomeOf.get(accountId) ?? null,
      });
    }
    lap('collect');
    return { actions, skipped, emails: mail.sent, accounts, rejected };
  } finally {
    await opened.close();
  }
}

const byTime = <T extends { at: string; accountId?: string }>(a: T, b: T) =>
  a.at.localeCompare(b.at) || (a.accountId ?? '').localeCompare(b.accountId ?? '');

/** One result from the parts of a run or of its shards: everything in a fixed order, then the summary. */
export function assembleResult(
  input: Pick<SimulationInput, 'start' | 'days' | 'outcomes'>,
  parts: readonly SimulationParts[],
  config?: Config,
): SimulationResult {
  const actions = parts.flatMap((p) => p.actions);
  actions.sort((a, b) => byTime(a, b) || a.kind.localeCompare(b.kind) || a.what.localeCompare(b.what));
  const skipped = parts.flatMap((p) => p.skipped);
  skipped.sort((a, b) => byTime(a, b) || a.play.localeCompare(b.play) || a.contact.localeCompare(b.contact));
  const emails = parts.flatMap((p) => p.emails);
  emails.sort(
    (a, b) =>
      a.at.localeCompare(b.at) ||
      a.subject.localeCompare(b.subject) ||
      a.to.join().localeCompare(b.to.join()),
  );
  const accounts = parts.flatMap((p) => p.accounts);
  accounts.sort((a, b) => a.accountId.localeCompare(b.accountId));
  const rejected = parts.flatMap((p) => p.rejected);
  rejected.sort((a, b) => a.day - b.day || a.index - b.index);
  const outcomes: SimOutcome[] = input.outcomes.map((o) => ({
    accountId: o.accountId,
    outcome: o.outcome,
    at: o.at,
  }));
  return {
    start: input.start,
    days: input.days,
    actions,
    skipped,
    emails,
    accounts,
    rejected,
    summary: summarise(actions, skipped, emails, outcomes, holdoutShares(config ?? defaultConfig)),
  };
}
