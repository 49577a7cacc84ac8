import { Logger } from '@aws-lambda-powertools/logger';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { describePost } from '#core/channels/describe';
import { DAY_MS } from '#core/clock';
import { checkAccounts } from '#core/ingest';
import type { BookEntry } from '#core/renewals/book';
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
  type SimPost,
  type SimSkip,
  type SimSummary,
  summarise,
} from '#core/simulation/summary';
import type { FieldError } from '#core/validation';
import { createAccountsHandler } from '#functions/accounts/app';
import { createRisksHandler } from '#functions/risks/app';
import type { ChatPoster, OutgoingPost } from '#functions/shared/chat-poster';
import type { PassHooks } from '#functions/shared/health/recompute-portfolio';
import type { Mailer, OutgoingEmail } from '#functions/shared/mailer';
import { createSignalsHandler } from '#functions/signals/app';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { suppress, unsubscribe } from '#store/contact-preferences-store';
import { expireItems } from '#store/memory/client';
import { listReviews } from '#store/review-store';
import { getOpenRisk } from '#store/risk-store';
import { listNotSent } from '#store/send-ledger-store';
import { readRollups } from '#store/signal-store';
import { readTimeline } from '#store/timeline-store';
import { unsubscribeSecret } from '#store/unsubscribe-secret-store';
import { loadAccountView, useCaseDeps } from '#usecases/account-view';
import { loadWholeBook } from '#usecases/renewals';
import { VirtualClock } from '../virtual-clock.ts';
import { createWorkflowEngine } from '../workflow-engine.ts';
import { readAccountDays } from './daily-history.ts';
import { HistoryArchive } from './history-archive.ts';
import { ReadingsRecorder } from './readings-recorder.ts';
import { openSimulationStore, type SimulationStore, simulationHorizons } from './store.ts';

const HOUR_MS = 3_600_000;
const KEY = 'cg_simulation';
/** Step Functions lets an execution name be used again 90 days after its execution closed, and forgets it. */
const STEP_FUNCTIONS_NAME_REUSE_DAYS = 90;

/** What people do during a run, at a time: through the same API calls and stores as in production. */
export type SimEvent =
  | { kind: 'ack'; at: string; accountId: string; note: string; by?: string }
  | { kind: 'resolve'; at: string; accountId: string; note: string; by?: string }
  | {
      kind: 'causes';
      at: string;
      accountId: string;
      primary: string;
      secondary: string | null;
      by: string;
    }
  | { kind: 'update'; at: string; accountId: string; changes: Record<string, unknown> }
  | { kind: 'reviews'; at: string; accountId: string; outcome: 'held' | 'missed'; by: string }
  | {
      kind: 'contact';
      at: string;
      accountId: string;
      contactId: string;
      event: 'unsubscribe' | 'bounce' | 'complaint';
    };

/** The scenario file's fields for a run's events (the inverse of scenarioEvents), for --write-scenario. */
export function eventFields(events: readonly SimEvent[]) {
  const strip = <T extends { kind: string }>(event: T): Omit<T, 'kind'> => {
    const { kind: _kind, ...rest } = event;
    return rest;
  };
  const of = <K extends SimEvent['kind']>(kind: K) =>
    events.filter((e): e is Extract<SimEvent, { kind: K }> => e.kind === kind).map(strip);
  return {
    acks: of('ack'),
    resolutions: of('resolve'),
    rootCauses: of('causes'),
    accountUpdates: of('update'),
    reviewReports: of('reviews'),
    contactEvents: of('contact'),
  };
}

/** What a run is fed: a validated scenario, or a synthetic portfolio that makes each day's signals on demand. */
export interface SimulationInput {
  start: string;
  days: number;
  accounts: unknown[];
  signalsForDay(day: number): unknown[];
  outcomes: Scenario['outcomes'];
  /** Acknowledgements, resolutions, root causes, account updates, review reports and contact events, in time order. */
  events: SimEvent[];
}

