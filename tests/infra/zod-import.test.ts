import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The folders bundled into the Lambda functions. */
const BUNDLED = ['config', 'core', 'functions', 'store', 'usecases'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('zod in the function bundles', () => {
  it('is imported as a namespace, so esbuild can drop the locales no function uses', () => {
    // `import { z } from 'zod'` takes zod's `z` namespace object, which esbuild keeps whole with its ~45 locales
    // (129 KB in every function, bench/RESULTS.md "Lambda bundles without zod's locales").
    const offending = BUNDLED.flatMap(sourceFiles).filter((file) =>
      /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*'zod'/.test(
        readFileSync(file, 'utf8').replace(/import type[^;]*;/g, ''),
      ),
    );
    expect(offending).toEqual([]);
  });
});
