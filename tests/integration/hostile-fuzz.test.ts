import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile } from '#cli/commands/import';
import { fixedClock } from '#core/clock';
import { ROUTES, type Route, routeKey } from '#functions/routes';
import type { HttpHandler, HttpResult } from '#functions/shared/http';
import type { Deps } from '#functions/shared/runtime';
import { createSignalQueueHandler } from '#functions/signal-queue/app';
import { API_FUNCTIONS } from '#local/api-functions';
import { upsertAccounts } from '#store/account-store';
import { registerApiKey } from '#store/api-key-store';
import type { Db } from '#store/client';
import { unsubscribeSecret } from '#store/unsubscribe-secret-store';
import { createTestDb, dumpTable } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';
import { serveLocally } from '../support/local-api.ts';
import { NOW, SECRETS, sign, webhookDeps } from '../support/webhooks.ts';

/**
 * Hostile input at every entry: each API route, the signal queue and the file importer, fed by fast-check with
 * malformed percent-encoding, lone surrogates, over-long and deeply nested values, wrong types and half-broken
 * records (webhook bodies signed, so they reach the connectors). Whatever comes in:
 * - no answer is a 5xx (and no handler throws);
 * - a request refused as a whole (4xx) wrote nothing;
 * - every refusal says why: a message, and for a record its field paths with reasons.
 * Runs: FUZZ_RUNS per route (default 2,000 on the in-memory store, 1,000 on DynamoDB Local, which is slower).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? (process.env.CHURNGUARD_STORE === 'memory' ? 2000 : 1000));
const KEY = 'cg_fuzz_key';

let db: Db;
let deps: Deps;
let writes = 0;
const handlers = new Map<string, HttpHandler>();

const WRITES = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'TransactWriteCommand',
  'BatchExecuteStatementCommand',
]);

beforeAll(async () => {
  db = await createTestDb();
  await registerApiKey(db, KEY, 'fuzz', NOW);
  await upsertAccounts(db, [account('acme'), account('globex')], NOW);
  // The unsubscribe HMAC key is generated into the table on first use: made here, so no request writes it.
  await unsubscribeSecret(db);
  const send = db.doc.send.bind(db.doc) as (command: unknown) => Promise<unknown>;
  const counting = Object.create(db.doc) as Db['doc'];
  counting.send = ((command: { constructor: { name: string } }) => {
    if (WRITES.has(command.constructor.name)) writes++;
    return send(command);
  }) as Db['doc']['send'];
  deps = webhookDeps({ ...db, doc: counting }, { salesforce: { organizationIds: [SALESFORCE_ORG] } });
  for (const [name, factory] of Object.entries(API_FUNCTIONS)) handlers.set(name, factory(deps));
});

// ---- arbitraries ----

const SALESFORCE_ORG = '00D5e000000AbCdEAK';
const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Text senders get wrong: any code point (lone surrogates too), key separators, control characters, length. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', '#', 'a#b', ' ', '\u0000', 'x\ud800', '\udfff', '..', '%', 'null', '票'.repeat(400)),
  fc.string({ minLength: 200, maxLength: 2500 }),
);

/** Path segments as they arrive: raw text, percent-encoded bytes (UTF-8 or not), broken escapes, long ones. */
const pathSegment = fc.oneof(
  hostileText.filter((t) => t.length > 0 && !t.includes('/')),
  fc
    .uint8Array({ minLength: 1, maxLength: 40 })
    .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')),
  fc.constantFrom('%FF', '%E0%A4%A', '%', '%%', '%C0%AF', '%ED%A0%80', 'acme', 'acme%23x', '%F0%9F%98%80'),
  fc.integer({ min: 1, max: 1200 }).map((n) => '%E5%AD%97'.repeat(n)),
);

const hostileValue = fc.oneof(
  hostileText,
  fc.jsonValue({ maxDepth: 3 }),
  fc.double(),
  fc.constantFrom(1e300, -1e300, 1e-300, Number.MAX_SAFE_INTEGER * 4, -0),
);

