import { z } from 'zod';
import { defaultConfig } from '#config/default';
import { PLAY_KINDS } from '#config/journeys-schema';
import type { Config } from '#config/schema';
import type { Account } from '#core/accounts';
import { type MessageKey, messageKeyId } from '#core/journeys/messages';
import { PHASES, type Phase } from '#core/journeys/milestone-status';
import { planMilestoneCheck } from '#core/journeys/plan';
import { type CompileTemplate, fromHeader, renderMessage } from '#core/journeys/render-message';
import type { Judged } from '#core/journeys/restraint';
import { deferredJourneyTimer } from '#core/journeys/timers';
import { DEFAULT_JOURNEY_TOPICS, type JourneyTopics } from '#core/journeys/topics';
import { unsubscribeToken } from '#core/journeys/unsubscribe-token';
import { milestoneFacts, templateVariables } from '#core/journeys/variables';
import type { Db } from '#store/client';
import { suppressedAmong, unsubscribedContacts } from '#store/contact-preferences-store';
import { putInAppMessage } from '#store/in-app-store';
import { getOpenRisk } from '#store/risk-store';
import {
  listSends,
  markFailed,
  markSent,
  recordNotSent,
  reserveSend,
  toPastSends,
} from '#store/send-ledger-store';
import { recordTimeline } from '#store/timeline-store';
import { scheduleTimer } from '#store/timer-store';
import { unsubscribeSecret } from '#store/unsubscribe-secret-store';
import { type AccountState, loadAccountState } from '../shared/account-state.ts';
import type { Deps } from '../shared/runtime.ts';

const messageKey = z.object({
  playId: z.string(),
  milestone: z.string(),
  recipientId: z.string(),
  occurrence: z.string(),
});

const taskInput = z.discriminatedUnion('task', [
  z.object({
    task: z.literal('evaluate'),
    accountId: z.string(),
    milestone: z.string(),
    phase: z.enum(PHASES),
    dueAt: z.string(),
    execution: z.string().optional(),
  }),
  z.object({
    task: z.literal('settle'),
    accountId: z.string(),
    key: messageKey,
    messageId: z.string().optional(),
    error: z.unknown().optional(),
  }),
]);

/** One email for the state machine's SendEmail step (SESv2 Simple content, one-click unsubscribe headers). */
export interface JourneyEmail {
  accountId: string;
  key: MessageKey;
  from: string;
  /** The SES contact-list topic it is sent under (ListManagementOptions.TopicName), by the play's kind. */
  topic: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: { Name: string; Value: string }[];
}

export interface JourneyEvaluation {
  skip: string | null;
  status: string | null;
  emails: JourneyEmail[];
  inApp: number;
  notSent: number;
  alreadyInLedger: number;
  deferredUntil: string | null;
}

const DAY_MS = 86_400_000;

function renewalNegotiationLive(state: AccountState, now: Date, config: Config): boolean {
  const daysToRenewal =
    (Date.parse(`${state.account.contract.renewalDate}T00:00:00Z`) - now.getTime()) / DAY_MS;
  return (
    state.facts.contractReductionRequested ||
    (daysToRenewal >= 0 && daysToRenewal <= config.restraint.renewalNegotiationDays)
  );
}

interface JourneyContext {
  config: Config;
  compile: CompileTemplate;
  topics: JourneyTopics;
}

