import type { AccountInput } from '#core/accounts';
import type { SignalInput } from '#core/signals';
import type { ScenarioInput as Scenario } from '#core/simulation/scenario';
import { account } from './fixtures.ts';

/**
 * Small scenarios for the seed stories (issue 8, item 8): one or two accounts, their signals day by day, on the
 * real runner. Each builder returns a scenario as `churnguard simulate` reads it.
 */

const DAY_MS = 86_400_000;

export const at = (start: string, day: number, hour = 10, minute = 0) =>
  new Date(Date.parse(`${start}T00:00:00Z`) + day * DAY_MS + (hour * 60 + minute) * 60_000).toISOString();

export interface SteadyUse {
  accountId: string;
  start: string;
  /** Days of use, from `fromDay` (default 0) up to but not including `toDay`. */
  fromDay?: number;
  toDay: number;
  users: number;
  features: number;
  /** Working days only (Mon-Fri), as most B2B products are used. */
  weekdaysOnly?: boolean;
}

/** Every user logs in each (working) day and uses a feature; one usage figure a day. */
export function steadyUse(use: SteadyUse): SignalInput[] {
  const signals: SignalInput[] = [];
  for (let d = use.fromDay ?? 0; d < use.toDay; d++) {
    const weekday = new Date(Date.parse(`${use.start}T00:00:00Z`) + d * DAY_MS).getUTCDay();
    if (use.weekdaysOnly && (weekday === 0 || weekday === 6)) continue;
    for (let u = 0; u < use.users; u++) {
      const userId = `${use.accountId}-u${u}`;
      signals.push(
        {
          id: `${use.accountId}-login-${d}-${u}`,
          accountId: use.accountId,
          type: 'login',
          occurredAt: at(use.start, d, 8, u),
          userId,
        },
        {
          id: `${use.accountId}-feature-${d}-${u}`,
          accountId: use.accountId,
          type: 'feature_used',
          occurredAt: at(use.start, d, 9, u),
          userId,
          attributes: { feature: `feature-${(d + u) % use.features}` },
        },
      );
    }
    signals.push({
      id: `${use.accountId}-usage-${d}`,
      accountId: use.accountId,
      type: 'usage',
      occurredAt: at(use.start, d, 18),
      value: 40 * use.users,
    });
  }
  return signals;
}

/** Tickets opened and closed the same day: service levels met. */
export function ticketsWithinSla(accountId: string, start: string, days: number[]): SignalInput[] {
  return days.flatMap((d): SignalInput[] => [
    {
      id: `${accountId}-ticket-open-${d}`,
      accountId,
      type: 'ticket_opened',
      occurredAt: at(start, d, 9),
      attributes: { ticketId: `${accountId}-t${d}`, priority: 'normal' },
    },
    {
      id: `${accountId}-ticket-close-${d}`,
      accountId,
      type: 'ticket_closed',
      occurredAt: at(start, d, 15),
      attributes: { ticketId: `${accountId}-t${d}` },
    },
  ]);
}

const people = (id: string, roles: ('sponsor' | 'champion' | 'admin' | 'user')[]) =>
  roles.map((role) => ({
    id: `${id}-${role}`,
    email: `${role}@${id}.example`,
    name: `${role[0]?.toUpperCase()}${role.slice(1)} of ${id}`,
    role,
    timezone: 'Europe/London',
  }));

/**
 * Seed 001: an IT outsourcing customer, 18 months into a multi-million contract. Service levels are met (tickets
 * closed the same day, a monthly service meeting held, steady use by the customer's users), but the relationship
 * scorecard reads 4/10 every quarter. The contract's renewal decision falls inside the window.
 */
export function outsourcingScenario(): Scenario {
  const start = '2026-01-05';
  const id = 'gasco';
  const customer: AccountInput = account(id, {
    name: 'UK Gas Producer and Retailer',
    region: 'APAC',
    arr: 2_400_000,
    currency: 'AUD',
    goLiveDate: '2024-07-01',
    manager: { name: 'Morgan Lead', email: 'morgan@vendor.example' },
    contacts: people(id, ['sponsor', 'champion', 'admin']),
    contract: { startDate: '2024-07-01', renewalDate: '2026-07-01', arr: 2_400_000 },
  });
  const days = 150;
  const signals: SignalInput[] = [
    ...steadyUse({ accountId: id, start, toDay: days, users: 24, features: 10 }),
    ...ticketsWithinSla(
      id,
      start,
      Array.from({ length: 30 }, (_, i) => i * 5 + 1),
    ),
    ...[0, 30, 60, 90, 120].map((d) => ({
      id: `${id}-service-review-${d}`,
      accountId: id,
      type: 'meeting_held' as const,
      occurredAt: at(start, d + 3, 14),
    })),
    ...[2, 92].map((d) => ({
      id: `${id}-scorecard-${d}`,
      accountId: id,
      type: 'relationship_score' as const,
      occurredAt: at(start, d, 12),
      value: 4,
    })),
  ];
  return { start, days, accounts: [customer], signals, acks: [], outcomes: [] };
}

/**
 * Seed 004: two Core low-touch customers going live on the scenario's first day. The champion logs in on day 1
 * and finishes configuration on day 3; the laggard has not logged in by day 5 and is not configured by day 10
 * (it logs in first on day 12 and configures on day 25).
 */
export function championAndLaggardScenario(): Scenario {
  const start = '2026-03-02';
  const days = 40;
  const contract = { startDate: start, renewalDate: '2027-03-02', arr: 80_000 };
  const champion = account('champ', {
    arr: 80_000,
    goLiveDate: start,
    contacts: people('champ', ['sponsor', 'champion', 'admin']),
    contract,
  });
  const laggard = account('lag', {
    arr: 80_000,
    goLiveDate: start,
    contacts: people('lag', ['sponsor', 'champion', 'admin']),
    contract,
  });
  const configured = (accountId: string, day: number): SignalInput => ({
    id: `${accountId}-configured`,
    accountId,
    type: 'milestone',
    occurredAt: at(start, day, 11),
    attributes: { milestone: 'configuration_complete' },
  });
  const signals = [
    ...steadyUse({ accountId: 'champ', start, fromDay: 1, toDay: days, users: 6, features: 6 }),
    configured('champ', 3),
    ...steadyUse({ accountId: 'lag', start, fromDay: 12, toDay: days, users: 2, features: 2 }),
    configured('lag', 25),
  ];
  return { start, days, accounts: [champion, laggard], signals, acks: [], outcomes: [] };
}

/**
 * Seed 002: a small tech-touch customer (tier D) in its second year, in steady use, whose sponsor leaves 41 days
 * before the renewal. Nobody at the vendor manages it one to one.
 */
export function techTouchSponsorLeavesScenario(): Scenario {
  const start = '2026-01-05';
  const id = 'tiny';
  const days = 150;
  const customer = account(id, {
    name: 'Tiny Bakery Supplies',
    arr: 6_000,
    goLiveDate: '2024-05-01',
    contacts: people(id, ['sponsor', 'admin', 'user']),
    contract: { startDate: '2025-05-01', renewalDate: '2026-05-01', arr: 6_000 },
  });
  const signals: SignalInput[] = [
    ...steadyUse({ accountId: id, start, toDay: days, users: 3, features: 4 }),
    { id: `${id}-sponsor-left`, accountId: id, type: 'sponsor_left', occurredAt: at(start, 75, 10) },
  ];
  return { start, days, accounts: [customer], signals, acks: [], outcomes: [] };
}
