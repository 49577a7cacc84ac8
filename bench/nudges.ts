import '#local/quiet-sdk';
import { Logger } from '@aws-lambda-powertools/logger';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import type { AccountInput, ContactRole } from '#core/accounts';
import type { Candidate } from '#core/journeys/messages';
import { mjmlCompiler } from '#core/journeys/render';
import { type RestraintState, restrain } from '#core/journeys/restraint';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { VirtualClock } from '#local/virtual-clock';
import { upsertAccount } from '#store/account-store';
import { createDb } from '#store/client';
import { suppress, unsubscribe } from '#store/contact-preferences-store';
import { ensureTable } from '#store/table';
import { applyEffects } from '#usecases/apply-effects';
import { evaluateMilestone } from '#usecases/evaluate';
import { machine, round, timed } from './support.ts';

/**
 * Messages evaluated per second through the restraint pipeline, and DynamoDB operations per message, for 10,000
 * contacts (2,000 accounts of 5 contacts; 4% unsubscribed, 2% suppressed; time zones from Berlin to Sydney, so
 * some contacts are in quiet hours and their message is deferred).
 *
 * 1. Pure pipeline: one milestone nudge plus a tip and a renewal notice per contact, against a week of prior
 *    sends, judged by `restrain` in memory (no I/O): messages per second.
 * 2. End to end: the MilestoneJourney Evaluate and Apply steps for every account against DynamoDB Local (in
 *    memory): load the account and its stored health, check the milestone, then the executor: restraint, not-sent
 *    rows, send-ledger reservations with the rendered emails. Every DynamoDB request is counted (a BatchGet once).
 */
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 10_000);
const PER_ACCOUNT = 5;
/** Accounts evaluated at once, as concurrent Lambda invocations would. */
const PARALLEL = 32;
const ACCOUNTS = Math.ceil(CONTACTS / PER_ACCOUNT);
const ZONES = ['Europe/Berlin', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];
const ROLES: ContactRole[] = ['admin', 'champion', 'sponsor', 'user', 'user'];
const NOW = new Date('2026-01-21T09:00:00Z');

function benchAccount(n: number): AccountInput {
  const id = `acct-${String(n).padStart(5, '0')}`;
  return {
    id,
    name: `Account ${n}`,
    region: 'EMEA',
    arr: 20_000,
    currency: 'EUR',
    goLiveDate: '2026-01-10',
    csm: { name: 'Casey Morgan', email: 'casey@vendor.example' },
    contacts: ROLES.map((role, i) => ({
      id: `${id}-c${i}`,
      email: `c${i}@${id}.example`,
      name: `Contact ${i}`,
      role,
      timezone: ZONES[(n + i) % ZONES.length] ?? 'UTC',
    })),
    contract: { startDate: '2026-01-01', renewalDate: '2027-01-01', arr: 20_000 },
  };
}

/** Every contact is in the nudge's audience, so each contact is one message of the milestone check. */
const config: Config = structuredClone(defaultConfig);
for (const play of Object.values(config.plays)) play.audience = ['admin', 'champion', 'sponsor', 'user'];

function pipelineThroughput(accounts: AccountInput[]) {
  const plays = ['nudge_first_login', 'weekly_tip', 'renewal_notice'];
  const batches = accounts.map((account, n) => {
    const candidates: Candidate[] = account.contacts.flatMap((contact) =>
      plays.flatMap((playId) => {
        const play = config.plays[playId];
        return play
          ? [
              {
                key: { playId, about: 'first_login', recipientId: contact.id, occurrence: 'due' },
                play,
                recipient: contact,
              },
            ]
          : [];
      }),
    );
    const state: RestraintState = {
      accountId: account.id,
      now: NOW,
      unsubscribed: new Set(n % 5 === 0 ? [account.contacts[0]?.id ?? ''] : []),
      suppressed: new Set(n % 10 === 1 ? [account.contacts[1]?.email ?? ''] : []),
      recentSends: account.contacts.slice(0, 3).map((c, i) => ({
        recipientId: c.id,
        at: new Date(NOW.getTime() - (i + 1) * 86_400_000).toISOString(),
        priority: 50,
      })),
      context: { openEscalation: n % 17 === 0, urgentTicket: false, renewalNegotiation: false },
    };
    return { candidates, state };
  });
  const messages = batches.reduce((sum, b) => sum + b.candidates.length, 0);
  for (const b of batches.slice(0, 200)) restrain(b.candidates, b.state, config.restraint); // warm up
  const started = process.hrtime.bigint();
  let sent = 0;
  for (const b of batches) {
    sent += restrain(b.candidates, b.state, config.restraint).filter(
      (j) => j.verdict.outcome === 'send',
    ).length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { messages, sent, perSecond: Math.round(messages / seconds) };
}

async function main() {
  const accounts = Array.from({ length: ACCOUNTS }, (_, n) => benchAccount(n));
  const pipeline = pipelineThroughput(accounts);

  const dynamo = await startDynamoDbLocal();
  try {
    const db = createDb('bench-nudges', dynamo.endpoint);
    await ensureTable(db.doc, db.tableName);
    for (let i = 0; i < accounts.length; i += 50) {
      await Promise.all(accounts.slice(i, i + 50).map((a) => upsertAccount(db, a, NOW)));
    }
    for (const [n, account] of accounts.entries()) {
      if (n % 5 === 0) await unsubscribe(db, account.id, account.contacts[0]?.id ?? '', NOW.toISOString());
      if (n % 10 === 1) await suppress(db, account.contacts[1]?.email ?? '', 'bounce', NOW.toISOString());
    }
    let operations = 0;
    db.doc.middlewareStack.add(
      (next) => async (args) => {
        operations++;
        return next(args);
      },
      { step: 'initialize', name: 'countOperations' },
    );
    const deps = {
      db,
      clock: new VirtualClock(NOW),
      logger: new Logger({ logLevel: 'SILENT' }),
      config,
      compile: mjmlCompiler,
    };
    const totals = { messages: 0, emails: 0, notSent: 0 };
    const { seconds } = await timed(async () => {
      for (let i = 0; i < accounts.length; i += PARALLEL) {
        const runs = await Promise.all(
          accounts.slice(i, i + PARALLEL).map(async (account) => {
            const evaluation = await evaluateMilestone(deps, {
              accountId: account.id,
              ref: 'first_login.due',
              milestone: 'first_login',
              phase: 'due',
              dueAt: '2026-01-16T00:00:00Z',
            });
            return applyEffects(deps, evaluation);
          }),
        );
        for (const run of runs) {
          totals.emails += run.deliveries.length;
          totals.notSent += run.notSent;
          totals.messages += run.deliveries.length + run.inApp + run.notSent + run.queued;
        }
      }
    });
    console.log(
      JSON.stringify({
        bench: 'nudges',
        contacts: accounts.length * PER_ACCOUNT,
        pipelineMessages: pipeline.messages,
        pipelineMessagesPerSecond: pipeline.perSecond,
        endToEndMessages: totals.messages,
        emailsReserved: totals.emails,
        notSent: totals.notSent,
        endToEndMessagesPerSecond: round(totals.messages / seconds, 1),
        dynamoOperations: operations,
        dynamoOperationsPerMessage: round(operations / totals.messages, 2),
        machine: machine(),
      }),
    );
  } finally {
    await dynamo.stop();
  }
}

await main();
