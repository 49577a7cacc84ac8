import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRisk } from '#store/risk-store';
import { churnguardAt } from '../support/cli.ts';
import { account } from '../support/fixtures.ts';
import { apiCaller, type ErrorBody, readJson, startTestApi } from '../support/http.ts';
import { openRiskRecord } from '../support/risks.ts';

const KEY = 'cg_test_key_for_health_issues';
let api: Awaited<ReturnType<typeof startTestApi>>;

const call = (method: string, path: string, body?: unknown) => apiCaller(api.url, KEY)(method, path, body);

// The test clock stands at 2026-06-01T12:00Z: the first step was due 10 days ago.
const relationshipIssue = {
  category: 'Relationship',
  summary: 'The new senior director is not a fan',
  impact: 'The renewal needs her buy-in: a renewal risk',
  plan: [
    { action: 'Meet the new director with our VP', owner: 'Cara Smith', due: '2026-05-22' },
    { action: 'Present the value delivered so far', owner: 'Cara Smith', due: '2026-06-20' },
    { action: 'Agree a joint success plan', owner: 'Dana Lee', due: '2026-07-15' },
  ],
  by: 'Cara Smith',
};

interface Issue {
  issueId: string;
  category: string;
  status: string;
  version: number;
  plan: { action: string; status: string }[];
  overdueSteps?: { action: string; daysLate: number }[];
}
interface AccountBody {
  health: { drivers: { text: string; kind?: string; pointsLost: number }[] } | null;
}

beforeAll(async () => {
  api = await startTestApi(KEY);
  const upsert = await call('POST', '/v1/accounts', {
    accounts: [account('fmcg'), account('quiet'), account('refused'), account('shown'), account('acked')],
  });
  expect(upsert.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await api?.stop();
});

describe('health issues (seed 000) over the API', () => {
  it('records a Relationship issue with a three-step plan: listed, on the timeline, and a past-due step is a driver', async () => {
    const created = await call('POST', '/v1/accounts/fmcg/issues', relationshipIssue);
    expect(created.status).toBe(201);
    const issue = await readJson<Issue>(created);
    expect(issue).toMatchObject({ category: 'Relationship', status: 'open', version: 1 });
    expect(issue.plan.map((s) => s.status)).toEqual(['open', 'open', 'open']);

    const listed = await readJson<{ issues: Issue[] }>(await call('GET', '/v1/accounts/fmcg/issues'));
    expect(listed.issues.map((i) => i.issueId)).toEqual([issue.issueId]);
    expect(listed.issues[0]?.overdueSteps).toEqual([
      expect.objectContaining({ action: 'Meet the new director with our VP', daysLate: 10 }),
    ]);

    const timeline = await readJson<{ entries: { action: string; what: string; details?: unknown }[] }>(
      await call('GET', '/v1/accounts/fmcg/timeline'),
    );
    const recorded = timeline.entries.find((e) => e.action === 'issue_recorded');
    expect(recorded?.what).toBe(
      'Relationship issue recorded by Cara Smith: The new senior director is not a fan (plan: 3 steps, 0 done)',
    );

    const read = await readJson<AccountBody>(await call('GET', '/v1/accounts/fmcg'));
    const driver = read.health?.drivers.find((d) => d.kind === 'issue');
    expect(driver?.text).toBe(
      'Relationship issue "The new senior director is not a fan": plan step "Meet the new director with our VP" (Cara Smith) was due 2026-05-22, 10 days late',
    );
    expect(driver?.pointsLost).toBe(0);
  });

  it('updates an issue with PATCH: the step done and the issue resolved leave no driver, each change on the timeline', async () => {
    const issue = await readJson<Issue>(await call('POST', '/v1/accounts/quiet/issues', relationshipIssue));
    const plan = relationshipIssue.plan.map((step, i) => ({ ...step, status: i === 0 ? 'done' : 'open' }));
    const stepDone = await call('PATCH', `/v1/accounts/quiet/issues/${issue.issueId}`, {
      plan,
      by: 'Cara Smith',
    });
    expect(stepDone.status).toBe(200);
    expect(await readJson<Issue>(stepDone)).toMatchObject({ version: 2, status: 'open' });
    let read = await readJson<AccountBody>(await call('GET', '/v1/accounts/quiet'));
    expect(read.health?.drivers.filter((d) => d.kind === 'issue')).toEqual([]);

    const resolved = await call('PATCH', `/v1/accounts/quiet/issues/${issue.issueId}`, {
      status: 'resolved',
      by: 'Cara Smith',
    });
    expect(await readJson<Issue>(resolved)).toMatchObject({ version: 3, status: 'resolved' });
    const timeline = await readJson<{ entries: { action: string; what: string }[] }>(
      await call('GET', '/v1/accounts/quiet/timeline'),
    );
    expect(timeline.entries.filter((e) => e.action.startsWith('issue_')).map((e) => e.action)).toEqual([
      'issue_recorded',
      'issue_updated',
      'issue_resolved',
    ]);
    expect(timeline.entries.find((e) => e.action === 'issue_updated')?.what).toContain(
      'plan (3 steps, 1 done)',
    );
    read = await readJson<AccountBody>(await call('GET', '/v1/accounts/quiet'));
    expect(read.health?.drivers.filter((d) => d.kind === 'issue')).toEqual([]);
  });

  it('refuses a bad issue with a 400 naming each field, and stores nothing', async () => {
    const response = await call('POST', '/v1/accounts/refused/issues', {
      ...relationshipIssue,
      category: 'Mood',
      plan: [{ action: 'Call', due: '2026-13-01' }],
    });
    expect(response.status).toBe(400);
    const body = await readJson<ErrorBody>(response);
    const paths = body.errors?.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['category', 'plan[0].owner', 'plan[0].due']));
    expect(body.errors?.find((e) => e.path === 'category')?.message).toBe(
      'must be one of: Relationship, Outcome, Commercial, Adoption, Product',
    );
    const listed = await readJson<{ issues: Issue[] }>(await call('GET', '/v1/accounts/refused/issues'));
    expect(listed.issues).toEqual([]);
  });

  it('answers 404 for an unknown account or issue, and 400 for a PATCH that changes nothing', async () => {
    expect((await call('POST', '/v1/accounts/nobody/issues', relationshipIssue)).status).toBe(404);
    expect(
      (await call('PATCH', '/v1/accounts/fmcg/issues/i.none', { status: 'resolved', by: 'x' })).status,
    ).toBe(404);
    const empty = await call('PATCH', '/v1/accounts/fmcg/issues/i.none', { by: 'x' });
    expect(empty.status).toBe(400);
  });

  it('needs an admin key to record an issue', async () => {
    const response = await fetch(`${api.url}/v1/accounts/fmcg/issues`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(relationshipIssue),
    });
    expect(response.status).toBe(401);
  });
});

