import * as z from 'zod';
import { SIGNAL_TYPES } from '#core/signals';
import {
  bandOrUnknownSchema,
  healthSnapshotSchema,
  journeyStandingSchema,
  milestoneAchievementSchema,
  priorScoreSchema,
  snapshotDiffSchema,
} from './snapshot-schema.ts';
import { JOURNEY_CLASSES } from './vocabulary.ts';

/** Why an account was scored again. */
export const RECOMPUTE_REASONS = [
  /** It had never been scored. */
  'first-score',
  /** New signals arrived or its profile changed (the ingest path and account upserts mark it dirty). */
  'dirty',
  /** The health model (config or formula) changed since it was scored. */
  'model-changed',
  /** Time passed: recency weights, windows and milestone due days move even without new signals. */
  'daily',
] as const;
export type RecomputeReason = (typeof RECOMPUTE_REASONS)[number];

const signalCountsSchema = z.partialRecord(z.enum(SIGNAL_TYPES), z.number().finite());

/**
 * One change of an account's health, kept for good: what it became, why it was scored, and what moved it (the
 * component and measure deltas from diffSnapshots and the signal counts that arrived or aged out).
 */
export const healthChangeSchema = z.object({
  accountId: z.string(),
  at: z.string(),
  revision: z.number().int(),
  reason: z.enum(RECOMPUTE_REASONS),
  score: z.number().finite().nullable(),
  band: bandOrUnknownSchema,
  modelVersion: z.string(),
  segment: z.string(),
  journeyClass: z.enum(JOURNEY_CLASSES),
  /** Null for the first score: there is nothing to compare with. */
  diff: snapshotDiffSchema.nullable(),
  signals: signalCountsSchema,
  summary: z.string(),
});
export type HealthChange = z.infer<typeof healthChangeSchema>;

/** An account's current health as stored: the latest snapshot and what the next recompute builds on. */
export const healthRecordSchema = z.object({
  accountId: z.string(),
  /** Bumped on every write; a write is conditional on the revision it read, so racing recomputes cannot interleave. */
  revision: z.number().int().min(1),
  snapshot: healthSnapshotSchema,
  journey: journeyStandingSchema,
  /** First day each journey milestone was reached; kept after the rollups that showed it leave the lookback. */
  milestones: z.array(milestoneAchievementSchema),
  /**
   * The first day the data covers the account (core/health/data-since.ts); absent on records stored before it was
   * kept, which the next score fills in.
   */
  dataSince: z.string().optional(),
  /** Score changes (see score-trail.ts): the trend's memory. */
  trail: z.array(priorScoreSchema),
  /** Signals per type in the lookback when scored, to tell which signals moved the next change. */
  signalTotals: signalCountsSchema,
  /** The latest history entry in brief: when, why, what moved it. */
  lastChange: z.object({
    at: z.string(),
    reason: z.enum(RECOMPUTE_REASONS),
    summary: z.string(),
    signals: signalCountsSchema,
  }),
});
export type HealthRecord = z.infer<typeof healthRecordSchema>;
