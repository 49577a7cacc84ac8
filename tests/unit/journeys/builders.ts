import type { PlayConfig, RestraintConfig } from '#config/journeys-schema';
import type { Candidate } from '#core/journeys/messages';
import type { RestraintState } from '#core/journeys/restraint';

export const restraint: RestraintConfig = {
  weeklyPerContact: 2,
  weeklyPerAccount: 5,
  quietHours: { start: '20:00', end: '08:00' },
  quietDays: ['sat', 'sun'],
  renewalNegotiationDays: 30,
};

export function play(overrides: Partial<PlayConfig> = {}): PlayConfig {
  return {
    kind: 'nudge',
    channel: 'email',
    priority: 50,
    holdout: 0,
    silent: false,
    overBudget: 'defer',
    audience: ['admin'],
    template: 'nudge_first_login',
    ...overrides,
  };
}

export function candidate(
  playId: string,
  overrides: Partial<PlayConfig> = {},
  recipientId = 'ann',
): Candidate {
  return {
    key: { playId, about: 'first_login', recipientId, occurrence: 'due' },
    play: play(overrides),
    recipient: {
      id: recipientId,
      name: 'Ann',
      email: `${recipientId}@acme.example`,
      timezone: 'Europe/Berlin',
    },
  };
}

/** Wednesday 21 January 2026, 10:00 in Berlin: a working hour. */
export const WORKING_HOUR = new Date('2026-01-21T09:00:00Z');

export function state(overrides: Partial<RestraintState> = {}): RestraintState {
  return {
    accountId: 'acme',
    now: WORKING_HOUR,
    unsubscribed: new Set(),
    suppressed: new Set(),
    recentSends: [],
    context: { openEscalation: false, urgentTicket: false, renewalNegotiation: false },
    ...overrides,
  };
}
