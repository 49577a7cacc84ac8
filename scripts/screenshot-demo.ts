import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '#tests/support/browser';
import { apiKeyFilePath, localHome, runningStack } from '../local/home.ts';

/**
 * The README's picture of the renewal desk: start `npm run demo`, then run this (from the project's root, or with
 * CHURNGUARD_HOME set as for the demo). It signs in to the running stack's page in Debian's Chromium with the
 * stack's own key, the way a person does, and writes a screenshot of the desk (default docs/screenshots/desk.png).
 */
const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/screenshots/desk.png' } } });
const home = localHome();
const stack = runningStack(home);
if (!stack) throw new Error(`no local stack is running from ${home}: start npm run demo first`);
const key = readFileSync(apiKeyFilePath(home), 'utf8').trim();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`${stack.apiUrl}/app/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Open' }).click();
  await page.locator('main[data-ready="desk"]').waitFor();
  mkdirSync(dirname(values.out), { recursive: true });
  await page.screenshot({ path: values.out });
  process.stdout.write(`wrote ${values.out}\n`);
} finally {
  await browser.close();
}
