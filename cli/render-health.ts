import type { AccountHealth, AccountWithHealth } from '#core/health/view';
import { COMPONENT_LABELS } from '#core/health/vocabulary';

/** `churnguard account <id>` for people: score, band, components and contributions, drivers, class, trend. */

const JOURNEY_LABELS = { champion: 'Champion', cruiser: 'Cruiser', laggard: 'Laggard' } as const;

const tenth = (value: number) => value.toFixed(1);
const signed = (value: number) => `${value > 0 ? '+' : ''}${tenth(value)}`;

function trendLine(health: AccountHealth): string {
  const points = health.trend.map((point) =>
    point.change === null ? `${point.days} days: n/a` : `${point.days} days: ${signed(point.change)}`,
  );
  return `Trend      ${points.join(' · ')}`;
}

function componentTable(health: AccountHealth): string[] {
  const rows = health.components.map((c) => {
    const label = COMPONENT_LABELS[c.component].padEnd(18);
    const weight = `${(c.normalizedWeight * 100).toFixed(1)}%`.padStart(7);
    const score = (c.status === 'known' ? tenth(c.score) : 'unknown').padStart(8);
    const line = `  ${label}${weight}${score}${tenth(c.contribution).padStart(14)}`;
    return c.status === 'known' ? line : `${line}   (${c.reason})`;
  });
  const total = health.score === null ? 'none' : tenth(health.score);
  return [
    `  ${'Component'.padEnd(18)}${'weight'.padStart(7)}${'score'.padStart(8)}${'contribution'.padStart(14)}`,
    ...rows,
    `  ${'Score'.padEnd(33)}${total.padStart(14)}`,
  ];
}

function findings(health: AccountHealth): string[] {
  return health.components.flatMap((c) =>
    c.status === 'known'
      ? [`  ${COMPONENT_LABELS[c.component]}: ${c.measures.map((m) => m.finding).join('; ')}`]
      : [],
  );
}

function lastChange(health: AccountHealth): string {
  const { at, reason, summary, signals } = health.lastChange;
  const moved = Object.entries(signals).map(([type, count]) => `${count > 0 ? '+' : ''}${count} ${type}`);
  const signalPart = moved.length ? `; signals: ${moved.join(', ')}` : '';
  return `Last change ${at} (${reason}): ${summary}${signalPart}`;
}

export function renderAccountHealth(account: AccountWithHealth): string {
  const header = `${account.name} (${account.id})`;
  const { health } = account;
  if (!health)
    return `${header}\nHealth     not available: ${account.healthUnavailable ?? 'not scored yet'}\n`;
  const { segment, bands } = health;
  const score = health.score === null ? 'no score' : `${tenth(health.score)} / 100`;
  const band = health.band.toUpperCase();
  const journey = health.journey;
  const lines = [
    header,
    `Segment    ${segment.label} (tier ${segment.tier}, ${segment.touch} touch)`,
    `Health     ${score}  ${band}   (${segment.label}: green from ${bands.green}, yellow from ${bands.yellow})`,
    `Model      ${health.modelVersion}, scored ${health.at}`,
    trendLine(health),
    `Journey    ${JOURNEY_LABELS[journey.journeyClass]}, day ${journey.daysLive} since go-live, judged by ${journey.judgedBy === 'health' ? 'health (onboarding before the data)' : 'milestones'}`,
    ...journey.reasons.map((reason) => `  - ${reason}`),
    '',
    ...componentTable(health),
    '',
    health.drivers.length ? 'What costs the most' : 'What costs the most: nothing worth a point',
    ...health.drivers.map((d) =>
      d.kind === 'cap'
        ? `  - ${d.text} (band cap, ${COMPONENT_LABELS[d.component]})`
        : d.kind === 'issue'
          ? `  - ${d.text} (health issue past its plan dates)`
          : `  - ${d.text} (-${tenth(d.pointsLost)} points, ${COMPONENT_LABELS[d.component]})`,
    ),
    '',
    'Findings',
    ...findings(health),
    '',
    lastChange(health),
    ...(health.notes.length ? ['', 'Notes', ...health.notes.map((note) => `  - ${note}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
