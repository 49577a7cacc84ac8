import type { PortfolioSummary } from '#core/health/portfolio';
import type { StackRank } from '#usecases/stack-rank';
import { BAND_COLOURS, chart } from '../charts.ts';
import { band, day, esc, figure } from '../format.ts';

const CLASS_NAMES: Record<string, string> = { champion: 'Champion', cruiser: 'Cruiser', laggard: 'Laggard' };

/** The health trend per segment (one stacked chart per segment) and its place-holders. */
export function trendSection(portfolio: PortfolioSummary): string {
  return `<h2>Health trend, week by week</h2>
    <p>Accounts in each band at the end of each of the last ${Math.max(0, (portfolio.trend[0]?.points.length ?? 1) - 1)} weeks, from each account's stored score changes.</p>
    <div class="charts">${portfolio.trend
      .map((t) => `<div id="trend-${esc(t.segment)}" class="chart small"></div>`)
      .join('')}</div>`;
}

export function drawTrends(portfolio: PortfolioSummary): void {
  const labels = new Map(portfolio.segments.map((s) => [s.segment, s.label]));
  for (const t of portfolio.trend) {
    chart(`trend-${t.segment}`, `${labels.get(t.segment) ?? t.segment}: accounts by band`, {
      legend: { top: 24 },
      grid: { top: 60 },
      xAxis: { type: 'category', data: t.points.map((p) => day(p.at)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: (['green', 'yellow', 'red', 'unknown'] as const).map((b) => ({
        name: b,
        type: 'line',
        stack: 'bands',
        areaStyle: {},
        itemStyle: { color: BAND_COLOURS[b] },
        data: t.points.map((p) => p.bands[b]),
      })),
    });
  }
}

/** The journey funnel per segment: each milestone reached ahead, on time, late, missed or still pending. */
export function funnelSection(portfolio: PortfolioSummary): string {
  const labels = new Map(portfolio.segments.map((s) => [s.segment, s.label]));
  return `<h2>Journey funnel per milestone</h2>
    <p>Accounts the data saw go live, by how each milestone of their segment's journey baseline went; accounts whose
    onboarding predates the data are left out.</p>
    ${portfolio.funnel
      .map(
        (
          f,
        ) => `<h3>${esc(labels.get(f.segment) ?? f.segment)}: ${figure(`funnel-${f.segment}-accounts`, f.accounts, String(f.accounts))} accounts</h3>
      <table><thead><tr><th>Milestone</th><th class="num">Due day</th><th class="num">Reached</th><th class="num">Ahead</th>
        <th class="num">On time</th><th class="num">Late</th><th class="num">Missed</th><th class="num">Pending</th></tr></thead>
      <tbody>${f.steps
        .map(
          (
            s,
          ) => `<tr data-funnel="${esc(`${f.segment}-${s.milestone}`)}"><td>${esc(s.label)}</td><td class="num">${s.dueDay}</td>
          ${(['reached', 'ahead', 'onTime', 'late', 'missed', 'pending'] as const)
            .map(
              (k) =>
                `<td class="num">${figure(`funnel-${f.segment}-${s.milestone}-${k}`, s[k], String(s[k]))}</td>`,
            )
            .join('')}</tr>`,
        )
        .join('')}</tbody></table>`,
      )
      .join('')}`;
}

/** Champions, Cruisers and Laggards per segment, in rank order, with what each was judged by. */
export function stackRankSection(rank: StackRank): string {
  return `<h2>Champions, Cruisers and Laggards</h2>
    <ul class="definitions">${Object.values(rank.definitions)
      .map((d) => `<li>${esc(d)}</li>`)
      .join('')}</ul>
    ${rank.segments
      .map(
        (s) => `<h3>${esc(s.label)}</h3>
      <table><thead><tr><th class="num">Rank</th><th>Account</th><th>Class</th><th>Judged by</th><th class="num">Pace</th><th>Health</th></tr></thead>
      <tbody>${
        s.accounts
          .map(
            (
              a,
            ) => `<tr data-ranked="${esc(a.accountId)}"><td class="num">${figure(`rank-${a.accountId}`, a.rank, String(a.rank))}</td>
            <td><a href="#/account/${encodeURIComponent(a.accountId)}">${esc(a.name)}</a></td>
            <td data-class="${esc(a.journeyClass)}">${esc(CLASS_NAMES[a.journeyClass] ?? a.journeyClass)}</td>
            <td>${esc(a.judgedBy)}</td><td class="num">${a.pace.toFixed(2)}</td><td>${band(a.band, a.score)}</td></tr>`,
          )
          .join('') || '<tr><td colspan="6">No account scored in this segment.</td></tr>'
      }</tbody></table>`,
      )
      .join('')}`;
}
