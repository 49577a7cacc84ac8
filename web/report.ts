import type { PageFile } from '#functions/shared/page-files';

/** `</` inside a script element would end it: JSON carried in HTML escapes it (JSON reads `<\/` as `</`). */
const scriptSafe = (json: string) => json.replace(/<\//g, '<\\/').replace(/<!--/g, '<\\!--');

/**
 * One self-contained HTML file of the page (web/) and the API answers it shows, keyed by path: the style, the
 * script (with ECharts) and the data inline, so it opens offline, from disk, with nothing to fetch.
 */
export function renderReport(
  files: ReadonlyMap<string, PageFile>,
  data: Record<string, unknown>,
  title: string,
): string {
  const part = (name: string) => {
    const file = files.get(name);
    if (!file) throw new Error(`the page has no ${name}`);
    return file.body;
  };
  return part('index.html')
    .replace('<title>churnguard</title>', `<title>${title.replace(/[<&]/g, '')}</title>`)
    .replace('<link rel="stylesheet" href="style.css" />', () => `<style>\n${part('style.css')}\n</style>`)
    .replace(
      '<script src="app.js"></script>',
      () =>
        `<script type="application/json" id="report-data">${scriptSafe(JSON.stringify(data))}</script>\n` +
        `<script>${part('app.js').replace(/<\/script/gi, '<\\/script')}</script>`,
    );
}
