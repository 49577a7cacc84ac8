import { randomUUID } from 'node:crypto';
import {
  describeChanges,
  type HealthIssue,
  type IssuePatch,
  issueIdFor,
  type NewIssue,
  newIssue,
  patchIssue,
  planWords,
} from '#core/issues/issue';
import { overdueSteps } from '#core/issues/overdue';
import type { Deps } from '#functions/shared/runtime';
import { getAccount } from '#store/account-store';
import { markDirty } from '#store/dirty-store';
import { NotFoundError } from '#store/errors';
import { createIssue, getIssue, listIssues, replaceIssue } from '#store/issue-store';
import { recordTimeline } from '#store/timeline-store';

/**
 * Health issues (seed 000) as CSMs record them through the API: each is stored, written to the account's
 * timeline once per version, and marks the account for rescoring, since an open issue past its plan dates is a
 * health driver (core/issues/overdue.ts).
 */

async function requireAccount(deps: Deps, accountId: string): Promise<void> {
  if (!(await getAccount(deps.db, accountId))) throw new NotFoundError(`account "${accountId}"`);
}

function steps(issue: HealthIssue) {
  return issue.plan.map((step) => ({
    action: step.action,
    owner: step.owner,
    due: step.due,
    status: step.status,
  }));
}

export async function recordIssue(
  deps: Deps,
  accountId: string,
  input: NewIssue,
  riskId: string | null = null,
): Promise<HealthIssue> {
  await requireAccount(deps, accountId);
  const at = deps.clock.now().toISOString();
  const issue = newIssue(accountId, input, at, issueIdFor(at, randomUUID().slice(0, 8)), riskId);
  if (!(await createIssue(deps.db, issue))) throw new Error(`issue id ${issue.issueId} was taken`);
  await recordTimeline(deps.db, {
    accountId,
    at,
    action: 'issue_recorded',
    what: `${issue.category} issue recorded by ${issue.openedBy}: ${issue.summary} (plan: ${planWords(issue.plan)})`,
    why: issue.impact,
    cause: `issue:${issue.issueId}:v1`,
    details: { issueId: issue.issueId, category: issue.category, plan: steps(issue), riskId },
  });
  await markDirty(deps.db, [accountId], deps.clock.now());
  return issue;
}

export async function changeIssue(
  deps: Deps,
  accountId: string,
  issueId: string,
  patch: IssuePatch,
): Promise<HealthIssue> {
  const before = await getIssue(deps.db, accountId, issueId);
  if (!before) throw new NotFoundError(`issue "${issueId}" of account "${accountId}"`);
  const at = deps.clock.now().toISOString();
  const after = patchIssue(before, patch, at);
  await replaceIssue(deps.db, after);
  const changed = describeChanges(before, after);
  await recordTimeline(deps.db, {
    accountId,
    at,
    action:
      after.status !== before.status && after.status !== 'open' ? `issue_${after.status}` : 'issue_updated',
    what: `${after.category} issue "${after.summary}" ${changed.length ? `changed by ${patch.by}: ${changed.join(', ')}` : `saved unchanged by ${patch.by}`}`,
    why: after.impact,
    cause: `issue:${issueId}:v${after.version}`,
    details: { issueId, category: after.category, status: after.status, plan: steps(after) },
  });
  await markDirty(deps.db, [accountId], deps.clock.now());
  return after;
}

/** The account's issues, each with the plan steps past their due day (open issues only), as of the API's clock. */
export async function accountIssues(deps: Deps, accountId: string) {
  await requireAccount(deps, accountId);
  const now = deps.clock.now();
  const issues = await listIssues(deps.db, accountId);
  return {
    accountId,
    asOf: now.toISOString(),
    issues: issues.map((issue) => ({ ...issue, overdueSteps: overdueSteps(issue, now) })),
  };
}
