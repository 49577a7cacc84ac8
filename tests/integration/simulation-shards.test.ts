import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSimulation } from '#local/simulation/run';
import { runShardedReplay, runShardedSimulation } from '#local/simulation/shards';
import { syntheticSimulationInput } from '#local/simulation/synthetic-input';
import { loadImportedHistory } from '../../cli/commands/simulate-import.ts';

const jsonl = (records: readonly unknown[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

/** A synthetic portfolio written out as `churnguard import` leaves history: accounts, signals and outcomes files. */
function importDirectory(portfolio: { accounts: number; days: number; seed: number }): string {
  const input = syntheticSimulationInput(portfolio.accounts, portfolio.days, portfolio.seed);
  const dir = mkdtempSync(join(tmpdir(), 'churnguard-replay-shards-'));
  writeFileSync(join(dir, 'accounts.jsonl'), jsonl(input.accounts));
  const signals = Array.from({ length: portfolio.days }, (_, day) => input.signalsForDay(day)).flat();
  writeFileSync(join(dir, 'signals.jsonl'), jsonl(signals));
  writeFileSync(join(dir, 'outcomes.jsonl'), jsonl(input.outcomes));
  return dir;
}

describe('a sharded simulation', () => {
  it('gives the byte-identical result of one run, with the accounts split over threads', async () => {
    const portfolio = { accounts: 24, days: 120, seed: 7 };
    const single = await runSimulation(
      syntheticSimulationInput(portfolio.accounts, portfolio.days, portfolio.seed),
    );
    const days: number[] = [];
    const sharded = await runShardedSimulation(portfolio, 3, { onDay: (day) => days.push(day) });
    expect(single.actions.length).toBeGreaterThan(50);
    expect(single.emails.length).toBeGreaterThan(0);
    expect(sharded.accounts).toHaveLength(portfolio.accounts);
    expect(JSON.stringify(sharded)).toBe(JSON.stringify(single));
    expect(days.at(-1)).toBe(portfolio.days);
  }, 600_000);

  it('replays imported history in threads, each reading its own spilled signals, as one thread would', async () => {
    const dir = importDirectory({ accounts: 24, days: 120, seed: 11 });
    const one = await loadImportedHistory({ dir });
    const three = await loadImportedHistory({ dir, shards: 3 });
    try {
      const single = await runSimulation(one.input);
      const days: number[] = [];
      const sharded = await runShardedReplay(three.input, three.replay, { onDay: (day) => days.push(day) });
      expect(new Set(three.replay.shardOf.values()).size).toBe(3);
      expect(single.emails.length).toBeGreaterThan(0);
      expect(single.actions.length).toBeGreaterThan(50);
      expect(sharded.accounts).toHaveLength(24);
      expect(JSON.stringify(sharded)).toBe(JSON.stringify(single));
      expect(days.at(-1)).toBe(one.input.days);
    } finally {
      one.replay.remove();
      three.replay.remove();
    }
  }, 600_000);
});
