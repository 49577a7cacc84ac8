import { describe, expect, it } from 'vitest';
import { defaultTemplates } from '#config/journeys-default';
import { renderTemplate } from '#core/journeys/render';
import { readUnsubscribeToken, unsubscribeToken } from '#core/journeys/unsubscribe-token';
import { templateVariables } from '#core/journeys/variables';

const variables = templateVariables({
  account: {
    id: 'acme',
    name: 'Acme <GmbH>',
    csm: { name: 'Cara Smith', email: 'cara@vendor.example' },
    contract: { startDate: '2026-01-01', renewalDate: '2027-01-01', arr: 1 },
  },
  recipient: { id: 'ann', name: 'Ann Admin', email: 'ann@acme.example', timezone: 'Europe/Berlin' },
  health: { score: 81.4, band: 'green' },
  check: {
    milestone: 'first_login',
    label: 'First login',
    segment: 'core',
    status: 'achieved',
    dueDay: 5,
    graceDays: 5,
    daysLive: 6,
    reachedDay: 3,
    nextDueDay: 10,
  },
});
const URL = 'https://api.example.com/v1/unsubscribe/tok';

describe('templates', () => {
  it.each(Object.keys(defaultTemplates))('renders %s with every placeholder filled', async (name) => {
    const template = defaultTemplates[name];
    if (!template) throw new Error(name);
    const rendered = await renderTemplate(template, variables, URL);
    expect(rendered.subject).not.toContain('{{');
    expect(rendered.text).not.toContain('{{');
    expect(rendered.html).not.toContain('{{');
    expect(rendered.html).toContain('<!doctype html>');
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
        'Open churnguard: https://app.example.com',
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
