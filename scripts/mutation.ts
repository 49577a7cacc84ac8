import { parseArgs } from 'node:util';
import { assignFiles } from './mutation-parts.ts';
import { countStatuses, isCurrent, mutationScores, readPartReport } from './mutation-report.ts';
import { loadNow, mutableFiles, runStryker, startMutationEnvironment } from './mutation-runner.ts';

/**
 * `npm run test:mutation`: Stryker over core/ and store/ (stryker.config.mjs), part by part (scripts/mutation-parts.ts),
 * skipping the parts whose kept result (bench/mutation/<part>.json) still matches their code, so a run stopped at any
 * point is resumed by running the command again; only the part that was running is lost.
 *   --part <name>    run these parts (repeatable) even if kept: Stryker's incremental mode retests only the mutants
 *                    whose code or covering tests changed
 *   --list           the parts, their files and state, without running anything
 *   --config <file>  one Stryker run of that config instead of the parts (`npm run test:mutation:core`)
 * Other options go to Stryker; scripts/mutation-runner.ts says what the runs share.
 */
const { values: options, tokens } = parseArgs({
  options: {
    part: { type: 'string', multiple: true },
    list: { type: 'boolean' },
    config: { type: 'string' },
  },
  strict: false,
  tokens: true,
});
const strykerOptions = passThrough(tokens ?? []);

const { byPart, unassigned } = assignFiles(mutableFiles());
if (unassigned.length) {
  console.error(`No part of scripts/mutation-parts.ts holds: ${unassigned.join(', ')}`);
  process.exit(1);
}
const unknown = (options.part ?? []).filter((name) => typeof name !== 'string' || !byPart.has(name));
if (unknown.length) {
  console.error(`Unknown part ${unknown.join(', ')}; the parts are: ${[...byPart.keys()].join(', ')}`);
  process.exit(1);
}

const state = (part: string) => {
  const report = readPartReport(part);
  if (!report) return 'to do';
  const { score, coveredScore } = mutationScores(countStatuses(report));
  const kept = `score ${score?.toFixed(1) ?? 'n/a'}, of covered ${coveredScore?.toFixed(1) ?? 'n/a'}`;
  return isCurrent(report, byPart.get(part) ?? []) ? `done (${kept})` : `changed since (${kept})`;
};

if (options.list) {
  for (const [part, partFiles] of byPart) console.log(`${part}: ${partFiles.length} files, ${state(part)}`);
  process.exit(0);
}

const chosen =
  options.config !== undefined
    ? []
    : options.part?.length
      ? [...byPart.keys()].filter((part) => options.part?.includes(part))
      : [...byPart.keys()].filter((part) => !state(part).startsWith('done'));

const { env, stop } = await startMutationEnvironment();
try {
  if (typeof options.config === 'string') {
    process.exitCode = await runStryker([options.config, ...strykerOptions], env);
  }
  for (const part of chosen) {
    const started = Date.now();
    console.log(
      `\n== part ${part} (${byPart.get(part)?.length} files), load ${loadNow()}, ${new Date().toISOString()}`,
    );
    const code = await runStryker(['--mutate', (byPart.get(part) ?? []).join(','), ...strykerOptions], {
      ...env,
      CHURNGUARD_MUTATION_PART: part,
    });
    const minutes = (Date.now() - started) / 60_000;
    console.log(`== part ${part}: ${state(part)} in ${minutes.toFixed(1)} min, load ${loadNow()}`);
    if (code !== 0) {
      process.exitCode = code;
      break;
    }
  }
} finally {
  await stop();
}

/** The command line without this script's own options, in order. */
function passThrough(parsed: NonNullable<ReturnType<typeof parseArgs>['tokens']>) {
  const own = new Set(['part', 'list', 'config']);
  const rest: string[] = [];
  for (const token of parsed) {
    if (token.kind === 'option' && !own.has(token.name)) {
      rest.push(token.rawName);
      if (token.value !== undefined) rest.push(token.value);
    } else if (token.kind === 'positional') rest.push(token.value);
  }
  return rest;
}
