import fc from 'fast-check';
import { defaultConfig } from '#config/default';
import type { BaselineMetric, Config } from '#config/schema';
import type { AccountInput, ContactRole } from '#core/accounts';
import type { Baselines, BaselineValue, PriorScore, ScoringInput, SegmentBaseline } from '#core/health/types';
import { COMPONENT_IDS } from '#core/health/vocabulary';
import type { TicketState } from '#core/rollup';
import { RENEWAL_OUTCOMES, type Signal, type SignalType, TICKET_PRIORITIES } from '#core/signals';
import { account, dayAgo, NOW, rollupsFrom, withConfig } from './builders.ts';

/** Random but valid scoring inputs, baselines and configs, for the property tests. */

const DAY = 86_400_000;

const SIGNAL_KINDS: SignalType[] = [
  'login',
  'activity',
  'usage',
  'feature_used',
  'ticket_opened',
  'ticket_closed',
  'nps',
  'csat',
  'meeting_held',
  'meeting_missed',
  'sponsor_left',
  'sponsor_joined',
  'milestone',
  'value_realized',
  'relationship_score',
  'renewal_outcome',
];

export interface SignalSpec {
  type: SignalType;
  daysAgo: number;
  /** Minute of that UTC day. */
  minute: number;
  n: number;
  amount: number;
}

export const signalSpec = (types: SignalType[] = SIGNAL_KINDS, maxDaysAgo = 200): fc.Arbitrary<SignalSpec> =>
  fc.record({
    type: fc.constantFrom(...types),
    daysAgo: fc.integer({ min: 0, max: maxDaysAgo }),
    minute: fc.integer({ min: 0, max: 1439 }),
    n: fc.integer({ min: 0, max: 10 }),
    amount: fc.double({ min: 0, max: 1000, noNaN: true }),
  });

export function toSignal(accountId: string, spec: SignalSpec, index: number): Signal {
  const day = Date.parse(`${dayAgo(spec.daysAgo)}T00:00:00.000Z`);
  const occurredAt = new Date(day + spec.minute * 60_000).toISOString();
  const base = {
    id: `${accountId}-${spec.type}-${index}`,
    accountId,
    type: spec.type,
    occurredAt,
    receivedAt: occurredAt,
  };
  const userId = `u-${spec.n % 6}`;
  switch (spec.type) {
    case 'login':
    case 'activity':
      return { ...base, userId };
    case 'usage':
      return { ...base, userId, value: spec.amount };
    case 'feature_used':
      return { ...base, userId, attributes: { feature: `f-${spec.n}` } };
    case 'ticket_opened':
      return {
        ...base,
        attributes: { ticketId: `t-${spec.n}`, priority: TICKET_PRIORITIES[spec.n % 4] ?? 'normal' },
      };
    case 'ticket_closed':
      return { ...base, attributes: { ticketId: `t-${spec.n}` } };
    case 'nps':
      return { ...base, value: spec.n };
    case 'csat':
      return { ...base, value: 1 + (spec.n % 5) };
    case 'relationship_score':
      return { ...base, value: spec.n };
    case 'value_realized':
      return { ...base, value: spec.amount / 5 };
    case 'milestone':
      return { ...base, attributes: { milestone: spec.n % 2 === 0 ? 'configuration_complete' : 'trained' } };
    case 'renewal_outcome':
      return { ...base, attributes: { outcome: RENEWAL_OUTCOMES[spec.n % 4] ?? 'renewed' } };
    default:
      return base;
  }
}

export const signalsOf = (accountId: string, specs: readonly SignalSpec[], offset = 0): Signal[] =>
  specs.map((spec, index) => toSignal(accountId, spec, index + offset));

const ticketState = (accountId: string): fc.Arbitrary<TicketState> =>
  fc
    .record({
      n: fc.integer({ min: 0, max: 10 }),
      openedDaysAgo: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
      closedAfterDays: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      priority: fc.option(fc.constantFrom(...TICKET_PRIORITIES), { nil: undefined }),
    })
    .map(({ n, openedDaysAgo, closedAfterDays, priority }) => {
      const openedAt =
        openedDaysAgo === undefined ? undefined : new Date(NOW.getTime() - openedDaysAgo * DAY);
      const closedAt =
        closedAfterDays === undefined || openedAt === undefined
          ? undefined
          : new Date(openedAt.getTime() + closedAfterDays * DAY).toISOString();
      return {
        accountId,
        ticketId: `t-${n}`,
        ...(openedAt && { openedAt: openedAt.toISOString() }),
        ...(closedAt && { closedAt }),
        ...(priority && { priority }),
      };
    });

const ROLES: ContactRole[] = ['sponsor', 'champion', 'admin', 'user'];

