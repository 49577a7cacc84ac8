import { defaultConfig } from '#config/default';
import type { AccountInput } from '#core/accounts';
import { computeBaselines } from '#core/health/baselines';
import { scoreAccount } from '#core/health/score';
import type { PriorScore } from '#core/health/types';
import type { Band, Touch } from '#core/health/vocabulary';
import type { AccountView } from '#core/workflows/account-view';
import { accountFacts } from '#core/workflows/evidence';
import { account } from '../../support/fixtures.ts';

export const NOW = new Date('2026-06-10T05:00:00Z');
export const DAY = 86_400_000;
export const daysAgo = (days: number, from = NOW) => new Date(from.getTime() - days * DAY).toISOString();

/** A score trail: one entry per [days ago, score, band], oldest first as given. */
export const trail = (...entries: [number, number, Band][]): PriorScore[] =>
  entries.map(([days, score, band]) => ({ at: daysAgo(days), score, band }));

export interface ViewOptions {
  account?: Partial<AccountInput>;
  score?: number;
  band?: Band;
  touch?: Touch;
  program?: 'strategic' | 'core' | 'transactional';
  trail?: PriorScore[];
  facts?: Partial<AccountView['facts']>;
  openRisk?: AccountView['openRisk'];
  lastClosedAt?: string | null;
  reviews?: AccountView['reviews'];
  now?: Date;
}

/**
 * An account as decisions read it: a real snapshot of the default config (then the score, band and coverage the
 * test names), facts from no rollups with the overrides given, no open risk and no reviews unless given.
 */
export function view(options: ViewOptions = {}): AccountView {
  const now = options.now ?? NOW;
  const acme = account('acme', {
    goLiveDate: '2025-06-01',
    manager: { name: 'Morgan Lead', email: 'morgan@vendor.example' },
    contacts: [
      {
        id: 'acme-sponsor',
        email: 'sofia@acme.example',
        name: 'Sofia Sponsor',
        role: 'sponsor',
        timezone: 'UTC',
      },
      { id: 'acme-admin', email: 'ada@acme.example', name: 'Ada Admin', role: 'admin', timezone: 'UTC' },
    ],
    ...options.account,
  });
  const snapshot = scoreAccount(
    defaultConfig,
    { account: acme, rollups: [], tickets: [] },
    computeBaselines(defaultConfig, [], now),
    now,
  );
  const band = options.band ?? 'green';
  return {
    account: acme,
    health: {
      ...snapshot,
      score: options.score ?? (band === 'red' ? 30 : band === 'yellow' ? 55 : 85),
      band,
      segment: {
        ...snapshot.segment,
        touch: options.touch ?? snapshot.segment.touch,
        program: options.program ?? snapshot.segment.program,
      },
    },
    trail: options.trail ?? [],
    journey: null,
    facts: { ...accountFacts([], [], now), firstDataDay: '2025-06-01', ...options.facts },
    openRisk: options.openRisk ?? null,
    lastClosedAt: options.lastClosedAt ?? null,
    reviews: options.reviews ?? [],
    now,
  };
}
