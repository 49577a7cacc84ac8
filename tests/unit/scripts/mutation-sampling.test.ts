import { describe, expect, it } from 'vitest';
import { nestedInSample } from '../../../scripts/mutation-sample-ignorer.mjs';
import {
  batches,
  type MutantPlace,
  mutateRange,
  reportKey,
  sampleBatchName,
  sampledKey,
  sampledStatuses,
  sampleIndexes,
  wilsonInterval,
} from '../../../scripts/mutation-sampling.ts';

describe('the seeded sample of mutants (npm run test:mutation:sample)', () => {
  it('picks the asked number of distinct mutants, the same for the same seed', () => {
    const first = sampleIndexes(19_346, 300, 1);
    expect(first).toHaveLength(300);
    expect(new Set(first).size).toBe(300);
    expect(first.every((index) => index >= 0 && index < 19_346)).toBe(true);
    expect(sampleIndexes(19_346, 300, 1)).toEqual(first);
    expect(sampleIndexes(19_346, 300, 2)).not.toEqual(first);
  });

  it('takes the whole population when asked for more, and nothing when asked for none', () => {
    expect([...sampleIndexes(5, 9, 1)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndexes(5, 0, 1)).toEqual([]);
    expect(() => sampleIndexes(5, 1.5, 1)).toThrow('whole number');
  });

  it('gives every mutant the same chance: each of 10 is picked about 3 times in 10 over 20,000 seeds', () => {
    const picked = new Array<number>(10).fill(0);
    const seeds = 20_000;
    for (let seed = 0; seed < seeds; seed += 1) {
      for (const index of sampleIndexes(10, 3, seed)) picked[index] = (picked[index] ?? 0) + 1;
    }
    // Each count is binomial(20,000, 0.3): standard deviation about 65, so ±300 is over four of them.
    for (const count of picked) expect(Math.abs(count - seeds * 0.3)).toBeLessThan(300);
  });

  it('draws in random order, so the first batches of a stopped run are a uniform sample too', () => {
    const drawnFirst = new Array<number>(10).fill(0);
    const seeds = 20_000;
    for (let seed = 0; seed < seeds; seed += 1) {
      const [first = -1] = sampleIndexes(10, 3, seed);
      drawnFirst[first] = (drawnFirst[first] ?? 0) + 1;
    }
    // Each count is binomial(20,000, 0.1): standard deviation about 42.
    for (const count of drawnFirst) expect(Math.abs(count - seeds * 0.1)).toBeLessThan(200);
  });

  it('draws a larger sample with the same seed as the smaller one and then more, so kept batches stay valid', () => {
    const smaller = sampleIndexes(19_346, 60, 1);
    const larger = sampleIndexes(19_346, 300, 1);
    expect(larger.slice(0, 60)).toEqual(smaller);
    expect(batches(larger, 15).slice(0, 4)).toEqual(batches(smaller, 15));
    expect(sampleBatchName(1, 19_346, 15, 2)).toBe('sample/seed-1-of-19346-batch-15/3');
  });

  it('keeps the batches of another seed, batch size or population (code changed since) apart', () => {
    const batch = sampleBatchName(1, 19_346, 15, 2);
    expect(sampleBatchName(2, 19_346, 15, 2)).not.toBe(batch);
    expect(sampleBatchName(1, 19_346, 20, 2)).not.toBe(batch);
    expect(sampleBatchName(1, 19_850, 15, 2)).not.toBe(batch);
    // One mutant more shifts every index after it: the same seed then names other mutants.
    expect(sampleIndexes(19_347, 15, 1)).not.toEqual(sampleIndexes(19_346, 15, 1));
  });

  it('cuts the sample into batches of at most the asked size, keeping the order', () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([], 2)).toEqual([]);
    expect(() => batches([1], 0)).toThrow('whole number');
  });
});