/** A record of plausible fields with some broken, dropped, retyped or made hostile. */
function recordOf(valid: fc.Arbitrary<Record<string, unknown>>) {
  return fc
    .tuple(
      valid,
      fc.array(fc.tuple(fc.constantFrom('drop', 'set', 'extra'), fc.nat(20), hostileValue), { maxLength: 3 }),
    )
    .map(([record, mutations]) => {
      const copy: Record<string, unknown> = structuredClone(record);
      const fields = Object.keys(copy);
      for (const [kind, at, value] of mutations) {
        const field = fields[at % fields.length] as string;
        if (kind === 'drop') delete copy[field];
        if (kind === 'set') copy[field] = value;
        if (kind === 'extra') copy[`x${at}`] = value;
      }
      return copy;
    });
}

const validSignal = fc.record({
  id: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), hostileText),
  accountId: fc.constantFrom('acme', 'globex', 'ghost'),
  type: fc.constantFrom(
    'login',
    'usage',
    'nps',
    'feature_used',
    'ticket_opened',
    'ticket_closed',
    'milestone',
  ),
  occurredAt: fc
    .date({ min: new Date('2026-05-01'), max: NOW, noInvalidDate: true })
    .map((d) => d.toISOString()),
  value: fc.integer({ min: 0, max: 10 }),
  userId: fc.oneof(fc.constantFrom('u1', 'u2'), hostileText),
  attributes: fc.record(
    {
      feature: hostileText,
      ticketId: hostileText,
      milestone: hostileText,
      priority: fc.constantFrom('low', 'x'),
    },
    { requiredKeys: [] },
  ),
});

const validAccount = fc
  .constantFrom('fuzz-a', 'fuzz-b', 'acme')
  .map((id) => ({ ...account(id) }) as Record<string, unknown>);

/** Bodies: not JSON, any JSON, the envelope around anything, around records, nested past any sane depth. */
function bodyOf(envelope: string, record: fc.Arbitrary<unknown>) {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.json({ maxDepth: 4 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ [envelope]: v })),
    fc.array(record, { minLength: 1, maxLength: 6 }).map((rs) => JSON.stringify({ [envelope]: rs })),
    fc.integer({ min: 100, max: 20_000 }).map((n) => `{"${envelope}":${'['.repeat(n)}${']'.repeat(n)}}`),
  );
}

