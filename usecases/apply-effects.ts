import { withChatCopies } from '#core/channels/copies';
import { type ChatHold, chatHoldOf } from '#core/channels/hold';
import { renderChatPost } from '#core/channels/render';
import { DAY_MS, utcDay } from '#core/clock';
import type { Effect, MessageDraft, RiskGuard } from '#core/effects/effect';
import { noticeMailbox } from '#core/effects/recipient-hash';
import type { RestraintContext } from '#core/journeys/context';
import { isHeldOut } from '#core/journeys/holdout';
import { type Candidate, messageKeyId, type Verdict } from '#core/journeys/messages';
import { type CompileTemplate, renderMessage } from '#core/journeys/render-message';
import { type RestraintState, restrain } from '#core/journeys/restraint';
import { type JourneyTopics, topicOf } from '#core/journeys/topics';
import { unsubscribeToken } from '#core/journeys/unsubscribe-token';
import { brandVariables } from '#core/journeys/variables';
import { getAccount } from '#store/account-store';
import { addressStandings, departedContacts, unsubscribedContacts } from '#store/contact-preferences-store';
import { holdPost } from '#store/held-post-store';
import { putInAppMessage } from '#store/in-app-store';
import type { LedgerOwner } from '#store/keys';
import { queueNotice } from '#store/notice-queue-store';
import { createReview } from '#store/review-store';
import {
  addToRegionalReview,
  closeRisk,
  getRisk,
  noteEvidence,
  openRisk,
  RiskClosedError,
  raiseTier,
} from '#store/risk-store';
import {
  getSend,
  listSends,
  markSent,
  type NotSentRecord,
  type Outgoing,
  recordNotSent,
  reserveSendRow,
  type SendRecord,
  toPastSends,
} from '#store/send-ledger-store';
import { recordTimeline } from '#store/timeline-store';
import { cancelTimer, scheduleTimer } from '#store/timer-store';
import { unsubscribeSecret } from '#store/unsubscribe-secret-store';
import type { UseCaseDeps } from './account-view.ts';

/**
 * The one executor (DESIGN decision 9): it applies the effects a decision returned, in order, exactly once per
 * cause. Risk changes are conditional writes; an effect guarded by a risk state (`requires`) is skipped when a
 * racing run changed the risk first. Messages go through the send ledger: contact messages through restraint
 * (every skip leaves a not-sent row), routine notices into their recipient's daily mail, in-app messages into the
 * in-app store; email is reserved with its rendered content and handed to the deliver step, which alone sends.
 */

export interface ExecutorDeps extends UseCaseDeps {
  /**
   * Turns a configured template into HTML (MJML locally; precompiled HTML in Lambda). Callers that never apply a
   * template message (closing a risk from the API) need none.
   */
  compile?: CompileTemplate;
  /** SES contact-list topic per play kind (DEFAULT_JOURNEY_TOPICS when absent). */
  topics?: Partial<JourneyTopics>;
}

export interface ApplyInput {
  accountId: string;
  effects: readonly Effect[];
  execution?: string;
  /** How the account looked to the decision: what the context step of restraint holds messages back for. */
  context?: RestraintContext;
}

/** A message reserved for the deliver step (one per email), by ledger owner and message key. */
export interface Delivery {
  owner: LedgerOwner;
  key: string;
  /** The execution that decided it, for its timeline entry (null outside a workflow). */
  execution?: string | null;
}

export interface ApplyResult {
  deliveries: Delivery[];
  /** Effects applied, and those skipped because the risk they belong to moved on. */
  applied: number;
  skipped: { kind: Effect['kind']; why: string }[];
  /** Messages restraint held back, in-app messages posted, routine notices queued for a daily mail. */
  notSent: number;
  inApp: number;
  queued: number;
  /** Slack and Teams posts held by a quiet day for the next allowed day's daily run. */
  held: number;
}