describe('naming a sampled mutant to Stryker and finding it in its report', () => {
  const mutant: MutantPlace = {
    fileName: 'core/evaluation/auc.ts',
    mutatorName: 'BlockStatement',
    replacement: '{}',
    location: { start: { line: 15, column: 70 }, end: { line: 16, column: 1 } },
  };

  it("names the range with lines from 1 and the instrumenter's columns, as Stryker's --mutate reads them", () => {
    expect(mutateRange(mutant)).toBe('core/evaluation/auc.ts:16:70-17:1');
  });

  it('matches the report, which counts lines and columns from 1, on place, mutator and replacement', () => {
    const inReport = {
      mutatorName: 'BlockStatement',
      replacement: '{}',
      location: { start: { line: 16, column: 71 }, end: { line: 17, column: 2 } },
    };
    expect(sampledKey(mutant)).toBe(reportKey('core/evaluation/auc.ts', inReport));
    expect(sampledKey(mutant)).not.toBe(reportKey('core/evaluation/bootstrap.ts', inReport));
    expect(sampledKey(mutant)).not.toBe(
      reportKey('core/evaluation/auc.ts', { ...inReport, replacement: '' }),
    );
    expect(sampledKey(mutant)).not.toBe(
      reportKey('core/evaluation/auc.ts', { ...inReport, mutatorName: 'ObjectLiteral' }),
    );
  });

  it('counts only the sampled mutants with a result, and lists those still to run', () => {
    const results = new Map([
      ['a', 'Killed' as const],
      ['b', 'Survived' as const],
      ['nested, not sampled', 'Killed' as const],
      ['c', 'Pending' as const],
    ]);
    expect(sampledStatuses(['a', 'b', 'c', 'd'], results)).toEqual({
      statuses: ['Killed', 'Survived'],
      pending: ['c', 'd'],
    });
  });
});

describe('the 95% Wilson interval of the sampled score', () => {
  it('matches the published values (Newcombe 1998: 81 of 263 gives 0.2553 to 0.3662)', () => {
    const interval = wilsonInterval(81, 263);
    expect(interval?.share).toBeCloseTo(81 / 263, 10);
    expect(interval?.low).toBeCloseTo(0.2553, 4);
    expect(interval?.high).toBeCloseTo(0.3662, 4);
  });

  it('stays inside 0 to 1 and is not empty when every sampled mutant was killed or none was', () => {
    const all = wilsonInterval(60, 60);
    expect(all?.high).toBe(1);
    expect(all?.low).toBeCloseTo(0.9398, 4);
    const none = wilsonInterval(0, 60);
    expect(none?.low).toBe(0);
    expect(none?.high).toBeCloseTo(0.0602, 4);
  });

  it('narrows as the sample grows, about as one over the square root of its size', () => {
    const width = (trials: number) => {
      const interval = wilsonInterval(trials * 0.8, trials);
      return (interval?.high ?? 0) - (interval?.low ?? 0);
    };
    expect(width(60)).toBeGreaterThan(width(300));
    expect(width(60) / width(240)).toBeCloseTo(2, 0);
  });

  it('has no interval without a valid mutant, and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toBeUndefined();
    expect(() => wilsonInterval(5, 4)).toThrow('5 successes out of 4 trials');
  });
});

describe('running only the sampled mutants (the sample-nested ignorer)', () => {
  const at = (startLine: number, startColumn: number, endLine: number, endColumn: number) => ({
    start: { line: startLine, column: startColumn },
    end: { line: endLine, column: endColumn },
  });
  const block = { fileName: 'core/a.ts', location: at(10, 20, 30, 1) };
  const condition = { fileName: 'core/a.ts', location: at(12, 8, 12, 40) };

  it('leaves out a node nested in a sampled block, but not the block itself', () => {
    expect(nestedInSample([block], '/work/repo/core/a.ts', at(11, 4, 11, 30))).toBe(true);
    expect(nestedInSample([block], '/work/repo/core/a.ts', block.location)).toBe(false);
  });

  it('keeps a node around another sampled mutant, so the inner sampled one still runs', () => {
    const statementAroundCondition = at(12, 4, 14, 5);
    expect(nestedInSample([block, condition], '/work/repo/core/a.ts', statementAroundCondition)).toBe(false);
    expect(nestedInSample([block, condition], '/work/repo/core/a.ts', condition.location)).toBe(false);
    expect(nestedInSample([block, condition], '/work/repo/core/a.ts', at(12, 10, 12, 20))).toBe(true);
  });

  it('judges each file by its own sampled places only', () => {
    expect(nestedInSample([block], '/work/repo/core/b.ts', at(11, 4, 11, 30))).toBe(false);
    expect(nestedInSample([block], '/work/repo/store/core/a.tsx', at(11, 4, 11, 30))).toBe(false);
  });
});