const churnguard = (...args: string[]) => churnguardAt(api.url, KEY)(...args);

describe("churnguard account <id>: the CSM's workbench", () => {
  it('shows ARR, the renewal and days to it, the CSM, the open issue with its late step, and the checkpoints', async () => {
    expect((await call('POST', '/v1/accounts/shown/issues', relationshipIssue)).status).toBe(201);
    const { code, output } = await churnguard('account', 'shown');
    expect(code).toBe(0);
    expect(output).toContain('ARR        EUR 48,000');
    expect(output).toContain('Renewal    2027-01-01 (in 214 days)');
    expect(output).toContain('CSM        Casey Morgan, region EMEA');
    expect(output).toContain('Open risk  none');
    expect(output).toContain('Issues     1 open');
    expect(output).toContain('  - Relationship: The new senior director is not a fan');
    expect(output).toContain('      [LATE 10 days] 2026-05-22 Cara Smith: Meet the new director with our VP');
    expect(output).toContain('      [open] 2026-06-20 Cara Smith: Present the value delivered so far');
    expect(output).toMatch(/Checkpoints\n {2}- 2026-07-05 T-180\n/);
    expect(output).toContain('(health issue past its plan dates)');
  }, 60_000);
});

describe('a risk acknowledgement with a plan', () => {
  it('records a health issue linked to the risk, on the timeline beside the acknowledgement; half a plan is a 400', async () => {
    const openedAt = '2026-05-30T05:00:00.000Z';
    const risk = openRiskRecord('acked', openedAt, {
      tier: 1,
      primaryCause: 'relationship_weak',
      strategy: 'recover',
      reasons: ['the customer rates the relationship 4/10'],
      triggers: ['weak_relationship'],
    });
    const { riskId } = risk;
    await openRisk(api.db, risk);
    const half = await call('POST', `/v1/risks/${riskId}/ack`, {
      note: 'On it',
      by: 'Cara Smith',
      category: 'Relationship',
    });
    expect(half.status).toBe(400);
    expect((await readJson<ErrorBody>(half)).errors).toEqual([
      { path: 'plan', message: 'is required to attach a plan to the acknowledgement' },
    ]);

    const acked = await call('POST', `/v1/risks/${riskId}/ack`, {
      note: 'Relationship reset with the new director',
      by: 'Cara Smith',
      category: 'Relationship',
      plan: relationshipIssue.plan,
    });
    expect(acked.status).toBe(200);
    const body = await readJson<{ acknowledgedBy: string; issue: Issue & { riskId: string } }>(acked);
    expect(body.acknowledgedBy).toBe('Cara Smith');
    expect(body.issue).toMatchObject({ category: 'Relationship', riskId, status: 'open' });
    const listed = await readJson<{ issues: Issue[] }>(await call('GET', '/v1/accounts/acked/issues'));
    expect(listed.issues.map((i) => i.issueId)).toEqual([body.issue.issueId]);
    const timeline = await readJson<{ entries: { action: string }[] }>(
      await call('GET', '/v1/accounts/acked/timeline'),
    );
    expect(timeline.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['risk_acknowledged', 'issue_recorded']),
    );
  });
});
