import { DAY_MS } from '#core/clock';

/** The weekly regional risk review (seed 002, tier 3): red accounts, root cause, tier, days open, ARR at risk. */
export interface DigestLine {
  riskId: string;
  accountId: string;
  accountName: string;
  primaryCause: string;
  tier: number;
  daysOpen: number;
  arr: number;
  currency: string;
  strategy: string;
}

export interface DigestSnapshot {
  at: string;
  lines: { riskId: string; tier: number }[];
}

export interface RegionalDigest {
  region: string;
  subject: string;
  text: string;
  html: string;
  snapshot: DigestSnapshot;
  changes: { opened: string[]; raised: string[]; closed: string[] };
}

function money(value: number, currency: string): string {
  return `${currency} ${Math.round(value).toLocaleString('en-US')}`.trim();
}

/** ARR per currency, never added across currencies: `EUR 200,000 + USD 50,000`. */
export function moneyByCurrency(lines: readonly { arr: number; currency: string }[]): string {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.currency, (totals.get(line.currency) ?? 0) + line.arr);
  return [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, total]) => money(total, currency))
    .join(' + ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function daysOpen(openedAt: string, now: Date): number {
  return Math.floor((now.getTime() - Date.parse(openedAt)) / DAY_MS);
}

/** What changed since the last digest: risks new to the list, raised a tier, or gone (closed). */
export function digestChanges(previous: DigestSnapshot | undefined, lines: readonly DigestLine[]) {
  const before = new Map((previous?.lines ?? []).map((l) => [l.riskId, l.tier]));
  const now = new Set(lines.map((l) => l.riskId));
  return {
    opened: lines.filter((l) => !before.has(l.riskId)).map((l) => l.riskId),
    raised: lines.filter((l) => (before.get(l.riskId) ?? l.tier) < l.tier).map((l) => l.riskId),
    closed: [...before.keys()].filter((id) => !now.has(id)),
  };
}

export function buildRegionalDigest(
  region: string,
  lines: readonly DigestLine[],
  previous: DigestSnapshot | undefined,
  now: Date,
): RegionalDigest {
  const ordered = [...lines].sort(
    (a, b) => b.tier - a.tier || b.arr - a.arr || a.accountId.localeCompare(b.accountId),
  );
  const changes = digestChanges(previous, ordered);
  const byId = new Map(ordered.map((l) => [l.riskId, l]));
  const name = (id: string) => byId.get(id)?.accountName ?? id;
  const changeLines = [
    ...changes.opened.map((id) => `new: ${name(id)}`),
    ...changes.raised.map((id) => `raised to tier ${byId.get(id)?.tier}: ${name(id)}`),
    ...changes.closed.map((id) => `closed since last week: ${id}`),
  ];
  const rows = ordered.map(
    (l) =>
      `${l.accountName} | tier ${l.tier} | ${l.primaryCause} | ${l.daysOpen} days open | ${money(l.arr, l.currency)} | ${l.strategy}`,
  );
  const subject = `${region} weekly risk review: ${ordered.length} account${ordered.length === 1 ? '' : 's'} at risk${ordered.length ? `, ${moneyByCurrency(ordered)} ARR` : ''}`;
  const text = [
    subject,
    '',
    ...(rows.length
      ? ['Account | Tier | Root cause | Open | ARR | Strategy', ...rows]
      : ['No open risks in this region.']),
    '',
    'Since last week:',
    ...(changeLines.length ? changeLines : ['no change']),
  ].join('\n');
  const html = `<h2>${escapeHtml(subject)}</h2><table><tr><th>Account</th><th>Tier</th><th>Root cause</th><th>Open</th><th>ARR</th><th>Strategy</th></tr>${ordered
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.accountName)}</td><td>${l.tier}</td><td>${escapeHtml(l.primaryCause)}</td><td>${l.daysOpen} days</td><td>${escapeHtml(money(l.arr, l.currency))}</td><td>${escapeHtml(l.strategy)}</td></tr>`,
    )
    .join(
      '',
    )}</table><h3>Since last week</h3><ul>${(changeLines.length ? changeLines : ['no change']).map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul>`;
  return {
    region,
    subject,
    text,
    html,
    changes,
    snapshot: { at: now.toISOString(), lines: ordered.map((l) => ({ riskId: l.riskId, tier: l.tier })) },
  };
}
