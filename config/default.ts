import { DEFAULT_RAW_SIGNAL_DAYS } from '#core/signals';
import { NO_CHANNELS } from './channels-schema.ts';
import { defaultEscalation, defaultTimers } from './escalation-default.ts';
import {
  defaultJourneys,
  defaultMessaging,
  defaultPlays,
  defaultRestraint,
  defaultTemplates,
  defaultTips,
} from './journeys-default.ts';
import { defaultReviews } from './reviews-default.ts';
import type { Config, JourneyBaselineConfig } from './schema.ts';

/** The journey baseline of seed 004 (on its own so that code needing only it does not carry the whole default). */
export const defaultJourneyBaseline: JourneyBaselineConfig = {
  championLead: 0.2,
  graceDays: 0,
  milestones: [
    { id: 'first_login', label: 'First login', dueDay: 5, detect: { kind: 'signal', signal: 'login' } },
    {
      id: 'configured',
      label: 'Configuration complete',
      dueDay: 10,
      detect: { kind: 'milestone', name: 'configuration_complete' },
    },
    {
      id: 'value_75',
      label: 'EBR 1: 75% of target value',
      dueDay: 90,
      detect: { kind: 'value', atLeastPercent: 75 },
    },
    {
      id: 'value_100',
      label: 'EBR 2: 100% of target value',
      dueDay: 270,
      detect: { kind: 'value', atLeastPercent: 100 },
    },
  ],
};

/**
 * The default playbook. Each number is a starting point to confirm against your own portfolio
 * (seed 004: "run your program in silent mode ... and validate your assumptions").
 *
 * Segments (seed 003): ARR tiers I-D map to Strategic (expected 5-10% of accounts), Core (15-30%)
 * and Transactional (40-60%). An account's own `segment` or `tier` field overrides the rule.
 *
 * Health: six components, each judged against the healthy accounts of the account's own segment.
 * Strategic leans on the relationship and has the strictest bands, because a large account warrants an
 * early look; Transactional leans on product use, because a tech-touch account has little else to read.
 *
 * Baselines: healthy = live 90+ days, no churned or contracted renewal, no open urgent ticket, not red last
 * time. A segment needs 8 such accounts with a measure before its cohort median replaces the fallback below.
 *
 * Journey baseline (seed 004): Day 5 first login, Day 10 configured, Day 90 75% of target value,
 * Day 270 100%. Strategic rollouts get longer to reach value; tech-touch accounts get 3 days of grace.
 */
