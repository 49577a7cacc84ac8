import { describe, expect, it } from 'vitest';
import { criticalFindingSchema } from '#config/critical-findings-schema';
import { applyCriticalFindings } from '#core/health/critical-findings';
import type { ComponentSnapshot } from '#core/health/types';

const relationship = (scorecard: number): ComponentSnapshot => ({
  component: 'relationship',
  weight: 25,
  normalizedWeight: 0.25,
  contribution: 20,
  status: 'known',
  score: 80,
  measures: [
    {
      measure: 'scorecard',
      actual: scorecard,
      expected: 7,
      expectedFrom: 'fallback',
      score: 60,
      finding: `relationship scorecard ${scorecard}/10 vs 7 for healthy Strategic accounts`,
    },
  ],
});

const weak = {
  id: 'relationship_critical',
  component: 'relationship',
  measure: 'scorecard',
  atOrBelow: 4,
  capBand: 'yellow',
} as const;

describe('critical findings cap the band (health.criticalFindings)', () => {
  it('holds a green account at yellow when its scorecard is at or below the line, and names the cap', () => {
    const capped = applyCriticalFindings([weak], 'strategic', 'green', [relationship(4)]);
    expect(capped.band).toBe('yellow');
    expect(capped.drivers).toEqual([
      {
        component: 'relationship',
        measure: 'scorecard',
        kind: 'cap',
        pointsLost: 0,
        text: 'band held at yellow (critical finding relationship_critical: scorecard 4 is at or below 4); the score alone says green: relationship scorecard 4/10 vs 7 for healthy Strategic accounts',
      },
    ]);
  });

  it('leaves the band alone above the line, when already lower, outside its segments, or without the measure', () => {
    expect(applyCriticalFindings([weak], 'strategic', 'green', [relationship(4.1)]).band).toBe('green');
    expect(applyCriticalFindings([weak], 'strategic', 'red', [relationship(2)])).toEqual({
      band: 'red',
      drivers: [],
    });
    expect(
      applyCriticalFindings([{ ...weak, segments: ['core'] }], 'strategic', 'green', [relationship(2)]).band,
    ).toBe('green');
    expect(
      applyCriticalFindings([{ ...weak, measure: 'meetings' }], 'strategic', 'green', [relationship(2)]).band,
    ).toBe('green');
  });

  it('applies the lowest cap of several, each that lowered the band named in order', () => {
    const red = { ...weak, id: 'relationship_broken', atOrBelow: 2, capBand: 'red' } as const;
    const capped = applyCriticalFindings([weak, red], 'core', 'green', [relationship(1)]);
    expect(capped.band).toBe('red');
    expect(capped.drivers.map((d) => d.text.split(' (')[0])).toEqual([
      'band held at yellow',
      'band held at red',
    ]);
  });

  it('refuses a finding with both or neither threshold, naming the field', () => {
    const both = criticalFindingSchema.safeParse({ ...weak, atOrAbove: 9 });
    expect(both.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['atOrBelow', 'give exactly one of atOrBelow and atOrAbove'],
    ]);
    const { atOrBelow: _, ...neither } = weak;
    expect(criticalFindingSchema.safeParse(neither).success).toBe(false);
  });
});

describe('critical findings in the config', () => {
  it('refuses a finding limited to a segment that is not defined, naming its path', async () => {
    const { parseConfig } = await import('#config/load');
    const { defaultConfig } = await import('#config/default');
    const result = parseConfig({
      ...defaultConfig,
      health: {
        ...defaultConfig.health,
        criticalFindings: [{ ...weak, segments: ['strategic', 'enterprise'] }],
      },
    });
    expect(result).toMatchObject({
      ok: false,
      errors: [
        {
          path: 'health.criticalFindings[0].segments[1]',
          message:
            'names segment "enterprise", which is not defined in segments (strategic, core, transactional)',
        },
      ],
    });
  });
});
