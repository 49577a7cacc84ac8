import type { Config } from '#config/schema';
import type { AccountInput } from '#core/accounts';
import type { HealthIssue } from '#core/issues/issue';
import type { DailyRollup, TicketState } from '#core/rollup';
import { healthChanged, type SignalCounts, signalChanges, signalTotals } from './change.ts';
import { dataSince } from './data-since.ts';
import { say } from './deviation.ts';
import { diffSnapshots, type SnapshotDiff } from './diff.ts';
import { type FeedsSince, sameFeeds } from './feeds.ts';
import { classifyJourney, type JourneyStanding } from './journey-class.ts';
import { detectMilestones, type MilestoneAchievement } from './milestones.ts';
import type { HealthChange, HealthRecord, RecomputeReason } from './record.ts';
import { scoreAccount } from './score.ts';
import { extendTrail, priorScores } from './score-trail.ts';
import type { Baselines, HealthSnapshot, ScoringInput } from './types.ts';

/** What scoring one account reads: its profile, the lookback's rollups and tickets, and its stored health. */
export interface AccountHealthInput {
  /** The profile; `createdAt` (when the store registered it) bounds when the data on it began. */
  account: AccountInput & { createdAt?: string };
  rollups: readonly DailyRollup[];
  tickets: readonly TicketState[];
  previous?: HealthRecord;
  /** The account's health issues: an open one past its plan dates is a driver. */
  issues?: readonly HealthIssue[];
}

export interface NextHealth {
  /** The health as of now; stored only when `change` is set. */
  record: HealthRecord;
  /** The history entry to store, or null when nothing worth recording moved (see healthChanged). */
  change: HealthChange | null;
}

/**
 * The same scoring input object for the same read input at the same instant, so that what is worked out from it once
 * (measuredAccount) serves both the baseline sample and the score of one pass.
 */
const scoringInputs = new WeakMap<AccountHealthInput, { at: number; scoring: DatedScoringInput }>();

/** A scoring input that says when its data began, as every input read from the store does. */
type DatedScoringInput = ScoringInput & Required<Pick<ScoringInput, 'dataSince'>>;

/**
 * The scoring input, with earlier scores taken from the stored trail, the first day of data from the profile's
 * registration, the rollups and the stored record (data-since.ts), and the days the portfolio's feeds began from
 * the baselines (Baselines.feedsSince; a baseline sample is taken before this pass's baselines are learnt, so it
 * reads the stored ones).
 */
export function scoringInput(
  input: AccountHealthInput,
  now: Date,
  feedsSince?: FeedsSince,
): DatedScoringInput {
  const known = scoringInputs.get(input);
  if (known?.at === now.getTime() && sameFeeds(known.scoring.feedsSince, feedsSince)) return known.scoring;
  const { account, rollups, tickets, previous, issues } = input;
  const scoring = {
    account,
    rollups,
    tickets,
    history: priorScores(previous?.trail ?? [], now),
    issues: issues ?? [],
    dataSince: dataSince(account, rollups, previous?.dataSince, now),
    ...(feedsSince && { feedsSince }),
  };
  scoringInputs.set(input, { at: now.getTime(), scoring });
  return scoring;
}

function scoreInWords(snapshot: HealthSnapshot): string {
  return snapshot.score === null ? 'no score (no data)' : `${say(snapshot.score)} (${snapshot.band})`;
}

function describe(
  diff: SnapshotDiff | null,
  snapshot: HealthSnapshot,
  journey: JourneyStanding,
  previous: HealthRecord | undefined,
  milestones: readonly MilestoneAchievement[],
): string {
  if (!diff || !previous) return `first score: ${scoreInWords(snapshot)}, ${journey.journeyClass}`;
  const parts = [diff.summary];
  if (diff.segmentChanged)
    parts.push(`segment ${previous.snapshot.segment.segment} → ${snapshot.segment.segment}`);
  const before = previous.journey.journeyClass;
  if (before !== journey.journeyClass) parts.push(`journey ${before} → ${journey.journeyClass}`);
  const known = new Set(previous.milestones.map((m) => m.milestone));
  const reached = milestones.filter((m) => !known.has(m.milestone));
  if (reached.length > 0) {
    const labels = reached.map(
      (m) => journey.milestones.find((standing) => standing.milestone === m.milestone)?.label ?? m.milestone,
    );
    parts.push(`reached ${labels.join(', ')}`);
  }
  return parts.join('; ');
}

/**
 * Scores one account and decides what to store: the snapshot (against the segment's baselines), the journey class
 * from milestones (those found earlier are kept), and, when something moved, a history entry saying what.
 * Pure: the same input, baselines and clock give the same result.
 */
export function nextHealth(
  config: Config,
  input: AccountHealthInput,
  baselines: Baselines,
  now: Date,
  reason: RecomputeReason,
): NextHealth {
  const { account, rollups, previous } = input;
  const milestones = detectMilestones(config, rollups, previous?.milestones ?? []);
  const scoring = scoringInput(input, now, baselines.feedsSince);
  const snapshot = scoreAccount(config, scoring, baselines, now);
  const since = scoring.dataSince;
  const journey = classifyJourney(config, account, milestones, now, {
    dataSince: since,
    health: { score: snapshot.score, band: snapshot.band },
  });
  if (previous && !healthChanged(previous, { snapshot, journey, milestones })) {
    return { record: { ...previous, snapshot, journey, dataSince: since }, change: null };
  }
  const totals: SignalCounts = signalTotals(rollups);
  const revision = (previous?.revision ?? 0) + 1;
  const diff = previous ? diffSnapshots(previous.snapshot, snapshot) : null;
  const why: RecomputeReason = previous ? reason : 'first-score';
  const summary = describe(diff, snapshot, journey, previous, milestones);
  const signals = signalChanges(previous?.signalTotals ?? {}, totals);
  const { score, band, modelVersion, at } = snapshot;
  const change: HealthChange = {
    accountId: account.id,
    at,
    revision,
    reason: why,
    score,
    band,
    modelVersion,
    segment: snapshot.segment.segment,
    journeyClass: journey.journeyClass,
    diff,
    signals,
    summary,
  };
  const record: HealthRecord = {
    accountId: account.id,
    revision,
    snapshot,
    journey,
    milestones,
    dataSince: since,
    trail: extendTrail(previous?.trail ?? [], { at, score, band }),
    signalTotals: totals,
    lastChange: { at, reason: why, summary, signals },
  };
  return { record, change };
}
