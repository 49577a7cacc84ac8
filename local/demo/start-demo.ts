import type { Config } from '#config/schema';
import { listAccounts } from '#usecases/account-list';
import { useCaseDeps } from '#usecases/account-view';
import type { LocalStack } from '../stack.ts';
import { loadDemo } from './load.ts';

/** How many accounts the demo portfolio has: CHURNGUARD_DEMO_ACCOUNTS, else DEFAULT_DEMO_ACCOUNTS. */
export const DEMO_ACCOUNTS_ENV = 'CHURNGUARD_DEMO_ACCOUNTS';
export const DEFAULT_DEMO_ACCOUNTS = 24;
const MAX_DEMO_ACCOUNTS = 1000;

export function demoAccountsFrom(env: NodeJS.ProcessEnv): number {
  const text = env[DEMO_ACCOUNTS_ENV];
  if (text === undefined || text === '') return DEFAULT_DEMO_ACCOUNTS;
  const accounts = Number(text);
  if (!Number.isInteger(accounts) || accounts < 8 || accounts > MAX_DEMO_ACCOUNTS)
    throw new Error(
      `${DEMO_ACCOUNTS_ENV} must be a whole number from 8 to ${MAX_DEMO_ACCOUNTS}, got "${text}"`,
    );
  return accounts;
}

/**
 * Loads the demo into a started stack, saying what it does on stdout; a stack holding it already is left alone.
 * `npm run demo` starts its stack with the data in memory (LocalStackOptions.keepData), so the demo never mixes
 * with the data of `npm start` and each run begins afresh.
 */
export async function loadDemoInto(stack: LocalStack, accounts: number, config?: Config): Promise<void> {
  const began = Date.now();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const loaded = await loadDemo(
    { db: stack.db, mailer: stack.mailer },
    { accounts, now: new Date(), onProgress: say, ...(config ? { config } : {}) },
  );
  if (loaded.kind === 'already') {
    say(
      `The demo portfolio (${loaded.marker.accounts} accounts) was loaded on ${loaded.marker.loadedAt.slice(0, 10)} and is still here; nothing loaded. ` +
        `For a fresh one, start the stack again${stack.dataDir ? ` after deleting ${stack.dataDir}` : ''}.`,
    );
    return;
  }
  say(
    `Demo loaded in ${Math.round((Date.now() - began) / 1000)} s: ${accounts} accounts, ${loaded.items} items, ` +
      `${loaded.mail.delivered} emails in the inbox (of ${loaded.mail.sent} the year sent; all are in the send ledger).`,
  );
}

/**
 * The demo account a newcomer should open first: the first row of `churnguard accounts` (GET /v1/accounts, lowest
 * score first), which the banner's "Try it" names; the demo's accounts are generated, so no fixed id would do.
 */
export async function demoAccountToOpen(stack: Pick<LocalStack, 'deps'>): Promise<string | undefined> {
  const first = await listAccounts(useCaseDeps(stack.deps), { status: 'customers', sort: 'score', limit: 1 });
  return first.accounts[0]?.accountId;
}
