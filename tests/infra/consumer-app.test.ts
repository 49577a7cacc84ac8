import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { PAGE_FUNCTION_DESCRIPTION } from '#functions/shared/page-files';
import { ChurnGuard } from '#infra/churnguard';
import { nagArn } from '#infra/nag';

/**
 * An admin's own CDK app: their stack, their naming, churnguard placed inside it next to their own resources,
 * with only the construct imported (not the project's app or stack).
 */
function adminApp(options: { bundle?: string } = {}) {
  const app = options.bundle
    ? new App({ outdir: options.bundle })
    : new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'AdminPlatform', { env: { account: '111122223333', region: 'eu-west-1' } });
  const churnguard = new ChurnGuard(stack, 'CustomerSuccess', {
    stage: 'prod',
    alarmEmail: 'cs-ops@vendor.example',
    sender: { domain: 'mail.vendor.example', fromAddress: 'success@mail.vendor.example' },
    subscriptions: {
      topics: [
        {
          name: 'product-news',
          displayName: 'Product news',
          description: 'Releases',
          defaultSubscriptionStatus: 'OPT_OUT',
        },
      ],
      // Their own topics replace churnguard's, so they say which one journey emails are sent under.
      journeyTopics: {
        congratulate: 'product-news',
        escalate: 'product-news',
        renewal_notice: 'product-news',
        outreach: 'product-news',
        invitation: 'product-news',
        nudge: 'product-news',
        tip: 'product-news',
      },
    },
    throttle: { rateLimit: 50, burstLimit: 100 },
  });
  // The admin's own analytics role reads the table through a grant, the way their other resources would.
  const analytics = new Role(stack, 'AnalyticsRole', {
    assumedBy: new ServicePrincipal('glue.amazonaws.com'),
  });
  churnguard.table.grantReadData(analytics);
  return { app, stack, churnguard };
}

describe('a separate CDK app that imports the ChurnGuard construct', () => {
  it('synthesizes with churnguard inside the admin stack, wired to their own resources', () => {
    const { app, stack, churnguard } = adminApp();
    const assembly = app.synth();
    const artifact = assembly.getStackByName('AdminPlatform');
    expect(artifact.environment).toMatchObject({ account: '111122223333', region: 'eu-west-1' });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    template.hasResourceProperties('AWS::SES::ContactList', {
      Topics: [Match.objectLike({ TopicName: 'product-news', DefaultSubscriptionStatus: 'OPT_OUT' })],
    });
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.vendor.example' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ JOURNEY_TOPICS: Match.stringLikeRegexp('"nudge":"product-news"') }),
      },
    });
    expect(churnguard.email.fromAddress).toBe('success@mail.vendor.example');
    const analyticsPolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('AnalyticsRole'),
    );
    expect(analyticsPolicies).toHaveLength(1);
    const granted = JSON.stringify(analyticsPolicies[0]?.Properties.PolicyDocument);
    expect(granted).toContain('dynamodb:Query');
    expect(granted).not.toContain('dynamodb:PutItem');
    // Every churnguard resource lives under the admin's construct id.
    const ids = Object.keys(template.toJSON().Resources as object).filter((id) => id !== 'AnalyticsRole');
    expect(ids.filter((id) => !id.startsWith('CustomerSuccess') && !id.startsWith('AnalyticsRole'))).toEqual(
      [],
    );
  });

  it("passes cdk-nag AwsSolutions and Serverless inside the admin's app", () => {
    const { app } = adminApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('bundles every function of the construct from the admin app, each with the config beside its code', () => {
    // Real bundling, as `cdk synth` in the admin's project runs it (esbuild and the config hook, no Docker).
    const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
    mkdirSync(cache, { recursive: true });
    const outdir = mkdtempSync(join(cache, 'churnguard-consumer-'));
    try {
      const { app, stack } = adminApp({ bundle: outdir });
      const assembly = app.synth();
      const all = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
      const assetOf = (fn: (typeof all)[number]) =>
        join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
      // The page function carries the page's files instead of a config.
      const page = all.find((fn) => fn.Properties.Description === PAGE_FUNCTION_DESCRIPTION);
      if (!page) throw new Error('no page function');
      for (const file of ['index.html', 'style.css', 'app.js'])
        expect(existsSync(join(assetOf(page), 'page', file)), file).toBe(true);
      const functions = all.filter((fn) => fn !== page);
      expect(functions.length).toBeGreaterThanOrEqual(15);
      for (const fn of functions) {
        const asset = assetOf(fn);
        expect(statSync(join(asset, 'index.mjs')).size, fn.Properties.Description).toBeGreaterThan(10_000);
        expect(existsSync(join(asset, 'churnguard.json')), fn.Properties.Description).toBe(true);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 300_000);

  it('names ARNs in nag finding ids the way cdk-nag does, with or without a stack environment', () => {
    const app = new App();
    const pinned = new Stack(app, 'Pinned', { env: { account: '111122223333', region: 'eu-west-1' } });
    const agnostic = new Stack(app, 'Agnostic');
    expect(nagArn(pinned, 'ses', 'identity/*')).toBe(
      'arn:<AWS::Partition>:ses:eu-west-1:111122223333:identity/*',
    );
    expect(nagArn(agnostic, 'ses', 'identity/*')).toBe(
      'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*',
    );
  });
});