const bodies: Record<string, fc.Arbitrary<string>> = {
  'POST /v1/accounts': bodyOf('accounts', recordOf(validAccount)),
  'POST /v1/signals': bodyOf('signals', recordOf(validSignal)),
  'POST /v1/risks/{id}/ack': fc.oneof(
    bodyOf('note', hostileText),
    hostileText.map((note) => JSON.stringify({ note })),
  ),
  'POST /v1/renewals/{id}/call': fc
    .record({
      category: fc.constantFrom('commit', 'best_case', 'at_risk', 'overdue', 'maybe', ''),
      note: fc.option(hostileText),
      by: hostileText,
    })
    .map((b) => JSON.stringify(b)),
  'POST /v1/webhooks/{source}': fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.json({ maxDepth: 4 }),
    fc
      .record({
        type: fc.constantFrom(
          'track',
          'group',
          'identify',
          'invoice.payment_failed',
          'customer.subscription.updated',
        ),
        messageId: hostileText,
        id: hostileText,
        userId: hostileText,
        groupId: fc.constantFrom('acme', 'ghost'),
        event: hostileText,
        timestamp: fc.constantFrom('2026-05-20T10:00:00Z', 'not a time', ''),
        created: fc.integer(),
        data: fc.jsonValue({ maxDepth: 3 }),
        ticket: fc.jsonValue({ maxDepth: 3 }),
        properties: fc.dictionary(hostileText, hostileValue, { maxKeys: 3 }),
      })
      .map((b) => JSON.stringify(b)),
    // HubSpot's array of thin events
    fc
      .array(
        fc.record({
          eventId: fc.oneof({ arbitrary: fc.nat(), weight: 4 }, hostileText),
          subscriptionType: fc.constantFrom(
            'deal.propertyChange',
            'deal.associationChange',
            'company.creation',
            'contact.propertyChange',
            'contact.creation',
            'contact.deletion',
          ),
          occurredAt: fc.oneof({ arbitrary: fc.constant(NOW.getTime()), weight: 4 }, fc.integer()),
          objectId: fc.oneof({ arbitrary: fc.nat(), weight: 4 }, hostileText),
          propertyName: fc.constantFrom(
            'closedate',
            'amount',
            'deal_currency_code',
            'dealname',
            'email',
            'firstname',
            'jobtitle',
            'associatedcompanyid',
          ),
          propertyValue: fc.oneof(
            hostileText,
            fc.constantFrom('1803859200000', '2027-01-01', '5000', 'nora@acme.example', 'acme'),
          ),
          associationType: fc.constantFrom('DEAL_TO_COMPANY', 'CONTACT_TO_COMPANY'),
          fromObjectId: fc.oneof({ arbitrary: fc.nat(), weight: 4 }, hostileText),
          toObjectId: fc.oneof({ arbitrary: fc.nat(), weight: 4 }, hostileText),
        }),
        { minLength: 1, maxLength: 3 },
      )
      .map((b) => JSON.stringify(b)),
    // PostHog's webhook template
    fc
      .record({
        uuid: hostileText,
        event: fc.oneof(fc.constantFrom('user_logged_in', '$pageview'), hostileText),
        distinct_id: hostileText,
        timestamp: fc.constantFrom('2026-05-20T10:00:00Z', 'not a time', ''),
        company: fc.oneof(fc.constantFrom('acme', 'ghost'), hostileText),
      })
      .map(({ company, ...event }) =>
        JSON.stringify({ event: { ...event, properties: {} }, groups: { company: { id: company } } }),
      ),
    // A Salesforce outbound message
    fc
      .record({
        id: fc.oneof({ arbitrary: fc.constant('0065e00000Q1r2sAAB'), weight: 4 }, hostileText),
        account: fc.oneof(fc.constantFrom('acme', 'ghost'), hostileText),
        close: fc.oneof({ arbitrary: fc.constant('2027-04-30'), weight: 4 }, hostileText),
        amount: fc.oneof({ arbitrary: fc.constant('100.5'), weight: 4 }, hostileText),
      })
      .map(
        (o) =>
          `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ` +
          `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
          `<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>${SALESFORCE_ORG}</OrganizationId>` +
          `<Notification><Id>04l5e00000A1b2CAAR</Id><sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">` +
          `<sf:Id>${xmlText(o.id)}</sf:Id><sf:AccountId>${xmlText(o.account)}</sf:AccountId>` +
          `<sf:Amount>${xmlText(o.amount)}</sf:Amount><sf:CloseDate>${xmlText(o.close)}</sf:CloseDate>` +
          `<sf:Type>Renewal</sf:Type><sf:LastModifiedDate>2026-05-31T10:15:00.000Z</sf:LastModifiedDate>` +
          `</sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>`,
      ),
  ),
};

/** The headers a webhook source needs for the body to pass its signature check. */
function signed(source: string, body: string): Record<string, string> {
  if (source === 'segment') return sign.segment(body);
  if (source === 'stripe') return sign.stripe(body);
  if (source === 'zendesk') return sign.zendesk(body);
  if (source === 'survey') return sign.survey(body);
  // The test event's URL: https, API Gateway's domain, the route's path (tests/support/http.ts).
  if (source === 'hubspot')
    return sign.hubspot(body, NOW, SECRETS.hubspot, 'https://localhost/v1/webhooks/{source}');
  if (source === 'posthog') return sign.posthog();
  if (source === 'salesforce') return { 'X-Churnguard-Secret': SECRETS.salesforce };
  return {};
}

