import * as z from 'zod';
import { COMPONENT_IDS } from '#core/health/vocabulary';
import { outcomeSchema } from '#core/simulation/scenario';
import { TRIGGER_IDS } from '#core/workflows/detect';
import type { ComponentSeries } from './component-series.ts';
import { decodeRuns } from './component-series.ts';
import { decodeSeries, type EncodedSeries, encodedSeriesSchema } from './daily-series.ts';
import { dayOfWindow, type EvaluationHistory } from './history.ts';

/** The parts of a `churnguard simulate` result (result.json) that evaluate reads; the rest is left alone. */
export const simulationHistorySchema = z
  .object({
    start: z.iso.date(),
    days: z.number().int().min(1),
    accounts: z.array(
      z.object({
        accountId: z.string().min(1),
        segment: z.string().min(1),
        daily: encodedSeriesSchema,
      }),
    ),
    outcomes: z.array(outcomeSchema),
    /** Only the risks opened are read, for trigger precision; a result without triggers on them has none. */
    actions: z
      .array(
        z.object({
          at: z.iso.datetime({ offset: true }),
          accountId: z.string().min(1),
          kind: z.string(),
          triggers: z.array(z.enum(TRIGGER_IDS)).optional(),
        }),
      )
      .optional(),
  })
  .superRefine((result, ctx) => {
    result.accounts.forEach((account, index) => {
      if (account.daily.bands.length !== result.days)
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', index, 'daily', 'bands'],
          message: `must cover the run's ${result.days} days, not ${account.daily.bands.length}`,
        });
    });
  });
export type SimulationHistory = z.infer<typeof simulationHistorySchema>;

/** Components day by day, when the result keeps them: a component absent from it was never scored. */
function componentsOf(daily: EncodedSeries, days: number): ComponentSeries | undefined {
  const kept = daily.components;
  if (!kept) return undefined;
  return Object.fromEntries(
    COMPONENT_IDS.map((c) => {
      const runs = kept[c];
      return [c, runs === undefined ? new Array<number | null>(days).fill(null) : decodeRuns(runs)];
    }),
  ) as ComponentSeries;
}

/** A simulation result as a history to evaluate: every account's days, outcomes on the days they fell. */
export function historyFromSimulation(result: SimulationHistory): EvaluationHistory {
  const opened = (result.actions ?? []).filter((a) => a.kind === 'risk_opened');
  // A result written before risks kept their triggers in it cannot say which trigger opened what.
  const riskOpenings = opened.every((a) => a.triggers)
    ? opened.map((a) => ({
        accountId: a.accountId,
        day: dayOfWindow(result.start, a.at),
        triggers: a.triggers ?? [],
      }))
    : undefined;
  return {
    start: result.start,
    days: result.days,
    accounts: result.accounts.map((a) => ({
      accountId: a.accountId,
      segment: a.segment,
      series: decodeSeries(a.daily),
      ...(a.daily.components ? { components: componentsOf(a.daily, result.days) } : {}),
      ...(a.daily.readings
        ? { readings: new Map(Object.entries(a.daily.readings).map(([day, r]) => [Number(day), r])) }
        : {}),
    })),
    outcomes: result.outcomes.map((o) => ({
      accountId: o.accountId,
      outcome: o.outcome,
      day: dayOfWindow(result.start, o.at),
    })),
    ...(result.actions && riskOpenings ? { riskOpenings } : {}),
  };
}
