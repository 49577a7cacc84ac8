import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalInput } from '#core/signals';
import { openRisk } from '#store/risk-store';
import { churnguardAt } from '../support/cli.ts';
import { accountFor, type SeededAccount, signalsFor } from '../support/health-portfolio.ts';
import { type ErrorBody, type IngestBody, readJson, startTestApi } from '../support/http.ts';
import { openRiskRecord } from '../support/risks.ts';

const KEY = 'cg_test_key_for_workbench_lists';
let api: Awaited<ReturnType<typeof startTestApi>>;

function get(path: string) {
  return fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
}

const SEEDS: SeededAccount[] = [
  { id: 'core-healthy-0', segment: 'core', profile: 'healthy' },
  { id: 'core-troubled', segment: 'core', profile: 'troubled' },
  { id: 'strategic-troubled', segment: 'strategic', profile: 'troubled' },
];

const riskOf = (accountId: string, region: string, arr: number, currency: string, tier: 1 | 2 | 3) =>
  openRiskRecord(accountId, '2026-05-12T05:00:00.000Z', {
    region,
    arr,
    currency,
    tier,
    secondaryCause: 'sponsor_change',
    scoreAtTier: 30,
  });

interface AccountList {
  total: number;
  nextCursor: string | null;
  accounts: { accountId: string; band: string; segment: string; daysToRenewal: number }[];
}
interface RiskList {
  count: number;
  arrAtRisk: Record<string, number>;
  risks: { accountId: string; daysOpen: number; tier: number }[];
}

beforeAll(async () => {
  api = await startTestApi(KEY);
  const now = api.deps.clock.now();
  const accounts = SEEDS.map((seed) => accountFor(seed, now));
  // The strategic account is billed in USD from its US office.
  const strategic = accounts[2];
  if (strategic) Object.assign(strategic, { currency: 'USD', region: 'AMER' });
  const upsert = await fetch(`${api.url}/v1/accounts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ accounts }),
  });
  expect(upsert.status).toBe(200);
  const signals: SignalInput[] = SEEDS.flatMap((seed) => signalsFor(seed, now));
  for (let i = 0; i < signals.length; i += 1000) {
    const response = await fetch(`${api.url}/v1/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ signals: signals.slice(i, i + 1000) }),
    });
    expect((await readJson<IngestBody>(response)).rejected).toEqual([]);
  }
  await openRisk(api.db, riskOf('core-troubled', 'EMEA', 90_000, 'EUR', 2));
  await openRisk(api.db, riskOf('strategic-troubled', 'AMER', 750_000, 'USD', 1));
}, 180_000);

afterAll(async () => {
  await api?.stop();
});

describe('GET /v1/accounts: the CSM list, filtered, sorted and paged', () => {
  it('lists the red Core accounts', async () => {
    const list = await readJson<AccountList>(await get('/v1/accounts?band=red&segment=core'));
    expect(list.accounts.map((a) => a.accountId)).toEqual(['core-troubled']);
    expect(list).toMatchObject({ total: 1, nextCursor: null });
  });

  it('walks every account a page at a time with the cursor, none twice, none missed', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const response = await get(`/v1/accounts?sort=name&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      const list = await readJson<AccountList>(response);
      expect(list.accounts).toHaveLength(1);
      seen.push(...list.accounts.map((a) => a.accountId));
      cursor = list.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['core-healthy-0', 'core-troubled', 'strategic-troubled']);
  });

  it('refuses an unknown sort, band or parameter and a forged cursor with a 400 naming it', async () => {
    for (const [query, path] of [
      ['sort=mood', 'sort'],
      ['band=purple', 'band'],
      ['colour=red', 'colour'],
      ['limit=0', 'limit'],
      ['cursor=bm9wZQ', 'cursor'],
    ] as const) {
      const response = await get(`/v1/accounts?${query}`);
      expect(response.status, query).toBe(400);
      const body = await readJson<ErrorBody>(response);
      expect(
        body.errors?.map((e) => e.path),
        query,
      ).toContain(path);
    }
  });
});

describe('GET /v1/risks: open risks by region, tier, root cause and strategy, with ARR at risk per currency', () => {
  it('gives days open and the ARR at risk in each currency, never added across them', async () => {
    const all = await readJson<RiskList>(await get('/v1/risks'));
    expect(all.count).toBe(2);
    expect(all.arrAtRisk).toEqual({ EUR: 90_000, USD: 750_000 });
    expect(all.risks.map((r) => r.daysOpen)).toEqual([20, 20]);
  });

  it('filters by region, tier, root cause (primary or secondary) and strategy', async () => {
    const emea = await readJson<RiskList>(await get('/v1/risks?region=EMEA'));
    expect(emea.risks.map((r) => r.accountId)).toEqual(['core-troubled']);
    expect(emea.arrAtRisk).toEqual({ EUR: 90_000 });
    const tier1 = await readJson<RiskList>(
      await get('/v1/risks?tier=1&cause=sponsor_change&strategy=rescue'),
    );
    expect(tier1.risks.map((r) => r.accountId)).toEqual(['strategic-troubled']);
    const none = await readJson<RiskList>(await get('/v1/risks?strategy=farewell'));
    expect(none).toMatchObject({ count: 0, arrAtRisk: {} });
  });

  it('refuses a tier outside 1-3 or an unknown root cause, naming the parameter', async () => {
    const response = await get('/v1/risks?tier=4&cause=bad_luck');
    expect(response.status).toBe(400);
    const body = await readJson<ErrorBody>(response);
    expect(body.errors?.map((e) => e.path).sort()).toEqual(['cause', 'tier']);
  });
});

const churnguard = (...args: string[]) => churnguardAt(api.url, KEY)(...args);

describe('churnguard accounts and churnguard risks', () => {
  it('lists the red Core accounts with their ARR, renewal and open risk', async () => {
    const { code, output } = await churnguard('accounts', '--band', 'red', '--segment', 'core');
    expect(code).toBe(0);
    const lines = output.split('\n');
    expect(lines[0]).toMatch(/^1 customer \(sorted by score\), as of 2026-06-01T12:00:00.000Z$/);
    expect(lines[1]).toMatch(/^Account\s+Name\s+Segment\s+Band\s+Score\s+ARR\s+Renewal\s+CSM\s+Open risk$/);
    expect(lines[2]).toMatch(
      /^core-troubled\s+.*\s+core\s+red\s+[\d.]+\s+EUR 90,000\s+\d{4}-\d{2}-\d{2} \(\d+ d\)\s+.*tier 2 low_adoption$/,
    );
  }, 60_000);

  it('lists the open risks of a region with the ARR at risk per currency, and says why a filter is refused', async () => {
    const all = await churnguard('risks');
    expect(all.code).toBe(0);
    expect(all.output).toContain('2 open risks, ARR at risk EUR 90,000 + USD 750,000');
    const emea = await churnguard('risks', '--region', 'EMEA');
    expect(emea.output).toContain('1 open risk, ARR at risk EUR 90,000');
    expect(emea.output).toMatch(
      /core-troubled\s+EMEA\s+core\s+tier 2\s+low_adoption, sponsor_change\s+rescue\s+20 d\s+EUR 90,000/,
    );
    const refused = await churnguard('risks', '--tier', '4');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('400 from GET /v1/risks?tier=4');
    expect(refused.output).toContain('tier: must be 1, 2 or 3 (the escalation tier)');
  }, 60_000);
});
