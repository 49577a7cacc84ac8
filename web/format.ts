/** Escapes text for HTML; every value from the API goes through it. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function money(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 }).format(
    amount,
  );
}

/** Amounts per currency, each in its own currency: never added across. */
export function moneyByCurrency(amounts: Record<string, number>): string {
  const entries = Object.entries(amounts).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length ? entries.map(([currency, amount]) => money(amount, currency)).join(' · ') : '—';
}

export function percent(ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(1)}%`;
}

export const day = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '—');

export const label = (id: string) => id.replace(/_/g, ' ');

/** A figure the browser tests compare with the API: its raw value in `data-value`, named by `data-figure`. */
export function figure(name: string, value: number | null, shown: string): string {
  return `<span data-figure="${esc(name)}" data-value="${value === null ? '' : value}">${esc(shown)}</span>`;
}

export function band(name: string, score: number | null): string {
  return `<span class="band-${esc(name)}">${esc(name)}${score === null ? '' : ` (${score})`}</span>`;
}
