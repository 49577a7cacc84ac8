import type { Config } from '#config/schema';
import { type ReadingsByDay, readingDays, readingsOf } from '#core/evaluation/measure-readings';
import type { Db } from '#store/client';
import { readAccountsAndHealth } from '#store/health-store';

/**
 * Keeps, on the days calibrate reads (measure-readings.ts readingDays), what it needs to score each account's
 * measures again under other parameters: read at the end of the day from the health in force then and the
 * account's attributes, as the result's components are. Nothing is kept when the config has no health.measures.
 */
export class ReadingsRecorder {
  private readonly byAccount = new Map<string, ReadingsByDay>();

  /** `outcomeDays`: the days of the run each account's renewal outcomes fall on. */
  constructor(
    private readonly config: Config,
    private readonly days: number,
    private readonly outcomeDays: ReadonlyMap<string, readonly number[]>,
  ) {}

  async record(db: Db, accountIds: readonly string[], day: number): Promise<void> {
    if (!this.config.health.measures) return;
    const due = accountIds.filter((id) => readingDays(this.days, day, this.outcomeDays.get(id) ?? []));
    if (due.length === 0) return;
    const reads = await readAccountsAndHealth(db, due);
    for (const [index, accountId] of due.entries()) {
      const { account, health } = reads[index]?.() ?? {};
      const readings = health && readingsOf(health.snapshot, account?.attributes, this.config);
      if (!readings) continue;
      const kept = this.byAccount.get(accountId) ?? {};
      kept[String(day)] = readings;
      this.byAccount.set(accountId, kept);
    }
  }

  /** The account's readings, to spread into its result's daily series (nothing when none were kept). */
  of(accountId: string): { readings?: ReadingsByDay } {
    const readings = this.byAccount.get(accountId);
    return readings ? { readings } : {};
  }
}
