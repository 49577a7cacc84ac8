import { describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { defaultTemplates } from '#config/journeys-default';
import type { TemplateConfig } from '#config/journeys-schema';
import { parseConfig } from '#config/load';
import { templateUses } from '#config/template-checks';
import type { MilestoneCheck } from '#core/journeys/milestone-status';
import { renderTemplate } from '#core/journeys/render';
import { fromHeader } from '#core/journeys/render-message';
import { readUnsubscribeToken, unsubscribeToken } from '#core/journeys/unsubscribe-token';
import { milestoneFacts, templateVariables } from '#core/journeys/variables';
import { BRAND } from '../../support/fixtures.ts';

const account = {
  id: 'acme',
  name: 'Acme <GmbH>',
  csm: { name: 'Cara Smith', email: 'cara@vendor.example' },
  contract: { startDate: '2026-01-01', renewalDate: '2027-01-01', arr: 1 },
};
const recipient = { id: 'ann', name: 'Ann Admin', email: 'ann@acme.example', timezone: 'Europe/Berlin' };
const firstLogin: MilestoneCheck = {
  milestone: 'first_login',
  label: 'First login',
  segment: 'core',
  status: 'achieved',
  dueDay: 5,
  graceDays: 5,
  daysLive: 6,
  reachedDay: 3,
  nextDueDay: 10,
};
const variables = templateVariables({
  account,
  recipient,
  health: { score: 81.4, band: 'green' },
  check: firstLogin,
  review: { title: 'Annual Customer Review: Acme', when: '2026-09-16 at 15:00 UTC' },
});
const URL = 'https://api.example.com/v1/unsubscribe/tok';
const brand = BRAND;
/** A template rendered as the workflow renders it under this brand. */
const renderBranded = (template: TemplateConfig) =>
  renderTemplate(
    template,
    templateVariables({ account, recipient, health: { score: 50, band: 'yellow' }, brand }),
    URL,
    brand,
  );

/** Every journey step that sends a default template, as the workflow would fill it in. */
const steps = [...templateUses(defaultConfig)].flatMap(([template, uses]) =>
  uses.map((use) => ({ template, use })),
);

describe('templates', () => {
  it.each(steps.map(({ template, use }) => [template, use.where, use] as const))(
    'renders %s with every placeholder filled when sent from %s',
    async (name, _where, use) => {
      const template = defaultTemplates[name];
      if (!template) throw new Error(name);
      const step = use.step;
      const check: MilestoneCheck | undefined = step && {
        ...firstLogin,
        milestone: step.milestone,
        status: step.when === 'onAchieved' ? 'achieved' : step.when === 'onLate' ? 'late' : 'missed',
        reachedDay: step.when === 'onAchieved' ? 3 : null,
        nextDueDay: step.milestone === 'value_100' ? null : 10,
      };
      const filled = templateVariables({
        account,
        recipient,
        health: { score: 50, band: 'yellow' },
        ...(check ? { check, milestone: milestoneFacts(defaultConfig, check.milestone) } : {}),
        ...(use.defined.has('reviewTitle')
          ? { review: { title: 'Annual Customer Review: Acme', when: '2026-09-16 at 15:00 UTC' } }
          : {}),
      });
      const rendered = await renderTemplate(template, filled, URL);
      for (const part of [rendered.subject, rendered.text, rendered.html]) expect(part).not.toContain('{{');
      expect(rendered.html).toContain('<!doctype html>');
    },
  );

  it("gives a value milestone's message its target percent, and a milestone of another kind none", () => {
    expect(milestoneFacts(defaultConfig, 'value_75')).toStrictEqual({ valuePercent: 75 });
    expect(milestoneFacts(defaultConfig, 'value_100')).toStrictEqual({ valuePercent: 100 });
    // A signal or milestone-event milestone has no target: not even a valuePercent key left undefined.
    expect(milestoneFacts(defaultConfig, 'first_login')).toStrictEqual({});
    expect(milestoneFacts(defaultConfig, 'configured')).toStrictEqual({});
    // A milestone the baseline no longer lists (a message planned before a config change) has no facts either.
    expect(milestoneFacts(defaultConfig, 'retired_milestone')).toStrictEqual({});
    const filled = templateVariables({
      account,
      recipient,
      health: { score: 50, band: 'yellow' },
      check: firstLogin,
      milestone: milestoneFacts(defaultConfig, 'first_login'),
    });
    expect(filled).not.toHaveProperty('valuePercent');
  });

  it('renders the first-login congratulation as text and responsive HTML, escaping account data', async () => {
    const template = defaultTemplates.congrats_first_login;
    if (!template) throw new Error('missing');
    const rendered = await renderTemplate(template, variables, URL);
    expect(rendered.subject).toBe('Welcome aboard, Ann: Acme <GmbH> is live');
    expect(rendered.text).toBe(
      [
        'Great start, Ann!',
        '',
        'Acme <GmbH> logged in for the first time on day 3 after go-live.',
        '',
        'Next step: complete the configuration so your team sees its own data by day 10.',
        '',
        '--',
        `Unsubscribe: ${URL}`,
      ].join('\n'),
    );
    expect(rendered.html).toContain('Acme &lt;GmbH&gt; logged in');
    expect(rendered.html).not.toContain('Acme <GmbH>');
    expect(rendered.html).toContain('@media only screen');
    expect(rendered.html).toContain(`<a href="${URL}">Unsubscribe</a>`);
  });

  it('puts no product name, app link or logo of anyone into a customer email while the brand is not set', async () => {
    // CSM notices go to the vendor's own CSM, for whom "[churnguard]" names the system that wrote.
    const toCsm = new Set(
      Object.values(defaultConfig.plays)
        .filter((play) => play.channel === 'csm_notice')
        .map((play) => play.template),
    );
    const toCustomers = Object.entries(defaultTemplates).filter(([name]) => !toCsm.has(name));
    expect(toCustomers.length).toBeGreaterThan(5);
    for (const [name, template] of toCustomers) {
      const rendered = await renderTemplate(template, variables, URL);
      for (const part of [rendered.subject, rendered.text, rendered.html]) {
        expect(part, name).not.toMatch(/churnguard|app\.example\.com/i);
      }
      expect(rendered.html, name).not.toContain('<img');
    }
  });

  it('carries the brand in every email once it is set: logo, button to the app, product name, sender name', async () => {
    const template = defaultTemplates.nudge_first_login;
    if (!template) throw new Error('missing');
    const rendered = await renderBranded(template);
    expect(rendered.text).toContain(`Sign in: ${brand.appUrl}`);
    expect(rendered.text).toContain('--\nBeacon Analytics\nUnsubscribe:');
    expect(rendered.html).toContain(`src="${brand.logoUrl}"`);
    expect(rendered.html).toContain(`href="${brand.appUrl}"`);
    expect(rendered.html).toContain('your onboarding with Beacon Analytics');
    expect(fromHeader('success@acme.example', brand)).toBe(
      '"Beacon Customer Success" <success@acme.example>',
    );
    expect(fromHeader('success@acme.example', { senderName: 'Équipe Acme' })).toBe(
      `=?UTF-8?B?${Buffer.from('Équipe Acme').toString('base64')}?= <success@acme.example>`,
    );
    expect(fromHeader('success@acme.example', {})).toBe('success@acme.example');
  });

  it('lets a template use the brand variables once the brand sets them', async () => {
    const config = parseConfig({
      ...defaultConfig,
      brand,
      templates: {
        ...defaultConfig.templates,
        weekly_tip: {
          subject: 'A {{productName}} tip for {{accountName}}',
          preheader: 'Two minutes.',
          heading: 'Tip',
          paragraphs: ['Open {{appUrl}}/views to save a view.'],
        },
      },
    });
    expect(config.ok).toBe(true);
    const template = config.ok ? config.config.templates.weekly_tip : undefined;
    if (!template) throw new Error('missing');
    const rendered = await renderBranded(template);
    expect(rendered.subject).toBe('A Beacon Analytics tip for Acme <GmbH>');
    expect(rendered.text).toContain('Open https://app.beacon.example/views to save a view.');
  });

  it('sets the one-click unsubscribe headers (RFC 8058)', async () => {
    const template = defaultTemplates.nudge_first_login;
    if (!template) throw new Error('missing');
    expect((await renderTemplate(template, variables, URL)).headers).toEqual([
      { name: 'List-Unsubscribe', value: `<${URL}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('has no unsubscribe link or headers for a CSM notice', async () => {
    const template = defaultTemplates.csm_milestone_missed;
    if (!template) throw new Error('missing');
    const rendered = await renderTemplate(template, variables);
    expect(rendered.headers).toEqual([]);
    expect(rendered.text).not.toContain('Unsubscribe');
    expect(rendered.html).not.toContain('Unsubscribe');
  });
});

describe('unsubscribe tokens', () => {
  it('name the account and contact, and refuse a tampered or foreign token', () => {
    const token = unsubscribeToken('secret', 'acme', 'ann');
    expect(readUnsubscribeToken('secret', token)).toEqual({ accountId: 'acme', contactId: 'ann' });
    expect(readUnsubscribeToken('other', token)).toBeUndefined();
    const [a, , mac] = token.split('.');
    expect(
      readUnsubscribeToken('secret', `${a}.${Buffer.from('bob').toString('base64url')}.${mac}`),
    ).toBeUndefined();
    expect(readUnsubscribeToken('secret', 'garbage')).toBeUndefined();
  });
});
