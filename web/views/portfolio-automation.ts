import type { AutomationAnswer } from '#usecases/automation';
import { esc, figure, label, percent } from '../format.ts';

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([reason, n]) => `${esc(label(reason))}: ${n}`)
    .join(', ') || '—';

/** Automation activity per play and the holdout comparisons, with their definitions. */
export function automationSection(automation: AutomationAnswer): string {
  const d = automation.definitions;
  return `<h2>Automation activity</h2>
    <table><thead><tr><th>Play</th><th class="num">Sent</th><th class="num">Accounts reached</th><th class="num">Silent</th>
      <th class="num">Held out</th><th>Skipped, by reason</th><th>Not settled</th></tr></thead>
    <tbody>${
      automation.plays
        .map(
          (p) => `<tr data-play="${esc(p.play)}"><td>${esc(label(p.play))}</td>
          <td class="num">${figure(`sent-${p.play}`, p.sent, String(p.sent))}</td>
          <td class="num">${p.accountsReached}</td>
          <td class="num">${figure(`silent-${p.play}`, p.silent, String(p.silent))}</td>
          <td class="num">${figure(`held-out-${p.play}`, p.heldOut, String(p.heldOut))}</td>
          <td>${counts(p.skipped)}</td><td>${counts(p.otherwise)}</td></tr>`,
        )
        .join('') || '<tr><td colspan="7">No message decided yet.</td></tr>'
    }</tbody></table>
    <ul class="definitions"><li>${esc(d.sent)}</li><li>${esc(d.silent)}</li><li>${esc(d.heldOut)}</li><li>${esc(d.skipped)}</li></ul>
    <h2>Holdout comparisons</h2>
    <table><thead><tr><th>Play</th><th class="num">Holdout share</th><th>Group</th><th class="num">Accounts</th>
      <th class="num">Churn rate</th><th>Renewal outcomes</th><th class="num">Mean score</th><th class="num">Red</th></tr></thead>
    <tbody>${automation.holdouts
      .flatMap((h) =>
        (['treated', 'heldOut', 'silent'] as const).map(
          (
            g,
            i,
          ) => `<tr data-holdout="${esc(`${h.play}-${g}`)}">${i === 0 ? `<td rowspan="3">${esc(label(h.play))}</td><td rowspan="3" class="num">${percent(h.share)}</td>` : ''}
          <td>${g === 'heldOut' ? 'held out' : g}</td>
          <td class="num">${figure(`holdout-${h.play}-${g}-accounts`, h[g].accounts, String(h[g].accounts))}</td>
          <td class="num">${percent(h[g].churnRate)}</td><td>${counts(h[g].outcomes)}</td>
          <td class="num">${h.health[g].averageScore ?? '—'}</td><td class="num">${h.health[g].red}</td></tr>`,
        ),
      )
      .join('')}</tbody></table>
    <p>${esc(d.holdouts)}</p>`;
}
