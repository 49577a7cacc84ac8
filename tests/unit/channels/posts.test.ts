import { describe, expect, it } from 'vitest';
import { channelsSchema } from '#config/channels-schema';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { withChatCopies } from '#core/channels/copies';
import { describePost } from '#core/channels/describe';
import { digestPost } from '#core/channels/digest-post';
import type { ChatPost } from '#core/channels/post';
import { renderChatPost } from '#core/channels/render';
import { chatDestinations } from '#core/channels/route';
import { slackMessage } from '#core/channels/slack';
import { teamsMessage } from '#core/channels/teams';
import type { MessageDraft } from '#core/effects/effect';
import { buildRegionalDigest } from '#core/workflows/digest';
import { composeNotice } from '#core/workflows/notices';

const channels = channelsSchema.parse({
  destinations: { 'cs-emea': { kind: 'slack' }, leads: { kind: 'teams' }, casey: { kind: 'slack' } },
  teams: { strategic: ['Morgan@Vendor.example'] },
  routes: [
    { to: 'cs-emea', region: 'EMEA' },
    { to: 'leads', team: 'strategic', carries: ['escalations', 'digest'] },
    { to: 'casey', csm: 'casey@vendor.example', carries: ['reviews'] },
  ],
});
const config: Config = { ...defaultConfig, channels };

describe('routing a post', () => {
  it('matches the region, a team member (any case) and a CSM, each destination once, by topic', () => {
    const to = (topic: 'escalations' | 'reviews' | 'digest', region: string, people: string[]) =>
      chatDestinations(channels, { topic, region, people }).map((d) => `${d.kind} ${d.name}`);
    expect(to('escalations', 'EMEA', ['morgan@vendor.example'])).toEqual(['slack cs-emea', 'teams leads']);
    expect(to('escalations', 'APAC', ['casey@vendor.example'])).toEqual([]);
    expect(to('reviews', 'APAC', ['casey@vendor.example'])).toEqual(['slack casey']);
    expect(to('reviews', 'APAC', ['morgan@vendor.example'])).toEqual([]);
    expect(to('digest', 'APAC', ['a@vendor.example', 'morgan@vendor.example'])).toEqual(['teams leads']);
  });
});

const notice = (
  recipient: { id: string; email: string },
  urgency: 'immediate' | 'routine',
): MessageDraft => ({
  key: { playId: 'risk_notice', about: 'acme-r1', recipientId: recipient.id, occurrence: 'T1' },
  audience: 'internal',
  recipient: { ...recipient, name: recipient.id, timezone: 'UTC', role: 'csm' },
  channel: 'email',
  urgency,
  content: composeNotice({
    subject: 'Acme: risk opened',
    summary: 'Acme has a new tier-1 risk.',
    sections: [{ heading: 'What to do', lines: ['Call the <sponsor> & listen'] }],
  }),
  timeline: { action: 'notice_sent', what: 'Tier-1 risk notice', why: 'weak' },
});

describe('chat copies of notices', () => {
  it('posts an immediate notice once per destination, even when the CSM and the manager both get it', () => {
    const messages = [
      notice({ id: 'csm', email: 'casey@vendor.example' }, 'immediate'),
      notice({ id: 'manager', email: 'morgan@vendor.example' }, 'immediate'),
    ];
    const all = withChatCopies(config, { id: 'acme', region: 'EMEA' }, messages);
    const copies = all.slice(messages.length);
    expect(
      copies.map((c) => `${c.channel} ${c.key.recipientId} ${c.key.playId}#${c.key.occurrence}`),
    ).toEqual(['slack chat:cs-emea risk_notice#T1', 'teams chat:leads risk_notice#T1']);
    const [first] = copies;
    expect(first?.content).toMatchObject({
      kind: 'chat',
      destination: 'cs-emea',
      post: { title: 'Acme: risk opened', link: { url: 'http://127.0.0.1:3000/app/#/account/acme' } },
    });
    expect(first?.timeline.what).toBe('Posted to Slack (cs-emea): Tier-1 risk notice');
  });

  it('routes each notice by its topic: a risk notice as escalations, a review invitation as reviews, others as notices', () => {
    const playing = (playId: string, email: string): MessageDraft => {
      const draft = notice({ id: 'someone', email }, 'immediate');
      return { ...draft, key: { ...draft.key, playId } };
    };
    const destinations = (message: MessageDraft) =>
      withChatCopies(config, { id: 'acme', region: 'APAC' }, [message])
        .slice(1)
        .map((c) => c.key.recipientId);
    // Outside EMEA only the topic routes: leads carry escalations, casey's channel carries reviews.
    expect(destinations(playing('risk_notice', 'morgan@vendor.example'))).toEqual(['chat:leads']);
    expect(destinations(playing('review_invitation', 'casey@vendor.example'))).toEqual(['chat:casey']);
    expect(destinations(playing('renewal_notice', 'morgan@vendor.example'))).toEqual([]);
  });

  it('posts no routine notice (it waits for the daily mail) and nothing without routes', () => {
    const routine = [notice({ id: 'csm', email: 'casey@vendor.example' }, 'routine')];
    expect(withChatCopies(config, { id: 'acme', region: 'EMEA' }, routine)).toEqual(routine);
    const immediate = [notice({ id: 'csm', email: 'casey@vendor.example' }, 'immediate')];
    expect(withChatCopies(defaultConfig, { id: 'acme', region: 'EMEA' }, immediate)).toEqual(immediate);
  });
});