async function evaluate(
  deps: Pick<Deps, 'db'>,
  context: JourneyContext,
  input: { accountId: string; milestone: string; phase: Phase; execution?: string },
  now: Date,
): Promise<JourneyEvaluation> {
  const { db } = deps;
  const { config } = context;
  const none = { emails: [], inApp: 0, notSent: 0, alreadyInLedger: 0, deferredUntil: null };
  const state = await loadAccountState(db, input.accountId, now, config);
  if (!state) return { skip: 'account no longer exists', status: null, ...none };
  if (state.facts.churned) return { skip: 'account churned', status: null, ...none };
  const [openRisk, unsubscribed, suppressed, sends] = await Promise.all([
    getOpenRisk(db, input.accountId),
    unsubscribedContacts(db, input.accountId),
    suppressedAmong(
      db,
      state.account.contacts.map((c) => c.email),
    ),
    listSends(db, input.accountId),
  ]);
  const situation = {
    band: state.health.band,
    openEscalation: openRisk !== undefined,
    urgentTicket: state.facts.urgentTicketsOpen,
  };
  const plan = planMilestoneCheck(config, {
    account: state.account,
    rollups: state.rollups,
    situation,
    milestone: input.milestone,
    phase: input.phase,
    inLedger: new Set(sends.map(messageKeyId)),
    restraint: {
      accountId: input.accountId,
      now,
      unsubscribed,
      suppressed,
      recentSends: toPastSends(sends),
      context: {
        openEscalation: situation.openEscalation,
        urgentTicket: situation.urgentTicket,
        renewalNegotiation: renewalNegotiationLive(state, now, config),
      },
    },
  });
  if (!plan.check)
    return { skip: `milestone ${input.milestone} is not in the journey`, status: null, ...none };
  const at = now.toISOString();
  const result: JourneyEvaluation = {
    skip: null,
    status: plan.check.status,
    ...none,
    emails: [],
    alreadyInLedger: plan.alreadyInLedger,
  };
  for (const row of plan.notSelected) {
    await recordNotSent(db, {
      ...row.key,
      accountId: input.accountId,
      at,
      channel: row.channel,
      outcome: 'not_selected',
      reason: row.reason,
      detail: row.detail,
    });
    result.notSent++;
  }
  const secret = await unsubscribeSecret(db);
  const deferrals: string[] = [];
  for (const judged of plan.judged) {
    const outcome = await act(db, context, state.account, state, plan.check, judged, {
      at,
      secret,
      ...input,
    });
    if (outcome.kind === 'email') result.emails.push(outcome.email);
    else if (outcome.kind === 'in_app') result.inApp++;
    else if (outcome.kind === 'already') result.alreadyInLedger++;
    else {
      result.notSent++;
      if (outcome.deferUntil) deferrals.push(outcome.deferUntil);
    }
  }
  const earliest = deferrals.sort()[0];
  if (earliest) {
    await scheduleTimer(db, deferredJourneyTimer(input.accountId, input.milestone, input.phase, earliest));
    result.deferredUntil = earliest;
  }
  return result;
}

type Outcome =
  | { kind: 'email'; email: JourneyEmail }
  | { kind: 'in_app' }
  | { kind: 'already' }
  | { kind: 'not_sent'; deferUntil?: string };

