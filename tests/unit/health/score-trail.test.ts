import { describe, expect, it } from 'vitest';
import { extendTrail, oldestFirst, priorScores, scoreInForce } from '#core/health/score-trail';
import type { PriorScore } from '#core/health/types';

const day = (n: number, hour = 12) => new Date(Date.UTC(2026, 0, 1 + n, hour)).toISOString();
const entry = (n: number, score: number, hour = 12): PriorScore => ({
  at: day(n, hour),
  score,
  band: score >= 70 ? 'green' : score >= 50 ? 'yellow' : 'red',
});

function trailOf(...entries: PriorScore[]): PriorScore[] {
  return entries.reduce<PriorScore[]>((trail, next) => extendTrail(trail, next), []);
}

describe('score trail', () => {
  it('reads a frozen trail (as the store hands it back) the same way every time, in order or not', () => {
    const stored = Object.freeze([entry(20, 40), entry(0, 80), entry(10, 60)].map((e) => Object.freeze(e)));
    for (let read = 0; read < 2; read++) {
      expect(scoreInForce(stored, new Date(day(15)))?.score).toBe(60);
      expect(extendTrail(stored, entry(21, 30)).map((e) => e.score)).toEqual([80, 60, 40, 30]);
    }
    expect(stored.map((e) => e.score)).toEqual([40, 80, 60]);
  });

  it('takes the score in force at an instant from the latest change before it', () => {
    const trail = trailOf(entry(0, 80), entry(10, 60), entry(20, 40));
    expect(scoreInForce(trail, new Date(day(15)))?.score).toBe(60);
    expect(scoreInForce(trail, new Date(day(0, 11)))).toBeUndefined();
  });

  it('adds nothing for a repeated score, and keeps one entry per day', () => {
    expect(trailOf(entry(0, 80), entry(1, 80))).toEqual([entry(0, 80)]);
    expect(trailOf(entry(0, 80), entry(1, 60, 8), entry(1, 55, 18))).toEqual([
      entry(0, 80),
      entry(1, 55, 18),
    ]);
  });

  it('forgets changes older than the longest trend horizon except the one still in force then', () => {
    const trail = trailOf(entry(0, 80), entry(5, 70), entry(50, 60), entry(100, 50));
    expect(trail.map((e) => e.score)).toEqual([70, 60, 50]);
  });

  it('gives the trend the score held at each horizon, dated then', () => {
    const now = new Date(day(60));
    const trail = trailOf(entry(0, 80), entry(45, 60), entry(58, 50));
    expect(priorScores(trail, now)).toEqual([
      entry(58, 50),
      { ...entry(45, 60), at: day(53) },
      { ...entry(0, 80), at: day(30) },
    ]);
  });

  it('hands back a frozen trail that reads like a fresh copy of it (the store keeps it as it is)', () => {
    const trail = trailOf(entry(0, 80), entry(45, 60), entry(58, 50), entry(58, 45, 18));
    expect(Object.isFrozen(trail) && trail.every((e) => Object.isFrozen(e))).toBe(true);
    const copy = trail.map((e) => ({ ...e }));
    const now = new Date(day(60));
    expect(priorScores(trail, now)).toEqual(priorScores(copy, now));
    expect(extendTrail(trail, entry(59, 40))).toEqual(extendTrail(copy, entry(59, 40)));
    expect(extendTrail(trail, entry(40, 70))).toEqual(extendTrail(copy, entry(40, 70)));
    expect(oldestFirst(trail)).toBe(trail);
    expect(oldestFirst(extendTrail(trail, entry(40, 70))).map((e) => e.score)).toEqual([80, 70, 60, 45]);
  });
});
