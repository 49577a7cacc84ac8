import type { PortfolioSummary } from '#core/health/portfolio';
import { BANDS } from '#core/health/vocabulary';
import type { AutomationAnswer } from '#usecases/automation';
import type { StackRank } from '#usecases/stack-rank';
import { get } from '../api.ts';
import { BAND_COLOURS, chart } from '../charts.ts';
import { band, day, esc, figure, label, money } from '../format.ts';
import { automationSection } from './portfolio-automation.ts';
import { drawTrends, funnelSection, stackRankSection, trendSection } from './portfolio-journeys.ts';
import type { OpenRiskRow } from './types.ts';

const BAND_NAMES = [...BANDS, 'unknown'] as const;

export async function renderPortfolio(root: HTMLElement): Promise<void> {
  const [portfolio, open, rank, automation] = await Promise.all([
    get<PortfolioSummary>('/portfolio'),
    get<{ risks: OpenRiskRow[] }>('/risks'),
    get<StackRank>('/stack-rank'),
    get<AutomationAnswer>('/automation'),
  ]);
  const segments = portfolio.segments;
  root.innerHTML = `<h1>Portfolio</h1>
    <p>${figure('accounts', portfolio.accounts, String(portfolio.accounts))} customers, health as of ${day(portfolio.asOf)}.${
      portfolio.churned
        ? ` ${figure('churned', portfolio.churned, String(portfolio.churned))} account${portfolio.churned === 1 ? '' : 's'} that churned ${portfolio.churned === 1 ? 'is' : 'are'} not counted here (renewal desk and retention show the loss).`
        : ''
    }</p>
    <div id="bands-chart" class="chart"></div>
    <h2>Health by segment</h2>
    <table><thead><tr><th>Segment</th><th class="num">Accounts</th>${BAND_NAMES.map((b) => `<th class="num">${b}</th>`).join('')}
      <th class="num">Champions</th><th class="num">Cruisers</th><th class="num">Laggards</th><th class="num">Average score</th></tr></thead>
    <tbody>${segments
      .map(
        (s) => `<tr><td>${esc(s.label)}</td><td class="num">${s.accounts}</td>
        ${BAND_NAMES.map((b) => `<td class="num">${figure(`band-${s.segment}-${b}`, s.bands[b], String(s.bands[b]))}</td>`).join('')}
        ${(['champion', 'cruiser', 'laggard'] as const).map((c) => `<td class="num">${figure(`class-${s.segment}-${c}`, s.classes[c], String(s.classes[c]))}</td>`).join('')}
        <td class="num">${s.averageScore ?? '—'}</td></tr>`,
      )
      .join('')}</tbody></table>
    <h2>Red accounts: open risks</h2>
    <table><thead><tr><th>Account</th><th>Health</th><th>Root cause</th><th class="num">Tier</th><th>Strategy</th>
      <th class="num">Days open</th><th class="num">ARR</th><th>Top drivers</th></tr></thead>
    <tbody>${
      open.risks
        .map(
          (
            r,
          ) => `<tr data-risk="${esc(r.riskId)}"><td><a href="#/account/${encodeURIComponent(r.accountId)}">${esc(r.accountName)}</a><br><small>${esc(r.segment)} · ${esc(r.region)}</small></td>
          <td>${band(r.band, r.score)}</td>
          <td>${esc(label(r.primaryCause))}${r.secondaryCause ? `, ${esc(label(r.secondaryCause))}` : ''}</td>
          <td class="num">${r.tier}</td><td>${esc(r.strategy)}</td>
          <td class="num">${figure(`days-open-${r.accountId}`, r.daysOpen, String(r.daysOpen))}</td>
          <td class="num">${money(r.arr, r.currency)}</td>
          <td><ul>${r.drivers.map((d) => `<li>${esc(d.text)}</li>`).join('')}</ul></td></tr>`,
        )
        .join('') || '<tr><td colspan="8">No open risk.</td></tr>'
    }</tbody></table>
    ${trendSection(portfolio)}
    ${stackRankSection(rank)}
    ${funnelSection(portfolio)}
    ${automationSection(automation)}`;
  chart('bands-chart', 'Health bands per segment (accounts)', {
    legend: { top: 24 },
    grid: { top: 60 },
    xAxis: { type: 'category', data: segments.map((s) => s.label) },
    yAxis: { type: 'value', minInterval: 1 },
    series: BAND_NAMES.map((b) => ({
      name: b,
      type: 'bar',
      stack: 'bands',
      itemStyle: { color: BAND_COLOURS[b] },
      data: segments.map((s) => s.bands[b]),
    })),
  });
  drawTrends(portfolio);
}
