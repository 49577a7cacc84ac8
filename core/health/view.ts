import * as z from 'zod';
import type { JourneyStanding } from './journey-class.ts';
import type { MilestoneAchievement } from './milestones.ts';
import { type HealthRecord, healthRecordSchema } from './record.ts';
import {
  journeyStandingSchema,
  milestoneAchievementSchema,
  snapshotObjectSchema,
} from './snapshot-schema.ts';
import type { HealthSnapshot } from './types.ts';

/**
 * The `health` of `GET /v1/accounts/{id}`: the snapshot (score, band, components with their exact
 * contributions, drivers, trend, segment, model version), the journey standing and class, the milestones
 * reached, and the latest change in brief. The schema is what clients (the CLI) parse the answer with.
 */
export interface AccountHealth extends HealthSnapshot {
  journey: JourneyStanding;
  milestones: MilestoneAchievement[];
  lastChange: HealthRecord['lastChange'];
}

export const accountHealthSchema: z.ZodType<AccountHealth> = snapshotObjectSchema.extend({
  journey: journeyStandingSchema,
  milestones: z.array(milestoneAchievementSchema),
  lastChange: healthRecordSchema.shape.lastChange,
});

export function accountHealth(record: HealthRecord): AccountHealth {
  const { snapshot, journey, milestones, lastChange } = record;
  return { ...snapshot, journey, milestones, lastChange };
}

/**
 * `GET /v1/accounts/{id}`: the account's profile fields (passed through), and `health`, or `health: null` with
 * `healthUnavailable` saying why.
 */
export const accountWithHealthSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  health: accountHealthSchema.nullable(),
  healthUnavailable: z.string().optional(),
});
export type AccountWithHealth = z.infer<typeof accountWithHealthSchema>;
