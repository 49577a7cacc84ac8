import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { runSimulation } from '#local/simulation/run';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';
import type { Db } from '#store/client';

/** Items left in a run's store at its end, by kind. */
async function kindsAtEnd(db: Db): Promise<Map<string, number>> {
  const kinds = new Map<string, number>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey }));
    for (const item of page.Items ?? [])
      kinds.set(String(item.kind), (kinds.get(String(item.kind)) ?? 0) + 1);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return kinds;
}

describe('a simulation that forgets what it no longer reads', () => {
  // A short lookback, so that rollups leave the store well inside a short run, accounts' early milestones with them.
  const config: Config = { ...defaultConfig, health: { ...defaultConfig.health, lookbackDays: 20 } };
  // Half the accounts go live on the run's first day: their journey classes read the milestones of every rollup.
  const input = () => {
    const synthetic = syntheticSimulationInput(16, 70, 5);
    const accounts = synthetic.accounts.map((account, n) =>
      n % 2 === 0 && typeof account === 'object' ? { ...account, goLiveDate: synthetic.start } : account,
    );
    return { ...synthetic, accounts };
  };

  it('gives the byte-identical result of a run that keeps every item, while its store holds much less', async () => {
    let kept = new Map<string, number>();
    let forgetting = new Map<string, number>();
    const everything = await runSimulation(input(), {
      config,
      keepEverything: true,
      atEnd: async (db) => {
        kept = await kindsAtEnd(db);
      },
    });
    const horizons = await runSimulation(input(), {
      config,
      keepEverything: false,
      atEnd: async (db) => {
        forgetting = await kindsAtEnd(db);
      },
    });
    expect(everything.accounts.some((a) => a.journeyClass !== null)).toBe(true);
    expect(everything.actions.length).toBeGreaterThan(20);
    expect(JSON.stringify(horizons)).toBe(JSON.stringify(everything));
    expect(forgetting.get('rollup') ?? 0).toBeLessThan((kept.get('rollup') ?? 0) * 0.5);
    // Reading the result may score an account once more (the account view): a change or so per account is left.
    expect(kept.get('healthChange') ?? 0).toBeGreaterThan(100);
    expect(forgetting.get('healthChange') ?? 0).toBeLessThan((kept.get('healthChange') ?? 0) / 10);
    expect(forgetting.get('signal') ?? 0).toBe(0);
    expect(kept.get('signal') ?? 0).toBeGreaterThan(100);
  }, 600_000);

  it('forgets nothing when the run hands its store to a reader at the end (the demo)', async () => {
    let kinds = new Map<string, number>();
    await runSimulation(syntheticSimulationInput(4, 30, 5), {
      config,
      atEnd: async (db) => {
        kinds = await kindsAtEnd(db);
      },
    });
    expect(kinds.get('healthChange') ?? 0).toBeGreaterThan(0);
    expect(kinds.get('rollup') ?? 0).toBeGreaterThan(30);
  }, 600_000);
});
