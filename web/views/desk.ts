import type { DeskRow, RenewalDesk } from '#core/renewals/desk';
import { FORECAST_CATEGORIES } from '#core/renewals/forecast';
import { ApiError, canRead, get, isReport, post } from '../api.ts';
import { chart } from '../charts.ts';
import { band, day, esc, figure, label, money, moneyByCurrency } from '../format.ts';

const WINDOW_LABELS = {
  overdue: 'Overdue',
  next30: 'Next 30 days',
  next90: 'Next 90 days',
  next180: 'Next 180 days',
};

function callForm(row: DeskRow): string {
  if (isReport) return row.call ? `<br><small>CSM call by ${esc(row.call.by)}</small>` : '';
  const options = FORECAST_CATEGORIES.map(
    (c) => `<option value="${c}"${row.call?.category === c ? ' selected' : ''}>${label(c)}</option>`,
  ).join('');
  return `<form class="call" data-account="${esc(row.accountId)}">
    <label>CSM call <select name="category" aria-label="CSM call for ${esc(row.name)}"><option value="">—</option>${options}</select></label>
    <button type="submit">Save</button><span class="call-status" role="status"></span></form>`;
}

function rowHtml(row: DeskRow): string {
  const risk = row.openRisk
    ? `tier ${row.openRisk.tier}, ${esc(label(row.openRisk.primaryCause))} (${esc(row.openRisk.strategy)})`
    : '—';
  const review = row.lastReview
    ? `${esc(label(row.lastReview.reviewKind))} ${day(row.lastReview.at)} (${esc(row.lastReview.status)})`
    : '—';
  return `<tr data-account="${esc(row.accountId)}">
    <td>${canRead(`/accounts/${encodeURIComponent(row.accountId)}`) ? `<a href="#/account/${encodeURIComponent(row.accountId)}">${esc(row.name)}</a>` : esc(row.name)}<br><small>${esc(row.segment)} · ${esc(row.region)} · ${esc(row.csm)}</small></td>
    <td>${day(row.renewalDate)}</td>
    <td class="num">${figure(`days-${row.accountId}`, row.daysToRenewal, String(row.daysToRenewal))}</td>
    <td class="num">${figure(`arr-${row.accountId}`, row.arr, money(row.arr, row.currency))}</td>
    <td>${band(row.band, row.score)}</td>
    <td>${risk}</td>
    <td>${review}</td>
    <td>${esc(label(row.derived))}</td>
    <td data-category="${esc(row.category)}">${esc(label(row.category))}${callForm(row)}</td>
  </tr>`;
}

function bindCalls(root: HTMLElement, refresh: () => void): void {
  for (const form of root.querySelectorAll<HTMLFormElement>('form.call')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const status = form.querySelector('.call-status');
      const category = new FormData(form).get('category');
      if (!category || !status) return;
      try {
        await post(`/renewals/${encodeURIComponent(form.dataset.account ?? '')}/call`, {
          category,
          by: 'the page',
        });
        refresh();
      } catch (error) {
        status.textContent =
          error instanceof ApiError && error.status === 403 ? 'needs an admin key' : String(error);
      }
    });
  }
}

export async function renderDesk(root: HTMLElement, refresh: () => void): Promise<void> {
  const desk = await get<RenewalDesk>('/renewals');
  const currencies = [...new Set(desk.rows.map((r) => r.currency))].sort();
  root.innerHTML = `<h1>Renewal desk</h1>
    <div class="cards">${(['overdue', 'next30', 'next90', 'next180'] as const)
      .map(
        (w) => `<div class="card"><div class="label">${WINDOW_LABELS[w]}</div>
          <div class="value">${figure(`window-${w}`, desk.windows[w].renewals, String(desk.windows[w].renewals))}</div>
          <div>${moneyByCurrency(desk.windows[w].arr)}</div></div>`,
      )
      .join('')}
      <div class="card"><div class="label">ARR that can still be saved</div><div class="value">${moneyByCurrency(desk.arrSavable)}</div></div>
    </div>
    <div id="desk-categories" class="chart"></div>
    <h2>Renewals</h2>
    <table><thead><tr><th>Account</th><th>Renewal</th><th class="num">Days</th><th class="num">ARR</th><th>Health</th>
      <th>Open risk</th><th>Last review</th><th>Derived</th><th>Counted as</th></tr></thead>
      <tbody>${desk.rows.map(rowHtml).join('') || '<tr><td colspan="9">No renewals due in the next 180 days.</td></tr>'}</tbody></table>
    <h2>How the forecast is derived</h2>
    <ol>${desk.rule.map((r) => `<li>${esc(r)}</li>`).join('')}</ol>
    <dl class="definitions">${Object.entries(desk.definitions)
      .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
      .join('')}</dl>`;
  chart('desk-categories', 'ARR by forecast category', {
    legend: { top: 24 },
    grid: { top: 60 },
    xAxis: { type: 'category', data: FORECAST_CATEGORIES.map(label) },
    yAxis: { type: 'value' },
    series: currencies.map((currency) => ({
      name: currency,
      type: 'bar',
      data: FORECAST_CATEGORIES.map((c) => desk.categories[c].arr[currency] ?? 0),
    })),
  });
  bindCalls(root, refresh);
}
