import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { type HealthIssue, newIssue } from '#core/issues/issue';
import { issueDrivers, latestOverdue, overdueSteps } from '#core/issues/overdue';
import { triggersOf } from '#core/workflows/account-view';
import { detectRisk } from '#core/workflows/detect';
import { accountFacts } from '#core/workflows/evidence';
import { view } from './view.ts';

const NOW = new Date('2026-06-30T12:00:00Z');
const policy = defaultConfig.escalation.detection;

function issue(due: string[], status: HealthIssue['status'] = 'open'): HealthIssue {
  const plan = due.map((day, i) => ({
    action: `step ${i + 1}`,
    owner: 'Cara Smith',
    due: day,
    status: 'open' as const,
  }));
  return {
    ...newIssue(
      'acme',
      { category: 'Outcome', summary: 'Business case forgotten', impact: 'May not renew', plan, by: 'Cara' },
      '2026-05-01T09:00:00.000Z',
      'i.1',
    ),
    status,
  };
}

const detect = (issues: HealthIssue[], since: string | null = null) =>
  detectRisk(policy, {
    segment: 'core',
    goLiveDate: '2025-01-01',
    score: 85,
    band: 'green',
    trail: [],
    facts: { ...accountFacts([], [], NOW), firstDataDay: '2025-01-01' },
    overdueIssues: issues.flatMap((i) => latestOverdue(i, NOW) ?? []),
    since,
    now: NOW,
  });

describe('health issues past their plan dates (seed 000)', () => {
  it('counts a step late from the day after it was due, and none of a resolved issue', () => {
    expect(overdueSteps(issue(['2026-06-30']), NOW)).toEqual([]);
    expect(overdueSteps(issue(['2026-06-29']), NOW).map((s) => s.daysLate)).toEqual([1]);
    expect(overdueSteps(issue(['2026-06-01'], 'resolved'), NOW)).toEqual([]);
  });

  it('names the latest step of each late issue as a driver that costs no points', () => {
    expect(issueDrivers([issue(['2026-06-20', '2026-06-10', '2026-08-01'])], NOW)).toEqual([
      {
        component: 'outcomes',
        measure: 'issue:i.1',
        kind: 'issue',
        pointsLost: 0,
        text: 'Outcome issue "Business case forgotten": plan step "step 2" (Cara Smith) was due 2026-06-10, 20 days late (and 1 more step late)',
      },
    ]);
  });

  it('is a risk trigger once a step is more than escalation.detection.issueOverdueDays late', () => {
    expect(policy.issueOverdueDays).toBe(14);
    expect(detect([issue(['2026-06-16'])]).map((t) => t.id)).not.toContain('issue_overdue');
    const triggers = detect([issue(['2026-06-15'])]);
    expect(triggers).toEqual([
      {
        id: 'issue_overdue',
        text: 'the plan of the Outcome issue "Business case forgotten" is 15 days behind ("step 1" was due 2026-06-15)',
      },
    ]);
    // After a risk closed, only what fell behind since counts.
    expect(detect([issue(['2026-06-15'])], '2026-06-20T00:00:00.000Z')).toEqual([]);
  });

  it("reaches the risk check from the account's own issues: a late plan is a trigger, an issue on time is none", () => {
    const at = { now: NOW };
    const lateView = { ...view(at), issues: [issue(['2026-06-15'])] };
    expect(triggersOf(defaultConfig, lateView).map((t) => t.id)).toEqual(['issue_overdue']);
    const onTime = { ...view(at), issues: [issue(['2026-07-15'])] };
    expect(triggersOf(defaultConfig, onTime)).toEqual([]);
  });
});
