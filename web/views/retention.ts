import type { Retention, RetentionFigures } from '#core/renewals/retention';
import { get } from '../api.ts';
import { chart } from '../charts.ts';
import { day, esc, figure, money, moneyByCurrency, percent } from '../format.ts';

function figuresRows(group: string, figures: readonly RetentionFigures[], prefix: string): string {
  return figures
    .map(
      (f) => `<tr><td>${esc(group)}</td><td>${esc(f.currency)}</td>
        <td class="num">${f.cohortAccounts}</td>
        <td class="num">${money(f.startingArr, f.currency)}</td>
        <td class="num">${money(f.currentArr, f.currency)}</td>
        <td class="num">${figure(`${prefix}nrr-${f.currency}`, f.nrr, percent(f.nrr))}</td>
        <td class="num">${figure(`${prefix}grr-${f.currency}`, f.grr, percent(f.grr))}</td>
        <td class="num">${figure(`${prefix}logo-churn-${f.currency}`, f.logoChurn, percent(f.logoChurn))}</td></tr>`,
    )
    .join('');
}

const HEAD = `<thead><tr><th>Group</th><th>Currency</th><th class="num">Cohort accounts</th><th class="num">ARR then</th>
  <th class="num">ARR today</th><th class="num">NRR</th><th class="num">GRR</th><th class="num">Logo churn</th></tr></thead>`;

export async function renderRetention(root: HTMLElement): Promise<void> {
  const r = await get<Retention>('/retention');
  root.innerHTML = `<h1>Retention, trailing 12 months</h1>
    <p>Cohort: accounts paying on ${day(r.cohortDate)}, compared with today (${day(r.asOf)}). ARR at risk today: ${moneyByCurrency(r.arrAtRisk)}.</p>
    <table>${HEAD}<tbody>${figuresRows('All accounts', r.overall, '') || '<tr><td colspan="8">No account was paying 12 months ago.</td></tr>'}</tbody></table>
    <div id="retention-chart" class="chart"></div>
    <h2>By segment</h2>
    <table>${HEAD}<tbody>${r.bySegment.map((s) => figuresRows(s.segment, s.figures, `segment-${s.segment}-`)).join('')}</tbody></table>
    <h2>By region</h2>
    <table>${HEAD}<tbody>${r.byRegion.map((g) => figuresRows(g.region, g.figures, `region-${g.region}-`)).join('')}</tbody></table>
    <h2>Definitions</h2>
    <dl class="definitions">${Object.entries(r.definitions)
      .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`)
      .join('')}</dl>
    ${r.currencyChanged.length ? `<p>Left out (currency changed): ${r.currencyChanged.map(esc).join(', ')}</p>` : ''}`;
  chart('retention-chart', 'NRR and GRR per currency (%)', {
    legend: { top: 24 },
    grid: { top: 60 },
    xAxis: { type: 'category', data: r.overall.map((f) => f.currency) },
    yAxis: { type: 'value' },
    series: [
      { name: 'NRR', type: 'bar', data: r.overall.map((f) => Math.round((f.nrr ?? 0) * 1000) / 10) },
      { name: 'GRR', type: 'bar', data: r.overall.map((f) => Math.round((f.grr ?? 0) * 1000) / 10) },
    ],
  });
}
