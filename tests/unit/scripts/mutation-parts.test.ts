import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assignFiles, MUTATION_PARTS } from '../../../scripts/mutation-parts.ts';
import {
  countStatuses,
  isCurrent,
  type MutationReport,
  mutationScores,
} from '../../../scripts/mutation-report.ts';

const sources = ['core', 'store'].flatMap((dir) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${dir}/${file}`),
);

describe('the parts of the mutation check (npm run test:mutation)', () => {
  it('puts every module of core/ and store/ in exactly one part, so a complete run scores all of them', () => {
    const { byPart, unassigned } = assignFiles(sources);
    expect(unassigned).toEqual([]);
    expect([...byPart.values()].flat().sort()).toEqual([...sources].sort());
    for (const [part, files] of byPart) expect(files, part).not.toEqual([]);
  });

  it('gives a file named by a part to that part, and any other to the deepest folder part holding it', () => {
    const parts = [
      { name: 'restraint', files: ['core/journeys/restraint.ts'] },
      { name: 'journeys', files: ['core/journeys/'] },
      { name: 'core', files: ['core/'] },
    ];
    const { byPart, unassigned } = assignFiles(
      ['core/journeys/restraint.ts', 'core/journeys/plan.ts', 'core/ids.ts', 'store/keys.ts'],
      parts,
    );
    expect(Object.fromEntries(byPart)).toEqual({
      restraint: ['core/journeys/restraint.ts'],
      journeys: ['core/journeys/plan.ts'],
      core: ['core/ids.ts'],
    });
    expect(unassigned).toEqual(['store/keys.ts']);
  });

  it('names each part once', () => {
    const names = MUTATION_PARTS.map((part) => part.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('a kept part result', () => {
  const location = { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } };
  const report: MutationReport = {
    files: {
      'core/a.ts': {
        source: 'a',
        mutants: [
          { id: '1', mutatorName: 'x', status: 'Killed', location },
          { id: '2', mutatorName: 'x', status: 'Timeout', location },
          { id: '3', mutatorName: 'x', status: 'Survived', location },
          { id: '4', mutatorName: 'x', status: 'NoCoverage', location },
          { id: '5', mutatorName: 'x', status: 'Ignored', location },
        ],
      },
    },
  };

  it('scores detected (killed or timed out) over valid mutants, as Stryker does, leaving ignored ones out', () => {
    expect(mutationScores(countStatuses(report))).toEqual({
      detected: 2,
      valid: 4,
      score: 50,
      coveredScore: 200 / 3,
    });
  });

  it('holds only while it covers exactly the part’s files, each unchanged', () => {
    expect(isCurrent(report, ['core/a.ts'], () => 'a')).toBe(true);
    expect(isCurrent(report, ['core/a.ts'], () => 'a changed')).toBe(false);
    expect(isCurrent(report, ['core/a.ts', 'core/b.ts'], () => 'a')).toBe(false);
  });
});
