import * as z from 'zod';
import type { JourneyBaselineConfig } from '#config/schema';
import { entityId, KEY_ID_CHARS, keyId, keyIdTooLong, wellFormedText } from './ids.ts';
import { type FieldError, MAX_MAGNITUDE, storableNumber } from './validation.ts';

export const SIGNAL_TYPES = [
  'login',
  'activity',
  'feature_used',
  'usage',
  'ticket_opened',
  'ticket_closed',
  'nps',
  'csat',
  'meeting_held',
  'meeting_missed',
  'sponsor_left',
  'sponsor_joined',
  'milestone',
  'value_realized',
  'relationship_score',
  'contract_change_requested',
  'renewal_risk',
  'payment_failed',
  'payment_succeeded',
  'renewal_outcome',
  /** Logins counted per account by a source without user ids: `value` is how many (docs/health-measures.md). */
  'logins',
  /**
   * A custom metric (issue 19): `attributes.name` names it (METRIC_NAME), `value` is its reading; daily rollups keep
   * per-name aggregates that custom measures score (docs/health-measures.md).
   */
  'metric',
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export const RENEWAL_OUTCOMES = ['renewed', 'churned', 'contracted', 'expanded'] as const;
export type RenewalOutcome = (typeof RENEWAL_OUTCOMES)[number];

/** How far ahead of the clock a signal may claim to have happened (clock skew between sources). */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
const EARLIEST_SIGNAL = Date.parse('2000-01-01T00:00:00Z');

const attributeValue = z.union([wellFormedText.max(512), storableNumber, z.boolean()]);
const attributes = z
  .record(wellFormedText.min(1).max(64), attributeValue)
  .refine((a) => Object.keys(a).length <= 20, 'at most 20 attributes');

const baseSignal = z.strictObject({
  id: keyId(),
  accountId: entityId,
  type: z.enum(SIGNAL_TYPES, { error: `must be one of: ${SIGNAL_TYPES.join(', ')}` }),
  occurredAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }),
  value: storableNumber.optional(),
  userId: wellFormedText.min(1).max(256).optional(),
  attributes: attributes.optional(),
});
export type SignalInput = z.infer<typeof baseSignal>;

interface Rule {
  value?: { required: boolean; min: number; max: number; integer?: boolean; what: string };
  /** `key`: the value becomes part of a DynamoDB key (a ticket's or a review's item), so it is bounded like an id. */
  attribute?: {
    name: string;
    allowed?: readonly string[];
    required: boolean;
    key?: boolean;
    pattern?: { test: RegExp; rule: string };
  };
  userRequired?: boolean;
}

/**
 * A custom metric's name: it becomes a key of the day's rollup and of the config that scores it, so it is short and
 * plain (letters, digits, `_`, `.`, `-`; starting with a letter).
 */
export const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
export const METRIC_NAME_RULE =
  'must be 1-64 characters: letters, digits, _ . -, starting with a letter (a custom metric name)';

/** What each signal type needs beyond the common shape. */
const RULES: Partial<Record<SignalType, Rule[]>> = {
  login: [{ userRequired: true }],
  logins: [
    { value: { required: true, min: 0, max: MAX_MAGNITUDE, integer: true, what: 'the number of logins' } },
  ],
  usage: [{ value: { required: true, min: 0, max: MAX_MAGNITUDE, what: 'a usage quantity' } }],
  metric: [
    { value: { required: true, min: -MAX_MAGNITUDE, max: MAX_MAGNITUDE, what: 'the metric reading' } },
    { attribute: { name: 'name', required: true, pattern: { test: METRIC_NAME, rule: METRIC_NAME_RULE } } },
  ],
  feature_used: [{ attribute: { name: 'feature', required: true } }],
  nps: [{ value: { required: true, min: 0, max: 10, integer: true, what: 'an NPS score' } }],
  csat: [{ value: { required: true, min: 1, max: 5, integer: true, what: 'a CSAT score' } }],
  relationship_score: [
    { value: { required: true, min: 0, max: 10, what: 'a relationship scorecard value' } },
  ],
  value_realized: [
    { value: { required: true, min: 0, max: 1000, what: 'the percent of target value realised' } },
  ],
  milestone: [{ attribute: { name: 'milestone', required: true } }],
  ticket_opened: [
    { attribute: { name: 'ticketId', required: true, key: true } },
    { attribute: { name: 'priority', allowed: TICKET_PRIORITIES, required: false } },
  ],
  ticket_closed: [{ attribute: { name: 'ticketId', required: true, key: true } }],
  meeting_held: [{ attribute: { name: 'reviewId', required: false, key: true } }],
  meeting_missed: [{ attribute: { name: 'reviewId', required: false, key: true } }],
  renewal_outcome: [{ attribute: { name: 'outcome', allowed: RENEWAL_OUTCOMES, required: true } }],
  contract_change_requested: [
    { attribute: { name: 'direction', allowed: ['reduce', 'increase'], required: false } },
  ],
};

