import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPage } from '../web/build.ts';

/** Writes the page's files (web/, bundled) into `--out`: run when the page function is bundled. */
const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (!values.out) throw new Error('usage: build-page.ts --out <dir>');
mkdirSync(values.out, { recursive: true });
for (const [name, file] of await buildPage()) writeFileSync(join(values.out, name), file.body);
