// @ts-check
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/**
 * Stryker mutates every node inside a `--mutate` range, so a sampled block statement would bring every mutant nested
 * in it (a function body: dozens). `npm run test:mutation:sample` names the sampled places in
 * CHURNGUARD_MUTATION_SAMPLE (file, and 0-based start and end as the instrumenter gives them); this ignorer skips
 * every node strictly inside one of them, so only the sampled node's own mutants are run. Read the env at load:
 * Stryker loads the plugin once per run, and the sample of a run does not change during it.
 */
/** @typedef {{ line: number, column: number }} Position */
/** @typedef {{ fileName: string, location: { start: Position, end: Position } }} Place */

/** @type {Place[]} */
const sampled = JSON.parse(process.env.CHURNGUARD_MUTATION_SAMPLE ?? '[]');

/** @param {Position} a @param {Position} b */
const before = (a, b) => a.line < b.line || (a.line === b.line && a.column < b.column);
/** @param {Position} a @param {Position} b */
const same = (a, b) => a.line === b.line && a.column === b.column;

/**
 * A node is left out when it lies strictly inside a sampled place and holds none: an ignored node's whole subtree is
 * ignored, so a node around another sampled mutant must stay.
 * @param {readonly Place[]} places
 * @param {string} fileName
 * @param {{ start: Position, end: Position }} loc
 */
export function nestedInSample(places, fileName, loc) {
  const inFile = places.filter(
    (place) => fileName === place.fileName || fileName.endsWith(`/${place.fileName}`),
  );
  const strictlyInside = inFile.some(
    (place) =>
      within(loc, place.location) &&
      !(same(loc.start, place.location.start) && same(loc.end, place.location.end)),
  );
  return strictlyInside && !inFile.some((place) => within(place.location, loc));
}

/** @param {{ start: Position, end: Position }} inner @param {{ start: Position, end: Position }} outer */
function within(inner, outer) {
  return !before(inner.start, outer.start) && !before(outer.end, inner.end);
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'sample-nested', {
    /** @param {any} path a Babel NodePath */
    shouldIgnore(path) {
      const fileName = path.hub?.file?.opts?.filename;
      const loc = path.node?.loc;
      if (typeof fileName !== 'string' || !loc) return undefined;
      // Babel counts lines from 1, the instrumenter's mutant places from 0; columns from 0 in both.
      const place = {
        start: { line: loc.start.line - 1, column: loc.start.column },
        end: { line: loc.end.line - 1, column: loc.end.column },
      };
      return nestedInSample(sampled, fileName, place)
        ? 'Nested in a sampled mutant, not itself sampled'
        : undefined;
    },
  }),
];
