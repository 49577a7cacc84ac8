import { existsSync, readFileSync } from 'node:fs';
import * as z from 'zod';

/**
 * What a part's kept result (bench/mutation/<part>.json, Stryker's JSON report written by its incremental mode)
 * says: mutants by status per file, whether it still describes the code, and the mutation score. The score is
 * Stryker's: detected (killed or timed out) over valid mutants (detected, survived, not covered by any test);
 * ignored (static) mutants and those that do not compile are left out.
 */
const mutantStatus = z.enum([
  'Killed',
  'Survived',
  'NoCoverage',
  'Timeout',
  'CompileError',
  'RuntimeError',
  'Ignored',
  'Pending',
]);
export type MutantStatus = z.infer<typeof mutantStatus>;

const position = z.object({ line: z.number(), column: z.number() });

const mutationReport = z.object({
  files: z.record(
    z.string(),
    z.object({
      source: z.string(),
      mutants: z.array(
        z.object({
          id: z.string(),
          mutatorName: z.string(),
          replacement: z.string().optional(),
          status: mutantStatus,
          location: z.object({ start: position, end: position }),
        }),
      ),
    }),
  ),
});
export type MutationReport = z.infer<typeof mutationReport>;

export const partReportPath = (part: string) => `bench/mutation/${part}.json`;

export function readPartReport(part: string): MutationReport | undefined {
  const path = partReportPath(part);
  if (!existsSync(path)) return undefined;
  const parsed = mutationReport.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is not a Stryker report: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A kept result still holds while it covers exactly the part's files, each unchanged since. */
export function isCurrent(report: MutationReport, files: readonly string[], readSource = readText): boolean {
  const reported = Object.keys(report.files);
  return (
    reported.length === files.length && files.every((file) => report.files[file]?.source === readSource(file))
  );
}

const readText = (file: string) => readFileSync(file, 'utf8');

export type StatusCounts = Record<MutantStatus, number>;

export function countStatuses(report: MutationReport): StatusCounts {
  return tallyStatuses(
    Object.values(report.files).flatMap((file) => file.mutants.map((mutant) => mutant.status)),
  );
}

export function tallyStatuses(statuses: readonly MutantStatus[]): StatusCounts {
  const counts = Object.fromEntries(mutantStatus.options.map((status) => [status, 0])) as StatusCounts;
  for (const status of statuses) counts[status] += 1;
  return counts;
}

export function addCounts(a: StatusCounts, b: StatusCounts): StatusCounts {
  return Object.fromEntries(
    mutantStatus.options.map((status) => [status, a[status] + b[status]]),
  ) as StatusCounts;
}

/** Percent of valid mutants detected, and of the covered ones; undefined when there is none to judge. */
export function mutationScores(counts: StatusCounts) {
  const detected = counts.Killed + counts.Timeout;
  const covered = detected + counts.Survived;
  const valid = covered + counts.NoCoverage;
  return {
    detected,
    valid,
    score: valid ? (100 * detected) / valid : undefined,
    coveredScore: covered ? (100 * detected) / covered : undefined,
  };
}
