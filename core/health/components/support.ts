import type { BaselineMetric } from '#config/schema';
import type { AccountContext } from '../context.ts';
import { dayNumber, daysSince, effectiveWindow } from '../days.ts';
import { lowerIsBetter, plural, say } from '../deviation.ts';
import type { ComponentResult, Measure, SegmentBaseline } from '../types.ts';
import { type BaselineSample, expected } from './expected.ts';
import { fromMeasures } from './result.ts';
import { isOpenAt, ticketsOf } from './tickets.ts';

export interface SupportMeasures {
  openTickets: number;
  ticketsPer30Days: number;
  staleTickets: number;
  urgentTickets: number;
  rateWindowDays: number;
  staleAfterDays: number;
}

/**
 * Always known: no tickets is the normal state, not missing data. A vendor whose help desk is not
 * connected should leave `support` out of the weights.
 */
export function measureSupport(context: AccountContext): SupportMeasures {
  const { windows, support } = context.config.health;
  // At least 30 days, so that one ticket in an account's first week is not read as a flood.
  const rateWindowDays = effectiveWindow(windows.support, context.daysOfFeed.tickets, 30);
  const tickets = ticketsOf(context);
  const open = tickets.filter((ticket) => isOpenAt(ticket, context.now));
  const openedRecently = tickets.filter((ticket) => {
    if (ticket.openedAt === null) return false;
    const day = dayNumber(ticket.openedAt);
    return day <= context.today && day > context.today - rateWindowDays;
  });
  return {
    openTickets: open.length,
    ticketsPer30Days: (openedRecently.length / rateWindowDays) * 30,
    staleTickets: open.filter(
      (ticket) =>
        ticket.openedAt !== null && daysSince(ticket.openedAt, context.now) > support.staleTicketDays,
    ).length,
    urgentTickets: open.filter((ticket) => ticket.priority === 'urgent').length,
    rateWindowDays,
    staleAfterDays: support.staleTicketDays,
  };
}

export function supportSample(measured: SupportMeasures): BaselineSample {
  const { openTickets, ticketsPer30Days, staleTickets, urgentTickets } = measured;
  return { openTickets, ticketsPer30Days, staleTickets, urgentTickets };
}

interface SupportMeasure {
  measure: string;
  metric: BaselineMetric;
  pick: (measured: SupportMeasures) => number;
  describe: (measured: SupportMeasures, typical: number, label: string) => string;
}

const MEASURES: SupportMeasure[] = [
  {
    measure: 'openTickets',
    metric: 'openTickets',
    pick: (m) => m.openTickets,
    describe: (m, typical, label) =>
      `${plural(m.openTickets, 'ticket')} open vs ${say(typical)} typical for ${label}`,
  },
  {
    measure: 'ticketRate',
    metric: 'ticketsPer30Days',
    pick: (m) => m.ticketsPer30Days,
    describe: (m, typical, label) =>
      `${say(m.ticketsPer30Days)} tickets opened per 30 days vs ${say(typical)} typical for ${label} (last ${m.rateWindowDays} days)`,
  },
  {
    measure: 'staleTickets',
    metric: 'staleTickets',
    pick: (m) => m.staleTickets,
    describe: (m) =>
      m.staleTickets === 0
        ? `no ticket open longer than ${m.staleAfterDays} days`
        : `${plural(m.staleTickets, 'ticket')} open longer than ${m.staleAfterDays} days`,
  },
  {
    measure: 'urgentTickets',
    metric: 'urgentTickets',
    pick: (m) => m.urgentTickets,
    describe: (m) =>
      m.urgentTickets === 0 ? 'no urgent ticket open' : `${plural(m.urgentTickets, 'urgent ticket')} open`,
  },
];

export function scoreSupport(
  measured: SupportMeasures,
  baseline: SegmentBaseline,
  context: AccountContext,
): ComponentResult {
  const { label } = context.segment;
  const measures: Measure[] = MEASURES.flatMap(({ measure, metric, pick, describe }) => {
    const typical = expected(baseline, metric, true);
    if (!typical) return [];
    const actual = pick(measured);
    return [
      {
        measure,
        actual,
        expected: typical.value,
        expectedFrom: typical.from,
        baselineMetric: metric,
        score: lowerIsBetter(actual, typical.value),
        finding: describe(measured, typical.value, label),
      },
    ];
  });
  return fromMeasures(measures, `no ${label} baseline for tickets to compare with`);
}
