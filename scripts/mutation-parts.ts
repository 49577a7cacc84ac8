/**
 * The parts `npm run test:mutation` splits core/ and store/ into. Stryker writes its incremental result only when a
 * run ends, so a part is the unit of resumption: each is sized to finish within one sitting on the shared two-core
 * machine (roughly 100 to 600 mutants, counted with static mutants, 2026-12-06), and its result is kept in
 * bench/mutation/<name>.json. Parts run in this order: the modules only integration suites reach first, then the
 * pure core, then the store, whose key builder and conditions every integration test covers.
 * An entry ending in `/` is a whole folder; every .ts file of core/ and store/ belongs to exactly one part
 * (checked by `assignFiles`).
 */
export interface MutationPart {
  name: string;
  files: string[];
}

export const MUTATION_PARTS: MutationPart[] = [
  { name: 'ingest-retention', files: ['core/ingest.ts', 'core/renewals/retention.ts'] },
  {
    name: 'core-values',
    files: [
      'core/accounts.ts',
      'core/clock.ts',
      'core/decimal.ts',
      'core/ids.ts',
      'core/text.ts',
      'core/validation.ts',
    ],
  },
  { name: 'core-signals', files: ['core/signals.ts', 'core/flat-record.ts'] },
  { name: 'core-rollup', files: ['core/rollup.ts'] },
  {
    name: 'journeys-restraint',
    files: [
      'core/journeys/restraint.ts',
      'core/journeys/local-time.ts',
      'core/bounded-cache.ts',
      'core/journeys/holdout.ts',
      'core/journeys/timers.ts',
      'core/journeys/topics.ts',
      'core/journeys/unsubscribe-token.ts',
      'core/journeys/ses-events.ts',
    ],
  },
  { name: 'journeys-plays', files: ['core/journeys/'] },
  { name: 'renewals-reviews', files: ['core/renewals/', 'core/reviews/'] },
  { name: 'health-components', files: ['core/health/components/'] },
  {
    name: 'health-score',
    files: [
      'core/health/score.ts',
      'core/health/weighting.ts',
      'core/health/drivers.ts',
      'core/health/bands.ts',
      'core/health/band-trend.ts',
      'core/health/change.ts',
      'core/health/deviation.ts',
      'core/health/measure.ts',
      'core/health/record.ts',
      'core/health/view.ts',
      'core/health/vocabulary.ts',
      'core/health/trend.ts',
      'core/health/model-version.ts',
      'core/health/snapshot-schema.ts',
      'core/health/score-trail.ts',
      'core/health/next-health.ts',
    ],
  },
  {
    name: 'health-journey',
    files: [
      'core/health/journey-baseline.ts',
      'core/health/journey-class.ts',
      'core/health/journey-funnel.ts',
      'core/health/milestones.ts',
    ],
  },
  { name: 'health-portfolio', files: ['core/health/'] },
  { name: 'workflows-risk-decisions', files: ['core/workflows/risk-decisions.ts'] },
  {
    name: 'workflows-detect',
    files: [
      'core/workflows/detect.ts',
      'core/workflows/evidence.ts',
      'core/workflows/risks.ts',
      'core/workflows/risk-record.ts',
      'core/workflows/root-causes.ts',
    ],
  },
  {
    name: 'workflows-renewal-review',
    files: [
      'core/workflows/renewal.ts',
      'core/workflows/review-invitation.ts',
      'core/workflows/review-record.ts',
      'core/workflows/schedules.ts',
      'core/workflows/timers.ts',
    ],
  },
  { name: 'workflows-views', files: ['core/workflows/'] },
  { name: 'channels', files: ['core/channels/'] },
  {
    name: 'effects-issues-tabular-workbench',
    files: ['core/effects/', 'core/issues/', 'core/tabular/', 'core/workbench/'],
  },
  { name: 'calibration', files: ['core/calibration/'] },
  {
    name: 'evaluation-series',
    files: [
      'core/evaluation/auc.ts',
      'core/evaluation/bootstrap.ts',
      'core/evaluation/cases.ts',
      'core/evaluation/component-series.ts',
      'core/evaluation/daily-series.ts',
    ],
  },
  { name: 'evaluation', files: ['core/evaluation/'] },
  {
    name: 'simulation-synthetic',
    files: [
      'core/simulation/synthetic.ts',
      'core/simulation/random.ts',
      'core/simulation/journey.ts',
      'core/simulation/scenario.ts',
    ],
  },
  { name: 'simulation', files: ['core/simulation/'] },
  {
    name: 'connectors-crm',
    files: [
      'core/connectors/contract.ts',
      'core/connectors/crm-export.ts',
      'core/connectors/crm-values.ts',
      'core/connectors/mapping.ts',
    ],
  },
  {
    name: 'connectors-hubspot-salesforce',
    files: [
      'core/connectors/hubspot.ts',
      'core/connectors/hubspot-export.ts',
      'core/connectors/salesforce.ts',
    ],
  },
  {
    name: 'connectors-billing',
    files: ['core/connectors/stripe.ts', 'core/connectors/stripe-arr.ts', 'core/connectors/crypto.ts'],
  },
  {
    name: 'connectors-events',
    files: ['core/connectors/segment.ts', 'core/connectors/posthog.ts', 'core/connectors/links.ts'],
  },
  { name: 'connectors-support-surveys', files: ['core/connectors/'] },
  {
    name: 'store-foundation',
    files: [
      'store/keys.ts',
      'store/errors.ts',
      'store/parse-item.ts',
      'store/client.ts',
      'store/table.ts',
      'store/parallel.ts',
      'store/per-owner.ts',
      'store/batch.ts',
    ],
  },
  {
    name: 'store-signals',
    files: ['store/signal-store.ts', 'store/rollup-item.ts', 'store/reject-store.ts', 'store/dirty-store.ts'],
  },
  {
    name: 'store-accounts',
    files: [
      'store/account-store.ts',
      'store/contract-store.ts',
      'store/contract-history-store.ts',
      'store/lookup-store.ts',
      'store/api-key-store.ts',
    ],
  },
  {
    name: 'store-workflows',
    files: ['store/risk-store.ts', 'store/timer-store.ts', 'store/review-store.ts', 'store/issue-store.ts'],
  },
  { name: 'memory-expression-parser', files: ['store/memory/expression-parser.ts'] },
  { name: 'memory-expression-eval', files: ['store/memory/expression-eval.ts'] },
  { name: 'memory-values', files: ['store/memory/values.ts'] },
  { name: 'memory-operations', files: ['store/memory/operations.ts', 'store/memory/requests.ts'] },
  { name: 'memory-client', files: ['store/memory/'] },
  { name: 'store-records', files: ['store/'] },
];

/**
 * Which part each file belongs to: the first part naming the file itself, else the part with the longest folder
 * holding it, so a catch-all folder part (`core/journeys/`) takes what the named parts before it leave.
 */
export function assignFiles(files: readonly string[], parts: readonly MutationPart[] = MUTATION_PARTS) {
  const byPart = new Map<string, string[]>(parts.map((part) => [part.name, []]));
  const unassigned: string[] = [];
  for (const file of files) {
    const owner = partOf(file, parts);
    if (owner) byPart.get(owner)?.push(file);
    else unassigned.push(file);
  }
  return { byPart, unassigned };
}

function partOf(file: string, parts: readonly MutationPart[]): string | undefined {
  const named = parts.find((part) => part.files.includes(file));
  if (named) return named.name;
  let best: { name: string; depth: number } | undefined;
  for (const part of parts) {
    for (const entry of part.files) {
      if (entry.endsWith('/') && file.startsWith(entry) && (!best || entry.length > best.depth)) {
        best = { name: part.name, depth: entry.length };
      }
    }
  }
  return best?.name;
}