/** A scenario's timed events (acks, resolutions, root causes, account updates, review reports, contact events), in time order. */
export function scenarioEvents(scenario: Scenario): SimEvent[] {
  const events: SimEvent[] = [
    ...scenario.acks.map((a): SimEvent => ({ kind: 'ack', ...a })),
    ...scenario.resolutions.map((r): SimEvent => ({ kind: 'resolve', ...r })),
    ...scenario.rootCauses.map((c): SimEvent => ({ kind: 'causes', ...c })),
    ...scenario.accountUpdates.map((u): SimEvent => ({ kind: 'update', ...u })),
    ...scenario.reviewReports.map((r): SimEvent => ({ kind: 'reviews', ...r })),
    ...scenario.contactEvents.map((e): SimEvent => ({ kind: 'contact', ...e })),
  ];
  return events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export interface SimulationResult {
  start: string;
  days: number;
  actions: SimAction[];
  skipped: SimSkip[];
  emails: SimEmail[];
  /** Slack and Teams posts, captured like the mail (config `channels`; none without destinations). */
  posts: SimPost[];
  accounts: SimAccountEnd[];
  /** The renewal outcomes the run was fed, in time order (what `churnguard evaluate` judges the score by). */
  outcomes: SimOutcome[];
  rejected: { day: number; index: number; id?: string; errors: FieldError[] }[];
  summary: SimSummary;
  /**
   * Each account at the end of the run as the renewal desk, retention and the risk list read it (profile, health
   * summary, open risk, latest review, contract history, top drivers): `churnguard report <result.json>` computes
   * those views from it with the functions the API uses (core/renewals/book.ts), as of the run's end.
   */
  book: BookEntry[];
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
    else {
      const bucket = byDay.get(day);
      if (bucket) bucket.push(signal);
      else byDay.set(day, [signal]);
    }
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
    outcomes: scenario.outcomes,
    events: scenarioEvents(scenario),
  };
}

/** A day's signals by the UTC hour they happened in (a signal dated outside the day goes to its edge). */
function byHour(signals: readonly unknown[], dayStart: number): unknown[][] {
  const hours: unknown[][] = Array.from({ length: 24 }, () => []);
  for (const signal of signals) {
    const at =
      typeof signal === 'object' && signal !== null && 'occurredAt' in signal
        ? Date.parse(String(signal.occurredAt))
        : Number.NaN;
    const hour = Number.isNaN(at) ? 23 : Math.min(23, Math.max(0, Math.floor((at - dayStart) / HOUR_MS)));
    hours[hour]?.push(signal);
  }
  return hours;
}

interface EventTargets {
  db: Db;
  clock: VirtualClock;
  accountsApi: ReturnType<typeof createAccountsHandler>;
  risksApi: ReturnType<typeof createRisksHandler>;
  /** Each account as last posted, for updates that change some fields. */
  latest: Map<string, AccountInput>;
}

/** One scenario event, through the API a person would use (or the store SES feedback writes to). */
async function applyEvent(targets: EventTargets, event: SimEvent): Promise<void> {
  const { db } = targets;
  const at = targets.clock.now().toISOString();
  if (event.kind === 'update') {
    const before = targets.latest.get(event.accountId);
    if (!before) return;
    const changes = event.changes as Partial<AccountInput>;
    const after = { ...before, ...changes, contract: { ...before.contract, ...(changes.contract ?? {}) } };
    targets.latest.set(event.accountId, after);
    await post(targets.accountsApi, 'POST /v1/accounts', { accounts: [after] });
    return;
  }
  if (event.kind === 'reviews') {
    // A digital self-review has no meeting to report.
    const due = (await listReviews(db, event.accountId)).filter(
      (review) =>
        review.status === 'scheduled' &&
        review.format !== 'digital' &&
        Date.parse(review.startsAt) <= Date.parse(event.at),
    );
    for (const review of due) {
      const answer = await post(
        targets.risksApi,
        'POST /v1/accounts/{id}/reviews/{reviewId}',
        { outcome: event.outcome, by: event.by },
        { id: event.accountId, reviewId: review.reviewId },
      );
      if (answer.statusCode !== 200) {
        throw new Error(`the review report of ${event.accountId} at ${event.at} was refused: ${answer.body}`);
      }
    }
    return;
  }
  if (event.kind === 'contact') {
    const contact = targets.latest.get(event.accountId)?.contacts.find((c) => c.id === event.contactId);
    if (event.event === 'unsubscribe') await unsubscribe(db, event.accountId, event.contactId, at);
    else if (contact) await suppress(db, contact.email, event.event, at);
    return;
  }
  const risk = await getOpenRisk(db, event.accountId);
  if (!risk) return;
  if (event.kind === 'ack') {
    await post(
      targets.risksApi,
      'POST /v1/risks/{id}/ack',
      { note: event.note, by: event.by },
      { id: risk.riskId },
    );
  } else if (event.kind === 'resolve') {
    await post(
      targets.risksApi,
      'POST /v1/risks/{id}/resolve',
      { note: event.note, by: event.by },
      { id: risk.riskId },
    );
  } else {
    await post(
      targets.risksApi,
      'POST /v1/risks/{id}/causes',
      { primary: event.primary, secondary: event.secondary, by: event.by },
      { id: risk.riskId },
    );
  }
}