/** seed 001: a relationship assessment may say the level aimed for (`desired`, 0-10) and who assessed it. */
function checkAssessment(signal: SignalInput, ctx: z.RefinementCtx): void {
  const { desired, assessor } = signal.attributes ?? {};
  if (desired !== undefined && (typeof desired !== 'number' || desired < 0 || desired > 10)) {
    ctx.addIssue({
      code: 'custom',
      path: ['attributes', 'desired'],
      message: 'must be a number from 0 to 10 (the relationship level aimed for)',
    });
  }
  if (
    assessor !== undefined &&
    (typeof assessor !== 'string' || assessor.length === 0 || assessor.length > 200)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['attributes', 'assessor'],
      message: 'must be a non-empty string of at most 200 characters (who assessed the relationship)',
    });
  }
}

export const signalSchema = baseSignal.superRefine((signal, ctx) => {
  if (signal.type === 'relationship_score') checkAssessment(signal, ctx);
  const occurred = Date.parse(signal.occurredAt);
  if (occurred < EARLIEST_SIGNAL) {
    ctx.addIssue({ code: 'custom', path: ['occurredAt'], message: 'must not be before 2000-01-01' });
  }
  for (const rule of RULES[signal.type] ?? []) {
    if (rule.userRequired && !signal.userId) {
      ctx.addIssue({ code: 'custom', path: ['userId'], message: `is required for ${signal.type} signals` });
    }
    if (rule.value) {
      const { required, min, max, integer, what } = rule.value;
      if (signal.value === undefined) {
        if (required)
          ctx.addIssue({ code: 'custom', path: ['value'], message: `is required: ${what} (${min}-${max})` });
      } else if (signal.value < min || signal.value > max || (integer && !Number.isInteger(signal.value))) {
        ctx.addIssue({
          code: 'custom',
          path: ['value'],
          message: `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (${what})`,
        });
      }
    }
    if (rule.attribute) {
      const { name, allowed, required, key, pattern } = rule.attribute;
      const found = signal.attributes?.[name];
      if (found === undefined) {
        if (required)
          ctx.addIssue({
            code: 'custom',
            path: ['attributes', name],
            message: `is required for ${signal.type} signals`,
          });
      } else if (typeof found !== 'string' || found === '') {
        ctx.addIssue({ code: 'custom', path: ['attributes', name], message: 'must be a non-empty string' });
      } else if (pattern && !pattern.test.test(found)) {
        ctx.addIssue({ code: 'custom', path: ['attributes', name], message: pattern.rule });
      } else if (key && found.length > KEY_ID_CHARS) {
        ctx.addIssue({ code: 'custom', path: ['attributes', name], message: keyIdTooLong(KEY_ID_CHARS) });
      } else if (allowed && !allowed.includes(found)) {
        ctx.addIssue({
          code: 'custom',
          path: ['attributes', name],
          message: `must be one of: ${allowed.join(', ')}`,
        });
      }
    }
  }
});

/** A `milestone` signal name the journey baseline detects, and the milestone it counts for. */
export interface MilestoneSignalName {
  name: string;
  milestone: string;
}

/** The names `milestone` signals may carry: those of the baseline's milestones detected by a milestone signal. */
export function milestoneSignalNames(baseline: JourneyBaselineConfig): MilestoneSignalName[] {
  return baseline.milestones.flatMap((m) =>
    m.detect.kind === 'milestone' ? [{ name: m.detect.name, milestone: m.id }] : [],
  );
}

/**
 * A `milestone` signal whose name no milestone of the journey baseline detects would be stored and never count
 * (`configured` is the milestone's id; its signal is `configuration_complete`): it is refused, naming the known ones.
 */
export function unknownMilestoneError(
  signal: Pick<SignalInput, 'type' | 'attributes'>,
  known: readonly MilestoneSignalName[],
): FieldError | undefined {
  if (signal.type !== 'milestone') return undefined;
  const name = signal.attributes?.milestone;
  if (typeof name !== 'string' || known.some((k) => k.name === name)) return undefined;
  const names = known.map((k) => `${k.name} (milestone ${k.milestone})`).join(', ');
  const id = known.find((k) => k.milestone === name);
  return {
    path: 'attributes.milestone',
    message:
      `"${name}" is not a milestone the journey baseline detects, so it would never count; ` +
      (id ? `milestone ${name} is reached by a milestone signal named "${id.name}"; ` : '') +
      (names ? `known names: ${names}` : 'the journey baseline detects no milestone by signal'),
  };
}

/**
 * Days a raw signal is kept after it arrives, unless the config says otherwise. Long enough for every vendor's
 * webhook retries and a re-run import to be recognised as replays; daily rollups, which scoring reads, are kept.
 */
export const DEFAULT_RAW_SIGNAL_DAYS = 35;

/** A validated signal, as stored. `receivedAt` is stamped by the ingest path from its clock. */
export interface Signal extends SignalInput {
  receivedAt: string;
}

const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

/** The UTC day a signal belongs to; a timestamp already in UTC is read as written, without a Date round trip. */
export function signalDay(signal: Pick<SignalInput, 'occurredAt'>): string {
  const at = signal.occurredAt;
  if (UTC_TIMESTAMP.test(at)) return at.slice(0, 10);
  return new Date(at).toISOString().slice(0, 10);
}

export function isInFuture(signal: Pick<SignalInput, 'occurredAt'>, now: Date): boolean {
  return Date.parse(signal.occurredAt) > now.getTime() + FUTURE_TOLERANCE_MS;
}
