import type { EscalationConfig, TimersConfig } from './escalation-schema.ts';

/**
 * The default renewal countdown and Red Account Process (seed 002). Starting points to confirm against your own
 * portfolio, like every number of the default playbook.
 *
 * Detection runs on the daily health pass and on critical signals, any day of the contract ("better to be
 * cautious than dismissive"): red three days running (two for Strategic), a fall of 20 points within 30 days,
 * the sponsor gone without a successor, a request to cut the contract, two payment failures in 30 days, a
 * relationship scorecard of 5/10 or less, a sponsor answering NPS 6 or less, an urgent ticket open over 3 days.
 *
 * Tiers: the CSM acknowledges within 7 days; otherwise (or without improvement) the manager is brought in with 7
 * more days, then the region's weekly cross-functional review. Tech-touch accounts stay at tier 1, with the pooled
 * CS queue and digital plays. A risk closes after 14 days at green or yellow with none of its triggers left.
 */
export const defaultTimers: TimersConfig = {
  renewalCheckpointDays: [180, 120, 90, 60, 30, 7, 0],
  checkpointHourUtc: 9,
  catchUpPassedCheckpoint: true,
  renewalReview: { atDay: 90, fromDay: 120, toDay: 60 },
  renewalValueMessage: { play: 'renewal_notice', atDays: [60, 30] },
};

export const defaultEscalation: EscalationConfig = {
  detection: {
    minDaysOfData: 30,
    redForDays: 3,
    redForDaysBySegment: { strategic: 2 },
    steepFall: { points: 20, days: 30 },
    sponsorLeft: true,
    contractCut: true,
    paymentFailures: { count: 2, withinDays: 30 },
    weakRelationshipAtOrBelow: 5,
    sponsorDetractorAtOrBelow: 6,
    urgentTicketOpenDays: 3,
    issueOverdueDays: 14,
  },
  ackDays: { tier1: 7, tier2: 7 },
  improvementPoints: 5,
  maxTier: { high: 3, low: 3, tech: 1 },
  close: { minBand: 'yellow', forDays: 14 },
  strategies: {
    rescue: {
      managerAtOnce: true,
      updateEveryDays: 7,
      steps: [
        'Name the fix owner in product or support today and agree a date with them.',
        'Call the sponsor: say what went wrong, what is being done and when they will hear next.',
        'Send the customer a written update every week until the fix is live.',
      ],
      plays: [],
    },
    recover: {
      csmTask: true,
      steps: [
        'Book a success-plan reset with the sponsor within 7 days.',
        'Agree three outcomes for the next 90 days and who on each side owns them.',
        'Record the plan on the risk when you acknowledge it.',
      ],
      plays: ['success_plan_reset'],
    },
    farewell: {
      csmTask: false,
      steps: [
        'No CSM time is planned: digital plays keep the customer informed.',
        'The renewal follows its countdown; raise the risk yourself if the picture changes.',
      ],
      plays: [],
    },
  },
  strategyByCause: {
    product_gaps: 'rescue',
    support_issues: 'rescue',
    low_adoption: 'recover',
    onboarding_stalled: 'recover',
    sponsor_change: 'recover',
    relationship_weak: 'recover',
    value_not_realised: 'recover',
    business_change: 'farewell',
    price_pressure: 'farewell',
    payment_problems: 'farewell',
  },
  techTouch: {
    queue: { name: 'CS pooled queue', email: 'cs-queue@churnguard.example' },
    playsByCause: {
      sponsor_change: ['ask_new_owner'],
      low_adoption: ['reengage'],
      onboarding_stalled: ['reengage'],
    },
  },
  notices: { dailyHourUtc: 8 },
};
