import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConnectorMapping } from '#core/connectors/mapping';
import { mapSegmentBody } from '#core/connectors/segment';
import { bindAccount, type ConnectorResult, type Pending, type UnboundSignal } from '#core/connectors/shared';
import { signalSchema } from '#core/signals';
import { corporaDir, corpus, hasCorpora } from './fixtures.ts';

const dir = path.join(corporaDir, 'segment/analytics-go');
const files = hasCorpora ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
const load = (file: string) => mapSegmentBody(corpus('segment/analytics-go', file), defaultConnectorMapping);

/** Each golden batch as analytics-go wrote it: every call at 2009-11-10T23:00:00Z, messageId "I'm unique". */
const AT = '2009-11-10T23:00:00.000Z';
const ID = "segment:I'm unique";
const held = (key: string, signal: UnboundSignal): Pending => ({
  kind: 'signal',
  needsAccountFor: { kind: 'segment_user', key },
  signal,
});
const download = (id = ID, occurredAt = AT) =>
  held('123456', {
    id,
    type: 'activity',
    occurredAt,
    userId: '123456',
    attributes: { call: 'track', event: 'Download' },
  });
const nothing: ConnectorResult = {
  signals: [],
  needsAccount: [],
  accountPatches: [],
  userLinks: [],
  ignored: [],
};

const expected: Record<string, Partial<ConnectorResult>> = {
  'test-enqueue-group.json': { userLinks: [{ userId: 'B', accountId: 'A', linkedAt: AT, sourceRef: ID }] },
  'test-enqueue-alias.json': {
    ignored: [{ ref: ID, reason: 'alias calls are not mapped: churnguard keys users by userId' }],
  },
  'test-enqueue-identify.json': {
    needsAccount: [
      held('B', { id: ID, type: 'activity', occurredAt: AT, userId: 'B', attributes: { call: 'identify' } }),
    ],
  },
  'test-enqueue-page.json': {
    needsAccount: [
      held('B', {
        id: ID,
        type: 'activity',
        occurredAt: AT,
        userId: 'B',
        attributes: { call: 'page', name: 'A' },
      }),
    ],
  },
  'test-enqueue-screen.json': {
    needsAccount: [
      held('B', {
        id: ID,
        type: 'activity',
        occurredAt: AT,
        userId: 'B',
        attributes: { call: 'screen', name: 'A' },
      }),
    ],
  },
  'test-enqueue-track.json': { needsAccount: [download()] },
  'test-context-track.json': { needsAccount: [download()] },
  'test-integrations-track.json': { needsAccount: [download()] },
  'test-interval-track.json': { needsAccount: [download()] },
  'test-messageid-track.json': { needsAccount: [download('segment:abc')] },
  'test-timestamp-track.json': { needsAccount: [download(ID, '2015-07-10T23:00:00.000Z')] },
  'test-many-track.json': {
    needsAccount: [download()],
    ignored: [
      { ref: ID, reason: 'repeats a messageId seen earlier in this body' },
      { ref: ID, reason: 'repeats a messageId seen earlier in this body' },
    ],
  },
};

describe.skipIf(!hasCorpora)(
  'Segment analytics-go golden batches (skipped where ../shared/corpora is absent)',
  () => {
    it('has an expectation for every fixture in the corpus', () => {
      expect(files.sort()).toEqual(Object.keys(expected).sort());
    });

    it.each(Object.entries(expected))('%s maps as expected', (file, outcome) => {
      expect(load(file)).toEqual({ ...nothing, ...outcome });
    });

    it('gives the same output when a batch is replayed', () => {
      for (const file of files) expect(load(file)).toEqual(load(file));
    });

    it("completes user B's held identify, page and screen with the account from the group call", () => {
      const [link] = load('test-enqueue-group.json').userLinks;
      expect(link).toBeDefined();
      if (!link) return;
      for (const file of [
        'test-enqueue-identify.json',
        'test-enqueue-page.json',
        'test-enqueue-screen.json',
      ]) {
        const [pending] = load(file).needsAccount;
        expect(pending?.needsAccountFor).toEqual({ kind: 'segment_user', key: link.userId });
        if (!pending) continue;
        const bound = bindAccount(pending, link.accountId);
        expect(bound.kind === 'signal' && signalSchema.parse(bound.signal).accountId).toBe('A');
      }
    });
  },
);
