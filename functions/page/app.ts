import type { HttpEvent, HttpResult } from '../shared/http.ts';
import { answerPage, type PageFile } from '../shared/page-files.ts';

/**
 * GET /, /app and /app/{file}: the page's static files (web/), the same locally and deployed. They hold no data
 * and need no key: the page asks for a read key and sends it to /v1 as the API's own bearer header.
 */
export function createPageHandler(files: () => Promise<ReadonlyMap<string, PageFile>>) {
  return async (event: HttpEvent): Promise<HttpResult> =>
    (await answerPage(event.rawPath, files)) ?? {
      statusCode: 404,
      headers: { 'content-type': 'text/plain' },
      body: 'not found',
    };
}
