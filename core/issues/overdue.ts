import { utcDay } from '#core/clock';
import { dayNumber } from '#core/health/days';
import type { Driver } from '#core/health/types';
import type { ComponentId } from '#core/health/vocabulary';
import type { HealthIssue, IssueCategory, PlanStep } from './issue.ts';

/** The health component each category of issue speaks to, so an issue's driver sits beside that component's. */
export const COMPONENT_OF_CATEGORY: Record<IssueCategory, ComponentId> = {
  Relationship: 'relationship',
  Outcome: 'outcomes',
  Commercial: 'outcomes',
  Adoption: 'adoption',
  Product: 'support',
};

export interface OverdueStep extends PlanStep {
  daysLate: number;
}

/** An open issue's plan steps not done by their due day (a step due today is not late yet). */
export function overdueSteps(issue: HealthIssue, now: Date): OverdueStep[] {
  if (issue.status !== 'open') return [];
  const today = dayNumber(utcDay(now));
  return issue.plan.flatMap((step) => {
    const daysLate = today - dayNumber(step.due);
    return step.status === 'open' && daysLate > 0 ? [{ ...step, daysLate }] : [];
  });
}

/** The issue's latest step (the most days late) and how many are late; undefined when none is. */
export function latestOverdue(issue: HealthIssue, now: Date) {
  const late = overdueSteps(issue, now).sort((a, b) => b.daysLate - a.daysLate);
  const worst = late[0];
  return worst
    ? { ...worst, summary: issue.summary, category: issue.category, late: late.length }
    : undefined;
}

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/**
 * Drivers for open issues past their plan dates: one per issue, naming the latest step and how late it is. They
 * cost no points (the score reads signals); they say what a CSM has promised and not yet done. Oldest lateness first.
 */
export function issueDrivers(issues: readonly HealthIssue[], now: Date): Driver[] {
  return issues
    .flatMap((issue) => {
      const late = overdueSteps(issue, now).sort((a, b) => b.daysLate - a.daysLate);
      const worst = late[0];
      if (!worst) return [];
      const more =
        late.length > 1 ? ` (and ${late.length - 1} more step${late.length > 2 ? 's' : ''} late)` : '';
      const driver: Driver = {
        component: COMPONENT_OF_CATEGORY[issue.category],
        measure: `issue:${issue.issueId}`,
        kind: 'issue',
        text: `${issue.category} issue "${issue.summary}": plan step "${worst.action}" (${worst.owner}) was due ${worst.due}, ${days(worst.daysLate)} late${more}`,
        pointsLost: 0,
      };
      return [{ driver, daysLate: worst.daysLate }];
    })
    .sort((a, b) => b.daysLate - a.daysLate)
    .map(({ driver }) => driver);
}
