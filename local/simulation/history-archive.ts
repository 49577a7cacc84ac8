import type { Config } from '#config/schema';
import { DAY_MS } from '#core/clock';
import type { ComponentChangeEntry } from '#core/evaluation/component-series';
import { activityOf, type ScoreChange } from '#core/evaluation/daily-series';
import { addDays } from '#core/health/days';
import { detectMilestones, type MilestoneAchievement } from '#core/health/milestones';
import { healthChangeSchema } from '#core/health/record';
import type { Item } from '#store/memory/values';
import { parseItem } from '#store/parse-item';
import { parseRollupItem } from '#store/rollup-item';

/** What a result reads of a health change the store forgot: when, the score and band, each component's score before. */
export type ArchivedChange = ScoreChange & ComponentChangeEntry & { revision: number };

interface AccountArchive {
  /** Oldest first, as they were forgotten. */
  changes: ArchivedChange[];
  /** Activity signals per day of the run (index 0: its first day), for the days whose rollups were forgotten. */
  activity: Float64Array;
  /** The first day each journey milestone was reached in the forgotten rollups of the run. */
  milestones: MilestoneAchievement[];
}

/**
 * What a run's result still needs of the items its store forgets (local/simulation/store.ts simulationHorizons):
 * the result reads every health change and every rollup of the run (local/simulation/daily-history.ts, the journey
 * class in run.ts), scoring only the last months of them. Each forgotten item is parsed as its reader parses it and
 * folded into a few numbers per account and day, so the result is the one a store that forgot nothing gives.
 */
export class HistoryArchive {
  private readonly accounts = new Map<string, AccountArchive>();
  private readonly startMs: number;
  private readonly lastDay: string;

  constructor(
    private readonly config: Config,
    private readonly start: string,
    private readonly days: number,
  ) {
    this.startMs = Date.parse(`${start}T00:00:00Z`);
    this.lastDay = addDays(new Date(this.startMs), days - 1)
      .toISOString()
      .slice(0, 10);
  }

  private of(accountId: string): AccountArchive {
    let archive = this.accounts.get(accountId);
    if (!archive) {
      archive = { changes: [], activity: new Float64Array(this.days), milestones: [] };
      this.accounts.set(accountId, archive);
    }
    return archive;
  }

  readonly changeForgotten = (item: Item): void => {
    const change = parseItem(healthChangeSchema, item, 'forgotten health history entry');
    this.of(change.accountId).changes.push({
      at: change.at,
      revision: change.revision,
      score: change.score,
      band: change.band,
      diff: change.diff && {
        components: change.diff.components.map(({ component, before }) => ({ component, before })),
      },
    });
  };

  /** Only the run's days count: the result reads rollups from its first day on (run.ts, daily-history.ts). */
  readonly rollupForgotten = (item: Item): void => {
    const rollup = parseRollupItem(item);
    if (rollup.day < this.start || rollup.day > this.lastDay) return;
    const archive = this.of(rollup.accountId);
    const day = Math.round((Date.parse(`${rollup.day}T00:00:00Z`) - this.startMs) / DAY_MS);
    archive.activity[day] = activityOf(rollup.counts);
    archive.milestones = detectMilestones(this.config, [rollup], archive.milestones);
  };

  /** The forgotten changes newest first, the order the store reads history in (store/health-store.ts). */
  changes(accountId: string): ArchivedChange[] {
    const changes = [...(this.accounts.get(accountId)?.changes ?? [])];
    return changes.sort((a, b) => (a.at === b.at ? b.revision - a.revision : a.at < b.at ? 1 : -1));
  }

  /** Activity of the days whose rollups were forgotten (0 on the others). */
  activity(accountId: string): Float64Array | undefined {
    return this.accounts.get(accountId)?.activity;
  }

  milestones(accountId: string): readonly MilestoneAchievement[] {
    return this.accounts.get(accountId)?.milestones ?? [];
  }
}