const post: ChatPost = {
  title: 'Acme: risk opened',
  summary: 'Acme <b> has a new risk & more',
  sections: [
    { heading: 'Why', lines: [{ text: 'health 41 (red)' }] },
    { heading: 'Empty', lines: [] },
    { heading: 'Accounts', lines: [{ text: 'Acme [EU]', url: 'https://x.example/app/#/account/acme' }] },
  ],
  link: { label: 'Open the account', url: 'https://x.example/app/#/account/acme' },
};

describe('Slack Block Kit and Teams Adaptive Cards', () => {
  it('Slack: a header, the summary escaped, a section per heading with links, and a button to the account', () => {
    const message = slackMessage(post);
    expect(message.text).toBe('Acme: risk opened: Acme <b> has a new risk & more');
    expect(message.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Acme: risk opened', emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Acme &lt;b&gt; has a new risk &amp; more' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Why*\n• health 41 (red)' } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Accounts*\n• <https://x.example/app/#/account/acme|Acme [EU]>' },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open the account' },
            url: 'https://x.example/app/#/account/acme',
            action_id: 'open_account',
          },
        ],
      },
    ]);
  });

  it('Slack: cuts a long header and section to its limits', () => {
    const long = slackMessage({ ...post, title: 't'.repeat(400), summary: 's'.repeat(5000) });
    const [header, summary] = long.blocks ?? [];
    expect(JSON.stringify(header)).toContain(`${'t'.repeat(149)}…`);
    expect(JSON.stringify(summary)).toContain(`${'s'.repeat(2999)}…`);
  });

  it('Teams: an Adaptive Card 1.4 attachment with the title, bullet lines, links and an OpenUrl action', () => {
    const message = teamsMessage(post);
    expect(message.summary).toBe('Acme: risk opened');
    const [attachment] = message.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.content.version).toBe('1.4');
    expect(attachment.content.body.map((b) => b.text)).toEqual([
      'Acme: risk opened',
      'Acme <b> has a new risk & more',
      'Why',
      '- health 41 (red)',
      'Accounts',
      '- [Acme \\[EU\\]](https://x.example/app/#/account/acme)',
    ]);
    expect(attachment.content.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open the account', url: 'https://x.example/app/#/account/acme' },
    ]);
  });

  it('reads a rendered post back to its headline and link, for either vendor', () => {
    for (const kind of ['slack', 'teams'] as const) {
      const rendered = renderChatPost(kind, 'cs-emea', post);
      expect(rendered.subject).toBe('Acme: risk opened');
      expect(rendered.text).toContain('- Acme [EU] (https://x.example/app/#/account/acme)');
      const described = describePost(rendered.post);
      expect(described.link).toBe('https://x.example/app/#/account/acme');
      expect(described.title).toContain('Acme: risk opened');
    }
  });
});

describe('the digest as a post', () => {
  it('lists the accounts in the mail’s order, each a link to its page, and what changed', () => {
    const line = (riskId: string, accountId: string, tier: number, arr: number) => ({
      riskId,
      accountId,
      accountName: `Account ${accountId}`,
      primaryCause: 'relationship_weak',
      tier,
      daysOpen: 3,
      arr,
      currency: 'EUR',
      strategy: 'recover',
    });
    const lines = [line('r1', 'a', 1, 10_000), line('r2', 'b', 2, 5_000)];
    const digest = buildRegionalDigest(
      'EMEA',
      lines,
      { at: 'x', lines: [{ riskId: 'r2', tier: 1 }] },
      new Date(),
    );
    const result = digestPost(digest, lines, 'https://cg.example/');
    expect(result.title).toBe(digest.subject);
    expect(result.sections[0]?.lines).toEqual([
      {
        text: 'Account b: tier 2, relationship_weak, 3 days open, EUR 5,000 ARR, recover',
        url: 'https://cg.example/app/#/account/b',
      },
      {
        text: 'Account a: tier 1, relationship_weak, 3 days open, EUR 10,000 ARR, recover',
        url: 'https://cg.example/app/#/account/a',
      },
    ]);
    expect(result.sections[1]?.lines.map((l) => l.text)).toEqual([
      'new: Account a',
      'raised to tier 2: Account b',
    ]);
    expect(result.link).toEqual({ label: 'Open the portfolio', url: 'https://cg.example/app/#/portfolio' });
  });
});
