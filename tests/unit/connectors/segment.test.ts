import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectorMappingSchema, defaultConnectorMapping } from '#core/connectors/mapping';
import { mapSegmentBody, verifySegmentAuth, verifySegmentSignature } from '#core/connectors/segment';
import { bindAccount } from '#core/connectors/shared';
import { signalSchema } from '#core/signals';
import { fixture, fixtureText } from './fixtures.ts';

const ACCOUNT = '0e8c78ea9d97a7b8185e8632';
const USER = '97980cfea0067';

const mapping = connectorMappingSchema.parse({
  segment: {
    track: { 'Report Created': { type: 'feature_used', feature: 'reports', copyProperties: ['reportType'] } },
  },
});

describe('Segment signature (X-Signature, hex HMAC-SHA1 of the body)', () => {
  const body = fixtureText('segment-track.json');
  const sign = (secret: string, text: string) => createHmac('sha1', secret).update(text).digest('hex');

  it('accepts the signature Segment computes with the shared secret', () => {
    expect(verifySegmentSignature(body, sign('s3cret', body), 's3cret')).toEqual({ ok: true });
  });

  it('accepts either secret while the shared secret is being rolled', () => {
    expect(verifySegmentSignature(Buffer.from(body), sign('new', body), ['old', 'new'])).toEqual({
      ok: true,
    });
  });

  it('refuses a signature made with another secret, a changed body, or none', () => {
    expect(verifySegmentSignature(body, sign('other', body), 's3cret').ok).toBe(false);
    expect(verifySegmentSignature(`${body} `, sign('s3cret', body), 's3cret').ok).toBe(false);
    expect(verifySegmentSignature(body, undefined, 's3cret')).toEqual({
      ok: false,
      reason: 'missing X-Signature header',
    });
  });

  it('refuses everything when no secret is configured', () => {
    expect(verifySegmentSignature(body, sign('', body), []).ok).toBe(false);
  });
});

describe('Segment static credential (Authorization header)', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('accepts Basic with the secret as user name and an empty password, and Bearer', () => {
    expect(verifySegmentAuth(basic('s3cret:'), 's3cret')).toEqual({ ok: true });
    expect(verifySegmentAuth('Bearer s3cret', 's3cret')).toEqual({ ok: true });
  });

  it('refuses a wrong secret, a secret in the password with another user, and no header', () => {
    expect(verifySegmentAuth(basic('guess:'), 's3cret').ok).toBe(false);
    expect(verifySegmentAuth(basic('user:s3cret'), 's3cret').ok).toBe(false);
    expect(verifySegmentAuth(undefined, 's3cret').ok).toBe(false);
  });
});

describe('Segment batch from the Segment Spec', () => {
  const result = mapSegmentBody(fixture('segment-batch.json'), mapping);

  it('links the user of a group call to the group as account', () => {
    expect(result.userLinks).toEqual([
      {
        userId: USER,
        accountId: ACCOUNT,
        linkedAt: '2026-03-02T09:00:00.000Z',
        sourceRef: 'segment:ajs-next-1a2b3c-group',
      },
    ]);
  });

  it('maps a configured track event to feature_used with the configured feature and copied properties', () => {
    expect(result.signals).toContainEqual({
      id: 'segment:ajs-next-1a2b3c-track',
      accountId: ACCOUNT,
      type: 'feature_used',
      occurredAt: '2026-03-02T09:05:00.000Z',
      userId: USER,
      attributes: { reportType: 'cohort', event: 'Report Created', feature: 'reports' },
    });
  });

  it('counts a page call with context.groupId as activity, timed by originalTimestamp when timestamp is absent', () => {
    expect(result.signals).toContainEqual({
      id: 'segment:ajs-next-1a2b3c-page',
      accountId: ACCOUNT,
      type: 'activity',
      occurredAt: '2026-03-02T09:06:00.000Z',
      userId: USER,
      attributes: { call: 'page', name: 'Home' },
    });
  });

  it('holds an identify without an account for a user -> account lookup instead of dropping it', () => {
    expect(result.needsAccount).toEqual([
      {
        kind: 'signal',
        needsAccountFor: { kind: 'segment_user', key: USER },
        signal: {
          id: 'segment:ajs-next-1a2b3c-identify',
          type: 'activity',
          occurredAt: '2026-03-02T09:00:01.000Z',
          userId: USER,
          attributes: { call: 'identify' },
        },
      },
    ]);
  });

  it('ignores, with reasons, the anonymous screen, the alias and the repeated messageId', () => {
    expect(result.ignored).toEqual([
      {
        ref: 'segment:ajs-next-1a2b3c-screen',
        reason: 'anonymous message with no account: nothing to attribute it to',
      },
      {
        ref: 'segment:ajs-next-1a2b3c-alias',
        reason: 'alias calls are not mapped: churnguard keys users by userId',
      },
      { ref: 'segment:ajs-next-1a2b3c-track', reason: 'repeats a messageId seen earlier in this body' },
    ]);
  });

  it('accounts for every message exactly once', () => {
    const outputs =
      result.signals.length + result.needsAccount.length + result.userLinks.length + result.ignored.length;
    expect(outputs).toBe(7);
  });

  it('gives the same output for a replayed body, so ids de-duplicate downstream', () => {
    expect(mapSegmentBody(fixture('segment-batch.json'), mapping)).toEqual(result);
  });

  it('completes a held signal once the handler has found the account from the group call', () => {
    const [pending] = result.needsAccount;
    const link = result.userLinks.find((l) => pending?.needsAccountFor.key === l.userId);
    expect(pending && link).toBeTruthy();
    if (!pending || !link) return;
    const bound = bindAccount(pending, link.accountId);
    expect(bound.kind).toBe('signal');
    if (bound.kind === 'signal') expect(signalSchema.safeParse(bound.signal).success).toBe(true);
    expect(() => bindAccount(pending, 'not an id')).toThrow();
  });
});

