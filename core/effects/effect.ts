import * as z from 'zod';
import { CHAT_KINDS } from '#config/channels-schema';
import { chatPostSchema } from '#core/channels/post';
import { TRIGGER_IDS } from '#core/workflows/detect';
import { reviewRecordSchema } from '#core/workflows/review-record';
import { riskRecordSchema } from '#core/workflows/risk-record';
import { TIMER_KINDS } from '#core/workflows/timers';

/**
 * Decisions are data (DESIGN decision 9). A workflow's evaluation returns the effects it decided, as plain values
 * that show in the execution's history; one executor (usecases/apply-effects.ts) applies them exactly once per
 * cause, through the send ledger, restraint and the not-sent ledger. Nothing else sends, writes or schedules.
 * The schemas are what the Apply step parses its input with: effects cross a state machine as JSON.
 */

const payloadSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const timerSchema = z.object({
  kind: z.enum(TIMER_KINDS),
  accountId: z.string(),
  ref: z.string(),
  dueAt: z.string(),
  payload: payloadSchema,
});

export const messageKeySchema = z.object({
  playId: z.string(),
  about: z.string(),
  recipientId: z.string(),
  occurrence: z.string(),
});

export const timelineDraftSchema = z.object({
  action: z.string(),
  what: z.string(),
  why: z.string(),
  /** Deterministic id of what caused it: the entry is written once per cause. */
  cause: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type TimelineDraft = z.infer<typeof timelineDraftSchema>;

export const attachmentSchema = z.object({
  filename: z.string(),
  contentType: z.string(),
  /** The attachment's text (an iCalendar invitation). */
  content: z.string(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** A configured template filled with variables (contact messages), or content composed by the core (notices). */
export const messageContentSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('template'),
    template: z.string(),
    variables: z.record(z.string(), z.string()),
    attachments: z.array(attachmentSchema).optional(),
  }),
  z.object({
    kind: z.literal('composed'),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    attachments: z.array(attachmentSchema).optional(),
    /** The notice's parts (core/workflows/notices.ts), for a channel that lays them out itself (Slack, Teams). */
    notice: z
      .object({
        summary: z.string(),
        sections: z.array(z.object({ heading: z.string(), lines: z.array(z.string()) })),
      })
      .optional(),
  }),
  /** A Slack or Teams post (core/channels/copies.ts), to one destination. */
  z.object({ kind: z.literal('chat'), destination: z.string(), post: chatPostSchema }),
]);
export type MessageContent = z.infer<typeof messageContentSchema>;

export const messageDraftSchema = z.object({
  /** The send ledger's key: one message per play, subject, recipient and occurrence, ever. */
  key: messageKeySchema,
  /**
   * `contact`: someone at the customer; the restraint pipeline applies (unsubscribe, a contact who left,
   * suppression, budget, quiet hours, context, holdout, silent mode). `internal`: someone at the vendor (CSM,
   * manager, the pooled queue); only holdout and silent mode apply, and routine notices wait for the daily mail.
   */
  audience: z.enum(['contact', 'internal']),
  recipient: z.object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    timezone: z.string(),
    role: z.string(),
  }),
  /** Further vendor addresses copied in. */
  cc: z.array(z.string()).optional(),
  /** The play it belongs to (config.plays): channel, priority, holdout, silent mode, budget behaviour. */
  playId: z.string().optional(),
  channel: z.enum(['email', 'in_app', ...CHAT_KINDS]),
  /** Internal notices: `immediate` (a new risk, a tier change) or `routine` (gathered into one mail a day). */
  urgency: z.enum(['immediate', 'routine']).optional(),
  content: messageContentSchema,
  /** What the timeline says once the message went out. */
  timeline: z.object({
    action: z.string(),
    what: z.string(),
    why: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
  /**
   * The timer that re-runs the decision that made this message when restraint defers it (quiet hours, a full
   * budget); its due time becomes the time the message may go. Without it a deferral is a drop.
   */
  retry: timerSchema.omit({ dueAt: true }).optional(),
});
export type MessageDraft = z.infer<typeof messageDraftSchema>;

/** A message decided against before restraint (e.g. a congratulation withheld from a struggling account). */
export const notSentDraftSchema = z.object({
  key: messageKeySchema,
  channel: z.string(),
  reason: z.string(),
  detail: z.string(),
});
export type NotSentDraft = z.infer<typeof notSentDraftSchema>;

/** Apply only while the risk is in this state (after the effects before it): a lost race skips what follows. */
export const riskGuardSchema = z.object({
  riskId: z.string(),
  status: z.enum(['open', 'closed']),
  tier: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
});
export type RiskGuard = z.infer<typeof riskGuardSchema>;

const guarded = { requires: riskGuardSchema.optional() };

export const effectSchema = z.discriminatedUnion('kind', [
  z.object({ ...guarded, kind: z.literal('timeline'), entry: timelineDraftSchema }),
  z.object({ ...guarded, kind: z.literal('message'), message: messageDraftSchema }),
  z.object({ ...guarded, kind: z.literal('not_sent'), row: notSentDraftSchema }),
  z.object({ ...guarded, kind: z.literal('open_risk'), risk: riskRecordSchema }),
  z.object({
    ...guarded,
    kind: z.literal('raise_risk'),
    riskId: z.string(),
    toTier: z.union([z.literal(2), z.literal(3)]),
    ackDeadline: z.string().nullable(),
    scoreAtTier: z.number().nullable(),
  }),
  z.object({
    ...guarded,
    kind: z.literal('close_risk'),
    riskId: z.string(),
    region: z.string(),
    reason: z.string(),
  }),
  /** New evidence on an open risk: its triggers and reasons, as they stand now. */
  z.object({
    ...guarded,
    kind: z.literal('note_evidence'),
    riskId: z.string(),
    triggers: z.array(z.enum(TRIGGER_IDS)),
    reasons: z.array(z.string()),
  }),
  z.object({ ...guarded, kind: z.literal('regional_review'), riskId: z.string(), region: z.string() }),
  z.object({ ...guarded, kind: z.literal('set_timer'), timer: timerSchema }),
  z.object({ ...guarded, kind: z.literal('cancel_timer'), timerKind: z.enum(TIMER_KINDS), ref: z.string() }),
  z.object({ ...guarded, kind: z.literal('create_review'), review: reviewRecordSchema }),
]);
export type Effect = z.infer<typeof effectSchema>;

/** What a workflow's evaluation returns: a line for the history, and the effects. */
export interface Decision {
  summary: string;
  effects: Effect[];
}
