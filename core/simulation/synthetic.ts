import type { AccountInput } from '#core/accounts';
import type { RenewalOutcome, SignalInput } from '#core/signals';
import { pick, seededRandom } from './random.ts';

export const ARCHETYPES = [
  'champion',
  'cruiser',
  'laggard',
  'sponsor_leaves',
  'support_crisis',
  'usage_decay',
  'contract_cut',
  'goes_silent',
] as const;
export type Archetype = (typeof ARCHETYPES)[number];

/** Portfolio mix: mostly steady accounts, a quarter with a story that should worry a CSM. */
const MIX: readonly [Archetype, number][] = [
  ['champion', 0.2],
  ['cruiser', 0.35],
  ['laggard', 0.15],
  ['sponsor_leaves', 0.06],
  ['support_crisis', 0.06],
  ['usage_decay', 0.07],
  ['contract_cut', 0.05],
  ['goes_silent', 0.06],
];

/** Regions with a manager and three CSMs each, as CS teams are organised (each CSM covers one region). */
const REGIONS = ['EMEA-North', 'EMEA-South', 'NA-East', 'NA-West', 'APAC', 'LATAM'] as const;
const ZONES: Record<(typeof REGIONS)[number], string> = {
  'EMEA-North': 'Europe/Berlin',
  'EMEA-South': 'Europe/Madrid',
  'NA-East': 'America/New_York',
  'NA-West': 'America/Los_Angeles',
  APAC: 'Asia/Singapore',
  LATAM: 'America/Sao_Paulo',
};
const CSMS_PER_REGION = 3;
const FEATURES = ['reports', 'dashboards', 'alerts', 'exports', 'integrations', 'workflows', 'api', 'sso'];
const DAY_MS = 86_400_000;

export interface SyntheticAccount {
  account: AccountInput;
  archetype: Archetype;
  /** Day index (from the scenario start) at which the story turns: sponsor leaves, decay starts, silence, ... */
  turnDay: number;
  users: number;
  outcome: { outcome: RenewalOutcome; at: string } | null;
}

export interface SyntheticPortfolio {
  start: string;
  days: number;
  seed: number;
  accounts: SyntheticAccount[];
  /**
   * The signals of one day, generated on demand so a year of 10,000 accounts never sits in memory at once; of
   * `only` those accounts when given (a shard of the portfolio).
   */
  signalsForDay(day: number, only?: readonly SyntheticAccount[]): SignalInput[];
}

function archetypeFor(random: () => number): Archetype {
  let roll = random();
  for (const [archetype, share] of MIX) {
    roll -= share;
    if (roll < 0) return archetype;
  }
  return 'cruiser';
}

const iso = (startMs: number, day: number, seconds: number) =>
  new Date(startMs + day * DAY_MS + seconds * 1000).toISOString();
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function outcomeFor(archetype: Archetype, random: () => number): RenewalOutcome {
  const roll = random();
  switch (archetype) {
    case 'champion':
      return roll < 0.3 ? 'expanded' : 'renewed';
    case 'sponsor_leaves':
    case 'usage_decay':
      return roll < 0.6 ? 'churned' : 'renewed';
    case 'support_crisis':
      return roll < 0.5 ? 'churned' : 'renewed';
    case 'contract_cut':
      return roll < 0.7 ? 'contracted' : 'churned';
    case 'goes_silent':
      return roll < 0.8 ? 'churned' : 'renewed';
    case 'laggard':
      return roll < 0.25 ? 'churned' : 'renewed';
    default:
      return roll < 0.05 ? 'churned' : 'renewed';
  }
}

