import { describe, expect, it } from 'vitest';
import { createPageHandler } from '#functions/page/app';
import { buildPage } from '../../../web/build.ts';
import { httpEvent } from '../../support/http.ts';

const handler = createPageHandler(buildPage);
const get = (path: string) => handler(httpEvent(`GET ${path}`));

describe('the page function', () => {
  it('sends / and /app to the page', async () => {
    for (const path of ['/', '/app'])
      expect(await get(path)).toMatchObject({ statusCode: 302, headers: { location: '/app/' } });
  });

  it('serves the page, its style and its one script under a policy that allows no script from elsewhere', async () => {
    const html = await get('/app/');
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('<script src="app.js"></script>');
    expect(html.headers?.['content-security-policy']).toContain("script-src 'self';");
    expect(html.headers?.['content-security-policy']).toContain("frame-ancestors 'none'");
    const script = await get('/app/app.js');
    expect(script.headers?.['content-type']).toBe('text/javascript; charset=utf-8');
    // ECharts is bundled in: the page loads nothing from a CDN.
    expect(script.body).toContain('echarts');
    expect(script.body).not.toMatch(/https?:\/\/cdn/);
    expect((await get('/app/style.css')).statusCode).toBe(200);
  });

  it('answers 404 for a file it does not have, without reading outside the page', async () => {
    expect((await get('/app/../package.json')).statusCode).toBe(404);
    expect((await get('/app/secret.txt')).statusCode).toBe(404);
  });
});
