import '#local/quiet-sdk';
import { Logger } from '@aws-lambda-powertools/logger';
import { defaultConfig } from '#config/default';
import { syncRenewalTimers } from '#functions/shared/renewal-timers';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine } from '#local/workflow-engine';
import { upsertAccount } from '#store/account-store';
import { createDb } from '#store/client';
import { ensureTable } from '#store/table';
import { useCaseDeps } from '#usecases/account-view';
import { ingest } from '#usecases/ingest';
import { account } from '../tests/support/fixtures.ts';
import { machine, round } from './support.ts';

/**
 * State transitions per account per year, counted from real local executions of the synthesized state machines,
 * and the monthly Step Functions + Lambda + DynamoDB cost of the renewal workflows for 10,000 accounts.
 * Portfolio: 80% quiet accounts (seven on-track checkpoints a year) and 20% that turn risky 100 days before
 * renewal (sponsor left, contract cut requested): escalation at T-90, then tier 2 and tier 3 at the deadlines.
 */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 50);
const RISKY_SHARE = 0.2;

// Published us-east-1 prices (2026): Step Functions Standard $0.025 per 1,000 state transitions; Lambda arm64
// $0.20 per 1M requests and $0.0000133334 per GB-second; DynamoDB on demand $0.625 per 1M write request units and
// $0.125 per 1M read request units.
const PRICE = {
  transition: 0.025 / 1000,
  lambdaRequest: 0.2 / 1e6,
  gbSecond: 0.0000133334,
  wru: 0.625 / 1e6,
  rru: 0.125 / 1e6,
};
/** Assumed per task invocation in AWS (512 MB, ~250 ms incl. DynamoDB round trips); not measurable locally. */
const TASK_GB_SECONDS = 0.5 * 0.25;
const DISPATCHES_PER_MONTH = (30 * 24 * 60) / 5;

async function main() {
  const dynamo = await startDynamoDbLocal();
  try {
    const db = createDb('bench-workflows', dynamo.endpoint);
    await ensureTable(db.doc, db.tableName);
    const clock = new VirtualClock('2026-01-01T00:00:00Z');
    const silent = new Logger({ logLevel: 'SILENT' });
    const engine = createWorkflowEngine({ db, clock, logger: silent });
    const risky: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const id = `acct-${i}`;
      const renewal = new Date(Date.parse('2026-07-01T00:00:00Z') + (i % 150) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const a = account(id, { contract: { startDate: '2025-07-01', renewalDate: renewal, arr: 40_000 } });
      await upsertAccount(db, a, clock.now());
      await syncRenewalTimers(db, a, clock.now(), defaultConfig.timers);
      if (i < ACCOUNTS * RISKY_SHARE) risky.push(id);
    }
    db.meter = { readUnits: 0, writeUnits: 0 };
    // Risky accounts: the sponsor leaves and a contract cut is requested 100 days before their renewal.
    for (let day = 0; day < 365; day++) {
      const at = new Date(Date.parse('2026-01-01T12:00:00Z') + day * 86_400_000);
      await engine.advance(at, clock);
      for (const id of risky) {
        const index = Number(id.slice(5));
        const renewal = Date.parse('2026-07-01T00:00:00Z') + (index % 150) * 86_400_000;
        if (Math.floor((renewal - at.getTime()) / 86_400_000) === 100) {
          await ingest(useCaseDeps({ db, clock, logger: silent }), [
            { id: `sp-${id}`, accountId: id, type: 'sponsor_left', occurredAt: at.toISOString() },
            {
              id: `cc-${id}`,
              accountId: id,
              type: 'contract_change_requested',
              occurredAt: at.toISOString(),
              attributes: { direction: 'reduce' },
            },
          ]);
        }
      }
    }
    const executions = engine.runtime.executions();
    const transitions = executions.reduce((sum, e) => sum + (e.result?.transitions ?? 0), 0);
    const failed = executions.filter((e) => e.status !== 'SUCCEEDED').length;
    const lambdaInvocations = executions.reduce(
      (sum, e) => sum + (e.result?.history.filter((s) => !/\?|Done|Handled|Failed/.test(s)).length ?? 0),
      0,
    );
    const perAccountYear = {
      transitions: transitions / ACCOUNTS,
      executions: executions.length / ACCOUNTS,
      taskInvocations: lambdaInvocations / ACCOUNTS,
      writeUnits: db.meter.writeUnits / ACCOUNTS,
      readUnits: db.meter.readUnits / ACCOUNTS,
    };
    const monthly = (n: number) => {
      const perMonth = (x: number) => (x * n) / 12;
      const stepFunctions = perMonth(perAccountYear.transitions) * PRICE.transition;
      const lambda =
        (perMonth(perAccountYear.taskInvocations) + DISPATCHES_PER_MONTH) * PRICE.lambdaRequest +
        perMonth(perAccountYear.taskInvocations) * TASK_GB_SECONDS * PRICE.gbSecond;
      const dynamodb =
        perMonth(perAccountYear.writeUnits) * PRICE.wru + perMonth(perAccountYear.readUnits) * PRICE.rru;
      return {
        stepFunctions: round(stepFunctions),
        lambda: round(lambda),
        dynamodb: round(dynamodb),
        total: round(stepFunctions + lambda + dynamodb),
      };
    };
    const figures = {
      bench: 'workflows',
      accounts: ACCOUNTS,
      riskyShare: RISKY_SHARE,
      executions: executions.length,
      failedExecutions: failed,
      transitionsPerAccountYear: round(perAccountYear.transitions, 1),
      taskInvocationsPerAccountYear: round(perAccountYear.taskInvocations, 1),
      writeUnitsPerAccountYear: round(perAccountYear.writeUnits, 1),
      readUnitsPerAccountYear: round(perAccountYear.readUnits, 1),
      monthlyUsdFor10kAccounts: monthly(10_000),
      machine: machine(),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await dynamo.stop();
  }
}

await main();