function makeAccount(index: number, startMs: number, days: number, random: () => number): SyntheticAccount {
  const id = `acct-${String(index).padStart(5, '0')}`;
  const archetype = archetypeFor(random);
  const region = pick(random, REGIONS);
  const zone = ZONES[region];
  // ARR spread across tiers (I >= 500k ... D < 15k), skewed towards the small end as real portfolios are.
  const arr = Math.round(8_000 * Math.exp(random() * 4.6));
  const goLive = startMs - Math.floor(random() * 500 + 20) * DAY_MS;
  const renewalMs = startMs + Math.floor(30 + random() * Math.max(1, days - 30)) * DAY_MS;
  const users = Math.max(3, Math.round(1 + Math.log10(arr) + random() * 2));
  const turnDay = Math.max(1, Math.floor((renewalMs - startMs) / DAY_MS) - Math.floor(90 + random() * 60));
  const contact = (n: string, role: 'sponsor' | 'champion' | 'admin' | 'user') => ({
    id: `${id}-${n}`,
    email: `${n}@${id}.example`,
    name: `${n[0]?.toUpperCase()}${n.slice(1)} ${id.slice(-3)}`,
    role,
    timezone: zone,
  });
  const account: AccountInput = {
    id,
    name: `Customer ${id.slice(-5)}`,
    region,
    arr,
    currency: 'USD',
    goLiveDate: isoDay(goLive),
    csm: {
      name: `CSM ${region} ${index % CSMS_PER_REGION}`,
      email: `csm.${region.toLowerCase()}.${index % CSMS_PER_REGION}@vendor.example`,
    },
    manager: { name: `Manager ${region}`, email: `manager.${region.toLowerCase()}@vendor.example` },
    contacts: [
      contact('sponsor', 'sponsor'),
      contact('champion', 'champion'),
      contact('admin', 'admin'),
      contact('user', 'user'),
    ],
    contract: { startDate: isoDay(renewalMs - 365 * DAY_MS), renewalDate: isoDay(renewalMs), arr },
  };
  const outcomeAt = renewalMs + 2 * 3600_000;
  const outcome =
    outcomeAt < startMs + days * DAY_MS
      ? { outcome: outcomeFor(archetype, random), at: new Date(outcomeAt).toISOString() }
      : null;
  return { account, archetype, turnDay, users, outcome };
}

/** How active an account is on a day, 0-1, by its story. */
function activity(a: SyntheticAccount, day: number): number {
  const after = day >= a.turnDay;
  switch (a.archetype) {
    case 'champion':
      return 0.9;
    case 'laggard':
      return 0.35;
    case 'usage_decay':
      return after ? Math.max(0.05, 0.8 - (day - a.turnDay) * 0.015) : 0.8;
    case 'goes_silent':
      return after ? 0 : 0.7;
    case 'support_crisis':
      return after ? 0.5 : 0.75;
    default:
      return 0.7;
  }
}

/** A stable pseudo-random number in [0, 1) for (seed, account, day, salt): no sequence to keep in step. */
function chance(seed: number, accountId: string, day: number, salt: number): number {
  return seededRandom(seed ^ (Number(accountId.slice(5)) * 7919 + day * 104_729 + salt * 15_485_863))();
}

/** The ticket an account opens on a day, if any, and how many days it stays open (support crises drag on). */
function ticketsOn(a: SyntheticAccount, day: number, seed: number) {
  const id = a.account.id;
  const crisis = a.archetype === 'support_crisis' && day >= a.turnDay;
  if (chance(seed, id, day, 1) >= (crisis ? 0.35 : 0.04)) return [];
  const closeAfter = crisis
    ? 20 + Math.floor(chance(seed, id, day, 2) * 30)
    : 1 + Math.floor(chance(seed, id, day, 2) * 5);
  const priority = crisis ? (chance(seed, id, day, 3) < 0.5 ? 'urgent' : 'high') : 'normal';
  return [{ ticketId: `${id}-t${day}`, closeAfter, priority: priority as 'urgent' | 'high' | 'normal' }];
}

