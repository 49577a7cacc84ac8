import { describe, expect, it } from 'vitest';
import { channelsSchema } from '#config/channels-schema';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { accountPageUrl } from '#core/channels/links';
import type { MessageDraft } from '#core/effects/effect';
import { composeNotice } from '#core/workflows/notices';
import type { ChatPoster, OutgoingPost } from '#functions/shared/chat-poster';
import type { Mailer, OutgoingEmail } from '#functions/shared/mailer';
import { VirtualClock } from '#local/virtual-clock';
import { upsertAccount } from '#store/account-store';
import { listNotSent } from '#store/send-ledger-store';
import { readTimeline } from '#store/timeline-store';
import { applyEffects } from '#usecases/apply-effects';
import { sendDailyNotices } from '#usecases/daily-notices';
import { deliverMessage } from '#usecases/deliver-message';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';

/**
 * Issue 17: chat posts keep the restraint's quiet days (Saturday and Sunday by default) as mail keeps them, and
 * the daily notice gathering goes to the CSM's channel too. A post decided on a quiet day waits, with a not-sent
 * row saying why and until when, for the next allowed day's daily notice run, and goes then, once.
 */
const config: Config = {
  ...defaultConfig,
  channels: channelsSchema.parse({
    destinations: { 'cs-emea': { kind: 'slack' }, 'casey-dm': { kind: 'teams' } },
    routes: [
      { to: 'cs-emea', region: 'EMEA', carries: ['escalations'] },
      { to: 'casey-dm', csm: 'casey@vendor.example' },
    ],
  }),
};
const casey = {
  id: 'csm',
  name: 'Casey Morgan',
  email: 'casey@vendor.example',
  timezone: 'UTC',
  role: 'csm',
};

function notice(playId: string, about: string, urgency: 'immediate' | 'routine'): MessageDraft {
  return {
    key: { playId, about, recipientId: casey.id, occurrence: 'T1' },
    audience: 'internal',
    recipient: casey,
    channel: 'email',
    urgency,
    content: composeNotice({
      subject: `[churnguard] Account acme: ${about}`,
      summary: `acme: ${about}.`,
      sections: [{ heading: 'What to do', lines: ['call the sponsor'] }],
    }),
    timeline: { action: 'notice_sent', what: `${about} notice to Casey Morgan (csm)`, why: 'test' },
  };
}

async function setUp(at: string) {
  const db = await createTestDb();
  const clock = new VirtualClock(at);
  const posts: (OutgoingPost & { at: string })[] = [];
  const poster: ChatPoster = {
    post: async (post) => `post-${posts.push({ ...post, at: clock.now().toISOString() })}`,
  };
  const mail: OutgoingEmail[] = [];
  const mailer: Mailer = { send: async (email) => `mail-${mail.push(email)}` };
  const deps = { db, clock, logger: silentLogger(), config, mailer, poster };
  await upsertAccount(db, account('acme'), clock.now());
  const decide = async (message: MessageDraft) => {
    const applied = await applyEffects(deps, { accountId: 'acme', effects: [{ kind: 'message', message }] });
    for (const delivery of applied.deliveries) await deliverMessage(deps, delivery);
    return applied;
  };
  const titled = (text: string) => posts.filter((p) => JSON.stringify(p.payload).includes(text));
  return { db, clock, deps, posts, mail, decide, titled };
}

