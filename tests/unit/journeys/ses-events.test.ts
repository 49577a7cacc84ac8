import { describe, expect, it } from 'vitest';
import { listPreferencesFrom, suppressionsFrom } from '#core/journeys/ses-events';

/** A subscription record as SES event publishing writes it (the fields churnguard reads, and some it does not). */
const subscription = (newTopicPreferences: object, destination = ['Ann@Acme.example']) => ({
  eventType: 'Subscription',
  mail: {
    timestamp: '2026-01-20T07:59:00.000Z',
    messageId: 'msg-1',
    destination,
    tags: { 'ses:configuration-set': ['churnguard'] },
  },
  subscription: {
    contactList: 'churnguard',
    timestamp: '2026-01-20T08:00:14.340515842Z',
    source: 'UnsubscribeHeader',
    newTopicPreferences,
    oldTopicPreferences: { unsubscribeAll: false, topicSubscriptionStatus: [] },
  },
});

describe('SES subscription events', () => {
  it('say which topics each recipient now refuses, at the millisecond', () => {
    const event = subscription(
      {
        unsubscribeAll: false,
        topicSubscriptionStatus: [
          { topicName: 'nudges', subscriptionStatus: 'OptOut' },
          { topicName: 'milestones', subscriptionStatus: 'OptIn' },
        ],
      },
      ['Ann@Acme.example', 'ann@acme.example', 'bo@acme.example'],
    );
    expect(listPreferencesFrom(event)).toEqual([
      {
        email: 'ann@acme.example',
        unsubscribeAll: false,
        optedOut: ['nudges'],
        at: '2026-01-20T08:00:14.340Z',
      },
      {
        email: 'bo@acme.example',
        unsubscribeAll: false,
        optedOut: ['nudges'],
        at: '2026-01-20T08:00:14.340Z',
      },
    ]);
    expect(suppressionsFrom(event)).toEqual([]);
  });

  it('carry an opt-in back as a preference that refuses nothing', () => {
    const optedIn = subscription({
      unsubscribeAll: false,
      topicSubscriptionStatus: [{ topicName: 'nudges', subscriptionStatus: 'OptIn' }],
    });
    expect(listPreferencesFrom(optedIn)).toEqual([
      expect.objectContaining({ unsubscribeAll: false, optedOut: [] }),
    ]);
  });

  it('are no preference for any other event', () => {
    const bounce = { eventType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [] } };
    expect([listPreferencesFrom(bounce), listPreferencesFrom(null), listPreferencesFrom('x')]).toEqual([
      [],
      [],
      [],
    ]);
  });

  it('throw, naming the field, when a subscription event does not read as one, so it is retried, not dropped', () => {
    const broken = subscription({ unsubscribeAll: 'yes', topicSubscriptionStatus: [] });
    expect(() => listPreferencesFrom(broken)).toThrow(/subscription\.newTopicPreferences\.unsubscribeAll/);
    const undated = { ...subscription({ unsubscribeAll: true, topicSubscriptionStatus: [] }) };
    undated.subscription.timestamp = 'yesterday';
    expect(() => listPreferencesFrom(undated)).toThrow(/subscription\.timestamp: not a date/);
  });
});
