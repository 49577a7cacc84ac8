import * as z from 'zod';
import { wellFormedText } from '#core/ids';

/**
 * A health issue (seed 000's template): what happened to an account's health, in one of five categories, its
 * impact, and a plan of steps (each with an owner and a due date) that the CSM follows until it is resolved.
 */
export const ISSUE_CATEGORIES = ['Relationship', 'Outcome', 'Commercial', 'Adoption', 'Product'] as const;
export type IssueCategory = (typeof ISSUE_CATEGORIES)[number];

export const ISSUE_STATUSES = ['open', 'resolved', 'dropped'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

export const STEP_STATUSES = ['open', 'done'] as const;

/** At most this many steps in a plan: a plan a CSM follows, not a project schedule. */
export const MAX_PLAN_STEPS = 20;

const isoDay = z.iso.date({ error: 'must be a date, YYYY-MM-DD' });
const text = (max: number, what: string) =>
  wellFormedText.min(1, `must say ${what}`).max(max, `must be at most ${max} characters`);

export const planStepSchema = z.strictObject({
  action: text(500, 'what is to be done'),
  owner: text(200, 'who does it'),
  due: isoDay,
  status: z.enum(STEP_STATUSES, { error: `must be one of: ${STEP_STATUSES.join(', ')}` }).default('open'),
});
export type PlanStep = z.infer<typeof planStepSchema>;

export const planSchema = z
  .array(planStepSchema)
  .max(MAX_PLAN_STEPS, `must have at most ${MAX_PLAN_STEPS} steps`);

const category = z.enum(ISSUE_CATEGORIES, { error: `must be one of: ${ISSUE_CATEGORIES.join(', ')}` });

/** POST /v1/accounts/{id}/issues. */
export const newIssueSchema = z.strictObject({
  category,
  summary: text(500, 'what happened'),
  impact: text(2000, 'what it means for the account'),
  plan: planSchema.default([]),
  by: text(200, 'who records it'),
});
export type NewIssue = z.infer<typeof newIssueSchema>;

/** PATCH /v1/accounts/{id}/issues/{issueId}: the fields given replace the stored ones; the plan is replaced whole. */
export const issuePatchSchema = z
  .strictObject({
    category: category.optional(),
    summary: text(500, 'what happened').optional(),
    impact: text(2000, 'what it means for the account').optional(),
    plan: planSchema.optional(),
    status: z.enum(ISSUE_STATUSES, { error: `must be one of: ${ISSUE_STATUSES.join(', ')}` }).optional(),
    by: text(200, 'who changes it'),
  })
  .refine((patch) => Object.keys(patch).some((key) => key !== 'by'), {
    message: 'must change at least one of: category, summary, impact, plan, status',
  });
export type IssuePatch = z.infer<typeof issuePatchSchema>;

/** A health issue as stored and as the API returns it. */
export const issueSchema = z.object({
  issueId: z.string(),
  accountId: z.string(),
  category,
  summary: z.string(),
  impact: z.string(),
  plan: z.array(planStepSchema),
  status: z.enum(ISSUE_STATUSES),
  openedAt: z.string(),
  openedBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  /** Bumped by every change; a change is written only over the version it read. */
  version: z.number().int().min(1),
  /** The risk whose acknowledgement attached this plan, if one did. */
  riskId: z.string().nullable().default(null),
});
export type HealthIssue = z.infer<typeof issueSchema>;

/** A new issue's id: the time it was recorded and a request-unique suffix, so ids sort by age. */
export function issueIdFor(at: string, unique: string): string {
  return `i.${at.replace(/[^0-9]/g, '').slice(0, 14)}.${unique}`;
}

export function newIssue(
  accountId: string,
  input: NewIssue,
  at: string,
  issueId: string,
  riskId: string | null = null,
): HealthIssue {
  return {
    issueId,
    accountId,
    category: input.category,
    summary: input.summary,
    impact: input.impact,
    plan: input.plan,
    status: 'open',
    openedAt: at,
    openedBy: input.by,
    updatedAt: at,
    updatedBy: input.by,
    version: 1,
    riskId,
  };
}

export function patchIssue(issue: HealthIssue, patch: IssuePatch, at: string): HealthIssue {
  const { by, ...changes } = patch;
  return {
    ...issue,
    ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)),
    updatedAt: at,
    updatedBy: by,
    version: issue.version + 1,
  };
}

/** The fields a patch changed, by name, for the timeline: "status open -> resolved", "plan (3 steps)". */
export function describeChanges(before: HealthIssue, after: HealthIssue): string[] {
  const changed: string[] = [];
  if (before.category !== after.category) changed.push(`category ${before.category} -> ${after.category}`);
  if (before.status !== after.status) changed.push(`status ${before.status} -> ${after.status}`);
  if (before.summary !== after.summary) changed.push('summary');
  if (before.impact !== after.impact) changed.push('impact');
  if (JSON.stringify(before.plan) !== JSON.stringify(after.plan))
    changed.push(`plan (${planWords(after.plan)})`);
  return changed;
}

export function planWords(plan: readonly PlanStep[]): string {
  const done = plan.filter((step) => step.status === 'done').length;
  return `${plan.length} step${plan.length === 1 ? '' : 's'}, ${done} done`;
}