/** Mail goes nowhere: it is captured, with deterministic ids, for result.json. */
function outbox(clock: VirtualClock, onEmail?: RunOptions['onEmail']): Mailer & { sent: SimEmail[] } {
  const sent: SimEmail[] = [];
  return {
    sent,
    async send(email: OutgoingEmail) {
      onEmail?.(email, clock.now());
      sent.push({
        at: clock.now().toISOString(),
        to: [...email.to, ...(email.cc ?? [])].sort(),
        subject: email.subject,
        text: email.text,
        ...(email.attachments?.length ? { attachments: email.attachments } : {}),
      });
      return `sim-${sent.length}`;
    },
  };
}

/** Slack and Teams posts go nowhere either: captured for result.json beside the mail. */
function chatOutbox(clock: VirtualClock): ChatPoster & { sent: SimPost[] } {
  const sent: SimPost[] = [];
  return {
    sent,
    async post(post: OutgoingPost) {
      sent.push({
        at: clock.now().toISOString(),
        kind: post.kind,
        destination: post.destination,
        ...describePost(post),
        payload: post.payload,
      });
      return `sim-post-${sent.length}`;
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
export type PhaseProfile = Record<
  'setup' | 'timers' | 'health' | 'signals' | 'acks' | 'expiry' | 'collect',
  number
>;

export const emptyPhaseProfile = (): PhaseProfile => ({
  setup: 0,
  timers: 0,
  health: 0,
  signals: 0,
  acks: 0,
  expiry: 0,
  collect: 0,
});

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Adds the time since the last lap to a phase of `profile` (when there is one), by `now`'s clock. The daily health
 * pass runs inside the timers' phase (the engine's advance) and is counted on its own: what it took is told
 * (addHealth) and left out of the phase it ran in.
 */
function phaseMeter(profile: PhaseProfile | undefined, now: () => number) {
  let mark = now();
  let health = 0;
  return {
    lap(phase: keyof PhaseProfile) {
      const at = now();
      if (profile) profile[phase] += at - mark - health;
      health = 0;
      mark = at;
    },
    addHealth(ms: number) {
      if (!profile) return;
      profile.health += ms;
      health += ms;
    },
  };
}

/** How a run is observed and configured; every field is optional. */
export interface RunOptions {
  /** Called after each virtual day (progress bars). */
  onDay?: (day: number, days: number) => void;
  /** Filled with wall time per phase (benchmarks). */
  profile?: PhaseProfile;
  /**
   * Filled with this process's CPU time per phase, every thread's and garbage collection included (benchmarks): a
   * run's own only when it is alone in its process (one shard).
   */
  cpuProfile?: PhaseProfile;
  /** Filled with how many signals entered the run (benchmarks). */
  counts?: { signals: number };
  /** The playbook config the run uses (handlers, workflows, scoring); the built-in default when absent. */
  config?: Config;
  /** Where the data lives: the in-memory store adapter (default) or a private DynamoDB Local. */
  store?: SimulationStore;
  /** What the daily pass learns baselines from: a shard pools every shard's samples (shards.ts). */
  poolSamples?: PassHooks['poolSamples'];
  /**
   * Keep every item in the store for the whole run. By default the in-memory store forgets what no reader of the
   * run reads any more (simulationHorizons, store.ts), keeping what the result needs of it in the run's archive,
   * which bounds a long backtest's memory and gives the same result; a run whose store is read afterwards (atEnd)
   * keeps everything.
   */
  keepEverything?: boolean;
  /** Called with each email as the run captures it, whole, and the virtual time (the demo delivers the latest). */
  onEmail?: (email: OutgoingEmail, at: Date) => void;
  /**
   * The HMAC key of unsubscribe links. A fixed one by default, so every run's links (and result) are the same;
   * a run whose data is kept (the demo) passes a secret one.
   */
  linkSecret?: () => string;
  /** Called with the run's store and clock once the last day is done, before the store closes (the demo copies it). */
  atEnd?: (db: Db, clock: VirtualClock) => Promise<void>;
}

export async function runSimulation(
  input: SimulationInput,
  options: RunOptions = {},
): Promise<SimulationResult> {
  const parts = await simulateParts(input, options);
  const wall = phaseMeter(options.profile, () => Date.now());
  const cpu = phaseMeter(options.cpuProfile, cpuMs);
  const result = assembleResult(input, [parts], options.config);
  wall.lap('collect');
  cpu.lap('collect');
  return result;
}

/** What one run (or one shard of a run) saw, before it is sorted and summarised with the others. */
export type SimulationParts = Pick<
  SimulationResult,
  'actions' | 'skipped' | 'emails' | 'posts' | 'accounts' | 'rejected' | 'book'
>;

/**
 * Runs the accounts of `input` and collects what happened to them. Accounts meet in the baselines the daily pass
 * learns (a shard learns them from every shard's accounts) and in mail to people (a region's weekly digest, a
 * CSM's daily notices, each within one region), so a portfolio split into shards by whole regions gives the same
 * parts, in pieces (local/simulation/shards.ts; the shard test checks the whole result is identical).
 */
export async function simulateParts(
  input: SimulationInput,
  {
    onDay,
    profile,
    cpuProfile,
    counts,
    config,
    store = 'memory',
    poolSamples,
    onEmail,
    linkSecret = () => 'simulation',
    atEnd,
    keepEverything = atEnd !== undefined,
  }: RunOptions = {},
): Promise<SimulationParts> {
  const wall = phaseMeter(profile, () => Date.now());
  const cpu = phaseMeter(cpuProfile, cpuMs);
  const lap = (phase: keyof PhaseProfile) => {
    wall.lap(phase);
    cpu.lap(phase);
  };
  const archive = new HistoryArchive(config ?? defaultConfig, input.start, input.days);

  const opened = await openSimulationStore(
    store,
    keepEverything ? [] : simulationHorizons(config ?? defaultConfig, archive),
  );
  try {
    const { db } = opened;
    const startMs = Date.parse(`${input.start}T00:00:00Z`);
    const outcomeDays = new Map<string, number[]>();
    for (const o of input.outcomes)
      outcomeDays.set(o.accountId, [
        ...(outcomeDays.get(o.accountId) ?? []),
        Math.floor((Date.parse(o.at) - startMs) / DAY_MS),
      ]);
    const readings = new ReadingsRecorder(config ?? defaultConfig, input.days, outcomeDays);
    const clock = new VirtualClock(new Date(startMs));
    const mail = outbox(clock, onEmail);
    const chat = chatOutbox(clock);
    const deps = { db, clock, logger: new Logger({ logLevel: 'SILENT' }), ...(config ? { config } : {}) };
    const useCase = useCaseDeps(deps);
    const engine = createWorkflowEngine(deps, {
      mailer: mail,
      poster: chat,
      forgetClosedExecutionsAfterDays: STEP_FUNCTIONS_NAME_REUSE_DAYS,
      ...(poolSamples ? { poolSamples } : {}),
      onScheduledRun: (run, ms, cpuMsUsed) => {
        if (run !== 'daily-health-pass') return;
        wall.addHealth(ms);
        cpu.addHealth(cpuMsUsed);
      },
    });
    await registerApiKey(db, KEY, 'simulation', clock.now());
    // Mail is captured, never sent: a fixed link secret makes every run's unsubscribe links (and result) the same.
    await unsubscribeSecret(db, linkSecret);
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
    const latest = new Map(checkAccounts(input.accounts).valid.map((v) => [v.account.id, v.account]));
    const act = (event: SimEvent) => applyEvent({ db, clock, accountsApi, risksApi, latest }, event);
    const events = [...input.events];
    for (let day = 0; day < input.days; day++) {
      const dayStart = startMs + day * DAY_MS;
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
      const hours = byHour([...input.signalsForDay(day), ...outcomes], dayStart);
      // Hour by hour: what is due by the end of an hour runs (timers, the daily passes and mail), then the hour's
      // signals arrive and people act; a 09:00 checkpoint sees 08:59's signals, not 09:30's. Hours with nothing
      // arriving are passed over in one step.
      for (let hour = 0; hour < 24; hour++) {
        const hourEnd = dayStart + (hour + 1) * HOUR_MS - 1000;
        const signals = hours[hour] ?? [];
        const acting = events[0] !== undefined && Date.parse(events[0].at) <= hourEnd;
        if (signals.length === 0 && !acting) continue;
        await engine.advance(new Date(hourEnd), clock);
        lap('timers');
        if (counts) counts.signals += signals.length;
        for (let i = 0; i < signals.length; i += 1000) {
          const response = await post(signalsApi, 'POST /v1/signals', {
            signals: signals.slice(i, i + 1000),
          });
          const body = JSON.parse(response.body ?? '{}') as {
            rejected?: { index: number; id?: string; errors: FieldError[] }[];
          };
          for (const r of body.rejected ?? []) rejected.push({ day, ...r, index: r.index + i });
        }
        lap('signals');
        while (events[0] && Date.parse(events[0].at) <= hourEnd) {
          const event = events.shift();
          if (event) await act(event);
        }
        lap('acks');
      }
      await engine.advance(new Date(dayStart + DAY_MS - 1000), clock);
      lap('timers');
      expireItems(db, new Date(dayStart + DAY_MS - 1000));
      lap('expiry');
      await readings.record(db, accountIds, day);
      lap('collect');
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
          ...(Array.isArray(details.triggers) ? { triggers: details.triggers.map(String) } : {}),
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
      const state = await loadAccountView(useCase, accountId);
      const risk = state?.openRisk;
      const observed = state !== undefined && state.account.goLiveDate >= input.start;
      const journeyClass = observed
        ? observedJourneyClass(
            config ?? defaultConfig,
            state.account,
            await readRollups(db, accountId, input.start, clock.now().toISOString().slice(0, 10)),
            input.start,
            clock.now(),
            archive.milestones(accountId),
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
        daily: {
          ...(await readAccountDays(db, accountId, input.start, input.days, archive)),
          ...readings.of(accountId),
        },
      });
    }
    const book = await loadWholeBook(useCase);
    lap('collect');
    await atEnd?.(db, clock);
    return { actions, skipped, emails: mail.sent, posts: chat.sent, accounts, rejected, book };
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
  const posts = parts.flatMap((p) => p.posts);
  posts.sort(
    (a, b) =>
      a.at.localeCompare(b.at) ||
      a.kind.localeCompare(b.kind) ||
      a.destination.localeCompare(b.destination) ||
      a.title.localeCompare(b.title),
  );
  const accounts = parts.flatMap((p) => p.accounts);
  accounts.sort((a, b) => a.accountId.localeCompare(b.accountId));
  const book = parts.flatMap((p) => p.book);
  book.sort((a, b) => a.account.id.localeCompare(b.account.id));
  const rejected = parts.flatMap((p) => p.rejected);
  rejected.sort((a, b) => a.day - b.day || a.index - b.index);
  const outcomes: SimOutcome[] = input.outcomes
    .map((o) => ({ accountId: o.accountId, outcome: o.outcome, at: o.at }))
    .sort((a, b) => byTime(a, b) || a.outcome.localeCompare(b.outcome));
  return {
    start: input.start,
    days: input.days,
    actions,
    skipped,
    emails,
    posts,
    accounts,
    outcomes,
    rejected,
    summary: summarise(actions, skipped, emails, outcomes, holdoutShares(config ?? defaultConfig)),
    book,
  };
}
