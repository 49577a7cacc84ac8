import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { segmentMix } from '#core/health/segment-mix';
import { assignSegment, segmentConfig } from '#core/health/segmentation';
import { account } from './builders.ts';

describe('segment assignment', () => {
  it.each([
    [750_000, 'I', 'strategic', 'high'],
    [200_000, 'A', 'core', 'high'],
    [80_000, 'B', 'core', 'low'],
    [20_000, 'C', 'transactional', 'low'],
    [3_000, 'D', 'transactional', 'tech'],
    [0, 'D', 'transactional', 'tech'],
  ])('puts an account with ARR %i in tier %s, segment %s, %s touch', (arr, tier, segment, touch) => {
    expect(assignSegment(defaultConfig, account({ arr }))).toMatchObject({
      tier,
      segment,
      touch,
      segmentSource: 'tier',
      tierSource: 'arr',
      notes: [],
    });
  });

  it("lets the account's own segment win over the tier rule, taking that segment's touch model", () => {
    const assigned = assignSegment(defaultConfig, account({ arr: 3_000, segment: 'Strategic' }));
    expect(assigned).toMatchObject({
      segment: 'strategic',
      label: 'Strategic',
      touch: 'high',
      segmentSource: 'account',
    });
    expect(assigned.tier).toBe('D');
  });

  it("lets the account's own tier win over its ARR", () => {
    expect(assignSegment(defaultConfig, account({ arr: 3_000, tier: 'a' }))).toMatchObject({
      tier: 'A',
      tierSource: 'account',
      segment: 'core',
    });
  });

  it('ignores an unknown segment or tier on the account, and says so', () => {
    const assigned = assignSegment(defaultConfig, account({ arr: 80_000, segment: 'vip', tier: 'Z' }));
    expect(assigned).toMatchObject({ segment: 'core', tier: 'B', segmentSource: 'tier', tierSource: 'arr' });
    expect(assigned.notes).toEqual([
      'tier "Z" is not one of I, A, B, C, D; tier B comes from ARR',
      'segment "vip" is not defined; segment core comes from tier B',
    ]);
  });
});

describe('a segment looked up by name', () => {
  it('refuses a segment the config does not define, naming it, instead of answering undefined', () => {
    expect(segmentConfig(defaultConfig, 'core')).toBe(defaultConfig.segments.core);
    expect(() => segmentConfig(defaultConfig, 'enterprise-x')).toThrow(
      'segment "enterprise-x" is not defined',
    );
  });
});

describe('segment mix', () => {
  it('compares the portfolio with the expected shares of seed 003', () => {
    const arrs = [900_000, 120_000, 90_000, 60_000, 40_000, 30_000, 20_000, 10_000, 5_000, 1_000];
    const mix = segmentMix(
      defaultConfig,
      arrs.map((arr) => assignSegment(defaultConfig, account({ arr }))),
    );
    expect(mix).toEqual([
      {
        segment: 'strategic',
        accounts: 1,
        share: 0.1,
        expected: { min: 0.05, max: 0.1 },
        withinExpected: true,
      },
      { segment: 'core', accounts: 3, share: 0.3, expected: { min: 0.15, max: 0.3 }, withinExpected: true },
      {
        segment: 'transactional',
        accounts: 6,
        share: 0.6,
        expected: { min: 0.4, max: 0.6 },
        withinExpected: true,
      },
    ]);
  });
});
