import * as z from 'zod';
import { baselineMetricsSchema } from '#config/schema';
import type { SnapshotDiff } from './diff.ts';
import { FEEDS } from './feeds.ts';
import type { JourneyStanding, MilestoneStanding } from './journey-class.ts';
import type { MilestoneAchievement } from './milestones.ts';
import type {
  Baselines,
  ComponentSnapshot,
  HealthSnapshot,
  Measure,
  PriorScore,
  SegmentAssignment,
  SegmentBaseline,
} from './types.ts';
import { BANDS, COMPONENT_IDS, JOURNEY_CLASSES, PROGRAMS, TIER_IDS, TOUCHES } from './vocabulary.ts';

/**
 * Schemas of the health shapes that leave the process: stored in DynamoDB, returned by the API, read back by the
 * CLI. Each is annotated with its TypeScript type, so the compiler keeps the two in step; whatever is read back
 * is parsed with these, never cast.
 */

const finite = z.number().finite();
const instant = z.string().min(1);
const bandOrUnknown = z.enum([...BANDS, 'unknown']);
const component = z.enum(COMPONENT_IDS);
const baselineMetric = baselineMetricsSchema.keyof();

export const segmentAssignmentSchema: z.ZodType<SegmentAssignment> = z.object({
  segment: z.string(),
  label: z.string(),
  program: z.enum(PROGRAMS),
  touch: z.enum(TOUCHES),
  tier: z.enum(TIER_IDS),
  segmentSource: z.enum(['account', 'tier']),
  tierSource: z.enum(['account', 'arr']),
  notes: z.array(z.string()),
});

const measureSchema: z.ZodType<Measure> = z.object({
  measure: z.string(),
  actual: finite,
  expected: finite.nullable(),
  expectedFrom: z.enum(['cohort', 'segment', 'fallback', 'journey', 'rule', 'own', 'custom']),
  baselineMetric: baselineMetric.optional(),
  score: finite,
  weight: finite.optional(),
  finding: z.string(),
});

const weighting = { component, weight: finite, normalizedWeight: finite, contribution: finite };

const componentSnapshotSchema: z.ZodType<ComponentSnapshot> = z.discriminatedUnion('status', [
  z.object({ ...weighting, status: z.literal('known'), score: finite, measures: z.array(measureSchema) }),
  z.object({ ...weighting, status: z.literal('unknown'), score: z.null(), reason: z.string() }),
]);

/** The snapshot as an object schema, for views that add fields; healthSnapshotSchema is the checked type. */
export const snapshotObjectSchema = z.object({
  accountId: z.string(),
  at: instant,
  modelVersion: z.string(),
  segment: segmentAssignmentSchema,
  score: finite.nullable(),
  band: bandOrUnknown,
  bands: z.object({ green: finite, yellow: finite }),
  components: z.array(componentSnapshotSchema),
  renormalised: z.boolean(),
  unknown: z.array(z.object({ component, reason: z.string() })),
  baseline: z.object({
    segment: z.string(),
    computedAt: instant.nullable(),
    cohortSize: finite,
    minCohortSize: finite,
    fallbacks: z.array(baselineMetric),
  }),
  drivers: z.array(
    z.object({
      component,
      measure: z.string(),
      text: z.string(),
      pointsLost: finite,
      kind: z.enum(['cap', 'issue']).optional(),
    }),
  ),
  trend: z.array(
    z.object({
      days: z.union([z.literal(7), z.literal(30), z.literal(90)]),
      change: finite.nullable(),
      comparedWith: instant.nullable(),
    }),
  ),
  notes: z.array(z.string()),
});

export const healthSnapshotSchema: z.ZodType<HealthSnapshot> = snapshotObjectSchema;

export const priorScoreSchema: z.ZodType<PriorScore> = z.object({
  at: instant,
  score: finite.nullable(),
  band: bandOrUnknown,
});

export const milestoneAchievementSchema: z.ZodType<MilestoneAchievement> = z.object({
  milestone: z.string(),
  day: z.iso.date(),
});

const milestoneStandingSchema: z.ZodType<MilestoneStanding> = z.object({
  milestone: z.string(),
  label: z.string(),
  dueDay: finite,
  reachedDay: finite.nullable(),
  status: z.enum(['ahead', 'on_time', 'late', 'missed', 'pending']),
});

export const journeyStandingSchema: z.ZodType<JourneyStanding> = z.object({
  accountId: z.string(),
  segment: z.string(),
  journeyClass: z.enum(JOURNEY_CLASSES),
  /** Standings stored before established accounts were told apart were all judged by milestones. */
  judgedBy: z.enum(['milestones', 'health']).default('milestones'),
  daysLive: finite,
  pace: finite,
  milestones: z.array(milestoneStandingSchema),
  reasons: z.array(z.string()),
});

const componentState = z.union([finite, z.literal('unknown'), z.literal('unweighted')]);

export const snapshotDiffSchema: z.ZodType<SnapshotDiff> = z.object({
  accountId: z.string(),
  from: instant,
  to: instant,
  scoreChange: finite.nullable(),
  band: z.object({ before: bandOrUnknown, after: bandOrUnknown }),
  modelChanged: z.boolean(),
  segmentChanged: z.boolean(),
  components: z.array(
    z.object({
      component,
      before: componentState,
      after: componentState,
      contributionChange: finite,
      measures: z.array(
        z.object({
          measure: z.string(),
          before: finite.nullable(),
          after: finite.nullable(),
          finding: z.string().nullable(),
        }),
      ),
    }),
  ),
  summary: z.string(),
});

const segmentBaselineSchema: z.ZodType<SegmentBaseline> = z.object({
  segment: z.string(),
  cohortSize: finite,
  minCohortSize: finite,
  metrics: z.partialRecord(
    baselineMetric,
    z.object({
      value: finite.nullable(),
      source: z.enum(['cohort', 'segment', 'fallback']),
      sampleSize: finite,
    }),
  ),
});

/** Feed by feed, the first UTC day it shows data (core/health/feeds.ts). */
export const feedsSinceSchema = z.partialRecord(z.enum(FEEDS), z.iso.date());

export const baselinesSchema: z.ZodType<Baselines> = z.object({
  modelVersion: z.string(),
  computedAt: instant,
  segments: z.record(z.string(), segmentBaselineSchema),
  feedsSince: feedsSinceSchema.optional(),
});

export { bandOrUnknown as bandOrUnknownSchema };
