import { writeFileSync } from 'node:fs';
import * as z from 'zod';
import { DAY_MS } from '#core/clock';
import { summarisePortfolio } from '#core/health/portfolio';
import { automationActivity } from '#core/journeys/automation';
import {
  type BookEntry,
  deskOfBook,
  openRisksOfBook,
  rankableOfBook,
  registryOfBook,
  retentionOfBook,
} from '#core/renewals/book';
import { contractEventSchema } from '#core/renewals/contract-history';
import { fieldErrors } from '#core/validation';
import { riskRecordSchema } from '#core/workflows/risk-record';
import { storedAccount } from '#store/account-store';
import { renewalCallSchema } from '#store/contract-history-store';
import { summarySchema } from '#store/portfolio-store';
import { AUTOMATION_DEFINITIONS } from '#usecases/automation';
import { stackRankOf } from '#usecases/stack-rank';
import { buildPage } from '../../web/build.ts';
import { renderReport } from '../../web/report.ts';
import { loadCliConfig } from './config-file.ts';
import { readResult } from './evaluate.ts';

export class ReportInputError extends Error {}

const bookEntrySchema: z.ZodType<BookEntry> = z.object({
  account: storedAccount,
  health: summarySchema.optional(),
  risk: riskRecordSchema.optional(),
  latestReview: z
    .object({ reviewKind: z.string(), status: z.string(), at: z.string() })
    .nullable()
    .optional(),
  call: renewalCallSchema.nullable().optional(),
  contract: z.array(contractEventSchema).optional(),
  drivers: z.array(z.object({ text: z.string(), pointsLost: z.number() })).optional(),
});

/** What a report reads of a `churnguard simulate` result: its window and each account's end state. */
const resultSchema = z.object({
  start: z.iso.date(),
  days: z.number().int().min(1),
  book: z.array(bookEntrySchema),
  /** What the run did and did not send, play by play (the automation view). */
  actions: z.array(
    z.object({ accountId: z.string(), play: z.string().optional(), mode: z.string().optional() }),
  ),
  skipped: z.array(
    z.object({ accountId: z.string(), play: z.string(), outcome: z.string(), reason: z.string() }),
  ),
  outcomes: z.array(z.object({ accountId: z.string(), outcome: z.string(), at: z.string() })),
});

function readBook(file: string): z.infer<typeof resultSchema> {
  const parsed = resultSchema.safeParse(readResult(file));
  if (!parsed.success) {
    const problems = fieldErrors(parsed.error)
      .slice(0, 10)
      .map((e) => `  ${e.path}: ${e.message}`)
      .join('\n');
    throw new ReportInputError(
      `${file} is not a simulation result a report can read (one written before reports existed has no book of ` +
        `accounts: run simulate again):\n${problems}`,
    );
  }
  return parsed.data;
}

/** The last instant of a run: where its virtual clock stopped. */
export const endOfRun = (start: string, days: number) =>
  new Date(Date.parse(`${start}T00:00:00Z`) + days * DAY_MS - 1000);

/**
 * The API answers a report of a simulate result holds, keyed by path as the page reads them: the desk, retention,
 * the open risks and the health bands per segment, computed from the run's end state by the functions the API
 * computes them with (core/renewals/book.ts, core/health/portfolio.ts), as of the run's last instant.
 */
export function reportDataOfResult(
  result: Pick<z.infer<typeof resultSchema>, 'start' | 'days' | 'actions' | 'skipped' | 'outcomes'> & {
    book: readonly BookEntry[];
  },
  config: Parameters<typeof deskOfBook>[0],
): Record<string, unknown> {
  const now = endOfRun(result.start, result.days);
  const book = result.book.map((entry) => ({ ...entry, contract: entry.contract ?? [] }));
  return {
    '/renewals': deskOfBook(config, result.book, now),
    '/retention': retentionOfBook(config, result.book, now),
    '/risks': openRisksOfBook(config, result.book, now),
    // Nothing waits to be scored in a finished run.
    '/portfolio': { ...summarisePortfolio(config, registryOfBook(book), now), pendingRecompute: 0 },
    '/stack-rank': stackRankOf(config, rankableOfBook(book), now),
    '/automation': automationOfResult(result, config, now),
  };
}

/**
 * GET /v1/automation's answer from a run: a message the run sent live is the send ledger's `sent` row, what it did
 * not send (silent mode, holdout, restraint) the not-sent ledger's row (core/journeys/automation.ts counts both).
 */
function automationOfResult(
  result: Parameters<typeof reportDataOfResult>[0],
  config: Parameters<typeof deskOfBook>[0],
  now: Date,
) {
  const sends = result.actions.flatMap((a) =>
    a.play !== undefined && (a.mode ?? 'live') === 'live'
      ? [{ accountId: a.accountId, playId: a.play, audience: 'contact' as const, status: 'sent' }]
      : [],
  );
  const notSent = result.skipped.map((s) => ({ ...s, playId: s.play }));
  const health = new Map(
    result.book.flatMap((e) =>
      e.health ? [[e.account.id, { score: e.health.score, band: e.health.band }] as const] : [],
    ),
  );
  return {
    asOf: now.toISOString(),
    accounts: result.book.length,
    definitions: AUTOMATION_DEFINITIONS,
    ...automationActivity(config, sends, notSent, result.outcomes, health),
  };
}

/** `churnguard report <result.json> --out <file>`: a simulate result as one self-contained page (web/report.ts). */
export async function writeReportFromResult(
  resultFile: string,
  out: string,
  configFile?: string,
): Promise<{ accounts: number; bytes: number; asOf: string }> {
  const result = readBook(resultFile);
  const { config } = await loadCliConfig(configFile);
  const data = reportDataOfResult(result, config);
  const asOf = endOfRun(result.start, result.days).toISOString().slice(0, 10);
  const html = renderReport(
    await buildPage(),
    data,
    `churnguard report of a simulation, ${result.start} to ${asOf}`,
  );
  writeFileSync(out, html);
  return { accounts: result.book.length, bytes: Buffer.byteLength(html), asOf };
}