async function act(
  db: Db,
  { config, compile, topics }: JourneyContext,
  account: Account,
  state: AccountState,
  check: NonNullable<ReturnType<typeof planMilestoneCheck>['check']>,
  { candidate, verdict }: Judged,
  context: { at: string; secret: string; accountId: string; execution?: string },
): Promise<Outcome> {
  const { key, play, recipient } = candidate;
  if (verdict.outcome !== 'send') {
    await recordNotSent(db, {
      ...key,
      accountId: account.id,
      at: context.at,
      channel: play.channel,
      outcome: verdict.outcome,
      reason: verdict.reason,
      detail: verdict.detail,
      deferUntil: verdict.deferUntil,
    });
    return { kind: 'not_sent', deferUntil: verdict.deferUntil };
  }
  // Reserve before anything reaches the recipient: a second run, a retry or a concurrent run stops here.
  const reserved = await reserveSend(db, account.id, key, {
    channel: play.channel,
    priority: play.priority,
    at: context.at,
    execution: context.execution,
  });
  if (!reserved) return { kind: 'already' };
  const template = config.templates[play.template];
  if (!template)
    throw new Error(`play ${key.playId} names template ${play.template}, which is not configured`);
  const toContact = play.channel !== 'csm_notice';
  const unsubscribeUrl = toContact
    ? `${config.messaging.publicBaseUrl}/v1/unsubscribe/${unsubscribeToken(context.secret, account.id, recipient.id)}`
    : undefined;
  const variables = templateVariables({
    account,
    recipient,
    health: { score: state.health.score, band: state.health.band },
    check,
    milestone: milestoneFacts(config, check.milestone),
    brand: config.brand,
  });
  const rendered = await renderMessage(compile, template, variables, unsubscribeUrl, config.brand);
  await recordTimeline(db, {
    accountId: account.id,
    at: context.at,
    action: play.channel === 'csm_notice' ? 'csm_notice' : 'journey_message',
    what: `${key.playId} (${play.channel}) to ${recipient.name}: ${rendered.subject}`,
    why: `${check.label}: ${check.status} (day ${check.daysLive}, due day ${check.dueDay})`,
    cause: `journey:${messageKeyId(key)}`,
    execution: context.execution,
  });
  if (play.channel === 'in_app') {
    await putInAppMessage(db, key, {
      contactId: recipient.id,
      accountId: account.id,
      at: context.at,
      playId: key.playId,
      milestone: key.milestone,
      subject: rendered.subject,
      text: rendered.text,
    });
    await markSent(db, account.id, key, `in_app:${messageKeyId(key)}`, context.at);
    return { kind: 'in_app' };
  }
  return {
    kind: 'email',
    email: {
      accountId: account.id,
      key,
      from: fromHeader(config.messaging.from, config.brand),
      topic: topics[play.kind],
      to: [recipient.email],
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      headers: rendered.headers.map((h) => ({ Name: h.name, Value: h.value })),
    },
  };
}

/** The construct's topic per play kind (JOURNEY_TOPICS, JSON); checked at cold start, a bad value throws. */
export function journeyTopicsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<JourneyTopics> {
  if (!env.JOURNEY_TOPICS) return {};
  return z.partialRecord(z.enum(PLAY_KINDS), z.string().min(1)).parse(JSON.parse(env.JOURNEY_TOPICS));
}

const sesError = z.object({ Error: z.string().optional(), Cause: z.string().optional() });

export interface JourneyTaskOptions {
  /** The playbook config; else the one in `deps`, else the built-in default. */
  config?: Config;
  /**
   * Turns a template into HTML: MJML locally (core/journeys/render.ts), the HTML compiled into the bundle in
   * Lambda (functions/shared/bundled-config.ts), so mjml never loads in the function.
   */
  compile: CompileTemplate;
  /** SES subscription topic per play kind (the construct's email props); DEFAULT_JOURNEY_TOPICS otherwise. */
  topics?: Partial<JourneyTopics>;
}

/**
 * The MilestoneJourney state machine's tasks. `evaluate`: load the account, check the milestone, select plays,
 * run restraint, record what is not sent, reserve what is, store in-app messages and return the emails for the
 * SendEmail step. `settle`: record SES's answer (message id, or the error) on the send ledger.
 */
export function createMilestoneJourneyHandler(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  options: JourneyTaskOptions,
) {
  const context: JourneyContext = {
    config: options.config ?? deps.config ?? defaultConfig,
    compile: options.compile,
    topics: { ...DEFAULT_JOURNEY_TOPICS, ...options.topics },
  };
  return async (event: unknown) => {
    const input = taskInput.parse(event);
    const now = deps.clock.now();
    if (input.task === 'evaluate') return evaluate(deps, context, input, now);
    if (input.messageId) {
      return {
        settled: await markSent(deps.db, input.accountId, input.key, input.messageId, now.toISOString()),
      };
    }
    const error = sesError.safeParse(input.error);
    const why = error.success ? `${error.data.Error ?? 'error'}: ${error.data.Cause ?? ''}` : 'send failed';
    return { settled: await markFailed(deps.db, input.accountId, input.key, why, now.toISOString()) };
  };
}
