import { describe, expect, it } from 'vitest';
import {
  buildDailySeries,
  decodeSeries,
  encodedSeriesSchema,
  encodeSeries,
} from '#core/evaluation/daily-series';
import { simulationHistorySchema } from '#core/evaluation/from-simulation';

describe('an account day by day', () => {
  it('holds the score in force at the end of each day, and the day’s product activity', () => {
    const series = buildDailySeries(
      '2026-03-01',
      4,
      [
        { at: '2026-03-02T05:00:00Z', score: 70, band: 'green' },
        { at: '2026-03-02T18:00:00Z', score: 55.25, band: 'yellow' },
        { at: '2026-03-04T00:00:00Z', score: 30, band: 'red' },
      ],
      [
        { day: '2026-03-01', counts: { login: 2, nps: 1 } },
        { day: '2026-03-03', counts: { feature_used: 3, usage: 1, ticket_opened: 4 } },
        { day: '2026-02-27', counts: { login: 9 } },
      ],
    );
    expect(series).toEqual({
      scores: [null, 55.25, 55.25, 30],
      bands: [null, 'yellow', 'yellow', 'red'],
      activity: [2, 0, 4, 0],
    });
  });

  it('has no score on a day whose health is unknown', () => {
    const series = buildDailySeries(
      '2026-03-01',
      2,
      [{ at: '2026-03-01T05:00:00Z', score: null, band: 'unknown' }],
      [],
    );
    expect(series.scores).toEqual([null, null]);
    expect(series.bands).toEqual([null, null]);
  });

  it('gives no score on a day whose band is unknown, even if the stored change holds a number', () => {
    // Scoring never writes one (band unknown exactly when score is null), but the history schema does not tie the
    // two: a hand-edited or older item must not put a score on the evaluation's chart beside an unknown band.
    const series = buildDailySeries(
      '2026-03-01',
      2,
      [
        { at: '2026-03-01T05:00:00Z', score: 62, band: 'unknown' },
        { at: '2026-03-02T05:00:00Z', score: 62, band: 'yellow' },
      ],
      [],
    );
    expect(series.scores).toEqual([null, 62]);
    expect(series.bands).toEqual([null, 'yellow']);
  });

  it('keeps a day to a few characters in the result and reads back what it wrote', () => {
    const series = {
      scores: [null, 55.25, 30],
      bands: [null, 'yellow', 'red'] as const,
      activity: [2, 0, 4],
    };
    const encoded = encodeSeries({ ...series, bands: [...series.bands] });
    expect(encoded).toEqual({ scores: '- 55.3 30', bands: '-yr', activity: '2 0 4' });
    expect(encodedSeriesSchema.parse(encoded)).toEqual(encoded);
    expect(decodeSeries(encoded)).toEqual({ ...series, scores: [null, 55.3, 30], bands: [...series.bands] });
  });

  it('writes a run of no days as empty series, and reads them back as no days', () => {
    const encoded = encodeSeries(buildDailySeries('2026-03-01', 0, [], []));
    expect(encoded).toEqual({ scores: '', bands: '', activity: '' });
    expect(encodedSeriesSchema.safeParse(encoded).success).toBe(true);
    expect(decodeSeries(encoded)).toEqual({ scores: [], bands: [], activity: [] });
  });

  it('refuses series that disagree on their days, or a result whose series do not cover the run', () => {
    expect(encodedSeriesSchema.safeParse({ scores: '1 2', bands: 'g', activity: '0' }).success).toBe(false);
    const result = simulationHistorySchema.safeParse({
      start: '2026-01-01',
      days: 3,
      accounts: [{ accountId: 'a', segment: 'core', daily: { scores: '1 2', bands: 'gg', activity: '0 0' } }],
      outcomes: [],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['accounts', 0, 'daily', 'bands']);
  });
});
