import type { AccountInput } from '#core/accounts';
import type { SignalInput } from '#core/signals';

/**
 * A seeded portfolio for health tests and the scoring benchmark: accounts in each segment, live for 120 days,
 * with one of three behaviours. Deterministic: the same seed and clock give the same signals.
 *
 * - healthy: product use at the segment's own norm (Strategic accounts use it most), good answers, meetings,
 *   value ahead of the journey baseline;
 * - moderate: the same modest use whatever the segment (3 logins a day by 2 users), so the segment decides what it
 *   means: plenty for a Transactional account, far below a Strategic one's norm;
 * - troubled: little use, the sponsor left 12 days ago, meetings missed, poor NPS, tickets dragging on, an urgent
 *   one open, value well behind.
 */

export type SegmentId = 'strategic' | 'core' | 'transactional';
export type Profile = 'healthy' | 'moderate' | 'troubled';

export interface SeededAccount {
  id: string;
  segment: SegmentId;
  profile: Profile;
  /** Healthy accounts finish configuration ahead of schedule (Champions) or on the day it is due (Cruisers). */
  onSchedule?: boolean;
}

export const DAYS_LIVE = 120;
const MS_PER_DAY = 86_400_000;

const ARR: Record<SegmentId, number> = { strategic: 750_000, core: 90_000, transactional: 12_000 };
const NORM: Record<SegmentId, { logins: number; users: number; usage: number; features: number }> = {
  strategic: { logins: 10, users: 5, usage: 200, features: 8 },
  core: { logins: 5, users: 3, usage: 80, features: 5 },
  transactional: { logins: 2, users: 2, usage: 20, features: 3 },
};
const MODERATE = { logins: 3, users: 2, usage: 30, features: 3 };

/** `healthy` accounts per segment, then one moderate and one troubled: ids like `core-healthy-2`. */
export function portfolioAccounts(healthyPerSegment = 4): SeededAccount[] {
  return (['strategic', 'core', 'transactional'] as const).flatMap((segment) => [
    ...Array.from({ length: healthyPerSegment }, (_, i) => ({
      id: `${segment}-healthy-${i}`,
      segment,
      profile: 'healthy' as const,
      onSchedule: i % 2 === 1,
    })),
    { id: `${segment}-moderate`, segment, profile: 'moderate' as const },
    { id: `${segment}-troubled`, segment, profile: 'troubled' as const },
  ]);
}

const day = (now: Date, daysAgo: number) =>
  new Date(now.getTime() - daysAgo * MS_PER_DAY).toISOString().slice(0, 10);

export function accountFor(seed: SeededAccount, now: Date): AccountInput {
  const arr = ARR[seed.segment];
  const goLive = day(now, DAYS_LIVE);
  const person = (role: 'sponsor' | 'admin', name: string) => ({
    id: `${seed.id}-${role}`,
    email: `${role}@${seed.id}.example`,
    name,
    role,
    timezone: 'Europe/Berlin',
  });
  return {
    id: seed.id,
    name: seed.id
      .split('-')
      .map((word) => `${word.slice(0, 1).toUpperCase()}${word.slice(1)}`)
      .join(' '),
    region: 'EMEA',
    arr,
    currency: 'EUR',
    goLiveDate: goLive,
    csm: { name: 'Casey Morgan', email: 'casey@vendor.example' },
    contacts: [person('sponsor', 'Sam Sponsor'), person('admin', 'Ada Admin')],
    contract: { startDate: goLive, renewalDate: day(now, -245), arr },
  };
}

/** Signals of one account from go-live to `now`, in time order. */
export function signalsFor(seed: SeededAccount, now: Date): SignalInput[] {
  const { id, segment, profile, onSchedule } = seed;
  const out: SignalInput[] = [];
  const at = (daysAgo: number, hour: number, minute = 0) =>
    new Date(Date.parse(`${day(now, daysAgo)}T00:00:00Z`) + (hour * 60 + minute) * 60_000).toISOString();
  const add = (type: SignalInput['type'], daysAgo: number, hour: number, extra: Partial<SignalInput> = {}) =>
    out.push({
      id: `${id}-${type}-${daysAgo}-${hour}-${out.length}`,
      accountId: id,
      type,
      occurredAt: at(daysAgo, hour),
      ...extra,
    });
  const use = profile === 'moderate' ? MODERATE : NORM[segment];
  const logins = profile === 'troubled' ? Math.max(1, Math.round(use.logins / 4)) : use.logins;
  const users = profile === 'troubled' ? 1 : use.users;
  const liveFrom = DAYS_LIVE - (profile === 'troubled' ? 9 : profile === 'moderate' ? 2 : 1);
  for (let ago = liveFrom; ago >= 1; ago--) {
    if (profile === 'troubled' && ago % 3 !== 0) continue;
    for (let i = 0; i < logins; i++) add('login', ago, 8 + (i % 10), { userId: `u${i % users}` });
    add('usage', ago, 20, { value: profile === 'troubled' ? Math.round(use.usage / 3) : use.usage });
    const features = profile === 'troubled' ? 2 : use.features;
    add('feature_used', ago, 9, { attributes: { feature: `f${ago % features}` } });
  }
  const configuredOnDay = profile === 'healthy' ? (onSchedule ? 10 : 6) : profile === 'moderate' ? 8 : 14;
  const configuredAgo = DAYS_LIVE - configuredOnDay;
  add('milestone', configuredAgo, 11, { attributes: { milestone: 'configuration_complete' } });
  if (profile === 'healthy') {
    add('value_realized', DAYS_LIVE - 60, 12, { value: 80 });
    add('value_realized', 10, 12, { value: 95 });
    for (const [ago, value] of [
      [40, 9],
      [12, 9],
    ] as const)
      add('nps', ago, 14, { value });
    add('csat', 20, 14, { value: 5 });
    add('relationship_score', 25, 15, { value: 8 });
    const meetings = segment === 'strategic' ? [90, 60, 30, 5] : segment === 'core' ? [75, 15] : [];
    for (const ago of meetings) add('meeting_held', ago, 15);
  } else if (profile === 'moderate') {
    add('value_realized', DAYS_LIVE - 80, 12, { value: 76 });
    add('nps', 30, 14, { value: 8 });
  } else {
    add('value_realized', 20, 12, { value: 40 });
    for (const [ago, value] of [
      [50, 4],
      [8, 3],
    ] as const)
      add('nps', ago, 14, { value });
    add('meeting_held', 70, 15);
    for (const ago of [40, 18]) add('meeting_missed', ago, 15);
    add('sponsor_left', 12, 10);
    for (const ago of [20, 30, 40]) {
      add('ticket_opened', ago, 13, { attributes: { ticketId: `t${ago}`, priority: 'normal' } });
    }
    add('ticket_opened', 2, 13, { attributes: { ticketId: 'urgent-1', priority: 'urgent' } });
  }
  return out.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
}