function daySignals(a: SyntheticAccount, day: number, startMs: number, seed: number): SignalInput[] {
  const random = seededRandom(seed ^ (Number(a.account.id.slice(5)) * 7919 + day * 104_729));
  const id = a.account.id;
  const out: SignalInput[] = [];
  let n = 0;
  const next = () => `${id}-d${day}-${n++}`;
  const weekday = new Date(startMs + day * DAY_MS).getUTCDay();
  const level = activity(a, day) * (weekday === 0 || weekday === 6 ? 0.25 : 1);
  let active = 0;
  for (let u = 0; u < a.users; u++) {
    if (random() >= level) continue;
    active++;
    const userId = `${id}-u${u}`;
    const second = 8 * 3600 + Math.floor(random() * 9 * 3600);
    out.push({ id: next(), accountId: id, type: 'login', occurredAt: iso(startMs, day, second), userId });
    const features = random() < 0.6 ? 1 : 0;
    for (let f = 0; f < features; f++) {
      out.push({
        id: next(),
        accountId: id,
        type: 'feature_used',
        occurredAt: iso(startMs, day, second + 60 * (f + 1)),
        userId,
        attributes: { feature: pick(random, FEATURES) },
      });
    }
  }
  if (active > 0)
    out.push({
      id: next(),
      accountId: id,
      type: 'usage',
      occurredAt: iso(startMs, day, 23 * 3600),
      value: Math.round(active * (40 + random() * 20)),
    });
  for (const ticket of ticketsOn(a, day, seed)) {
    out.push({
      id: next(),
      accountId: id,
      type: 'ticket_opened',
      occurredAt: iso(startMs, day, 10 * 3600),
      attributes: { ticketId: ticket.ticketId, priority: ticket.priority },
    });
  }
  for (let back = 1; back <= 60 && back <= day; back++) {
    for (const ticket of ticketsOn(a, day - back, seed)) {
      if (ticket.closeAfter === back) {
        out.push({
          id: next(),
          accountId: id,
          type: 'ticket_closed',
          occurredAt: iso(startMs, day, 15 * 3600),
          attributes: { ticketId: ticket.ticketId },
        });
      }
    }
  }
  if (day % 91 === Number(id.slice(-2)) % 91) {
    const score =
      a.archetype === 'champion'
        ? 9 + Math.floor(random() * 2)
        : ['cruiser', 'laggard'].includes(a.archetype)
          ? 6 + Math.floor(random() * 3)
          : day >= a.turnDay
            ? 2 + Math.floor(random() * 3)
            : 7;
    out.push({
      id: next(),
      accountId: id,
      type: 'nps',
      occurredAt: iso(startMs, day, 14 * 3600),
      value: score,
      userId: `${id}-u0`,
    });
  }
  if (day % 30 === Number(id.slice(-2)) % 30) {
    const missed = (a.archetype === 'goes_silent' || a.archetype === 'laggard') && day >= a.turnDay;
    out.push({
      id: next(),
      accountId: id,
      type: missed ? 'meeting_missed' : 'meeting_held',
      occurredAt: iso(startMs, day, 16 * 3600),
    });
  }
  if (day === a.turnDay && a.archetype === 'sponsor_leaves') {
    out.push({ id: next(), accountId: id, type: 'sponsor_left', occurredAt: iso(startMs, day, 11 * 3600) });
  }
  if (day === a.turnDay && a.archetype === 'contract_cut') {
    out.push({
      id: next(),
      accountId: id,
      type: 'contract_change_requested',
      occurredAt: iso(startMs, day, 11 * 3600),
      attributes: { direction: 'reduce' },
    });
  }
  return out;
}

export function syntheticPortfolio(
  accounts: number,
  days: number,
  seed = 1,
  start = '2026-01-01',
): SyntheticPortfolio {
  const random = seededRandom(seed);
  const startMs = Date.parse(`${start}T00:00:00Z`);
  const list = Array.from({ length: accounts }, (_, i) => makeAccount(i + 1, startMs, days, random));
  return {
    start,
    days,
    seed,
    accounts: list,
    signalsForDay: (day, only = list) => only.flatMap((a) => daySignals(a, day, startMs, seed)),
  };
}
