import { z } from 'zod';
import { RENEWAL_OUTCOMES } from '#core/signals';

/**
 * A simulation scenario: a portfolio and its signals over a window of virtual days. Accounts and signals have the
 * shapes of POST /v1/accounts and POST /v1/signals and go through the same validation when the run feeds them in.
 */
export const scenarioSchema = z.strictObject({
  start: z.iso.date({ error: 'must be a date, YYYY-MM-DD' }),
  days: z
    .number()
    .int('must be a whole number of days')
    .min(1)
    .max(3 * 365, 'must be at most 1095 days'),
  accounts: z.array(z.unknown()).min(1, 'must hold at least one account'),
  signals: z.array(z.unknown()).default([]),
  acks: z
    .array(
      z.strictObject({
        accountId: z.string().min(1),
        at: z.iso.datetime({ offset: true }),
        note: z.string().min(1),
      }),
    )
    .default([]),
  outcomes: z
    .array(
      z.strictObject({
        accountId: z.string().min(1),
        outcome: z.enum(RENEWAL_OUTCOMES),
        at: z.iso.datetime({ offset: true }),
      }),
    )
    .default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
