import * as z from 'zod';
import { COMPONENT_IDS } from '#core/health/vocabulary';

/**
 * Critical findings (`health.criticalFindings`): a measure of a health component at or past a threshold holds the
 * account's band at `capBand` at best, whatever the weighted score says, and the cap is named first in the
 * drivers. seed 001: a relationship at 4/10 or below keeps a strategic account out of green. The measure is any
 * one a component reports (`core/health/components/*`: `relationship.scorecard`, `relationship.relationship_gap`,
 * `sentiment.nps`, ...), so other findings (issue 19) reuse the same mechanism.
 */
export const criticalFindingSchema = z
  .strictObject({
    /** Names the finding in drivers and notes. */
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower case letters, digits and _, starting with a letter'),
    component: z.enum(COMPONENT_IDS, { error: `must be one of: ${COMPONENT_IDS.join(', ')}` }),
    measure: z.string().min(1, 'must name a measure of the component'),
    /** The finding holds when the measure's value is at or below this ... */
    atOrBelow: z.number().finite().optional(),
    /** ... or at or above this (exactly one of the two). */
    atOrAbove: z.number().finite().optional(),
    /** The best band the account can have while the finding holds. */
    capBand: z.enum(['yellow', 'red'], { error: 'must be yellow or red' }),
    /** Segments it applies to; every segment when absent. */
    segments: z.array(z.string().min(1)).min(1, 'must list at least one segment, or be left out').optional(),
  })
  .superRefine((finding, ctx) => {
    if ((finding.atOrBelow === undefined) === (finding.atOrAbove === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['atOrBelow'],
        message: 'give exactly one of atOrBelow and atOrAbove',
      });
    }
  });
export type CriticalFinding = z.infer<typeof criticalFindingSchema>;

export const criticalFindingsSchema = z.array(criticalFindingSchema).max(20, 'must have at most 20 findings');
