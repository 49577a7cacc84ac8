import type { AccountContext } from './context.ts';
import type { AccountMeasures } from './measure.ts';

/**
 * Whether an account belongs to its segment's healthy cohort, the yardstick for everyone else
 * (seed 002: "a baseline for success of your healthy customers"). Returns why not, or null when healthy.
 */
export function whyNotHealthy(context: AccountContext, measures: AccountMeasures): string | null {
  const rule = context.config.health.baseline.healthy;
  if (context.daysLive < rule.minTenureDays) return `live for fewer than ${rule.minTenureDays} days`;
  let outcome: string | undefined;
  for (const rollup of context.rollups) {
    outcome = rollup.outcomes.find((found) => rule.excludeOutcomes.some((excluded) => excluded === found));
    if (outcome !== undefined) break;
  }
  if (outcome) return `renewal outcome "${outcome}" in the lookback`;
  if (measures.support.urgentTickets > rule.maxOpenUrgentTickets) {
    return `more than ${rule.maxOpenUrgentTickets} urgent tickets open`;
  }
  const latest = (context.input.history ?? [])
    .filter((prior) => Date.parse(prior.at) <= context.now.getTime())
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
  if (latest && latest.band !== 'unknown' && rule.excludeLatestBands.includes(latest.band)) {
    return `latest snapshot was ${latest.band}`;
  }
  return null;
}
