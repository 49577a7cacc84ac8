import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import type { PageFile } from '#functions/shared/page-files';

const WEB = new URL('./', import.meta.url);

/**
 * The page's files: its HTML and CSS as written, and one script bundled by esbuild from web/main.ts with the parts
 * of Apache ECharts it uses (minified; no source map, so the page has nothing to fetch but these three files).
 */
export async function buildPage(): Promise<Map<string, PageFile>> {
  const [html, css, bundle] = await Promise.all([
    readFile(new URL('index.html', WEB), 'utf8'),
    readFile(new URL('style.css', WEB), 'utf8'),
    build({
      entryPoints: [new URL('main.ts', WEB).pathname],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2022',
      platform: 'browser',
      write: false,
      legalComments: 'none',
    }),
  ]);
  const script = bundle.outputFiles[0]?.text;
  if (script === undefined) throw new Error('esbuild produced no page script');
  return new Map([
    ['index.html', { contentType: 'text/html; charset=utf-8', body: html }],
    ['style.css', { contentType: 'text/css; charset=utf-8', body: css }],
    ['app.js', { contentType: 'text/javascript; charset=utf-8', body: script }],
  ]);
}
