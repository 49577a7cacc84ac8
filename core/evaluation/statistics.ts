/** The median of values each counted `weight` times; null for none. */
export function weightedMedian(values: readonly { value: number; weight: number }[]): number | null {
  const kept = values.filter((v) => v.weight > 0).sort((a, b) => a.value - b.value);
  const total = kept.reduce((sum, v) => sum + v.weight, 0);
  if (total === 0) return null;
  // The mean of the lower and upper middle values, as the median of the values written out would be.
  const at = (rank: number) => {
    let seen = 0;
    for (const v of kept) {
      seen += v.weight;
      if (seen > rank) return v.value;
    }
    return kept.at(-1)?.value ?? 0;
  };
  return (at(Math.floor((total - 1) / 2)) + at(Math.floor(total / 2))) / 2;
}

/** The p-quantile (0-1) of sorted values, by the nearest rank. */
export function quantileOfSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? null;
}

/** A share, or null when there is nothing to take it of. */
export const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
