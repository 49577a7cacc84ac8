import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PAGE_FUNCTION_DESCRIPTION } from '#functions/shared/page-files';

/**
 * The project's own app (infra/app.ts) run as `cdk synth` runs it: a child process given its context in
 * CDK_CONTEXT_JSON, writing the cloud assembly to CDK_OUTDIR. Bundling is skipped; cdk-nag runs.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'churnguard-app-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function synthApp(context: Record<string, string>) {
  const outdir = mkdtempSync(join(work, 'out-'));
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: object };
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context }),
      },
    });
  } catch (error) {
    return { ok: false as const, stderr: String((error as { stderr?: string }).stderr ?? error) };
  }
  const stage = context.stage ?? 'dev';
  const template = JSON.parse(readFileSync(join(outdir, `churnguard-${stage}.template.json`), 'utf8'));
  return {
    ok: true as const,
    template: template as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    },
  };
}

describe('the project app (cdk synth)', () => {
  it('takes the construct’s props from a file, with -c values over it', async () => {
    const file = join(work, 'churnguard.props.json');
    writeFileSync(
      file,
      JSON.stringify({
        stage: 'eu',
        throttle: { rateLimit: 50, burstLimit: 100 },
        alarmEmail: 'ops@vendor.example',
        sender: { domain: 'mail.vendor.example' },
        publicBaseUrl: 'https://cs.vendor.example',
        ingestConcurrency: 3,
      }),
    );
    const result = await synthApp({ propsFile: file, stage: 'eu', alarmEmail: 'oncall@vendor.example' });
    expect(result.ok ? '' : result.stderr).toBe('');
    if (!result.ok) return;
    const resources = Object.values(result.template.Resources);
    const ofType = (type: string) => resources.filter((r) => r.Type === type).map((r) => r.Properties);
    expect(ofType('AWS::ApiGatewayV2::Stage')[0]).toMatchObject({
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    expect(ofType('AWS::SNS::Subscription')).toEqual([
      expect.objectContaining({ Protocol: 'email', Endpoint: 'oncall@vendor.example' }),
    ]);
    expect(ofType('AWS::SES::EmailIdentity')).toEqual([
      expect.objectContaining({ EmailIdentity: 'mail.vendor.example' }),
    ]);
    expect(ofType('AWS::Lambda::EventSourceMapping')[0]).toMatchObject({
      ScalingConfig: { MaximumConcurrency: 3 },
    });
    for (const fn of ofType('AWS::Lambda::Function').filter(
      (f) => f.Description !== PAGE_FUNCTION_DESCRIPTION,
    )) {
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables.PUBLIC_BASE_URL).toBe(
        'https://cs.vendor.example',
      );
    }
  }, 120_000);

  it('refuses a props file with every problem named by its path', async () => {
    const file = join(work, 'bad.props.json');
    writeFileSync(file, JSON.stringify({ alarmEmail: 'not-an-address', logRetention: 10, sendr: {} }));
    const result = await synthApp({ propsFile: file });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.stderr).toMatch(/propsFile .*bad\.props\.json is invalid:/);
    expect(result.stderr).toMatch(/alarmEmail: /);
    expect(result.stderr).toMatch(/logRetention: must be one of/);
    expect(result.stderr).toMatch(/sendr/);
  }, 120_000);

  it('refuses a production synth whose publicBaseUrl is loopback, naming the fix', async () => {
    const result = await synthApp({ stage: 'prod', publicBaseUrl: 'http://127.0.0.1:3000' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.stderr).toMatch(
      /publicBaseUrl http:\/\/127\.0\.0\.1:3000 is a loopback address: unsubscribe links in deployed email would point at the reader's own machine\. Leave publicBaseUrl unset/,
    );
    const test = await synthApp({
      stage: 'test',
      publicBaseUrl: 'http://127.0.0.1:3000',
      production: 'false',
    });
    expect(test.ok ? '' : test.stderr).toBe('');
  }, 120_000);
});
