import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { defaultConfig } from '#config/default';
import { compileTemplates } from '#core/journeys/render';
import { TIMER_KINDS } from '#core/workflows/timers';
import { FUNCTIONS } from '#functions/routes';
import { CONFIG_FILE_ENV } from '#functions/shared/bundled-config';
import { BUNDLING } from '#infra/constructs/service-function';
import { machine, round } from './support.ts';

/**
 * Each Lambda function bundled on its own with the options infra/constructs/service-function.ts gives
 * NodejsFunction (minified, tree-shaken ESM for Node, AWS SDK external as the runtime provides it), against one
 * bundle of every handler: bytes and module-load time, the time `import()` of the bundle takes in a fresh Node
 * process (median of RUNS, the cold-start share that is ours). Target: every function under 500 KB.
 *
 * Module init reads and validates the config bundled beside the code (churnguard.json, the default config here;
 * the journey function's also carries its templates compiled to HTML), as a deployed function does. `kb` is the
 * code (index.mjs); `assetKb` adds that file, which is data the function parses, not code it loads.
 */
/** Functions whose bundle file carries compiled templates (infra/constructs/workflows.ts). */
const WITH_TEMPLATES = new Set(['milestone-journey']);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = join(ROOT, 'node_modules', '.cache', 'churnguard-bench-bundles');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const LIMIT_BYTES = 500 * 1024;
/** What the handlers read at module init; values are placeholders, nothing is called. */
const ENV = {
  TABLE_NAME: 'bench',
  AWS_REGION: 'eu-west-1',
  STATE_MACHINE_ARNS: JSON.stringify(
    Object.fromEntries(
      TIMER_KINDS.map((kind) => [kind, `arn:aws:states:eu-west-1:111122223333:stateMachine:${kind}`]),
    ),
  ),
  WEBHOOK_SECRETS_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:bench',
  [CONFIG_FILE_ENV]: join(OUT, 'churnguard.json'),
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** The API functions of functions/routes.ts plus every other functions/<name>/handler.ts. */
function entries(): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, spec] of Object.entries(FUNCTIONS)) found.set(name, spec.entry);
  for (const dir of readdirSync(join(ROOT, 'functions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    const entry = `functions/${dir}/handler.ts`;
    const taken = [...found.values()].includes(entry);
    if (!taken && statSync(join(ROOT, entry), { throwIfNoEntry: false })?.isFile()) found.set(dir, entry);
  }
  return found;
}

async function bundle(name: string, entryPoint: string | { contents: string; resolveDir: string }) {
  const outfile = join(OUT, name, 'index.mjs');
  await build({
    ...(typeof entryPoint === 'string' ? { entryPoints: [join(ROOT, entryPoint)] } : { stdin: entryPoint }),
    outfile,
    bundle: true,
    treeShaking: true,
    platform: 'node',
    format: 'esm',
    minify: BUNDLING.minify,
    target: BUNDLING.target,
    mainFields: [...BUNDLING.mainFields],
    external: [...BUNDLING.external],
    charset: BUNDLING.charset,
    banner: { js: BUNDLING.banner },
    logLevel: 'error',
  });
  return { outfile, bytes: statSync(outfile).size };
}

/** Median milliseconds of `await import(bundle)` in a fresh Node process. */
function loadMs(outfile: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); process.stdout.write(String(performance.now() - t));`;
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...ENV },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    samples.push(Number(out));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const functions = entries();
  const configOnly = Buffer.byteLength(JSON.stringify({ config: defaultConfig }));
  const withTemplates = JSON.stringify({
    config: defaultConfig,
    templates: await compileTemplates(defaultConfig.templates, defaultConfig.brand),
  });
  writeFileSync(ENV[CONFIG_FILE_ENV], withTemplates);
  const configBytes = (name: string) =>
    WITH_TEMPLATES.has(name) ? Buffer.byteLength(withTemplates) : configOnly;

  const everything = await bundle('_all', {
    contents: [...functions.entries()]
      .map(([name, entry]) => `export { handler as ${name.replace(/\W/g, '_')} } from './${entry}';`)
      .join('\n'),
    resolveDir: ROOT,
  });
  const allMs = loadMs(everything.outfile);

  const rows: {
    fn: string;
    kb: number;
    assetKb: number;
    loadMs: number;
    sizeRatio: number;
    loadRatio: number;
  }[] = [];
  for (const [name, entry] of functions) {
    const { outfile, bytes } = await bundle(name, entry);
    const ms = loadMs(outfile);
    rows.push({
      fn: name,
      kb: round(bytes / 1024, 1),
      assetKb: round((bytes + configBytes(name)) / 1024, 1),
      loadMs: round(ms, 1),
      sizeRatio: round(bytes / everything.bytes),
      loadRatio: round(ms / allMs),
    });
    console.error(
      `${name.padEnd(20)} ${relative(ROOT, entry).padEnd(40)} ${`${round(bytes / 1024, 1)} KB`.padStart(10)} ${`${round(ms, 1)} ms`.padStart(9)}  size x${round(bytes / everything.bytes)}  load x${round(ms / allMs)}`,
    );
  }
  console.error(
    `${'(all in one)'.padEnd(61)} ${`${round(everything.bytes / 1024, 1)} KB`.padStart(10)} ${`${round(allMs, 1)} ms`.padStart(9)}`,
  );
  const largest = Math.max(...rows.map((r) => r.kb));
  const result = {
    bench: 'bundles',
    functions: rows,
    all: { kb: round(everything.bytes / 1024, 1), loadMs: round(allMs, 1) },
    largestKb: largest,
    largestAssetKb: Math.max(...rows.map((r) => r.assetKb)),
    underLimit: rows.every((r) => r.kb * 1024 < LIMIT_BYTES),
    meanSizeRatio: round(rows.reduce((s, r) => s + r.sizeRatio, 0) / rows.length),
    meanLoadRatio: round(rows.reduce((s, r) => s + r.loadRatio, 0) / rows.length),
    target: BUNDLING.target,
    runs: RUNS,
    machine: machine(),
  };
  writeFileSync(join(OUT, 'result.json'), JSON.stringify(result));
  console.log(JSON.stringify(result));
  if (!result.underLimit) process.exitCode = 1;
}

await main();