function request(route: Route) {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const parameter =
    route.path === '/v1/webhooks/{source}'
      ? fc.oneof(
          fc.constantFrom('segment', 'stripe', 'zendesk', 'survey', 'hubspot', 'posthog', 'salesforce'),
          pathSegment,
        )
      : pathSegment;
  return fc
    .record({
      params: fc.tuple(...names.map(() => parameter)),
      body: route.method === 'POST' ? (bodies[routeKey(route)] ?? fc.json()) : fc.constant(undefined),
      key: fc.constantFrom(KEY, KEY, KEY, 'cg_wrong', ''),
    })
    .map(({ params, body, key }) => {
      const pathParameters = Object.fromEntries(names.map((name, i) => [name, params[i] as string]));
      const auth: Record<string, string> =
        route.auth === 'signature' || !key ? {} : { authorization: `Bearer ${key}` };
      const vendor =
        route.path.startsWith('/v1/webhooks') && body ? signed(String(pathParameters.source), body) : {};
      return { pathParameters, body, headers: { 'content-type': 'application/json', ...auth, ...vendor } };
    });
}

interface ErrorAnswer {
  message?: unknown;
  errors?: { path?: unknown; message?: unknown }[];
  rejected?: { errors?: { path?: unknown; message?: unknown }[] }[];
  rejections?: { errors?: { path?: unknown; message?: unknown }[] }[];
}

const named = (error: { path?: unknown; message?: unknown }) =>
  typeof error.path === 'string' &&
  error.path !== '' &&
  typeof error.message === 'string' &&
  error.message !== '';

/** What every answer must be: not a 5xx; a refusal with its reason and no write; rejected records with theirs. */
function expectAnswered(result: HttpResult, wrote: number) {
  const status = result.statusCode ?? 200;
  expect(status, result.body).toBeLessThan(500);
  const type = String(result.headers?.['content-type'] ?? '');
  if (!type.startsWith('application/json')) return;
  const body = JSON.parse(result.body ?? '{}') as ErrorAnswer;
  if (status >= 400) {
    expect(wrote, `a ${status} wrote ${wrote} items`).toBe(0);
    expect(typeof body.message === 'string' && body.message !== '', result.body).toBe(true);
    for (const error of body.errors ?? []) expect(named(error), result.body).toBe(true);
  }
  const listed = [body.rejected, body.rejections].flatMap((list) => (Array.isArray(list) ? list : []));
  for (const rejection of listed) {
    expect(rejection.errors?.length, result.body).toBeGreaterThan(0);
    for (const error of rejection.errors ?? []) expect(named(error), result.body).toBe(true);
  }
}

describe('every API route under hostile input', () => {
  it.each(ROUTES.map((route) => [routeKey(route), route] as const))(
    '%s: never a 5xx, no write on a refusal, a reason for every refusal',
    async (_, route) => {
      const handler = handlers.get(route.fn) as HttpHandler;
      await fc.assert(
        fc.asyncProperty(request(route), async (input) => {
          const before = writes;
          const result = await handler(httpEvent(routeKey(route), input));
          expectAnswered(result, writes - before);
        }),
        { numRuns: RUNS, seed: 20261204 },
      );
    },
  );
});

/** Whether a message body is a `{ "signals": [...] }` envelope the queue consumer accepts. */
function isEnvelope(body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const { signals, ...rest } = parsed as { signals?: unknown };
  return (
    Object.keys(rest).length === 0 && Array.isArray(signals) && signals.length >= 1 && signals.length <= 1000
  );
}

