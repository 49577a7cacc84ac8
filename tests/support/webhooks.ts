import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { type Clock, fixedClock } from '#core/clock';
import { type ConnectorMappingInput, connectorMappingSchema } from '#core/connectors/mapping';
import type { HttpResult } from '#functions/shared/http';
import type { Deps } from '#functions/shared/runtime';
import { createWebhooksHandler } from '#functions/webhooks/app';
import { secretsFrom, staticSecrets } from '#functions/webhooks/settings';
import type { Db } from '#store/client';
import { corporaDir } from './corpora.ts';
import { testDeps } from './db.ts';
import { httpEvent } from './http.ts';

export { corporaDir, hasCorpora } from './corpora.ts';

/** The test run's clock: every signature is made relative to it. */
export const NOW = new Date('2026-06-01T12:00:00Z');
export const unix = (date: Date) => Math.floor(date.getTime() / 1000);

export const SECRETS = {
  segment: 'segment_shared_secret_for_tests',
  stripe: 'whsec_test_signing_secret',
  zendesk: 'zendesk_signing_secret_for_tests',
  survey: 'survey_secret_for_tests',
  typeform: 'typeform_secret_for_tests',
  hubspot: 'hubspot_client_secret_for_tests',
  posthog: 'posthog_secret_for_tests',
  salesforce: 'salesforce_secret_for_tests',
} as const;

/** The URL HubSpot is told to post to in tests (signature v3 signs it); set as the mapping's webhookUrl. */
export const HUBSPOT_URL = 'https://hooks.example/v1/webhooks/hubspot';

export function webhookDeps(
  db: Db,
  mapping: ConnectorMappingInput = {},
  clock: Clock = fixedClock(NOW),
): Deps {
  return {
    ...testDeps(db, clock),
    webhooks: {
      secrets: staticSecrets(secretsFrom(SECRETS, 'test secrets')),
      mapping: connectorMappingSchema.parse(mapping),
    },
  };
}

/**
 * Signature headers built from the vendors' documentation, independently of the connectors, so a test fails when
 * a connector misreads the scheme.
 */
export const sign = {
  segment: (body: string, secret: string = SECRETS.segment) => ({
    'X-Signature': createHmac('sha1', secret).update(body).digest('hex'),
  }),
  stripe: (body: string, at: Date = NOW, secret: string = SECRETS.stripe) => {
    const t = unix(at);
    return {
      'Stripe-Signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`,
    };
  },
  zendesk: (body: string, at: Date = NOW, secret: string = SECRETS.zendesk) => {
    const timestamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      'X-Zendesk-Webhook-Signature': createHmac('sha256', secret)
        .update(timestamp + body)
        .digest('base64'),
      'X-Zendesk-Webhook-Signature-Timestamp': timestamp,
    };
  },
  survey: (body: string, secret: string = SECRETS.survey) => ({
    'X-Churnguard-Signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  }),
  /** HubSpot v3: base64(HMAC-SHA256(client secret, method + URI + body + timestamp)), timestamp in Unix ms. */
  hubspot: (body: string, at: Date = NOW, secret: string = SECRETS.hubspot, url: string = HUBSPOT_URL) => {
    const timestamp = String(at.getTime());
    return {
      'X-HubSpot-Signature-v3': createHmac('sha256', secret)
        .update(`POST${url}${body}${timestamp}`)
        .digest('base64'),
      'X-HubSpot-Request-Timestamp': timestamp,
    };
  },
  posthog: (secret: string = SECRETS.posthog) => ({ 'X-Churnguard-Secret': secret }),
  typeform: (body: string, secret: string = SECRETS.typeform) => ({
    'Typeform-Signature': `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`,
  }),
};

/** The answer to an accepted delivery (functions/webhooks/receive.ts WebhookOutcome). */
export const outcomeSchema = z.strictObject({
  source: z.string(),
  accepted: z.number(),
  duplicates: z.number(),
  rejected: z.number(),
  ignored: z.number(),
  lookups: z.strictObject({ resolved: z.number(), parked: z.number(), released: z.number() }),
  contracts: z.strictObject({ applied: z.number(), unchanged: z.number() }),
  profiles: z.strictObject({ applied: z.number(), unchanged: z.number() }),
  held: z.strictObject({ applied: z.number(), unchanged: z.number() }),
  waitingContacts: z.array(z.strictObject({ contactId: z.string(), reason: z.string() })),
  accounts: z.strictObject({
    created: z.array(z.string()),
    waiting: z.array(z.strictObject({ companyId: z.string(), reason: z.string() })),
  }),
  links: z.number(),
  rejections: z.array(z.strictObject({ ref: z.string(), errors: z.array(z.looseObject({})) })),
  ignoredRecords: z.array(z.strictObject({ ref: z.string(), reason: z.string() })),
  unresolved: z.array(
    z.strictObject({ kind: z.string(), key: z.string(), ref: z.string(), reason: z.string() }),
  ),
});
export type Outcome = z.infer<typeof outcomeSchema>;

const errorSchema = z.looseObject({ message: z.string() });

export interface Delivered {
  status: number;
  body: unknown;
  /** The outcome of a 200; fails the test when the answer is not one. */
  outcome: () => Outcome;
  message: () => string;
}

function delivered(result: HttpResult): Delivered {
  const body: unknown = JSON.parse(result.body ?? 'null');
  return {
    status: result.statusCode ?? 200,
    body,
    outcome: () => outcomeSchema.parse(body),
    message: () => errorSchema.parse(body).message,
  };
}

/** Posts to the webhooks handler exactly as API Gateway would deliver to the function. */
export function webhookClient(deps: Deps) {
  const handler = createWebhooksHandler(deps);
  return async (source: string, body: string, headers: Record<string, string>): Promise<Delivered> => {
    const event = httpEvent('POST /v1/webhooks/{source}', {
      body,
      headers: { 'content-type': 'application/json', ...headers },
      pathParameters: { source },
    });
    return delivered(await handler(event));
  };
}

/** Outcome counts with every count zero unless given: for exact comparisons. */
export function counts(partial: {
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  ignored?: number;
  lookups?: Partial<Outcome['lookups']>;
  contracts?: Partial<Outcome['contracts']>;
  links?: number;
}) {
  return {
    accepted: partial.accepted ?? 0,
    duplicates: partial.duplicates ?? 0,
    rejected: partial.rejected ?? 0,
    ignored: partial.ignored ?? 0,
    lookups: { resolved: 0, parked: 0, released: 0, ...partial.lookups },
    contracts: { applied: 0, unchanged: 0, ...partial.contracts },
    links: partial.links ?? 0,
  };
}

export function countsOf(outcome: Outcome) {
  const { accepted, duplicates, rejected, ignored, lookups, contracts, links } = outcome;
  return { accepted, duplicates, rejected, ignored, lookups, contracts, links };
}

/**
 * Everything but dirty markers: ingest bumps a marker's count on replays too, by design (a hint to score the account
 * again, see store/dirty-store.ts), so "a replay changes nothing" is about the data items.
 */
export const dataItems = (item: Record<string, unknown>) => item.kind !== 'dirty';

// ---- fixtures ----

const fixtureDir = path.resolve(process.cwd(), 'tests/fixtures/connectors');

export const fixtureText = (name: string) => readFileSync(path.join(fixtureDir, name), 'utf8');
export const corpusJson = (...parts: string[]): unknown =>
  JSON.parse(readFileSync(path.join(corporaDir, ...parts), 'utf8'));

export const jsonObject = z.record(z.string(), z.unknown());
