import { randomBytes } from 'node:crypto';
import type { Config } from '#config/schema';
import { DAY_MS } from '#core/clock';
import { demoPortfolio } from '#core/simulation/demo';
import type { Mailer, OutgoingEmail } from '#functions/shared/mailer';
import type { Db } from '#store/client';
import { type DemoMarker, readDemoMarker, writeDemoMarker } from '#store/demo-store';
import { listPortfolio } from '#store/portfolio-store';
import { copyTable } from '#store/table-copy';
import { type SimulationInput, simulateParts } from '../simulation/run.ts';

export interface DemoOptions {
  accounts: number;
  now: Date;
  seed?: number;
  /** Mail the run sent in these last days goes to the inbox too (it is all in the send ledger). */
  mailDays?: number;
  config?: Config;
  /** Hears what is being done, a line at a time. */
  onProgress?: (line: string) => void;
}

export type DemoLoad =
  | { kind: 'loaded'; marker: DemoMarker; items: number; mail: { delivered: number; sent: number } }
  | { kind: 'already'; marker: DemoMarker };

/** The table holds data that is not the demo's: the demo loads only into an empty one. */
export class DemoRefusedError extends Error {
  constructor(readonly accounts: number) {
    super(
      `the local table already holds ${accounts} account(s) that are not the demo's, and the demo loads only into an empty table. ` +
        'Use them as they are (npm start), or see the demo on a stack of its own: npm run demo holds its data in memory ' +
        '(PORT=3001 npm run demo beside a running stack)',
    );
    this.name = 'DemoRefusedError';
  }
}

export const DEMO_SEED = 7;
const DEFAULT_MAIL_DAYS = 30;

/**
 * `npm run demo`: a year of a synthetic portfolio ending today (core/simulation/demo.ts), run by the simulator on
 * the real handlers, store code and state machines in memory, then copied item by item into the local stack's
 * table, so the page shows what the API answers from that table. The mail of the last days is delivered to SES
 * local's inbox through the stack's mailer. A table holding the demo already is left as it is; one holding other
 * accounts is refused (DemoRefusedError).
 */
export async function loadDemo(target: { db: Db; mailer: Mailer }, options: DemoOptions): Promise<DemoLoad> {
  const began = Date.now();
  const seconds = () => `${Math.round((Date.now() - began) / 1000)} s`;
  const say = (line: string) => options.onProgress?.(line);
  const seed = options.seed ?? DEMO_SEED;
  const already = await readDemoMarker(target.db);
  if (already) return { kind: 'already', marker: already };
  const present = (await listPortfolio(target.db)).length;
  if (present > 0) throw new DemoRefusedError(present);

  const portfolio = demoPortfolio(options.accounts, options.now, seed);
  const input: SimulationInput = {
    start: portfolio.start,
    days: portfolio.days,
    accounts: portfolio.accounts,
    signalsForDay: portfolio.signalsForDay,
    outcomes: portfolio.outcomes,
    events: [...portfolio.updates, ...portfolio.reviewReports].sort(
      (a, b) => Date.parse(a.at) - Date.parse(b.at),
    ),
  };
  const mailFrom = options.now.getTime() - (options.mailDays ?? DEFAULT_MAIL_DAYS) * DAY_MS;
  const recent: OutgoingEmail[] = [];
  let sent = 0;
  let items = 0;
  let reported = 0;
  say(
    `Simulating a year of ${options.accounts} accounts (${portfolio.start} to today) on the real handlers...`,
  );
  await simulateParts(input, {
    ...(options.config ? { config: options.config } : {}),
    linkSecret: () => randomBytes(32).toString('base64url'),
    onDay: (day, days) => {
      const tenth = Math.floor((day * 10) / days);
      if (tenth > reported) {
        reported = tenth;
        say(`  simulated ${day} of ${days} days (${seconds()})`);
      }
    },
    onEmail: (email, at) => {
      sent++;
      if (at.getTime() >= mailFrom) recent.push(email);
    },
    atEnd: async (simulated) => {
      say('Copying what the run left into the local table...');
      let shown = 0;
      const copied = await copyTable(simulated, target.db, (written, total) => {
        if (written === total || written - shown >= total / 10) {
          shown = written;
          say(`  copied ${written} of ${total} items into the local table (${seconds()})`);
        }
      });
      items = copied.items;
    },
  });
  say(
    `Delivering the ${recent.length} emails of the last ${options.mailDays ?? DEFAULT_MAIL_DAYS} days to the inbox...`,
  );
  for (const email of recent) await target.mailer.send(email);
  const marker: DemoMarker = {
    loadedAt: options.now.toISOString(),
    accounts: options.accounts,
    seed,
    start: portfolio.start,
    days: portfolio.days,
  };
  await writeDemoMarker(target.db, marker);
  return { kind: 'loaded', marker, items, mail: { delivered: recent.length, sent } };
}
