import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { computeBaselines } from '#core/health/baselines';
import { classifyJourney } from '#core/health/journey-class';
import { type AccountHealthInput, nextHealth } from '#core/health/next-health';
import { account, activity, daysAgo, healthyCoreCohort, NOW, rollupsFrom, signal } from './builders.ts';

const baselines = computeBaselines(defaultConfig, healthyCoreCohort(10), NOW);
const id = 'acme';
const steady = [...activity(id), signal(id, 'login', daysAgo(118), { userId: 'u-first' })];
const input: AccountHealthInput = {
  account: account({ id, goLiveDate: daysAgo(120).slice(0, 10) }),
  rollups: rollupsFrom(id, steady),
  tickets: [],
};
const later = new Date(NOW.getTime() + 3_600_000);

describe('next health', () => {
  const first = nextHealth(defaultConfig, input, baselines, NOW, 'dirty');

  it('records a first score as such, whatever the caller asked', () => {
    expect(first.change).toMatchObject({ revision: 1, reason: 'first-score', diff: null, accountId: id });
    expect(first.change?.summary).toMatch(/^first score: [\d.]+ \((green|yellow|red)\)/);
    expect(first.record.trail).toEqual([
      { at: NOW.toISOString(), score: first.record.snapshot.score, band: first.record.snapshot.band },
    ]);
    expect(first.record.signalTotals.login).toBeGreaterThan(0);
  });

  it('gives the same record for the same input and clock', () => {
    expect(nextHealth(defaultConfig, input, baselines, NOW, 'dirty')).toEqual(first);
  });

  it('records nothing when nothing moved, but answers with the current snapshot', () => {
    const again = nextHealth(defaultConfig, { ...input, previous: first.record }, baselines, later, 'daily');
    expect(again.change).toBeNull();
    expect(again.record.revision).toBe(1);
    expect(again.record.snapshot.at).toBe(later.toISOString());
  });

  it('says which signals and components moved a score', () => {
    const worse = {
      ...input,
      rollups: rollupsFrom(id, [...steady, signal(id, 'sponsor_left', daysAgo(0, 9))]),
    };
    const next = nextHealth(defaultConfig, { ...worse, previous: first.record }, baselines, later, 'dirty');
    expect(next.change).toMatchObject({ revision: 2, reason: 'dirty', signals: { sponsor_left: 1 } });
    expect(next.change?.diff?.components[0]?.component).toBe('relationship');
    expect(next.record.lastChange.summary).toBe(next.change?.summary);
  });

  it('keeps milestones found earlier after their rollups leave the lookback', () => {
    const recent = { ...input, rollups: rollupsFrom(id, activity(id, { days: 20 })), previous: first.record };
    const next = nextHealth(defaultConfig, recent, baselines, later, 'daily');
    expect(next.record.milestones).toContainEqual({
      milestone: 'first_login',
      day: daysAgo(118).slice(0, 10),
    });
  });

  it('classes an established account by its health, not as a Laggard, and keeps when the data began', () => {
    const established: AccountHealthInput = {
      ...input,
      account: { ...account({ id, goLiveDate: daysAgo(400).slice(0, 10) }), createdAt: daysAgo(150) },
    };
    const scored = nextHealth(defaultConfig, established, baselines, NOW, 'dirty').record;
    expect(scored.dataSince).toBe(daysAgo(150).slice(0, 10));
    expect(scored.journey.judgedBy).toBe('health');
    expect(scored.journey.journeyClass).not.toBe('laggard');
    // Judged by milestones alone, as it was before, every onboarding milestone reads as missed: a Laggard.
    expect(classifyJourney(defaultConfig, established.account, [], NOW).journeyClass).toBe('laggard');
    const kept = nextHealth(defaultConfig, { ...established, previous: scored }, baselines, later, 'daily');
    expect(kept.record.dataSince).toBe(scored.dataSince);
  });

  it('judges an account that went live under the data by its milestones', () => {
    expect(first.record.journey.judgedBy).toBe('milestones');
  });
});