describe('Segment single message (Webhooks destination)', () => {
  it('counts an unmapped track event as activity, held for the user lookup', () => {
    const result = mapSegmentBody(fixture('segment-track.json'), defaultConnectorMapping);
    expect(result.needsAccount).toEqual([
      {
        kind: 'signal',
        needsAccountFor: { kind: 'segment_user', key: 'AiUGstSDIg' },
        signal: {
          id: 'segment:ajs-f8ca1e4de5024d9430b3928bd8ac6b96',
          type: 'activity',
          occurredAt: '2015-12-12T19:11:01.249Z',
          userId: 'AiUGstSDIg',
          attributes: { call: 'track', event: 'Course Clicked' },
        },
      },
    ]);
  });

  it('ignores an unmapped track event when unmappedTrack is ignore', () => {
    const strict = connectorMappingSchema.parse({ segment: { unmappedTrack: 'ignore' } });
    const result = mapSegmentBody(fixture('segment-track.json'), strict);
    expect(result.ignored).toEqual([
      {
        ref: 'segment:ajs-f8ca1e4de5024d9430b3928bd8ac6b96',
        reason: 'track event "Course Clicked" has no rule and unmappedTrack is ignore',
      },
    ]);
  });

  it('ignores, saying why, a group call from an anonymous visitor: no user to link to the account', () => {
    const body = {
      type: 'group',
      groupId: 'acme',
      anonymousId: 'anon-1',
      messageId: 'g1',
      timestamp: '2026-03-02T08:00:00Z',
    };
    const result = mapSegmentBody(body, defaultConnectorMapping);
    expect(result.userLinks).toEqual([]);
    expect(result.ignored).toEqual([
      { ref: 'segment:g1', reason: 'group call without a userId: nothing to link' },
    ]);
  });

  it('maps Signed In to login by default', () => {
    const body = {
      type: 'track',
      event: 'Signed In',
      messageId: 'm1',
      userId: 'u1',
      timestamp: '2026-03-02T08:00:00Z',
      context: { groupId: 'acme' },
    };
    const [signal] = mapSegmentBody(body, defaultConnectorMapping).signals;
    expect(signal).toMatchObject({ id: 'segment:m1', accountId: 'acme', type: 'login', userId: 'u1' });
  });

  it('takes a usage value from the configured property', () => {
    const usage = connectorMappingSchema.parse({
      segment: { track: { 'Rows Exported': { type: 'usage', valueProperty: 'rows' } } },
    });
    const body = {
      type: 'track',
      event: 'Rows Exported',
      messageId: 'm2',
      userId: 'u1',
      properties: { rows: 1200 },
      timestamp: '2026-03-02T08:00:00Z',
      context: { groupId: 'acme' },
    };
    expect(mapSegmentBody(body, usage).signals[0]).toMatchObject({ type: 'usage', value: 1200 });
  });

  it('maps a track event to a custom metric named by the rule, its value from the configured property', () => {
    const metrics = connectorMappingSchema.parse({
      segment: {
        track: {
          'Report Sent': { type: 'metric', metric: 'reports_sent', valueProperty: 'count' },
          'Queue Sampled': { type: 'metric', valueProperty: 'depth' },
        },
      },
    });
    const track = (event: string, messageId: string, properties: Record<string, number>) => ({
      type: 'track',
      event,
      messageId,
      userId: 'u1',
      properties,
      timestamp: '2026-03-02T08:00:00Z',
      context: { groupId: 'acme' },
    });
    const [named] = mapSegmentBody(track('Report Sent', 'm4', { count: 3 }), metrics).signals;
    expect(named).toMatchObject({ type: 'metric', value: 3, attributes: { name: 'reports_sent' } });
    expect(signalSchema.safeParse(named).success).toBe(true);
    // Without a name in the rule the event's name is used; one that is not a metric name is refused by its field.
    const unnamed = mapSegmentBody(track('Queue Sampled', 'm5', { depth: 4 }), metrics);
    expect(unnamed.signals).toEqual([]);
    expect(unnamed.ignored).toEqual([
      {
        ref: 'segment:m5',
        reason: expect.stringContaining('not a valid signal: attributes.name: must be 1-64'),
      },
    ]);
    expect(
      connectorMappingSchema.safeParse({ segment: { track: { x: { type: 'metric', metric: 'a b' } } } })
        .success,
    ).toBe(false);
  });

  it('ignores a usage event whose value property is missing, saying which field failed', () => {
    const usage = connectorMappingSchema.parse({
      segment: { track: { 'Rows Exported': { type: 'usage', valueProperty: 'rows' } } },
    });
    const body = {
      type: 'track',
      event: 'Rows Exported',
      messageId: 'm3',
      userId: 'u1',
      timestamp: '2026-03-02T08:00:00Z',
      context: { groupId: 'acme' },
    };
    const result = mapSegmentBody(body, usage);
    expect(result.signals).toEqual([]);
    expect(result.ignored[0]?.reason).toMatch(/^not a valid signal: value: is required/);
  });

  it('refuses an account id that cannot be a key, with the reason', () => {
    const body = {
      type: 'group',
      groupId: 'acme corp',
      userId: 'u1',
      messageId: 'm4',
      timestamp: '2026-03-02T08:00:00Z',
    };
    const result = mapSegmentBody(body, defaultConnectorMapping);
    expect(result.userLinks).toEqual([]);
    expect(result.ignored[0]?.reason).toMatch(/is not a usable account id/);
  });

  it('rejects a body that is not a message, a batch or an array', () => {
    expect(mapSegmentBody('hello', defaultConnectorMapping).rejected?.reason).toBe(
      'not a Segment message, batch or array of messages',
    );
  });

  it('ignores a message without messageId, since it could not be de-duplicated', () => {
    const result = mapSegmentBody(
      [{ type: 'page', userId: 'u1', timestamp: '2026-03-02T08:00:00Z' }],
      defaultConnectorMapping,
    );
    expect(result.ignored).toEqual([
      { ref: 'batch[0]', reason: 'no messageId: the message could not be de-duplicated' },
    ]);
  });
});

