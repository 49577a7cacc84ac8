import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import { utcDay } from '#core/clock';
import type { ComponentSnapshot, HealthSnapshot, ScoringInput } from '#core/health/types';
import type { ComponentId } from '#core/health/vocabulary';
import { buildDailyRollup, type DailyRollup, type TicketState } from '#core/rollup';
import type { Signal, SignalType } from '#core/signals';

/** Test data in the shapes the store hands to scoring: signals rolled up per day by the real rollup code. */

export const NOW = new Date('2026-06-30T12:00:00.000Z');

export function daysAgo(days: number, hour = 10): string {
  const at = new Date(NOW.getTime() - days * 86_400_000);
  at.setUTCHours(hour, 0, 0, 0);
  return at.toISOString();
}

export function dayAgo(days: number): string {
  return utcDay(daysAgo(days));
}

export function account(overrides: Partial<AccountInput> = {}): AccountInput {
  return {
    id: 'acme',
    name: 'Acme Foods',
    region: 'EMEA',
    arr: 80_000,
    currency: 'EUR',
    goLiveDate: dayAgo(400),
    csm: { name: 'Casey CSM', email: 'casey@vendor.example' },
    contacts: [
      {
        id: 'c-1',
        email: 'sam@acme.example',
        name: 'Sam Sponsor',
        role: 'sponsor',
        timezone: 'Europe/Berlin',
      },
      { id: 'c-2', email: 'ada@acme.example', name: 'Ada Admin', role: 'admin', timezone: 'Europe/Berlin' },
    ],
    contract: {
      startDate: dayAgo(400),
      renewalDate: utcDay(new Date(NOW.getTime() + 90 * 86_400_000)),
      arr: 80_000,
    },
    ...overrides,
  };
}

let sequence = 0;

export interface SignalParts {
  value?: number;
  userId?: string;
  attributes?: Record<string, string | number | boolean>;
}

export function signal(
  accountId: string,
  type: SignalType,
  occurredAt: string,
  parts: SignalParts = {},
): Signal {
  sequence += 1;
  return { id: `s-${sequence}`, accountId, type, occurredAt, receivedAt: occurredAt, ...parts };
}

export function rollupsFrom(accountId: string, signals: readonly Signal[]): DailyRollup[] {
  const byDay = new Map<string, Signal[]>();
  for (const s of signals) byDay.set(utcDay(s.occurredAt), [...(byDay.get(utcDay(s.occurredAt)) ?? []), s]);
  return [...byDay].map(([day, daySignals]) => buildDailyRollup(accountId, day, daySignals));
}

export interface Activity {
  /** Logins per day, spread over `users` users. */
  loginsPerDay?: number;
  users?: number;
  usagePerDay?: number;
  features?: number;
  days?: number;
}

/** Steady product use over the last `days` days. */
export function activity(accountId: string, a: Activity = {}): Signal[] {
  const { loginsPerDay = 8, users = 4, usagePerDay = 100, features = 6, days = 60 } = a;
  const out: Signal[] = [];
  for (let d = 0; d < days; d += 1) {
    for (let i = 0; i < loginsPerDay; i += 1) {
      out.push(
        signal(accountId, 'login', daysAgo(d, 8 + (i % 10)), { userId: `u-${i % Math.max(1, users)}` }),
      );
    }
    if (usagePerDay > 0) out.push(signal(accountId, 'usage', daysAgo(d, 20), { value: usagePerDay }));
    if (features > 0) {
      out.push(
        signal(accountId, 'feature_used', daysAgo(d, 9), { attributes: { feature: `f-${d % features}` } }),
      );
    }
  }
  return out;
}

export function answers(
  accountId: string,
  type: 'nps' | 'csat' | 'relationship_score',
  values: number[],
): Signal[] {
  return values.map((value, i) => signal(accountId, type, daysAgo(10 + i * 20, 14), { value }));
}

export function meetings(accountId: string, held: number, missed = 0): Signal[] {
  return [
    ...Array.from({ length: held }, (_, i) => signal(accountId, 'meeting_held', daysAgo(15 + i * 30, 15))),
    ...Array.from({ length: missed }, (_, i) =>
      signal(accountId, 'meeting_missed', daysAgo(20 + i * 30, 15)),
    ),
  ];
}

export function openTicket(
  accountId: string,
  ticketId: string,
  openedDaysAgo: number,
  priority: TicketState['priority'] = 'normal',
): TicketState {
  return { accountId, ticketId, openedAt: daysAgo(openedDaysAgo), priority };
}

/** A Core account that looks like the healthy norm below: the yardstick. */
export function healthyCoreInput(id: string, extra: Signal[] = []): ScoringInput {
  const signals = [
    ...activity(id),
    ...answers(id, 'nps', [9, 8]),
    ...answers(id, 'csat', [5, 4]),
    ...answers(id, 'relationship_score', [8, 7]),
    ...meetings(id, 4),
    signal(id, 'value_realized', daysAgo(5), { value: 100 }),
    ...extra,
  ];
  return {
    account: account({ id, name: `Healthy ${id}` }),
    rollups: rollupsFrom(id, signals),
    tickets: [openTicket(id, `${id}-t1`, 3)],
  };
}

export function healthyCoreCohort(size: number): ScoringInput[] {
  return Array.from({ length: size }, (_, i) => healthyCoreInput(`healthy-${i}`));
}

/** A config changed without mutating the default. */
export function withConfig(base: Config, change: (draft: Config) => void): Config {
  const draft = structuredClone(base);
  change(draft);
  return draft;
}

/** The components' contributions added up to a tenth, as the score is: they must give the score exactly. */
export const contributionsSum = (snapshot: HealthSnapshot) =>
  Math.round(snapshot.components.reduce((sum, c) => sum + c.contribution * 10, 0)) / 10;

/** One component of a snapshot, if scored. */
export const component = (snapshot: HealthSnapshot, id: ComponentId): ComponentSnapshot | undefined =>
  snapshot.components.find((c) => c.component === id);
