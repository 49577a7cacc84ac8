import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseConfigOverrides } from '#config/file';
import type { Config } from '#config/schema';
import { fromHeader } from '#core/journeys/render-message';
import { syncJourneyTimers } from '#functions/shared/journey-timers';
import { sesMailer } from '#functions/shared/mailer';
import { type SesLocal, startSesLocal } from '#local/ses-local';
import { VirtualClock } from '#local/virtual-clock';
import { createWorkflowEngine } from '#local/workflow-engine';
import { upsertAccount } from '#store/account-store';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account, BRAND } from '../support/fixtures.ts';

const storedEmails = z.object({
  emails: z.array(
    z.object({
      from: z.string(),
      destination: z.object({ to: z.array(z.string()) }),
      subject: z.string(),
      body: z.object({ html: z.string().optional(), text: z.string().optional() }),
    }),
  ),
});

const GO_LIVE = '2026-01-15';

function brandedConfig(): Config {
  const parsed = parseConfigOverrides({ brand: BRAND });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.config;
}

describe('the brand in the mail a customer gets, through the MilestoneJourney state machine and SES local', () => {
  let ses: SesLocal;
  const mail = async () => storedEmails.parse(await (await fetch(`${ses.endpoint}/store`)).json()).emails;

  beforeAll(async () => {
    const db = await createTestDb();
    ses = await startSesLocal();
    const clock = new VirtualClock(`${GO_LIVE}T06:00:00Z`);
    const config = brandedConfig();
    const mailer = sesMailer({
      from: fromHeader(config.messaging.from, config.brand),
      endpoint: ses.endpoint,
    });
    const engine = createWorkflowEngine({ db, clock, logger: silentLogger(), config }, { mailer });
    const quiet = account('quiet', { goLiveDate: GO_LIVE });
    await upsertAccount(db, quiet, clock.now());
    await syncJourneyTimers(db, quiet, clock.now(), config);
    // No login by day 5: the first-login nudge goes out on day 6, in office hours.
    await engine.advance('2026-01-21T12:00:00Z', clock);
  });

  afterAll(async () => {
    await ses.stop();
  });

  it('comes from the sender name, with the logo, a button to the app and the product name', async () => {
    const [nudge, ...more] = await mail();
    expect(more).toEqual([]);
    expect(nudge?.subject).toBe('Ada, your workspace is waiting');
    expect(nudge?.from).toContain('Beacon Customer Success');
    expect(nudge?.body.html).toContain(`src="${BRAND.logoUrl}"`);
    expect(nudge?.body.html).toContain(`href="${BRAND.appUrl}"`);
    expect(nudge?.body.html).toContain('your onboarding with Beacon Analytics');
    expect(nudge?.body.text).toContain(`Sign in: ${BRAND.appUrl}`);
    expect(`${nudge?.body.text}${nudge?.body.html}`).not.toMatch(/churnguard|app\.example\.com/i);
  });
});