describe('Segment account from a trait', () => {
  const byTrait = connectorMappingSchema.parse({
    segment: { account: { from: 'trait', trait: 'accountId' } },
  });

  it('links the user of an identify that carries the trait, and counts the identify', () => {
    const body = {
      type: 'identify',
      messageId: 'm5',
      userId: 'u7',
      traits: { accountId: 'globex' },
      timestamp: '2026-03-02T08:00:00Z',
    };
    const result = mapSegmentBody(body, byTrait);
    expect(result.userLinks).toEqual([
      { userId: 'u7', accountId: 'globex', linkedAt: '2026-03-02T08:00:00.000Z', sourceRef: 'segment:m5' },
    ]);
    expect(result.signals).toMatchObject([{ accountId: 'globex', type: 'activity', userId: 'u7' }]);
  });

  it('reads the trait from context.traits on track calls', () => {
    const body = {
      type: 'track',
      event: 'Clicked',
      messageId: 'm6',
      userId: 'u7',
      context: { traits: { accountId: 'globex' } },
      timestamp: '2026-03-02T08:00:00Z',
    };
    expect(mapSegmentBody(body, byTrait).signals).toMatchObject([{ accountId: 'globex' }]);
  });

  it('can count identify calls as logins', () => {
    const logins = connectorMappingSchema.parse({ segment: { calls: { identify: 'login' } } });
    const body = {
      type: 'identify',
      messageId: 'm7',
      userId: 'u7',
      context: { groupId: 'acme' },
      timestamp: '2026-03-02T08:00:00Z',
    };
    expect(mapSegmentBody(body, logins).signals).toMatchObject([{ type: 'login', userId: 'u7' }]);
  });
});
