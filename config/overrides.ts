import type { FieldError } from '#core/validation';
import { formatPath } from '#core/validation';

/**
 * A config file holds only what differs from the default. `applyOverrides` lays it over the default; the result is
 * then validated as a whole (config/load.ts). The rules, the same for every section (sections added later
 * included), follow Kubernetes' strategic merge patch without its list merge keys:
 *
 * - An object merges key by key, at any depth. Records (segments, plays, templates, journeys, weights, ...) are
 *   objects too: a key the default has changes that entry, a new key adds one.
 * - An array replaces the default's array whole (milestones, audiences, paragraphs, quiet days): a list is read in
 *   order, and merging by position would silently keep the default's tail.
 * - A number, string, boolean or `null` replaces the default's value. `null` is a value (a baseline measure of
 *   `null` means "no default"), never a deletion.
 * - `"$patch": "replace"` in an object replaces the default's object with the rest of it instead of merging:
 *   `"weights": { "$patch": "replace", "engagement": 60, "adoption": 40 }` drops the other components.
 * - `"$patch": "delete"` (alone in its object) removes the entry: `"segments": { "strategic": { "$patch": "delete" } }`.
 */

export const PATCH_KEY = '$patch';
const DELETE = Symbol('delete');

type Path = (string | number)[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface Overridden {
  /** Undefined when the file is not an object of settings at all. */
  merged: unknown;
  /** Misused `$patch` directives, with their path in the file. */
  errors: FieldError[];
}

function mergeValue(base: unknown, over: unknown, path: Path, errors: FieldError[]): unknown {
  if (!isPlainObject(over)) return over;
  const { [PATCH_KEY]: directive, ...rest } = over;
  if (directive === 'delete') {
    if (Object.keys(rest).length > 0)
      errors.push({
        path: formatPath(path),
        message: `"${PATCH_KEY}": "delete" removes the entry, so it must stand alone in its object`,
      });
    else if (base === undefined)
      errors.push({
        path: formatPath(path),
        message: `"${PATCH_KEY}": "delete" found nothing to delete: the default has no ${formatPath(path)}`,
      });
    return DELETE;
  }
  if (directive !== undefined && directive !== 'replace') {
    errors.push({
      path: formatPath([...path, PATCH_KEY]),
      message: `must be "replace" or "delete", not ${JSON.stringify(directive)}`,
    });
  }
  // An unknown directive is reported and otherwise ignored (merged), so it adds no errors of its own.
  const merging = directive !== 'replace' && isPlainObject(base);
  const start: Record<string, unknown> = merging ? { ...base } : {};
  const from: Record<string, unknown> = merging ? base : {};
  for (const [key, value] of Object.entries(rest)) {
    const merged = mergeValue(from[key], value, [...path, key], errors);
    if (merged === DELETE) delete start[key];
    else start[key] = merged;
  }
  return start;
}

/** The default with the file's overrides laid over it (see the rules above); the default is not changed. */
export function applyOverrides(base: unknown, overrides: unknown): Overridden {
  const errors: FieldError[] = [];
  if (!isPlainObject(overrides)) {
    return {
      merged: undefined,
      errors: [
        { path: '(root)', message: 'must be an object holding the settings that differ from the default' },
      ],
    };
  }
  const merged = mergeValue(structuredClone(base), overrides, [], errors);
  return { merged: merged === DELETE ? {} : merged, errors };
}

/** Where a file sets something: every object it writes into, and the values it sets whole (with what is inside). */
export interface FilePaths {
  /** Objects the file merges into: a problem exactly here is the file's (a missing or unknown key). */
  objects: Set<string>;
  /** Values the file sets whole (scalars, arrays, replaced objects): a problem here or inside is the file's. */
  whole: Set<string>;
}

export function pathsIn(overrides: unknown): FilePaths {
  const paths: FilePaths = { objects: new Set(), whole: new Set() };
  const walk = (value: unknown, path: Path) => {
    if (isPlainObject(value) && value[PATCH_KEY] !== 'replace') {
      paths.objects.add(formatPath(path));
      for (const [key, child] of Object.entries(value)) if (key !== PATCH_KEY) walk(child, [...path, key]);
    } else paths.whole.add(formatPath(path));
  };
  walk(overrides, []);
  return paths;
}

/** Whether a problem at `path` (`segments.core.health.bands.yellow`, `journeys.core.milestones[1]`) is in the file. */
export function isInFile(paths: FilePaths, path: string): boolean {
  if (path === '(root)' || path === '(file)' || paths.objects.has(path)) return true;
  let current = path;
  for (;;) {
    if (paths.whole.has(current)) return true;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    if (cut <= 0) return false;
    current = current.slice(0, cut);
  }
}

/** One difference between two configs: a changed value, an added entry or a removed one. */
export interface ConfigChange {
  path: string;
  kind: 'changed' | 'added' | 'removed';
  before?: unknown;
  after?: unknown;
}

/**
 * What `after` changes in `before`, walking objects key by key and lists of the same length item by item; other
 * lists and scalars compare whole.
 */
export function configChanges(before: unknown, after: unknown, path: Path = []): ConfigChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key): ConfigChange[] => {
      const at = formatPath([...path, key]);
      if (!(key in after)) return [{ path: at, kind: 'removed', before: before[key] }];
      if (!(key in before)) return [{ path: at, kind: 'added', after: after[key] }];
      return configChanges(before[key], after[key], [...path, key]);
    });
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length)
    return before.flatMap((item, index) => configChanges(item, after[index], [...path, index]));
  return JSON.stringify(before) === JSON.stringify(after)
    ? []
    : [{ path: formatPath(path), kind: 'changed', before, after }];
}
