import { assignFiles, MUTATION_PARTS } from './mutation-parts.ts';
import {
  addCounts,
  countStatuses,
  isCurrent,
  mutationScores,
  readPartReport,
  type StatusCounts,
} from './mutation-report.ts';
import { mutableFiles } from './mutation-runner.ts';

/**
 * `npm run test:mutation:score`: the kept result of each part (bench/mutation/<part>.json) as a Markdown table for
 * bench/RESULTS.md, and the score over the parts done. A part whose code changed since its run is marked, not left out.
 */
const { byPart } = assignFiles(mutableFiles());

const percent = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(1));
const row = (name: string, counts: StatusCounts) => {
  const { score, coveredScore } = mutationScores(counts);
  return `| ${name} | ${counts.Killed} | ${counts.Timeout} | ${counts.Survived} | ${counts.NoCoverage} | ${counts.Ignored} | ${percent(score)} | ${percent(coveredScore)} |`;
};

console.log(
  '| part | killed | timeout | survived | no coverage | ignored (static) | score | score of covered |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
let total: StatusCounts | undefined;
const missing: string[] = [];
for (const part of MUTATION_PARTS) {
  const report = readPartReport(part.name);
  if (!report) {
    missing.push(part.name);
    continue;
  }
  const counts = countStatuses(report);
  const current = isCurrent(report, byPart.get(part.name) ?? []);
  console.log(row(current ? part.name : `${part.name} (code changed since)`, counts));
  total = total ? addCounts(total, counts) : counts;
}
if (total)
  console.log(
    row(`**parts run (${MUTATION_PARTS.length - missing.length} of ${MUTATION_PARTS.length})**`, total),
  );
console.log(`\nNot run yet (${missing.length} of ${MUTATION_PARTS.length}): ${missing.join(', ') || 'none'}`);
