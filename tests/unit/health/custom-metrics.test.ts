import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfig } from '#config/load';
import type { CustomMeasure } from '#config/measures-schema';
import { SIGNAL_CSV_RULES, unflatten } from '#core/flat-record';
import { computeBaselines } from '#core/health/baselines';
import { scoreAccount } from '#core/health/score';
import type { HealthSnapshot, Measure } from '#core/health/types';
import { signalSchema } from '#core/signals';
import { REPORTS_SENT } from '../../support/metric-measures.ts';
import {
  account,
  activity,
  contributionsSum,
  daysAgo,
  healthyCoreCohort,
  NOW,
  rollupsFrom,
  signal,
  withConfig,
} from './builders.ts';

/** issue 19 item 3: custom signal types (`metric` signals) turned into scored measures by config. */

const REPORTS = REPORTS_SENT;
const ERRORS: CustomMeasure = {
  id: 'errorRate',
  component: 'support',
  weight: 1,
  from: { metric: 'error_rate', over: 'average', days: 7 },
  kind: 'numeric',
  direction: 'lower',
  expected: 1,
  label: 'error rate (%)',
};
const QUEUE: CustomMeasure = {
  id: 'queueDepth',
  component: 'engagement',
  weight: 1,
  from: { metric: 'queue.depth', over: 'latest', days: 14 },
  kind: 'numeric',
  direction: 'lower',
  expected: 9,
  label: 'queue depth',
};

const config = withConfig(defaultConfig, (draft) => {
  if (draft.health.measures) draft.health.measures.custom = [REPORTS, ERRORS, QUEUE];
});
const baselines = computeBaselines(config, healthyCoreCohort(10), NOW);

const metric = (name: string, value: number, days: number, hour = 12) =>
  signal('metrics', 'metric', daysAgo(days, hour), { value, attributes: { name } });

function scored(metrics: ReturnType<typeof metric>[]): HealthSnapshot {
  return scoreAccount(
    config,
    {
      account: account({ id: 'metrics' }),
      rollups: rollupsFrom('metrics', [...activity('metrics'), ...metrics]),
      tickets: [],
    },
    baselines,
    NOW,
  );
}

function measureOf(snapshot: HealthSnapshot, name: string): Measure | undefined {
  for (const component of snapshot.components)
    if (component.status === 'known') {
      const found = component.measures.find((m) => m.measure === name);
      if (found) return found;
    }
  return undefined;
}

describe('custom measures of metric signals', () => {
  it('score the sum over the window against the expected value, saying it in words', () => {
    const snapshot = scored([
      metric('reports_sent', 2, 1),
      metric('reports_sent', 3, 1, 15),
      metric('reports_sent', 5, 29),
      metric('reports_sent', 100, 30),
    ]);
    expect(measureOf(snapshot, 'reportsSent')).toMatchObject({
      actual: 10,
      expected: 20,
      expectedFrom: 'custom',
      score: 50,
      weight: 2,
      finding: 'reports sent 10 in the last 30 days (3 readings) vs at least 20 expected',
    });
    expect(snapshot.drivers.map((d) => d.text)).toContain(
      'reports sent 10 in the last 30 days (3 readings) vs at least 20 expected',
    );
    expect(contributionsSum(snapshot)).toBe(snapshot.score);
  });

  it('score the average of the readings, where lower is better', () => {
    const snapshot = scored([
      metric('error_rate', 2, 0),
      metric('error_rate', 4, 3),
      metric('error_rate', 50, 8),
    ]);
    expect(measureOf(snapshot, 'errorRate')).toMatchObject({
      actual: 3,
      score: 50,
      finding: 'error rate (%) 3 on average over 2 readings in the last 7 days vs at most 1 expected',
    });
    expect(contributionsSum(snapshot)).toBe(snapshot.score);
  });

  it('score the latest reading, naming its day', () => {
    const snapshot = scored([
      metric('queue.depth', 4, 10),
      metric('queue.depth', 19, 2),
      metric('queue.depth', 1, 20),
    ]);
    expect(measureOf(snapshot, 'queueDepth')).toMatchObject({
      actual: 19,
      score: 50,
      finding: `queue depth 19 (latest reading, ${daysAgo(2).slice(0, 10)}) vs at most 9 expected`,
    });
  });

  it('lower the score as a measure falls, and leave it out when no reading is in the window: unknown, not zero', () => {
    const healthy = scored([metric('reports_sent', 25, 1)]);
    const fading = scored([metric('reports_sent', 5, 1)]);
    const silent = scored([metric('reports_sent', 25, 40)]);
    expect(measureOf(healthy, 'reportsSent')?.score).toBe(100);
    expect(fading.score ?? 0).toBeLessThan(healthy.score ?? 0);
    expect(measureOf(silent, 'reportsSent')).toBeUndefined();
    expect(silent.score).toBe(scored([]).score);
  });
});

