import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '#core/clock';
import {
  cachedSecrets,
  emptySecrets,
  mappingFromEnv,
  readSecretsViaExtension,
  SecretsConfigError,
  secretsFrom,
  secretsFromEnv,
  webhookSettingsFromEnv,
} from '#functions/webhooks/settings';
import { localWebhookSecrets } from '#local/webhook-secrets';

describe('webhook secrets from the environment', () => {
  it('reads one variable per source, several secrets separated by commas', () => {
    expect(
      secretsFromEnv({
        CHURNGUARD_WEBHOOK_SECRET_STRIPE: 'whsec_old, whsec_new',
        CHURNGUARD_WEBHOOK_SECRET_TYPEFORM: 'tf',
        CHURNGUARD_WEBHOOK_SECRET_ZENDESK: ' ',
      }),
    ).toEqual({ stripe: ['whsec_old', 'whsec_new'], typeform: ['tf'] });
  });

  it('answers no secret for a source nobody configured', async () => {
    const settings = webhookSettingsFromEnv(
      { CHURNGUARD_WEBHOOK_SECRET_SEGMENT: 's' },
      { now: () => new Date() },
    );
    expect(await settings.secrets.get()).toEqual({ ...emptySecrets(), segment: ['s'] });
  });
});

describe('the secrets map (Secrets Manager, local file)', () => {
  it('takes a string or a list per source', () => {
    expect(secretsFrom({ stripe: ['a', 'b'], survey: 'c' }, 'test')).toEqual({
      ...emptySecrets(),
      stripe: ['a', 'b'],
      survey: ['c'],
    });
  });

  it('refuses a misspelt source name, naming it', () => {
    expect(() => secretsFrom({ strpie: 'x' }, 'secret s')).toThrow(
      /secret s is not a webhook secrets map: .*strpie/,
    );
  });
});

describe('CHURNGUARD_CONNECTORS', () => {
  it('defaults every section when unset', () => {
    expect(mappingFromEnv({}).stripe.metadataKey).toBe('churnguard_account_id');
  });

  it('reads a JSON mapping and refuses a bad one with its path', () => {
    expect(
      mappingFromEnv({ CHURNGUARD_CONNECTORS: '{"zendesk":{"organizations":{"1":"acme"}}}' }).zendesk
        .organizations,
    ).toEqual({
      '1': 'acme',
    });
    expect(() =>
      mappingFromEnv({ CHURNGUARD_CONNECTORS: '{"segment":{"track":{"Signed In":{"type":"logn"}}}}' }),
    ).toThrow(/CHURNGUARD_CONNECTORS: segment.track.Signed In.type: must be one of/);
    expect(() => mappingFromEnv({ CHURNGUARD_CONNECTORS: '{' })).toThrow(/CHURNGUARD_CONNECTORS is not JSON/);
  });
});

describe('cachedSecrets', () => {
  let at = 0;
  const clock: Clock = { now: () => new Date(at) };

  it('loads once per environment, reloads on refresh only after the interval, and does not cache a failure', async () => {
    let loads = 0;
    let fail = true;
    const provider = cachedSecrets(
      async () => {
        loads += 1;
        if (fail) throw new Error('extension not ready');
        return { ...emptySecrets(), stripe: [`v${loads}`] };
      },
      clock,
      60_000,
    );
    await expect(provider.get()).rejects.toThrow('extension not ready');
    fail = false;
    expect((await provider.get()).stripe).toEqual(['v2']);
    expect((await provider.get()).stripe).toEqual(['v2']);
    at += 30_000;
    expect((await provider.refresh()).stripe).toEqual(['v2']);
    at += 31_000;
    expect((await provider.refresh()).stripe).toEqual(['v3']);
    expect(loads).toBe(3);
  });
});

