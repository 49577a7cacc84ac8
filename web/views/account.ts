import { canRead, get } from '../api.ts';
import { chart } from '../charts.ts';
import { band, day, esc, figure, label, money } from '../format.ts';
import type { AccountAnswer, AccountHistory, IssuesAnswer, NudgesAnswer, TimelineAnswer } from './types.ts';

const list = (items: string[], empty: string) =>
  items.length ? `<ul>${items.join('')}</ul>` : `<p>${empty}</p>`;

export async function renderAccount(root: HTMLElement, accountId: string): Promise<void> {
  const path = `/accounts/${encodeURIComponent(accountId)}`;
  const [account, history, timeline, nudges, issues] = await Promise.all([
    get<AccountAnswer>(path),
    get<AccountHistory>(`${path}/history`),
    get<TimelineAnswer>(`${path}/timeline`),
    get<NudgesAnswer>(`${path}/nudges`),
    // A report made before health issues existed holds no issues page for the account.
    canRead(`${path}/issues`) ? get<IssuesAnswer>(`${path}/issues`) : Promise.resolve(null),
  ]);
  const health = account.health;
  root.innerHTML = `<h1>${esc(account.name)}</h1>
    <div class="cards">
      <div class="card"><div class="label">Health</div><div class="value">${health ? band(health.band, health.score) : 'not scored yet'}</div>
        ${health ? figure('score', health.score, '') : ''}</div>
      <div class="card"><div class="label">Segment</div><div class="value">${esc(health?.segment.label ?? '—')}</div></div>
      <div class="card"><div class="label">ARR</div><div class="value">${figure('arr', account.contract.arr, money(account.contract.arr, account.currency))}</div></div>
      <div class="card"><div class="label">Renewal</div><div class="value">${day(account.contract.renewalDate)}</div></div>
      <div class="card"><div class="label">CSM</div><div class="value">${esc(account.csm.name)}</div></div>
    </div>
    <div id="score-chart" class="chart"></div>
    <h2>Components</h2>
    <table><thead><tr><th>Component</th><th class="num">Weight</th><th class="num">Score</th><th class="num">Contribution</th></tr></thead>
    <tbody>${(health?.components ?? [])
      .map(
        (
          c,
        ) => `<tr><td>${esc(c.component)}</td><td class="num">${c.weight}</td><td class="num">${c.score ?? esc(c.status)}</td>
        <td class="num">${figure(`contribution-${c.component}`, c.contribution, String(c.contribution))}</td></tr>`,
      )
      .join('')}</tbody></table>
    <h2>Drivers</h2>
    ${list(
      (health?.drivers ?? []).map(
        (d) => `<li>${esc(d.text)}${d.pointsLost > 0 ? ` (−${d.pointsLost} points)` : ''}</li>`,
      ),
      'No driver.',
    )}
    <h2>Journey</h2>
    ${
      health
        ? `<p><span data-class="${esc(health.journey.journeyClass)}">${esc(label(health.journey.journeyClass))}</span>, judged by ${esc(health.journey.judgedBy ?? 'milestones')}, day ${health.journey.daysLive} since go-live.</p>
    <table><thead><tr><th>Milestone</th><th class="num">Due day</th><th class="num">Reached on day</th><th>Status</th></tr></thead>
    <tbody>${health.journey.milestones
      .map(
        (m) =>
          `<tr data-milestone="${esc(m.milestone)}"><td>${esc(m.label)}</td><td class="num">${m.dueDay}</td><td class="num">${m.reachedDay ?? '—'}</td><td>${esc(label(m.status))}</td></tr>`,
      )
      .join('')}</tbody></table>
    ${list(
      health.journey.reasons.map((r) => `<li>${esc(r)}</li>`),
      '',
    )}`
        : '<p>Not scored yet.</p>'
    }
    ${
      issues
        ? `<h2>Health issues</h2>${list(
            issues.issues.map((i) => {
              const late = new Map(i.overdueSteps.map((step) => [step.action, step.daysLate]));
              const steps = i.plan.map((step) => {
                const daysLate = late.get(step.action);
                return `<li>${esc(step.action)}: ${esc(step.owner)}, due ${day(step.due)}, ${esc(label(step.status))}${daysLate ? ` <strong data-late-step>${daysLate} days late</strong>` : ''}</li>`;
              });
              return `<li data-issue="${esc(i.issueId)}">${esc(i.category)}: ${esc(i.summary)} <small>(${esc(label(i.status))})</small>${steps.length ? `<ul>${steps.join('')}</ul>` : ''}</li>`;
            }),
            'No health issue recorded.',
          )}`
        : ''
    }
    <h2>Risks</h2>
    ${list(
      history.risks.map(
        (r) =>
          `<li>${esc(r.status)}: tier ${r.tier}, ${esc(label(r.primaryCause))}, ${esc(r.strategy)}, opened ${day(r.openedAt)}${r.closedAt ? `, closed ${day(r.closedAt)}` : ''}: ${r.reasons.map(esc).join('; ')}</li>`,
      ),
      'No risk ever opened.',
    )}
    <h2>Reviews</h2>
    ${list(
      history.reviews.map((r) => `<li>${esc(label(r.reviewKind))} ${day(r.startsAt)}: ${esc(r.status)}</li>`),
      'No review.',
    )}
    <h2>Contract history</h2>
    ${list(
      history.contract.map(
        (c) =>
          `<li>${day(c.at)}: ${esc(c.outcome ? `renewal ${c.outcome}` : c.cause)}, ARR ${money(c.arr, c.currency)}</li>`,
      ),
      'No contract change recorded.',
    )}
    <h2>Messages sent</h2>
    <table><thead><tr><th>When</th><th>Play</th><th>To</th><th>Channel</th><th>Status</th><th>Subject</th></tr></thead>
    <tbody>${nudges.sent
      .map(
        (m) =>
          `<tr data-sent="${esc(m.playId)}"><td>${day(m.reservedAt)}</td><td>${esc(m.playId)}</td><td>${esc(m.recipientId)}</td><td>${esc(m.channel)}</td><td>${esc(m.status)}</td><td>${esc(m.subject ?? '')}</td></tr>`,
      )
      .join('')}</tbody></table>
    <h2>Messages not sent</h2>
    <table><thead><tr><th>When</th><th>Play</th><th>To</th><th>Outcome</th><th>Why</th></tr></thead>
    <tbody>${nudges.notSent
      .map(
        (m) =>
          `<tr data-not-sent="${esc(m.playId)}"><td>${day(m.at)}</td><td>${esc(m.playId)}</td><td>${esc(m.recipientId)}</td><td>${esc(label(m.outcome))}</td><td>${esc(m.detail || m.reason)}</td></tr>`,
      )
      .join('')}</tbody></table>
    <h2>Timeline</h2>
    ${list(
      timeline.entries.map(
        (e) =>
          `<li>${day(e.at)} <strong>${esc(label(e.action))}</strong>: ${esc(e.what)} <small>(${esc(e.why)})</small></li>`,
      ),
      'Nothing happened yet.',
    )}
    <h2>Upcoming</h2>
    ${list(
      timeline.upcoming.map((t) => `<li>${day(t.dueAt)} ${esc(label(t.kind))} ${esc(t.ref)}</li>`),
      'Nothing scheduled.',
    )}`;
  chart('score-chart', 'Health score history', {
    xAxis: { type: 'time' },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      {
        name: 'score',
        type: 'line',
        step: 'end',
        data: history.scores.filter((s) => s.score !== null).map((s) => [s.at, s.score]),
      },
    ],
  });
}
