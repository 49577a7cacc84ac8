import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { ChurnGuardStack } from '#infra/stack';
import {
  ACCOUNT,
  arnOf,
  type CfnTemplate,
  decide,
  logicalId,
  policiesOfConstruct,
  REGION,
} from './support/iam.ts';

/**
 * Slack and Teams webhook URLs are secrets (issue 17): one Secrets Manager secret, made only when the config names
 * destinations, read only by the two functions that post (the executor and the scheduled mail), and cdk-nag clean.
 */

const channels = {
  destinations: { 'cs-emea': { kind: 'slack' as const }, 'cs-leads': { kind: 'teams' as const } },
  routes: [{ to: 'cs-emea', region: 'EMEA' }],
};

function synth(withChannels: boolean, withNag = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ChurnGuardStack(app, withChannels ? 'chat-prod' : 'plain-prod', {
    env: { account: ACCOUNT, region: REGION },
    churnguard: {
      stage: 'prod',
      sender: { domain: 'mail.vendor.example' },
      alarmEmail: 'ops@vendor.example',
      ...(withChannels ? { config: { ...defaultConfig, channels } } : {}),
    },
  });
  if (withNag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}

describe('the Slack and Teams webhook secret', () => {
  let stack: ChurnGuardStack;
  let template: CfnTemplate;
  beforeAll(() => {
    stack = synth(true).stack;
    template = Template.fromStack(stack).toJSON() as CfnTemplate;
  });

  it('is one secret, created empty, whose ARN only the posting functions are given', () => {
    const secret = stack.churnguard.chatWebhooks?.secret;
    expect(secret).toBeDefined();
    const resource = template.Resources[secret ? logicalId(secret) : ''];
    expect(resource?.Properties?.SecretString).toBe('{}');
    expect(String(resource?.Properties?.Description)).toContain('cs-emea, cs-leads');
    const withArn = Object.entries(stack.churnguard.functions)
      .filter(([, fn]) => {
        const props = template.Resources[logicalId(fn)]?.Properties;
        return JSON.stringify(props?.Environment ?? {}).includes('CHAT_WEBHOOKS_ARN');
      })
      .map(([name]) => name)
      .sort();
    expect(withArn).toEqual(['digest', 'effects']);
  });

  it('can be read by the executor and the scheduled mail, and by no other function', async () => {
    const secret = stack.churnguard.chatWebhooks?.secret;
    const read = {
      action: 'secretsmanager:GetSecretValue',
      resource: arnOf('secretsmanager', `secret:${secret ? logicalId(secret) : 'none'}-AbCdEf`),
    };
    const other = { ...read, resource: arnOf('secretsmanager', 'secret:someone-elses-AbCdEf') };
    for (const [name, fn] of Object.entries(stack.churnguard.functions)) {
      const policies = policiesOfConstruct(template, fn);
      const posts = name === 'effects' || name === 'digest';
      expect(await decide(policies, read), name).toBe(posts ? 'Allowed' : 'ImplicitlyDenied');
      expect(await decide(policies, other), name).not.toBe('Allowed');
      expect(await decide(policies, { ...read, action: 'secretsmanager:PutSecretValue' }), name).not.toBe(
        'Allowed',
      );
    }
  });

  it('is not made without destinations, and no function is given one', () => {
    const plain = synth(false).stack;
    const json = JSON.stringify(Template.fromStack(plain).toJSON());
    expect(plain.churnguard.chatWebhooks).toBeUndefined();
    expect(json).not.toContain('CHAT_WEBHOOKS_ARN');
  });

  it('passes cdk-nag (AwsSolutions and Serverless) with it', () => {
    const { app } = synth(true, true);
    expect(() => app.synth()).not.toThrow();
  });
});
