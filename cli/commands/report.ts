import { writeFileSync } from 'node:fs';
import * as z from 'zod';
import { buildPage } from '../../web/build.ts';
import { renderReport } from '../../web/report.ts';
import { type ApiTarget, getJson } from '../api-client.ts';

const answer = z.record(z.string(), z.unknown());
const deskAccounts = z.object({ rows: z.array(z.object({ accountId: z.string() })) });
const riskAccounts = z.object({ risks: z.array(z.object({ accountId: z.string() })) });

/** The views a report holds, by the API path the page reads them from. */
const VIEWS = ['/renewals', '/retention', '/portfolio', '/risks', '/stack-rank', '/automation'] as const;
const accountPaths = (id: string) => {
  const base = `/accounts/${encodeURIComponent(id)}`;
  return [base, `${base}/history`, `${base}/timeline`, `${base}/nudges`, `${base}/issues`];
};

/**
 * `churnguard report --out <file>`: the page as one self-contained file (web/report.ts), holding the desk,
 * retention, portfolio and the page of every account on the desk or with an open risk, as the API answered now.
 */
export async function writeReport(
  target: ApiTarget,
  out: string,
): Promise<{ accounts: number; bytes: number }> {
  const data: Record<string, unknown> = {};
  for (const path of VIEWS) data[path] = await getJson(target, `/v1${path}`, answer);
  const accounts = [
    ...new Set([
      ...deskAccounts.parse(data['/renewals']).rows.map((r) => r.accountId),
      ...riskAccounts.parse(data['/risks']).risks.map((r) => r.accountId),
    ]),
  ].sort();
  for (const id of accounts)
    for (const path of accountPaths(id)) data[path] = await getJson(target, `/v1${path}`, answer);
  const html = renderReport(
    await buildPage(),
    data,
    `churnguard report, ${new Date().toISOString().slice(0, 10)}`,
  );
  writeFileSync(out, html);
  return { accounts: accounts.length, bytes: Buffer.byteLength(html) };
}