describe('Secrets Manager through the Parameters and Secrets extension', () => {
  let server: Server;
  let port = 0;
  const seen: { url?: string; token?: string }[] = [];
  let answers: Array<{ status: number; body: unknown }> = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      seen.push({ url: request.url, token: request.headers['x-aws-parameters-secrets-token']?.toString() });
      const answer = answers.shift() ?? { status: 500, body: 'no answer queued' };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('not listening');
    port = address.port;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhooks-AbCdEf';

  it('asks for the secret by id with the session token, retrying a failed answer', async () => {
    seen.length = 0;
    answers = [
      { status: 400, body: 'not ready' },
      { status: 200, body: { ARN: arn, SecretString: JSON.stringify({ stripe: 'whsec_1', survey: 'srv' }) } },
    ];
    const secrets = await readSecretsViaExtension({ secretId: arn, port, sessionToken: 'token-1' });
    expect(secrets).toEqual({ ...emptySecrets(), stripe: ['whsec_1'], survey: ['srv'] });
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual({
      url: `/secretsmanager/get?secretId=${encodeURIComponent(arn)}`,
      token: 'token-1',
    });
  });

  it('fails at once, without retrying, on a secret that is not a JSON map', async () => {
    seen.length = 0;
    answers = [{ status: 200, body: { SecretString: 'whsec_plain' } }];
    await expect(readSecretsViaExtension({ secretId: arn, port })).rejects.toBeInstanceOf(SecretsConfigError);
    expect(seen).toHaveLength(1);
  });

  it('overlays environment secrets on the ones read from Secrets Manager', async () => {
    answers = [
      { status: 200, body: { SecretString: JSON.stringify({ stripe: 'whsec_sm', segment: 'seg' }) } },
    ];
    const settings = webhookSettingsFromEnv(
      {
        WEBHOOK_SECRETS_ARN: arn,
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
        CHURNGUARD_WEBHOOK_SECRET_STRIPE: 'whsec_env',
      },
      { now: () => new Date() },
    );
    expect(await settings.secrets.get()).toEqual({
      ...emptySecrets(),
      stripe: ['whsec_env'],
      segment: ['seg'],
    });
  });
});

describe('the local stack secrets file', () => {
  it('is generated once, private to the user, then read back; environment variables override it', () => {
    const home = mkdtempSync(join(tmpdir(), 'churnguard-secrets-'));
    const first = localWebhookSecrets(home, {});
    const file = join(home, 'webhook-secrets.json');
    expect(first.source).toBe(`${file} (generated)`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.secrets.stripe[0]).toMatch(/^whsec_local_/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(
      Object.fromEntries(Object.entries(first.secrets).map(([name, [secret]]) => [name, secret])),
    );
    const again = localWebhookSecrets(home, { CHURNGUARD_WEBHOOK_SECRET_STRIPE: 'whsec_from_stripe_cli' });
    expect(again.secrets).toEqual({ ...first.secrets, stripe: ['whsec_from_stripe_cli'] });
    expect(again.source).toBe(`${file}, overridden by CHURNGUARD_WEBHOOK_SECRET_*`);
  });

  it('adds a secret for each source a file written before it existed lacks, keeping the others', () => {
    const home = mkdtempSync(join(tmpdir(), 'churnguard-secrets-'));
    const file = join(home, 'webhook-secrets.json');
    writeFileSync(
      file,
      JSON.stringify({
        segment: 's',
        stripe: ['whsec_a', 'whsec_b'],
        zendesk: 'z',
        survey: 'v',
        typeform: 't',
      }),
    );
    const read = localWebhookSecrets(home, {});
    expect(read.source).toBe(`${file} (added hubspot, posthog, salesforce)`);
    expect(read.secrets).toMatchObject({ segment: ['s'], stripe: ['whsec_a', 'whsec_b'], typeform: ['t'] });
    expect(read.secrets.hubspot[0]).toMatch(/^local_/);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      stripe: ['whsec_a', 'whsec_b'],
      hubspot: read.secrets.hubspot[0],
      salesforce: read.secrets.salesforce[0],
    });
    expect(localWebhookSecrets(home, {})).toEqual({ secrets: read.secrets, source: file });
  });
});