export const accountInput = (id = 'prop'): fc.Arbitrary<AccountInput> =>
  fc
    .record({
      arr: fc.integer({ min: 0, max: 2_000_000 }),
      liveForDays: fc.integer({ min: -10, max: 900 }),
      roles: fc.array(fc.constantFrom(...ROLES), { maxLength: 3 }),
      segment: fc.option(fc.constantFrom('core', 'Strategic', 'transactional', 'nonsense'), {
        nil: undefined,
      }),
      tier: fc.option(fc.constantFrom('I', 'a', 'D', 'Z'), { nil: undefined }),
    })
    .map(({ arr, liveForDays, roles, segment, tier }) =>
      account({
        id,
        arr,
        goLiveDate: dayAgo(liveForDays),
        contacts: roles.map((role, i) => ({
          id: `c-${i}`,
          email: `c${i}@example.com`,
          name: `Contact ${i}`,
          role,
          timezone: 'UTC',
        })),
        ...(segment && { segment }),
        ...(tier && { tier }),
      }),
    );

const priorScore: fc.Arbitrary<PriorScore> = fc
  .record({ daysAgo: fc.integer({ min: 1, max: 200 }), score: fc.option(fc.integer({ min: 0, max: 1000 })) })
  .map(({ daysAgo, score }) => {
    const value = score === null ? null : score / 10;
    const band = value === null ? 'unknown' : value >= 70 ? 'green' : value >= 50 ? 'yellow' : 'red';
    return { at: new Date(NOW.getTime() - daysAgo * DAY).toISOString(), score: value, band };
  });

export interface Generated {
  input: ScoringInput;
  specs: SignalSpec[];
}

export const scoringInput = (id = 'prop'): fc.Arbitrary<Generated> =>
  fc
    .record({
      account: accountInput(id),
      specs: fc.array(signalSpec(), { maxLength: 120 }),
      tickets: fc.uniqueArray(ticketState(id), { maxLength: 6, selector: (t) => t.ticketId }),
      history: fc.array(priorScore, { maxLength: 6 }),
    })
    .map(({ account: acc, specs, tickets, history }) => ({
      input: { account: acc, rollups: rollupsFrom(id, signalsOf(id, specs)), tickets, history },
      specs,
    }));

const baselineValue: fc.Arbitrary<BaselineValue> = fc.record({
  value: fc.oneof(fc.constant(null), fc.constant(0), fc.double({ min: 0.01, max: 50, noNaN: true })),
  source: fc.constantFrom('cohort' as const, 'fallback' as const),
  sampleSize: fc.integer({ min: 0, max: 50 }),
});

const segmentBaseline = (segment: string): fc.Arbitrary<SegmentBaseline> =>
  fc
    .record({
      metrics: fc.record<Record<BaselineMetric, BaselineValue>>({
        loginsPerDay: baselineValue,
        activeUsersPerDay: baselineValue,
        usagePerDay: baselineValue,
        featuresUsed: baselineValue,
        openTickets: baselineValue,
        ticketsPer30Days: baselineValue,
        staleTickets: baselineValue,
        urgentTickets: baselineValue,
        nps: baselineValue,
        csat: baselineValue,
        sponsorShare: baselineValue,
        meetingsHeld: baselineValue,
        relationshipScore: baselineValue,
        activeUsersPerSeat: baselineValue,
        usagePerSeat: baselineValue,
        usagePerArr: baselineValue,
      }),
      cohortSize: fc.integer({ min: 0, max: 50 }),
    })
    .map(({ metrics, cohortSize }) => ({ segment, cohortSize, minCohortSize: 8, metrics }));

/** Any baseline a cohort could produce, including missing and zero values. */
export const baselines = (config: Config = defaultConfig): fc.Arbitrary<Baselines> =>
  fc.tuple(...Object.keys(config.segments).map((segment) => segmentBaseline(segment))).map((list) => ({
    modelVersion: 'generated',
    computedAt: NOW.toISOString(),
    segments: Object.fromEntries(list.map((baseline) => [baseline.segment, baseline])),
  }));

const segmentHealth = fc.record({
  weights: fc.subarray([...COMPONENT_IDS], { minLength: 1 }).chain((components) =>
    fc
      .array(fc.integer({ min: 1, max: 50 }), {
        minLength: components.length,
        maxLength: components.length,
      })
      .map((weights) => Object.fromEntries(components.map((component, i) => [component, weights[i] ?? 1]))),
  ),
  bands: fc
    .integer({ min: 1, max: 100 })
    .chain((green) => fc.integer({ min: 0, max: green - 1 }).map((yellow) => ({ green, yellow }))),
});

/** The default config with random weights (some components left out) and bands for every segment. */
export const config: fc.Arbitrary<Config> = fc
  .tuple(segmentHealth, segmentHealth, segmentHealth)
  .map((healths) =>
    withConfig(defaultConfig, (draft) => {
      Object.values(draft.segments).forEach((segment, i) => {
        const health = healths[i];
        if (health) Object.assign(segment.health, health);
      });
    }),
  );
