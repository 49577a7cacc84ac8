import { readFile } from 'node:fs/promises';
import type { PageFile } from '../shared/page-files.ts';
import { createPageHandler } from './app.ts';

/** The files scripts/build-page.ts put beside the bundle when the function was bundled (infra/churnguard.ts). */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
};

let loaded: Promise<Map<string, PageFile>> | undefined;

async function load(): Promise<Map<string, PageFile>> {
  const entries = await Promise.all(
    Object.entries(FILES).map(async ([name, contentType]) => {
      const body = await readFile(new URL(`./page/${name}`, import.meta.url), 'utf8');
      return [name, { contentType, body }] as const;
    }),
  );
  return new Map(entries);
}

export const handler = createPageHandler(() => {
  loaded ??= load();
  return loaded;
});
