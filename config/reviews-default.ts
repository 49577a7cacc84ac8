import type { ReviewsConfig } from './reviews-schema.ts';

/**
 * The default review programme (seed 003 and the design card): Strategic accounts a health check every quarter and
 * the journey EBRs at Day 90 and Day 270; Core accounts the Annual Customer Review plus a mid-year check; Transactional
 * accounts a yearly digital self-review. Each counts from the contract's start date, so a renewal date that moves
 * moves none of them.
 */
export const defaultReviews: ReviewsConfig = {
  startHourLocal: 10,
  durationMinutes: 60,
  inviteHourUtc: 9,
  coveredWithinDays: 30,
  segments: {
    strategic: {
      anchor: 'contract_start',
      cadence: [
        {
          id: 'health_check',
          kind: 'health_check',
          everyMonths: 3,
          offsetMonths: 0,
          format: 'meeting',
          play: 'review_invitation',
        },
      ],
      audience: ['sponsor', 'champion'],
      leadDays: 14,
      journeyEbrs: ['value_75', 'value_100'],
    },
    core: {
      anchor: 'contract_start',
      cadence: [
        {
          id: 'acr',
          kind: 'annual_customer_review',
          everyMonths: 12,
          offsetMonths: 8,
          format: 'meeting',
          play: 'review_invitation',
        },
        {
          id: 'mid_year',
          kind: 'health_check',
          everyMonths: 12,
          offsetMonths: 2,
          format: 'meeting',
          play: 'review_invitation',
        },
      ],
      audience: ['sponsor', 'admin'],
      leadDays: 14,
      journeyEbrs: [],
    },
    transactional: {
      anchor: 'contract_start',
      cadence: [
        {
          id: 'self_review',
          kind: 'self_review',
          everyMonths: 12,
          offsetMonths: 8,
          format: 'digital',
          play: 'self_review_invitation',
        },
      ],
      audience: ['admin'],
      leadDays: 7,
      journeyEbrs: [],
    },
  },
};
