/** One file of the page (web/): what is answered for it. */
export interface PageFile {
  contentType: string;
  body: string;
}

/** The page function's description: it serves static files, so it carries neither config nor table access. */
export const PAGE_FUNCTION_DESCRIPTION =
  'Serves the page (renewal desk, retention, portfolio, accounts); data comes from /v1';

/** Where the page lives: `/` sends the browser there. */
export const PAGE_PATH = '/app/';

/**
 * The page's own headers: scripts from this origin only (no inline script, nothing from elsewhere), data only
 * from this origin's /v1 API, and never framed.
 */
export const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
} as const;

export interface PageAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Answers a GET for the page: `/` and `/app` redirect to `/app/`, `/app/<file>` is the file, else undefined. */
export async function answerPage(
  path: string,
  files: () => Promise<ReadonlyMap<string, PageFile>>,
): Promise<PageAnswer | undefined> {
  if (path === '/' || path === '/app') return { statusCode: 302, headers: { location: PAGE_PATH }, body: '' };
  if (!path.startsWith(PAGE_PATH)) return undefined;
  const name = path.slice(PAGE_PATH.length) || 'index.html';
  const file = (await files()).get(name);
  if (!file) return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
  return { statusCode: 200, headers: { 'content-type': file.contentType, ...PAGE_HEADERS }, body: file.body };
}
