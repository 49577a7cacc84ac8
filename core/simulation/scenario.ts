import * as z from 'zod';
import { RENEWAL_OUTCOMES } from '#core/signals';

/** A moment as an ISO 8601 date-time, or a date alone (`2026-06-01`), which means midnight UTC. */
export const instantOrDate = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'must be a date (YYYY-MM-DD, midnight UTC) or an ISO 8601 date-time with a time zone',
  })
  .transform((at) => (at.length === 10 ? `${at}T00:00:00Z` : at));

/** A renewal's outcome, in a scenario's `outcomes` or an outcomes file of `simulate --from-import`. */
export const outcomeSchema = z.strictObject({
  accountId: z.string().min(1),
  outcome: z.enum(RENEWAL_OUTCOMES, { error: `must be one of: ${RENEWAL_OUTCOMES.join(', ')}` }),
  at: instantOrDate,
});

/**
 * A simulation scenario: a portfolio and its signals over a window of virtual days. Accounts and signals have the
 * shapes of POST /v1/accounts and POST /v1/signals and go through the same validation when the run feeds them in.
 */
const at = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' });
const by = z.string().min(1).max(200);

/** A change to an account at a time: the fields given replace the account's (`contract` field by field). */
const accountUpdate = z.strictObject({
  accountId: z.string().min(1),
  at,
  changes: z.record(z.string(), z.unknown()),
});

export const scenarioSchema = z.strictObject({
  start: z.iso.date({ error: 'must be a date, YYYY-MM-DD' }),
  days: z
    .number()
    .int('must be a whole number of days')
    .min(1)
    .max(3 * 365, 'must be at most 1095 days'),
  accounts: z.array(z.unknown()).min(1, 'must hold at least one account'),
  signals: z.array(z.unknown()).default([]),
  /** A CSM acknowledges the account's open risk (POST /v1/risks/{id}/ack). */
  acks: z
    .array(z.strictObject({ accountId: z.string().min(1), at, note: z.string().min(1), by: by.optional() }))
    .default([]),
  /** A CSM resolves the account's open risk with a note (POST /v1/risks/{id}/resolve). */
  resolutions: z
    .array(z.strictObject({ accountId: z.string().min(1), at, note: z.string().min(1), by: by.optional() }))
    .default([]),
  /** A CSM sets the root causes of the account's open risk (POST /v1/risks/{id}/causes). */
  rootCauses: z
    .array(
      z.strictObject({
        accountId: z.string().min(1),
        at,
        primary: z.string().min(1),
        secondary: z.string().min(1).nullable().default(null),
        by,
      }),
    )
    .default([]),
  /**
   * A CSM reports how the account's reviews went: each review meeting that has started by then and has no outcome
   * yet is reported `held` or `missed` (POST /v1/accounts/{id}/reviews/{reviewId}); digital self-reviews are not.
   */
  reviewReports: z
    .array(
      z.strictObject({
        accountId: z.string().min(1),
        at,
        outcome: z.enum(['held', 'missed'], { error: 'must be held or missed' }),
        by,
      }),
    )
    .default([]),
  /** Account changes at a time (renewal date, ARR, contacts, CSM), through POST /v1/accounts. */
  accountUpdates: z.array(accountUpdate).default([]),
  /** A contact unsubscribes (one click), or their address bounces or complains (SES feedback). */
  contactEvents: z
    .array(
      z.strictObject({
        accountId: z.string().min(1),
        contactId: z.string().min(1),
        at,
        event: z.enum(['unsubscribe', 'bounce', 'complaint']),
      }),
    )
    .default([]),
  outcomes: z.array(outcomeSchema).default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