const CALM: RestraintContext = { openEscalation: false, urgentTicket: false, renewalNegotiation: false };

/** The day whose daily notice mail carries a notice queued at `at`: today's, or tomorrow's once today's went. */
export function noticeDay(at: Date, dailyHourUtc: number): string {
  return at.getUTCHours() < dailyHourUtc ? utcDay(at) : utcDay(new Date(at.getTime() + DAY_MS));
}

/** A risk closed between the decision and its application: the evidence is moot. */
function skipWhenClosed(error: unknown): void {
  if (!(error instanceof RiskClosedError)) throw error;
}

class RiskStates {
  private readonly known = new Map<string, { status: 'open' | 'closed'; tier: number } | null>();
  constructor(
    private readonly deps: ExecutorDeps,
    private readonly accountId: string,
  ) {}

  async holds(guard: RiskGuard): Promise<boolean> {
    if (!this.known.has(guard.riskId)) await this.refresh(guard.riskId);
    const state = this.known.get(guard.riskId);
    return (
      state !== null &&
      state !== undefined &&
      state.status === guard.status &&
      (guard.tier === undefined || state.tier === guard.tier)
    );
  }

  async refresh(riskId: string): Promise<void> {
    const risk = await getRisk(this.deps.db, this.accountId, riskId);
    this.known.set(riskId, risk ? { status: risk.status, tier: risk.tier } : null);
  }
}

export async function applyEffects(deps: ExecutorDeps, input: ApplyInput): Promise<ApplyResult> {
  const { db } = deps;
  const at = deps.clock.now().toISOString();
  const risks = new RiskStates(deps, input.accountId);
  const result: ApplyResult = {
    deliveries: [],
    applied: 0,
    skipped: [],
    notSent: 0,
    inApp: 0,
    queued: 0,
    held: 0,
  };
  const messages: MessageDraft[] = [];
  for (const effect of input.effects) {
    if (effect.requires && !(await risks.holds(effect.requires))) {
      result.skipped.push({
        kind: effect.kind,
        why: `risk ${effect.requires.riskId} is no longer ${effect.requires.status}${effect.requires.tier ? ` at tier ${effect.requires.tier}` : ''}`,
      });
      continue;
    }
    switch (effect.kind) {
      case 'timeline':
        await recordTimeline(db, {
          accountId: input.accountId,
          at,
          ...effect.entry,
          ...(input.execution ? { execution: input.execution } : {}),
        });
        break;
      case 'not_sent':
        await recordNotSent(db, {
          ...effect.row.key,
          accountId: input.accountId,
          at,
          channel: effect.row.channel,
          outcome: 'not_selected',
          reason: effect.row.reason,
          detail: effect.row.detail,
        });
        result.notSent++;
        break;
      case 'open_risk': {
        const opened = await openRisk(db, effect.risk);
        await risks.refresh(effect.risk.riskId);
        if (opened.risk.riskId !== effect.risk.riskId) await risks.refresh(opened.risk.riskId);
        break;
      }
      case 'raise_risk':
        await raiseTier(db, { accountId: input.accountId, riskId: effect.riskId }, effect.toTier, effect);
        await risks.refresh(effect.riskId);
        break;
      case 'close_risk':
        await closeRisk(
          db,
          { accountId: input.accountId, riskId: effect.riskId, region: effect.region },
          effect.reason,
          at,
        );
        await risks.refresh(effect.riskId);
        break;
      case 'note_evidence':
        await noteEvidence(db, effect.riskId, effect).catch(skipWhenClosed);
        break;
      case 'regional_review':
        await addToRegionalReview(
          db,
          { accountId: input.accountId, riskId: effect.riskId, region: effect.region },
          at,
        );
        break;
      case 'set_timer':
        await scheduleTimer(db, effect.timer);
        break;
      case 'cancel_timer':
        await cancelTimer(db, input.accountId, effect.timerKind, effect.ref);
        break;
      case 'create_review':
        await createReview(db, effect.review);
        break;
      case 'message':
        messages.push(effect.message);
        break;
    }
    result.applied++;
  }
  if (messages.length > 0) await applyMessages(deps, input, messages, at, result);
  return result;
}

