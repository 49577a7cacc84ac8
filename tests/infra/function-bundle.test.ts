import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { parseConfig } from '#config/load';
import type { Config } from '#config/schema';
import { readFunctionBundle } from '#functions/shared/bundled-config';
import { writeFunctionConfig } from '#infra/constructs/function-bundle';
import { ServiceFunction } from '#infra/constructs/service-function';

/**
 * Real bundling (esbuild and the afterBundling hook, as `cdk synth` runs them) of the milestone-journey function
 * with a non-default config: the config and the compiled templates must be in the asset, and mjml must not.
 */
describe('a function bundled with a non-default config', () => {
  // Inside the project, so that the bundle finds the AWS SDK in node_modules as Lambda's runtime provides it.
  const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, 'churnguard-bundle-test-'));
  let asset: string;
  let variables: Record<string, string>;
  const config: Config = structuredClone(defaultConfig);
  config.messaging.publicBaseUrl = 'https://cs.vendor.example';
  config.templates.congrats_first_login = {
    ...defaultConfig.templates.congrats_first_login!,
    heading: 'Welcome aboard, {{contactName}}',
  };

  beforeAll(() => {
    // Prepare
    const parsed = parseConfig(config);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const app = new App({ outdir });
    const stack = new Stack(app, 'BundleTest');
    new ServiceFunction(stack, 'milestone-journey', {
      entry: 'functions/milestone-journey/handler.ts',
      description: 'Milestone journey tasks',
      environment: { TABLE_NAME: 'bundle-test' },
      logRetention: RetentionDays.ONE_DAY,
      config: { file: writeFunctionConfig(parsed.config), templates: true },
    });
    // Act
    const assembly = app.synth();
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    variables = fn?.Properties.Environment.Variables;
    const key = String(fn?.Properties.Code.S3Key);
    asset = join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
  }, 120_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('carries the config in the asset, where the function is told to read it', () => {
    const bundle = readFunctionBundle({
      CHURNGUARD_CONFIG_FILE: variables.CHURNGUARD_CONFIG_FILE,
      LAMBDA_TASK_ROOT: asset,
    });
    expect(bundle?.config.messaging.publicBaseUrl).toBe('https://cs.vendor.example');
  });

  it('carries every template compiled to HTML, placeholders kept for the runtime fill-in', () => {
    const bundle = readFunctionBundle({ CHURNGUARD_CONFIG_FILE: 'churnguard.json', LAMBDA_TASK_ROOT: asset });
    expect(Object.keys(bundle?.templates ?? {}).sort()).toEqual(Object.keys(config.templates).sort());
    const compiled = bundle?.templates?.congrats_first_login;
    expect(compiled?.html).toContain('Welcome aboard, {{contactName}}');
    expect(compiled?.html).not.toContain('{{__unsubscribeUrl}}');
    expect(compiled?.htmlWithUnsubscribe).toContain('href="{{__unsubscribeUrl}}"');
    expect(compiled?.html).toMatch(/^<!doctype html>/i);
  });

  it('keeps its code under 500 KB without mjml, and starts with the bundled config', () => {
    // The code; churnguard.json beside it (config and compiled HTML, ~125 KB) is data parsed once as JSON.
    const code = join(asset, 'index.mjs');
    expect(statSync(code).size).toBeLessThan(500 * 1024);
    expect(readFileSync(code, 'utf8')).not.toContain('mjml-core');
    // Cold start in a fresh Node process: module init reads and validates the bundle, no AWS call is made.
    const script = `await import(${JSON.stringify(pathToFileURL(code).href)}); process.stdout.write('loaded');`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: asset,
      env: { ...process.env, ...variables, AWS_REGION: 'eu-west-1', LAMBDA_TASK_ROOT: asset },
      encoding: 'utf8',
    });
    expect(out).toBe('loaded');
  });
});