describe('metric signals', () => {
  const base = {
    id: 'm-1',
    accountId: 'acme',
    type: 'metric',
    occurredAt: '2026-11-20T10:00:00Z',
  };
  const issues = (record: object) =>
    (signalSchema.safeParse(record).error?.issues ?? []).map((i) => [i.path.join('.'), i.message]);

  it('are accepted with a name and a numeric value, negative or fractional', () => {
    expect(issues({ ...base, value: -2.5, attributes: { name: 'net.promoters_7d' } })).toEqual([]);
  });

  it('are read from a CSV row of the importer (columns value and attributes.name)', () => {
    const row = { ...base, value: '12.5', 'attributes.name': 'reports_sent' };
    const parsed = signalSchema.safeParse(unflatten(row, SIGNAL_CSV_RULES));
    expect(parsed.data).toMatchObject({ type: 'metric', value: 12.5, attributes: { name: 'reports_sent' } });
  });

  it('are refused naming the field when the name or the value is missing or malformed', () => {
    expect(issues({ ...base, attributes: { name: 'x' } })).toEqual([
      ['value', expect.stringContaining('is required: the metric reading')],
    ]);
    expect(issues({ ...base, value: 1 })).toEqual([['attributes.name', 'is required for metric signals']]);
    for (const name of ['has space', '9lives', 'a'.repeat(65), 'ünï', ''])
      expect(issues({ ...base, value: 1, attributes: { name } })).toEqual([
        ['attributes.name', expect.stringMatching(/must be|non-empty/)],
      ]);
    expect(issues({ ...base, value: 1, attributes: { name: 7 } })).toEqual([
      ['attributes.name', 'must be a non-empty string'],
    ]);
    expect(issues({ ...base, value: 1e13, attributes: { name: 'x' } }).map(([path]) => path)).toContain(
      'value',
    );
  });
});

describe('custom metric measures in the typed config', () => {
  it('refuse an unknown component, an unknown aggregate, a bad name and a window beyond the lookback', () => {
    const broken = JSON.parse(JSON.stringify(defaultConfig));
    broken.health.measures.custom = [
      { ...REPORTS, component: 'mood' },
      { ...REPORTS, id: 'b', from: { metric: 'reports_sent', over: 'median', days: 30 } },
      { ...REPORTS, id: 'c', from: { metric: 'reports sent', over: 'sum', days: 30 } },
      { ...REPORTS, id: 'd', from: { metric: 'reports_sent', over: 'sum', days: 0 } },
      { ...REPORTS, id: 'e', from: { metric: 'reports_sent', over: 'sum', days: 200 } },
      { ...REPORTS, id: 'f', kind: 'categorical', scores: { a: 1 } },
    ];
    const result = parseConfig(broken);
    const byPath = Object.fromEntries((result.ok ? [] : result.errors).map((e) => [e.path, e.message]));
    expect(byPath).toMatchObject({
      'health.measures.custom[0].component': expect.stringContaining('must be one of: engagement'),
      'health.measures.custom[1].from': expect.stringContaining('"over": "sum" | "average" | "latest"'),
      'health.measures.custom[2].from.metric': expect.stringContaining('letters, digits, _ . -'),
      'health.measures.custom[3].from.days': 'must be a whole number from 1 to 365 (the window of days read)',
      'health.measures.custom[4].from.days': expect.stringContaining(
        'must not exceed health.lookbackDays (180)',
      ),
      'health.measures.custom[5].from': expect.stringContaining('"attribute"'),
    });
  });

  it('accept the measures above', () => {
    const good = JSON.parse(JSON.stringify(defaultConfig));
    good.health.measures.custom = [REPORTS, ERRORS, QUEUE];
    expect(parseConfig(good).ok).toBe(true);
  });
});