async function restraintState(
  deps: ExecutorDeps,
  accountId: string,
  contacts: readonly MessageDraft[],
  context: RestraintContext,
  sends: readonly SendRecord[],
): Promise<RestraintState> {
  const [unsubscribed, departed, { suppressed, listPreferences }] = await Promise.all([
    unsubscribedContacts(deps.db, accountId),
    departedContacts(deps.db, accountId),
    addressStandings(
      deps.db,
      contacts.map((m) => m.recipient.email),
    ),
  ]);
  return {
    accountId,
    now: deps.clock.now(),
    unsubscribed,
    departed,
    suppressed,
    listPreferences,
    ...(deps.topics ? { topics: deps.topics } : {}),
    recentSends: toPastSends(sends),
    context,
  };
}

const isChat = (channel: MessageDraft['channel']) => channel === 'slack' || channel === 'teams';

/** A Slack or Teams post on a quiet day of its destination waits for the next allowed day's daily run. */
function chatHoldFor(deps: ExecutorDeps, message: MessageDraft): ChatHold {
  if (!isChat(message.channel) || message.content.kind !== 'chat') return { outcome: 'post' };
  const name = message.content.destination;
  const timezone = deps.config.channels.destinations[name]?.timezone ?? 'UTC';
  return chatHoldOf(deps.config, { name, timezone }, deps.clock.now());
}

/** Holdout and silent mode, the only restraint notices to people inside the vendor get. */
function internalVerdict(deps: ExecutorDeps, accountId: string, message: MessageDraft): Verdict {
  const play = message.playId ? deps.config.plays[message.playId] : undefined;
  if (play && isHeldOut(accountId, message.key.playId, play.holdout)) {
    return {
      outcome: 'held_out',
      reason: 'held_out',
      detail: `account in the ${Math.round(play.holdout * 100)}% holdout of ${message.key.playId}`,
    };
  }
  if (play?.silent) {
    return {
      outcome: 'would_have_sent',
      reason: 'silent_mode',
      detail: `${message.key.playId} runs in silent mode`,
    };
  }
  return { outcome: 'send' };
}