export const defaultConfig: Config = {
  schemaVersion: 1,
  segmentation: {
    tiers: {
      I: { minArr: 500_000 },
      A: { minArr: 150_000 },
      B: { minArr: 50_000 },
      C: { minArr: 15_000 },
      D: { minArr: 0 },
    },
    byTier: {
      I: { segment: 'strategic', touch: 'high' },
      A: { segment: 'core', touch: 'high' },
      B: { segment: 'core', touch: 'low' },
      C: { segment: 'transactional', touch: 'low' },
      D: { segment: 'transactional', touch: 'tech' },
    },
  },
  segments: {
    strategic: {
      label: 'Strategic',
      program: 'strategic',
      touch: 'high',
      expectedShare: { min: 0.05, max: 0.1 },
      health: {
        weights: { engagement: 20, adoption: 15, support: 15, sentiment: 10, relationship: 25, outcomes: 15 },
        bands: { green: 74, yellow: 55 },
        baselineDefaults: {
          loginsPerDay: 20,
          activeUsersPerDay: 10,
          featuresUsed: 8,
          openTickets: 2,
          ticketsPer30Days: 4,
          meetingsHeld: 6,
        },
      },
      journeyBaseline: { dueDays: { value_75: 120, value_100: 365 } },
    },
    core: {
      label: 'Core',
      program: 'core',
      touch: 'low',
      expectedShare: { min: 0.15, max: 0.3 },
      health: {
        weights: { engagement: 25, adoption: 15, support: 15, sentiment: 15, relationship: 15, outcomes: 15 },
        bands: { green: 69, yellow: 50 },
        baselineDefaults: { loginsPerDay: 8, activeUsersPerDay: 4, featuresUsed: 6, meetingsHeld: 3 },
      },
    },
    transactional: {
      label: 'Transactional',
      program: 'transactional',
      touch: 'tech',
      expectedShare: { min: 0.4, max: 0.6 },
      health: {
        weights: { engagement: 30, adoption: 20, support: 20, sentiment: 10, relationship: 10, outcomes: 10 },
        bands: { green: 64, yellow: 40 },
        // No meetings or scorecards are expected from a tech-touch account; a sponsor is still worth watching.
        baselineDefaults: {
          loginsPerDay: 2,
          activeUsersPerDay: 1,
          featuresUsed: 3,
          meetingsHeld: null,
          relationshipScore: null,
          sponsorShare: 0.6,
        },
      },
      journeyBaseline: { graceDays: 3 },
    },
  },
  health: {
    lookbackDays: 180,
    windows: { engagement: 30, adoption: 30, support: 90, sentiment: 180, relationship: 180, outcomes: 180 },
    decay: { sentimentHalfLifeDays: 60, relationshipHalfLifeDays: 90 },
    support: { staleTicketDays: 14 },
    relationship: { newSponsorDays: 90, newSponsorScore: 60, sponsorExpectedShare: 0.5 },
    maxDrivers: 3,
    // seed 001: a relationship scorecard at 4/10 or below keeps an account out of green, whatever its usage says.
    criticalFindings: [
      {
        id: 'relationship_critical',
        component: 'relationship',
        measure: 'scorecard',
        atOrBelow: 4,
        capBand: 'yellow',
      },
    ],
    // Measures that fit real data (docs/health-measures.md). Usage above the healthy median keeps ranking (the
    // median scores 90, twice it 95, four times 100); the segments' bands above were refitted to this scale so each
    // keeps the share of account-days it had under the linear one (bench/RESULTS.md). A week of data before
    // product use is judged: the engagement window of a younger account is the days whose signals have arrived.
    measures: {
      minimumDataDays: 7,
      scale: { kind: 'log', atBaseline: 90, ceilingRatio: 4 },
      segmentQuantile: 0.75,
      perSeat: true,
      perArr: null,
      ownHistory: { recentDays: 30, priorDays: 90 },
      custom: [],
    },
    baseline: {
      minCohortSize: 8,
      healthy: {
        minTenureDays: 90,
        excludeOutcomes: ['churned', 'contracted'],
        maxOpenUrgentTickets: 0,
        excludeLatestBands: ['red'],
      },
      // Used measure by measure where a segment has fewer than minCohortSize healthy accounts to learn from.
      fallback: {
        loginsPerDay: 3,
        activeUsersPerDay: 2,
        usagePerDay: null,
        featuresUsed: 5,
        openTickets: 1,
        ticketsPer30Days: 2,
        staleTickets: 0,
        urgentTickets: 0,
        nps: 8,
        csat: 4.2,
        sponsorShare: 1,
        meetingsHeld: 2,
        relationshipScore: 7,
      },
    },
  },
  journeyBaseline: defaultJourneyBaseline,
  journeys: defaultJourneys,
  plays: defaultPlays,
  tips: defaultTips,
  restraint: defaultRestraint,
  messaging: defaultMessaging,
  // Nothing chosen: no product name, URL or logo of anyone's reaches a customer until you set them.
  brand: {},
  retention: { rawSignalDays: DEFAULT_RAW_SIGNAL_DAYS },
  timers: defaultTimers,
  escalation: defaultEscalation,
  reviews: defaultReviews,
  templates: defaultTemplates,
  // No Slack or Teams destination: nothing is posted until you name one (docs/channels.md).
  channels: NO_CHANNELS,
};
