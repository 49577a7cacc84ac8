// @ts-check
// `npm run test:mutation:sample` (scripts/mutation-sample.ts): one batch of the sampled mutants per run. Stryker
// mutates every node inside a `--mutate` range, so the ignorer leaves out the nodes nested in a sampled one; only the
// sampled mutants run.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  appendPlugins: ['./scripts/mutation-sample-ignorer.mjs'],
  ignorers: ['sample-nested'],
};
