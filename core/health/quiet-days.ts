import type { DailyRollup } from '#core/rollup';

/**
 * Whether a day's rollup holds only everyday product use: no sponsor, payment, contract, renewal, meeting,
 * relationship, outcome, milestone or value-realised signal. Most days are so; what reads only those rare signals
 * (risk facts, sponsor events, milestones) passes such a day by after one look-up.
 */
function holdsNoRareSignal(r: DailyRollup): boolean {
  const { counts, lastAt } = r;
  return (
    !lastAt.sponsor_left &&
    !lastAt.sponsor_joined &&
    !lastAt.payment_succeeded &&
    !lastAt.renewal_risk &&
    r.latestValues.relationship_score === undefined &&
    r.latestValues.value_realized === undefined &&
    r.outcomes.length === 0 &&
    r.milestones.length === 0 &&
    !((counts.payment_failed ?? 0) > 0) &&
    !((r.contractReductions ?? 0) > 0) &&
    (counts.meeting_held ?? 0) === 0 &&
    (counts.meeting_missed ?? 0) === 0 &&
    !((counts.renewal_risk ?? 0) > 0)
  );
}

const quietness = new WeakMap<DailyRollup, boolean>();

/**
 * holdsNoRareSignal, worked out once per frozen rollup: the store hands back the same frozen rollup every day until
 * that day changes, and the daily pass reads every account's lookback several times a day.
 */
export function quietDay(r: DailyRollup): boolean {
  let quiet = quietness.get(r);
  if (quiet === undefined) {
    quiet = holdsNoRareSignal(r);
    if (Object.isFrozen(r)) quietness.set(r, quiet);
  }
  return quiet;
}