describe('the signal queue under hostile messages', () => {
  it('fails only messages that are not a signals envelope, and stores or refuses with reasons every record', async () => {
    const handler = createSignalQueueHandler(deps);
    const envelope = fc
      .array(recordOf(validSignal), { minLength: 1, maxLength: 5 })
      .map((signals) => ({ signals }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            envelope.map((e) => JSON.stringify(e)),
            fc.string({ unit: 'binary' }),
            fc.json(),
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        async (messages) => {
          const event = {
            Records: messages.map((body, i) => ({
              messageId: `m-${i}`,
              receiptHandle: 'r',
              body,
              attributes: {},
              messageAttributes: {},
              md5OfBody: '',
              eventSource: 'aws:sqs',
              eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:ingest',
              awsRegion: 'eu-west-1',
            })),
          } as unknown as SQSEvent;
          const shaped = messages.map(isEnvelope);
          // When every message of a batch fails, the batch fails whole (SQS retries it, then the DLQ keeps it).
          if (!shaped.some(Boolean)) {
            await expect(handler(event)).rejects.toThrow('All records failed processing');
            return;
          }
          const { batchItemFailures } = await handler(event);
          const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
          shaped.forEach((envelope, i) => {
            expect(failed.has(`m-${i}`), messages[i]).toBe(!envelope);
          });
        },
      ),
      { numRuns: Math.ceil(RUNS / 4), seed: 7 },
    );
    const rejects = await dumpTable(db, (item) => item.kind === 'reject');
    expect(rejects.length).toBeGreaterThan(0);
    for (const reject of rejects) expect((reject.errors as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('churnguard import under hostile files', () => {
  let api: Awaited<ReturnType<typeof serveLocally>>;
  let url: string;
  const dir = mkdtempSync(join(tmpdir(), 'churnguard-fuzz-import-'));

  beforeAll(async () => {
    api = await serveLocally({ ...deps, clock: fixedClock(NOW) });
    url = api.base;
  });

  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const line = fc.oneof(
    recordOf(validSignal).map((r) => JSON.stringify(r)),
    fc.string({ unit: 'binary', maxLength: 80 }).filter((t) => !t.includes('\n') && !t.includes('\r')),
    fc.json({ maxDepth: 3 }),
  );

  it('accounts for every row of a JSONL file: accepted, duplicate, or in the rejects file with reasons', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 30 }), async (lines) => {
        const file = join(dir, `signals-${n++}.jsonl`);
        writeFileSync(file, `${lines.join('\n')}\n`);
        const summary = await importFile({ url, key: KEY }, { file, kind: 'signals', batchSize: 7 });
        const rows = lines.filter((l) => l.trim() !== '').length;
        expect(summary.rows).toBe(rows);
        expect(summary.accepted + summary.duplicates + summary.rejected).toBe(rows);
        if (summary.rejected > 0) {
          const rejects = readFileSync(`${file}.rejects.jsonl`, 'utf8').trim().split('\n');
          expect(rejects).toHaveLength(summary.rejected);
          for (const reject of rejects) {
            const { errors } = JSON.parse(reject) as { errors: { path: string; message: string }[] };
            expect(errors.length).toBeGreaterThan(0);
            for (const error of errors) expect(named(error)).toBe(true);
          }
        }
      }),
      { numRuns: Math.ceil(RUNS / 10), seed: 11 },
    );
  });

  it('accounts for every row of a CSV file, or refuses the file with a message naming the problem', async () => {
    let n = 0;
    const cell = fc.oneof(
      hostileText,
      fc.constantFrom('"', '""', '"a,b"', 'acme', 'login', '2026-05-20T10:00:00Z'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 12 }),
        async (rows) => {
          const file = join(dir, `signals-${n++}.csv`);
          const text = [
            'id,accountId,type,occurredAt,userId,attributes.feature',
            ...rows.map((r) => r.join(',')),
          ].join('\n');
          writeFileSync(file, text);
          try {
            const summary = await importFile({ url, key: KEY }, { file, kind: 'signals', batchSize: 5 });
            expect(summary.accepted + summary.duplicates + summary.rejected).toBe(summary.rows);
          } catch (error) {
            // A file the CSV reader cannot read is refused whole, with the reader's reason: never a crash.
            expect(error).toBeInstanceOf(Error);
            expect(['TypeError', 'RangeError', 'ReferenceError']).not.toContain((error as Error).name);
            expect((error as Error).message).not.toBe('');
          }
        },
      ),
      { numRuns: Math.ceil(RUNS / 10), seed: 13 },
    );
  });
});
