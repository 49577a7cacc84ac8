/**
 * The area under the ROC curve: the chance that a case that turned out positive was ranked riskier than one that
 * did not, ties counting half (the Mann-Whitney statistic over positives and negatives). 0.5 is a coin; 1 ranks
 * every positive above every negative.
 */

export interface RankedCase {
  /** Higher is riskier. */
  risk: number;
  positive: boolean;
  /** Which account the case belongs to: a bootstrap by account weighs each case by its account's draws. */
  account: number;
}

/** The cases sorted by risk once, so each weighing costs one pass (a bootstrap weighs them hundreds of times). */
export function rankCases(cases: readonly RankedCase[]): RankedCase[] {
  return [...cases].sort((a, b) => a.risk - b.risk);
}

/**
 * The AUC of cases already sorted by `rankCases`, each counted `weights[account]` times (1 each when absent).
 * Null when there is no positive or no negative case.
 */
export function aucOfRanked(sorted: readonly RankedCase[], weights?: ArrayLike<number>): number | null {
  let negativesBelow = 0;
  let positives = 0;
  let negatives = 0;
  let concordant = 0;
  let i = 0;
  while (i < sorted.length) {
    const risk = sorted[i]?.risk;
    let tiedPositives = 0;
    let tiedNegatives = 0;
    for (; i < sorted.length && sorted[i]?.risk === risk; i++) {
      const item = sorted[i] as RankedCase;
      const weight = weights ? (weights[item.account] ?? 0) : 1;
      if (item.positive) tiedPositives += weight;
      else tiedNegatives += weight;
    }
    concordant += tiedPositives * (negativesBelow + tiedNegatives / 2);
    negativesBelow += tiedNegatives;
    positives += tiedPositives;
    negatives += tiedNegatives;
  }
  return positives > 0 && negatives > 0 ? concordant / (positives * negatives) : null;
}

export const auc = (cases: readonly RankedCase[]) => aucOfRanked(rankCases(cases));