async function applyMessages(
  deps: ExecutorDeps,
  input: ApplyInput,
  decided: readonly MessageDraft[],
  at: string,
  result: ApplyResult,
): Promise<void> {
  let messages = decided;
  // Immediate notices to the vendor's people also go to the Slack and Teams destinations their routes name.
  const account = deps.config.channels.routes.length ? await getAccount(deps.db, input.accountId) : undefined;
  if (account) messages = withChatCopies(deps.config, account, messages);
  // A message already in the ledger (an earlier run of this cause) was judged then: it is only routed again.
  const sends = await listSends(deps.db, input.accountId);
  const inLedger = new Map(sends.map((s) => [messageKeyId(s), s]));
  const fresh = messages.filter((m) => !inLedger.has(messageKeyId(m.key)));
  const contacts = fresh.filter((m) => m.audience === 'contact');
  const candidates: Candidate[] = contacts.flatMap((message) => {
    const play = message.playId ? deps.config.plays[message.playId] : undefined;
    return play ? [{ key: message.key, play, recipient: message.recipient }] : [];
  });
  const judged =
    candidates.length > 0
      ? restrain(
          candidates,
          await restraintState(deps, input.accountId, contacts, input.context ?? CALM, sends),
          deps.config.restraint,
        )
      : [];
  const verdictOf = new Map(judged.map((j) => [messageKeyId(j.candidate.key), j.verdict]));
  const retries = new Map<string, NonNullable<MessageDraft['retry']> & { dueAt: string }>();
  let secret: string | undefined;
  for (const message of messages) {
    const existing = inLedger.get(messageKeyId(message.key));
    if (existing) {
      await route(deps, input, message, existing, result);
      continue;
    }
    const verdict: Verdict =
      message.audience === 'contact'
        ? (verdictOf.get(messageKeyId(message.key)) ?? {
            outcome: 'dropped',
            reason: 'context',
            detail: `play ${message.playId ?? '(none)'} is not configured`,
          })
        : internalVerdict(deps, input.accountId, message);
    const notSent = async (row: Pick<NotSentRecord, 'outcome' | 'reason' | 'detail' | 'deferUntil'>) => {
      await recordNotSent(deps.db, {
        ...message.key,
        accountId: input.accountId,
        at,
        channel: message.channel,
        outcome: row.outcome,
        reason: row.reason,
        detail: row.detail,
        ...(row.deferUntil ? { deferUntil: row.deferUntil } : {}),
      });
      result.notSent++;
    };
    if (verdict.outcome !== 'send') {
      await notSent(verdict);
      if (verdict.outcome === 'deferred' && verdict.deferUntil && message.retry) {
        const earlier = retries.get(message.retry.ref);
        if (!earlier || verdict.deferUntil < earlier.dueAt) {
          retries.set(message.retry.ref, { ...message.retry, dueAt: verdict.deferUntil });
        }
      }
      continue;
    }
    const hold = chatHoldFor(deps, message);
    if (hold.outcome !== 'post') {
      await notSent({
        outcome: hold.outcome === 'held' ? 'deferred' : 'dropped',
        reason: 'quiet_hours',
        detail: hold.detail,
        ...(hold.outcome === 'held' ? { deferUntil: hold.until } : {}),
      });
      if (hold.outcome === 'dropped') continue;
    }
    if (message.audience === 'contact' && message.channel === 'email' && secret === undefined) {
      secret = await unsubscribeSecret(deps.db);
    }
    await reserveAndRoute(
      deps,
      input,
      message,
      at,
      secret,
      result,
      hold.outcome === 'held' ? hold.day : undefined,
    );
  }
  for (const timer of retries.values()) await scheduleTimer(deps.db, timer);
}

async function render(
  deps: ExecutorDeps,
  accountId: string,
  message: MessageDraft,
  secret: string | undefined,
): Promise<Outgoing> {
  const content = message.content;
  if (content.kind === 'chat') {
    if (message.channel !== 'slack' && message.channel !== 'teams') {
      throw new Error(`a chat post cannot go by ${message.channel}`);
    }
    const rendered = renderChatPost(message.channel, content.destination, content.post);
    return { to: [], cc: [], headers: [], attachments: [], ...rendered };
  }
  if (content.kind === 'composed') {
    return {
      to: [message.recipient.email],
      cc: message.cc ?? [],
      subject: content.subject,
      text: content.text,
      html: content.html,
      headers: [],
      attachments: content.attachments ?? [],
    };
  }
  const template = deps.config.templates[content.template];
  if (!template) throw new Error(`template ${content.template} is not configured`);
  if (!deps.compile) throw new Error(`no template compiler was given to render template ${content.template}`);
  const toContact = message.audience === 'contact' && message.channel === 'email';
  const unsubscribeUrl =
    toContact && secret !== undefined
      ? `${deps.config.messaging.publicBaseUrl}/v1/unsubscribe/${unsubscribeToken(secret, accountId, message.recipient.id)}`
      : undefined;
  // The brand is the deployment's, not the decision's: its variables and layout are filled in here.
  const brand = deps.config.brand;
  const variables = { ...brandVariables(brand), ...content.variables };
  const rendered = await renderMessage(deps.compile, template, variables, unsubscribeUrl, brand);
  const play = message.playId ? deps.config.plays[message.playId] : undefined;
  return {
    to: [message.recipient.email],
    cc: message.cc ?? [],
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    headers: rendered.headers,
    attachments: content.attachments ?? [],
    ...(toContact && play ? { topic: topicOf(play.kind, deps.topics) } : {}),
  };
}

