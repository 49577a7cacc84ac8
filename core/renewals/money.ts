/** Amounts per ISO currency code: figures in different currencies are never added together. */
export type ByCurrency = Record<string, number>;

/** Sums to the cent, so a total of many amounts does not show binary-fraction noise. */
const cents = (value: number) => Math.round(value * 100) / 100;

export function addTo(totals: ByCurrency, currency: string, amount: number): void {
  totals[currency] = cents((totals[currency] ?? 0) + amount);
}

export function sumCents(amounts: readonly number[]): number {
  return amounts.reduce((total, amount) => cents(total + amount), 0);
}
