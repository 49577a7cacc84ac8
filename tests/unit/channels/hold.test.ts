import { describe, expect, it } from 'vitest';
import { DAILY_POST_LINES, dailyNoticesPost } from '#core/channels/daily-post';
import { chatHold } from '#core/channels/hold';

/** Quiet days hold a post until the first daily notice run on an allowed day in the destination's time zone. */
const weekend = { quietDays: ['sat', 'sun'] as ('sat' | 'sun')[] };
const utc = { name: 'cs-emea', timezone: 'UTC' };

describe('chat posts on quiet days', () => {
  it('posts at once on an allowed day, at any hour', () => {
    expect(chatHold(new Date('2026-01-07T23:30:00Z'), utc, weekend, 8)).toEqual({ outcome: 'post' });
  });

  it("holds a Saturday post for Monday's daily run, saying why", () => {
    expect(chatHold(new Date('2026-01-10T14:00:00Z'), utc, weekend, 8)).toEqual({
      outcome: 'held',
      day: '2026-01-12',
      until: '2026-01-12T08:00:00.000Z',
      detail: 'a quiet day (sat) for cs-emea in UTC: held for the daily notice run of 2026-01-12',
    });
  });

  it("reads the day in the destination's zone: Friday 23:00 UTC is already Saturday in Tokyo", () => {
    const tokyo = { name: 'cs-apac', timezone: 'Asia/Tokyo' };
    const held = chatHold(new Date('2026-01-09T23:00:00Z'), tokyo, weekend, 8);
    // A UTC day's run is at 08:00 UTC, 17:00 in Tokyo: Saturday's and Sunday's are quiet there, Monday's is not.
    expect(held).toMatchObject({ outcome: 'held', day: '2026-01-12' });
    expect(chatHold(new Date('2026-01-09T23:00:00Z'), utc, weekend, 8)).toEqual({ outcome: 'post' });
  });

  it('records a post no day of the week allows as dropped, never holds it forever', () => {
    const always = { quietDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const };
    expect(
      chatHold(new Date('2026-01-10T14:00:00Z'), utc, { quietDays: [...always.quietDays] }, 8),
    ).toMatchObject({
      outcome: 'dropped',
      detail: expect.stringContaining('every day of the week is quiet'),
    });
  });
});

describe('the daily notice gathering as a post', () => {
  const notice = (i: number) => ({
    accountId: `acct-${i}`,
    subject: `Milestone missed: acct-${i}`,
    text: `Day 10 configuration is late.\n\nWhat to do:\n- call`,
  });

  it('lists each routine notice with its account link under the mail subject', () => {
    const post = dailyNoticesPost(
      { subject: 'Your churnguard notices' },
      'Casey',
      [notice(1)],
      'https://cg.example/',
    );
    expect(post.title).toBe('Your churnguard notices');
    expect(post.summary).toBe('Casey: 1 routine notice to look at today.');
    expect(post.sections[0]?.lines).toEqual([
      {
        text: 'Milestone missed: acct-1: Day 10 configuration is late.',
        url: 'https://cg.example/app/#/account/acct-1',
      },
    ]);
  });

  it('lists at most DAILY_POST_LINES notices and says how many more are in the mail', () => {
    const many = Array.from({ length: DAILY_POST_LINES + 3 }, (_, i) => notice(i));
    const lines =
      dailyNoticesPost({ subject: 's' }, 'Casey', many, 'https://cg.example').sections[0]?.lines ?? [];
    expect(lines).toHaveLength(DAILY_POST_LINES + 1);
    expect(lines.at(-1)).toEqual({ text: 'and 3 more, in the daily notice mail' });
  });

  it('counts the notices in its summary, plural past one', () => {
    const post = dailyNoticesPost({ subject: 's' }, 'Casey', [notice(1), notice(2)], 'https://cg.example');
    expect(post.summary).toBe('Casey: 2 routine notices to look at today.');
  });
});