/**
 * Reserves the message in the send ledger with its content, then routes it. A message already in the ledger (a
 * retry of this apply) is only routed again, from what the ledger holds.
 */
async function reserveAndRoute(
  deps: ExecutorDeps,
  input: ApplyInput,
  message: MessageDraft,
  at: string,
  secret: string | undefined,
  result: ApplyResult,
  heldFor?: string,
): Promise<void> {
  const owner = { accountId: input.accountId };
  const routine = message.audience === 'internal' && message.urgency === 'routine';
  const queuedFor = routine
    ? noticeDay(deps.clock.now(), deps.config.escalation.notices.dailyHourUtc)
    : heldFor;
  const play = message.playId ? deps.config.plays[message.playId] : undefined;
  const reserved = await reserveSendRow(deps.db, {
    owner,
    key: message.key,
    channel: message.channel,
    audience: message.audience,
    priority: play?.priority ?? 100,
    at,
    ...(input.execution ? { execution: input.execution } : {}),
    status: queuedFor ? 'queued' : 'reserved',
    outgoing: await render(deps, input.accountId, message, secret),
    timeline: message.timeline,
    ...(queuedFor ? { queuedFor } : {}),
  });
  // Whether this call reserved it or a concurrent run did, the row's state says what is left to do.
  const row = reserved ?? (await getSend(deps.db, owner, messageKeyId(message.key)));
  if (row) await route(deps, input, message, row, result);
}

/**
 * An in-app message is stored and settled; a routine notice is queued for its recipient's daily mail; an email
 * waits for the deliver step. Each is idempotent, so routing a row twice changes nothing.
 */
async function route(
  deps: ExecutorDeps,
  input: ApplyInput,
  message: MessageDraft,
  row: SendRecord,
  result: ApplyResult,
): Promise<void> {
  const { db } = deps;
  const owner = { accountId: input.accountId };
  const keyId = messageKeyId(message.key);
  if (message.channel === 'in_app') {
    if (row.status !== 'reserved') return;
    await putInAppMessage(db, message.key, {
      contactId: message.recipient.id,
      accountId: input.accountId,
      // The reservation's time, so a retry after a crash rewrites the same in-app item.
      at: row.reservedAt,
      playId: message.key.playId,
      about: message.key.about,
      subject: row.outgoing?.subject ?? '',
      text: row.outgoing?.text ?? '',
    });
    const at = deps.clock.now().toISOString();
    if (await markSent(db, owner, keyId, `in_app:${keyId}`, { from: 'reserved', at })) {
      await recordTimeline(db, {
        accountId: input.accountId,
        at,
        action: message.timeline.action,
        what: message.timeline.what,
        why: message.timeline.why,
        cause: `message:${keyId}`,
        ...(input.execution ? { execution: input.execution } : {}),
        details: { ...message.timeline.details, channel: 'in_app', recipient: message.recipient.id },
      });
    }
    result.inApp++;
    return;
  }
  if (row.status === 'queued' && row.queuedFor && isChat(message.channel)) {
    await holdPost(db, { day: row.queuedFor, owner, key: keyId });
    result.held++;
    return;
  }
  if (row.status === 'queued' && row.queuedFor) {
    const region = (await getAccount(db, input.accountId))?.region ?? '';
    await queueNotice(db, {
      day: row.queuedFor,
      recipientHash: noticeMailbox(message.recipient.email, region),
      region,
      recipient: {
        name: message.recipient.name,
        email: message.recipient.email,
        role: message.recipient.role,
      },
      accountId: input.accountId,
      key: keyId,
      subject: row.outgoing?.subject ?? '',
      text: row.outgoing?.text ?? '',
    });
    result.queued++;
    return;
  }
  if (row.status === 'reserved')
    result.deliveries.push({ owner, key: keyId, execution: input.execution ?? null });
}
