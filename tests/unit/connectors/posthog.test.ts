import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectorMappingSchema, defaultConnectorMapping } from '#core/connectors/mapping';
import { mapPosthogBody, verifyPosthogSecret } from '#core/connectors/posthog';
import { fixture, fixtureDir } from './fixtures.ts';

const batchExport = () =>
  readFileSync(path.join(fixtureDir, 'posthog-batch-export.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);

describe('PostHog destination secret', () => {
  it('accepts the secret in X-Churnguard-Secret or as a Bearer token, any of several', () => {
    expect(verifyPosthogSecret('s3cret', undefined, 's3cret')).toEqual({ ok: true });
    expect(verifyPosthogSecret(undefined, 'Bearer s3cret', ['old', 's3cret'])).toEqual({ ok: true });
  });

  it('refuses another secret and names a missing one', () => {
    expect(verifyPosthogSecret('guess', undefined, 's3cret')).toEqual({
      ok: false,
      reason: 'secret does not match',
    });
    expect(verifyPosthogSecret(undefined, undefined, 's3cret')).toEqual({
      ok: false,
      reason: 'missing X-Churnguard-Secret header (or Authorization: Bearer)',
    });
    expect(verifyPosthogSecret('s3cret', undefined, []).ok).toBe(false);
  });
});

describe('PostHog events', () => {
  const mapping = connectorMappingSchema.parse({
    posthog: {
      events: {
        user_logged_in: { type: 'login' },
        report_exported: { type: 'feature_used', featureProperty: 'format' },
        $pageview: { type: 'activity' },
      },
    },
  });

  it("maps the webhook template's body to a signal of the company group's account", () => {
    const result = mapPosthogBody(fixture('posthog-webhook.json'), mapping);
    expect(result.rejected).toBeUndefined();
    expect(result.signals).toEqual([
      {
        id: 'posthog:0190a5e2-7d1c-7c3e-9a57-3f0c2b1d4e01',
        accountId: '5001',
        type: 'feature_used',
        occurredAt: '2026-05-31T14:03:12.345Z',
        userId: 'ingrid@initrode.example',
        attributes: { feature: 'csv' },
      },
    ]);
  });

  it("takes the account from the groups PostHog resolved for the webhook, before the event's own $groups", () => {
    const body = fixture('posthog-webhook.json') as { event: { properties: Record<string, unknown> } };
    const resolvedOnly = { ...body, event: { ...body.event, properties: { format: 'csv' } } };
    expect(mapPosthogBody(resolvedOnly, mapping).signals.map((s) => s.accountId)).toEqual(['5001']);
    const stale = {
      ...body,
      event: { ...body.event, properties: { format: 'csv', $groups: { company: '4999' } } },
    };
    expect(mapPosthogBody(stale, mapping).signals.map((s) => s.accountId)).toEqual(['5001']);
  });

  it('maps batch-export rows: login, activity; no company group and unmapped events are ignored with why', () => {
    const result = mapPosthogBody(batchExport(), mapping);
    expect(result.signals.map((s) => [s.type, s.userId, s.occurredAt])).toEqual([
      ['login', 'ingrid@initrode.example', '2026-05-31T08:00:00.000Z'],
      ['activity', 'ivo@initrode.example', '2026-05-31T08:05:00.000Z'],
    ]);
    expect(result.ignored).toEqual([
      {
        ref: 'posthog:0190a5e2-7d1c-7c3e-9a57-3f0c2b1d4e12',
        reason: 'event has no "company" group (group analytics), so no account',
      },
      { ref: 'posthog:0190a5e2-7d1c-7c3e-9a57-3f0c2b1d4e13', reason: 'event $autocapture is not mapped' },
    ]);
  });

  it('counts unmapped events as activity when the mapping says so, and reads another group type', () => {
    const workspace = connectorMappingSchema.parse({
      posthog: { groupType: 'workspace', unmapped: 'activity' },
    });
    const event = {
      uuid: 'u-1',
      event: 'clicked',
      distinct_id: 42,
      timestamp: '2026-05-31T08:00:00Z',
      properties: { $groups: { workspace: 'ws-9', company: 'c-1' } },
    };
    expect(mapPosthogBody({ batch: [event] }, workspace).signals).toEqual([
      {
        id: 'posthog:u-1',
        accountId: 'ws-9',
        type: 'activity',
        occurredAt: '2026-05-31T08:00:00.000Z',
        userId: '42',
        attributes: { event: 'clicked' },
      },
    ]);
  });

  it('rejects a body whose event lacks a field, naming it, and maps none of it', () => {
    const good = batchExport()[0];
    const result = mapPosthogBody(
      [good, { uuid: 'u-2', event: 'x', distinct_id: 'd', timestamp: 'yesterday' }],
      defaultConnectorMapping,
    );
    expect(result.signals).toEqual([]);
    expect(result.rejected?.errors).toEqual([{ path: '[1].timestamp', message: 'must be a date-time' }]);
    const templated = mapPosthogBody(
      { event: { event: 'x', distinct_id: 'd', timestamp: '2026-05-31T08:00:00Z' } },
      defaultConnectorMapping,
    );
    expect(templated.rejected?.errors.map((e) => e.path)).toEqual(['event.uuid']);
  });
});