describe('Slack and Teams posts on quiet days and in the daily notice gathering', () => {
  it('posts a new risk at once on a weekday, in both channels, besides the mail', async () => {
    const { decide, titled, mail } = await setUp('2026-01-07T22:30:00Z'); // a Wednesday night
    await decide(notice('risk_notice', 'risk opened', 'immediate'));
    expect(titled('risk opened').map((p) => `${p.kind} ${p.destination} ${p.at}`)).toEqual([
      'teams casey-dm 2026-01-07T22:30:00.000Z',
      'slack cs-emea 2026-01-07T22:30:00.000Z',
    ]);
    expect(mail.map((m) => m.subject)).toEqual(['[churnguard] Account acme: risk opened']);
  });

  it("holds a Saturday risk post with a not-sent row, posts it in Monday's daily run, and only once", async () => {
    const { db, clock, deps, decide, titled, mail } = await setUp('2026-01-10T14:00:00Z'); // Saturday
    const applied = await decide(notice('risk_notice', 'risk opened', 'immediate'));

    // Saturday: the mail to the CSM goes (quiet days concern contacts' mail); the posts wait, each saying why
    expect(applied.held).toBe(2);
    expect(mail.map((m) => m.subject)).toEqual(['[churnguard] Account acme: risk opened']);
    expect(titled('risk opened')).toEqual([]);
    const waiting = (await listNotSent(db, 'acme')).map((r) => [
      r.recipientId,
      r.outcome,
      r.reason,
      r.deferUntil,
      r.detail,
    ]);
    expect(waiting.sort()).toEqual([
      [
        'chat:casey-dm',
        'deferred',
        'quiet_hours',
        '2026-01-12T08:00:00.000Z',
        'a quiet day (sat) for casey-dm in UTC: held for the daily notice run of 2026-01-12',
      ],
      [
        'chat:cs-emea',
        'deferred',
        'quiet_hours',
        '2026-01-12T08:00:00.000Z',
        'a quiet day (sat) for cs-emea in UTC: held for the daily notice run of 2026-01-12',
      ],
    ]);
    // Sunday's daily run posts nothing; the same decision replayed on Sunday changes nothing
    clock.set('2026-01-11T08:00:00Z');
    await sendDailyNotices(deps);
    await decide(notice('risk_notice', 'risk opened', 'immediate'));
    expect(titled('risk opened')).toEqual([]);

    // Monday's daily run posts both, as rendered on Saturday; the timeline says so once the webhook took them
    clock.set('2026-01-12T08:00:00Z');
    await sendDailyNotices(deps);
    expect(
      titled('risk opened')
        .map((p) => `${p.kind} ${p.destination} ${p.at}`)
        .sort(),
    ).toEqual(['slack cs-emea 2026-01-12T08:00:00.000Z', 'teams casey-dm 2026-01-12T08:00:00.000Z']);
    const timeline = (await readTimeline(db, 'acme')).map((e) => e.what);
    expect(timeline).toContain('Posted to Slack (cs-emea): risk opened notice to Casey Morgan (csm)');
    expect(timeline).toContain(
      'Posted to Microsoft Teams (casey-dm): risk opened notice to Casey Morgan (csm)',
    );

    // A retried Monday run, Tuesday's run and the decision replayed post nothing again
    await sendDailyNotices(deps);
    clock.set('2026-01-13T08:00:00Z');
    await sendDailyNotices(deps);
    await decide(notice('risk_notice', 'risk opened', 'immediate'));
    expect(titled('risk opened')).toHaveLength(2);
  });

  it("posts a CSM's routine notices of the day as one post in their channel, with the account link, once", async () => {
    const { deps, decide, titled, mail, posts } = await setUp('2026-01-07T10:00:00Z'); // Wednesday
    await decide(notice('milestone_missed', 'first login missed', 'routine'));
    await decide(notice('rescue_update', 'rescue update', 'routine'));
    // Routine notices are not posted one by one
    expect(posts).toEqual([]);

    deps.clock.set('2026-01-08T08:00:00Z');
    await sendDailyNotices(deps);
    // One mail and one post to the channel routed `daily` for Casey (cs-emea carries escalations only)
    expect(mail.map((m) => m.subject)).toEqual(['Your churnguard notices for 2026-01-08 (EMEA): 2 items']);
    const daily = titled('Your churnguard notices for 2026-01-08');
    expect(daily.map((p) => `${p.kind} ${p.destination}`)).toEqual(['teams casey-dm']);
    const payload = JSON.stringify(daily[0]?.payload);
    expect(payload).toContain('first login missed');
    expect(payload).toContain('rescue update');
    expect(payload).toContain(accountPageUrl(config.messaging.publicBaseUrl, 'acme'));

    // A retried run: nothing twice
    await sendDailyNotices(deps);
    expect(titled('Your churnguard notices')).toHaveLength(1);
    expect(mail).toHaveLength(1);
  });

  it("holds Saturday's daily gathering post for Monday, while the mail goes on Saturday", async () => {
    const { deps, decide, titled, mail } = await setUp('2026-01-09T10:00:00Z'); // Friday
    await decide(notice('milestone_missed', 'first login missed', 'routine'));
    deps.clock.set('2026-01-10T08:00:00Z');
    await sendDailyNotices(deps);
    expect(mail.map((m) => m.subject)).toEqual(['Your churnguard notices for 2026-01-10 (EMEA): 1 item']);
    expect(titled('Your churnguard notices')).toEqual([]);

    deps.clock.set('2026-01-12T08:00:00Z');
    await sendDailyNotices(deps);
    expect(titled('Your churnguard notices for 2026-01-10').map((p) => `${p.destination} ${p.at}`)).toEqual([
      'casey-dm 2026-01-12T08:00:00.000Z',
    ]);
    await sendDailyNotices(deps);
    expect(titled('Your churnguard notices')).toHaveLength(1);
  });
});
