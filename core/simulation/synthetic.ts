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
  /**
   * Day index (from the scenario start) at which the story turns: sponsor leaves, decay starts, silence, ...
   * Negative when it turned before the window (the window opens on a story already under way).
   */
  turnDay: number;
  users: number;
  /** How the story ends at the renewal it leads to, inside the window or not: what the behaviour follows. */
  fate: RenewalOutcome;
  outcome: { outcome: RenewalOutcome; at: string } | null;
}

export interface SyntheticPortfolio {
  start: string;
  days: number;
  seed: number;
  accounts: SyntheticAccount[];
  /**
   * The signals of one day, generated on demand so a year of 10,000 accounts never sits in memory at once; of
   * `only` those accounts when given (a shard of the portfolio). A churned account sends nothing after its churn.
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

/**
 * How each story ends. Most troubled accounts churn, not all (a story is a risk, not a verdict); a few steady
 * accounts churn with no sign at all (acquired, budget cut, a strategy change: the causes outside the vendor's
 * reach of Braun & Schweidel 2011); see docs/synthetic-portfolio.md.
 */
function outcomeFor(archetype: Archetype, random: () => number): RenewalOutcome {
  const roll = random();
  switch (archetype) {
    case 'champion':
      return roll < 0.3 ? 'expanded' : roll < 0.32 ? 'churned' : 'renewed';
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

/** How many days before the renewal a story turns: from a month to seven (usage fades over weeks to months). */
const LEAD_DAYS = { min: 30, spread: 180 } as const;

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
  const turnDay =
    Math.floor((renewalMs - startMs) / DAY_MS) - Math.floor(LEAD_DAYS.min + random() * LEAD_DAYS.spread);
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
  const fate = outcomeFor(archetype, random);
  const outcomeAt = renewalMs + 2 * 3600_000;
  const outcome =
    outcomeAt < startMs + days * DAY_MS ? { outcome: fate, at: new Date(outcomeAt).toISOString() } : null;
  return { account, archetype, turnDay, users, fate, outcome };
}

/** A stable pseudo-random number in [0, 1) for (seed, account, day, salt): no sequence to keep in step. */
function chance(seed: number, accountId: string, day: number, salt: number): number {
  return seededRandom(seed ^ (Number(accountId.slice(5)) * 7919 + day * 104_729 + salt * 15_485_863))();
}

/** 0 before, 1 after, a smooth S between: how far a fade that takes `over` days has gone `elapsed` days in. */
function ramp(elapsed: number, over: number): number {
  const x = Math.min(1, Math.max(0, elapsed / over));
  return x * x * (3 - 2 * x);
}

/** The parameters of an account's story, stable per (seed, account): how long its fade takes, how deep it goes. */
function storyOf(a: SyntheticAccount, seed: number) {
  const id = a.account.id;
  return {
    fadeDays: 30 + Math.floor(chance(seed, id, 0, 101) * 120),
    depth: chance(seed, id, 0, 102),
    /** Days until a successor sponsor joins (a sponsor change the account gets over). */
    successorAfter: 15 + Math.floor(chance(seed, id, 0, 103) * 45),
    /** Days a crisis or a silence lasts for an account that gets over it. */
    troubleDays: 20 + Math.floor(chance(seed, id, 0, 104) * 40),
  };
}

const churns = (a: SyntheticAccount) => a.fate === 'churned';

/**
 * How much of its usual use an account's story leaves it, `t` days after the turn. Churners fade further and do
 * not come back; those that stay dip and recover: usage and the decision to renew move together (Ascarza & Hardie
 * 2013), so the same story is a strong sign in one account and a scare in another.
 */
function storyFactor(a: SyntheticAccount, t: number, seed: number): number {
  if (t < 0) return 1;
  const story = storyOf(a, seed);
  const fade = (deepest: number) => 1 - deepest * ramp(t, story.fadeDays);
  switch (a.archetype) {
    case 'usage_decay':
      return churns(a)
        ? fade(0.6 + 0.35 * story.depth)
        : t < story.fadeDays + story.troubleDays
          ? fade(0.25 + 0.2 * story.depth)
          : 0.85;
    case 'goes_silent':
      return churns(a) || t < story.troubleDays ? 0 : 0.8;
    case 'sponsor_leaves':
      return churns(a) ? fade(0.3 + 0.3 * story.depth) : t < story.successorAfter ? 0.85 : 1;
    case 'support_crisis':
      return churns(a) ? fade(0.2 + 0.2 * story.depth) : t < story.troubleDays ? 0.85 : 1;
    case 'contract_cut':
      return churns(a) ? fade(0.3 + 0.3 * story.depth) : 0.8;
    case 'laggard':
      return churns(a) ? fade(0.2 + 0.3 * story.depth) : 1;
    default:
      return 1;
  }
}

/**
 * Holidays, by region and calendar (month-day, any year): the year's end everywhere, August in Europe, the July
 * 4th week and Thanksgiving in North America, Lunar New Year in Asia-Pacific, Carnival in Latin America. Healthy
 * accounts fall quiet then too: a score must not call that churn.
 */
function holidayFactor(region: string, ms: number): number {
  const date = new Date(ms);
  const md = (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
  if (md >= 1224 || md <= 101) return 0.25;
  if (region.startsWith('EMEA') && md >= 801 && md <= 821) return 0.55;
  if (region.startsWith('NA') && ((md >= 703 && md <= 705) || (md >= 1126 && md <= 1127))) return 0.4;
  if (region === 'APAC' && md >= 216 && md <= 220) return 0.4;
  if (region === 'LATAM' && md >= 214 && md <= 218) return 0.4;
  return 1;
}

/** Blocks of four weeks, in which any account may have a quiet spell (a project paused, a team away). */
const DIP_BLOCK_DAYS = 28;
const DIP_CHANCE = 0.12;

/** Everyday noise: use drifting fortnight to fortnight, and a quiet spell of one to three weeks now and then. */
function noiseFactor(a: SyntheticAccount, day: number, seed: number): number {
  const id = a.account.id;
  const drift = 0.85 + 0.3 * chance(seed, id, Math.floor(day / 14), 301);
  const block = Math.floor(day / DIP_BLOCK_DAYS);
  if (chance(seed, id, block, 201) >= DIP_CHANCE) return drift;
  const from = block * DIP_BLOCK_DAYS + Math.floor(chance(seed, id, block, 202) * 7);
  const length = 7 + Math.floor(chance(seed, id, block, 203) * 14);
  return day >= from && day < from + length ? drift * (0.45 + 0.25 * chance(seed, id, block, 204)) : drift;
}

const BASE_LEVEL: Partial<Record<Archetype, number>> = { champion: 0.95, laggard: 0.42 };
const USUAL_LEVEL = 0.78;

/** How active an account is on a day, 0-1: its usual level, its story, holidays, weekends and noise. */
function activity(a: SyntheticAccount, day: number, startMs: number, seed: number): number {
  const ms = startMs + day * DAY_MS;
  const weekday = new Date(ms).getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? 0.25 : 1;
  return Math.min(
    1,
    (BASE_LEVEL[a.archetype] ?? USUAL_LEVEL) *
      storyFactor(a, day - a.turnDay, seed) *
      holidayFactor(a.account.region, ms) *
      noiseFactor(a, day, seed) *
      weekend,
  );
}

type Priority = 'urgent' | 'high' | 'normal';

/**
 * The ticket an account opens on a day, if any, and how many days it stays open. A crisis brings urgent tickets
 * day after day; for an account that churns they drag on, for one that stays they are put right within days and
 * the crisis passes (complaints raise churn, recovery mostly undoes it: Knox & van Oest 2014). Anyone may open an
 * urgent ticket now and then.
 */
function ticketsOn(a: SyntheticAccount, day: number, seed: number) {
  const id = a.account.id;
  const t = day - a.turnDay;
  const crisis =
    a.archetype === 'support_crisis' && t >= 0 && (churns(a) || t < storyOf(a, seed).troubleDays);
  if (chance(seed, id, day, 1) >= (crisis ? 0.3 : 0.04)) return [];
  const roll = chance(seed, id, day, 3);
  const priority: Priority = crisis ? (roll < 0.5 ? 'urgent' : 'high') : roll < 0.04 ? 'urgent' : 'normal';
  const closeAfter = crisis
    ? churns(a)
      ? 20 + Math.floor(chance(seed, id, day, 2) * 30)
      : 2 + Math.floor(chance(seed, id, day, 2) * 8)
    : 1 + Math.floor(chance(seed, id, day, 2) * 5);
  return [{ ticketId: `${id}-t${day}`, closeAfter, priority }];
}

/** NPS answers by story: champions promote, the troubled turn detractors if they leave and passive if they stay. */
function npsScore(a: SyntheticAccount, day: number, random: () => number): number {
  if (a.archetype === 'champion') return 8 + Math.floor(random() * 3);
  if (day >= a.turnDay && !['champion', 'cruiser', 'laggard'].includes(a.archetype))
    return churns(a) ? 2 + Math.floor(random() * 5) : 5 + Math.floor(random() * 4);
  if (a.archetype === 'laggard') return 5 + Math.floor(random() * 4);
  return 6 + Math.floor(random() * 4);
}

/** Sponsors move on in steady accounts too (a successor follows within weeks): about one account in twelve a year. */
const SPONSOR_CHANGE_CHANCE = 0.08;

/** The day the sponsor leaves (and the day a successor joins, if one does), or null. */
function sponsorChange(a: SyntheticAccount, days: number, seed: number) {
  const id = a.account.id;
  if (a.archetype === 'sponsor_leaves') {
    const story = storyOf(a, seed);
    return { left: a.turnDay, joined: churns(a) ? null : a.turnDay + story.successorAfter };
  }
  if (
    ['champion', 'cruiser', 'laggard'].includes(a.archetype) &&
    chance(seed, id, 0, 401) < SPONSOR_CHANGE_CHANCE
  ) {
    const left = Math.floor(chance(seed, id, 0, 402) * days);
    return { left, joined: left + 10 + Math.floor(chance(seed, id, 0, 403) * 30) };
  }
  return null;
}

function daySignals(
  a: SyntheticAccount,
  day: number,
  startMs: number,
  seed: number,
  days: number,
): SignalInput[] {
  const random = seededRandom(seed ^ (Number(a.account.id.slice(5)) * 7919 + day * 104_729));
  const id = a.account.id;
  const out: SignalInput[] = [];
  let n = 0;
  const next = () => `${id}-d${day}-${n++}`;
  const level = activity(a, day, startMs, seed);
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
    out.push({
      id: next(),
      accountId: id,
      type: 'nps',
      occurredAt: iso(startMs, day, 14 * 3600),
      value: npsScore(a, day, random),
      userId: `${id}-u0`,
    });
  }
  if (day % 30 === Number(id.slice(-2)) % 30) {
    const troubled = day >= a.turnDay && churns(a) && a.archetype !== 'cruiser' && a.archetype !== 'champion';
    // Meetings slip in any account now and then; an account on its way out stops turning up.
    const missed = troubled ? random() < 0.6 : random() < 0.08;
    out.push({
      id: next(),
      accountId: id,
      type: missed ? 'meeting_missed' : 'meeting_held',
      occurredAt: iso(startMs, day, 16 * 3600),
    });
  }
  const sponsor = sponsorChange(a, days, seed);
  if (sponsor && day === sponsor.left)
    out.push({ id: next(), accountId: id, type: 'sponsor_left', occurredAt: iso(startMs, day, 11 * 3600) });
  if (sponsor && day === sponsor.joined)
    out.push({ id: next(), accountId: id, type: 'sponsor_joined', occurredAt: iso(startMs, day, 11 * 3600) });
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

/** The day a churned account is gone from, or none. */
function goneFrom(a: SyntheticAccount, startMs: number): number {
  return a.outcome?.outcome === 'churned'
    ? Math.floor((Date.parse(a.outcome.at) - startMs) / DAY_MS) + 1
    : Number.POSITIVE_INFINITY;
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
    signalsForDay: (day, only = list) =>
      only.flatMap((a) => (day < goneFrom(a, startMs) ? daySignals(a, day, startMs, seed, days) : [])),
  };
}
