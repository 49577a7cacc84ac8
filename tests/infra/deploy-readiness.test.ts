import { runSimulation } from '@cloud-copilot/iam-simulate';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { PAGE_FUNCTION_DESCRIPTION } from '#functions/shared/page-files';
import { withPublicBaseUrl } from '#functions/shared/runtime';
import type { ChurnGuardProps } from '#infra/churnguard';
import { ChurnGuardStack } from '#infra/stack';
import { ACCOUNT, type CfnTemplate, REGION, resolve } from './support/iam.ts';

/** What a first deploy into a real account needs that no local run would show. */

function synth(props: Partial<ChurnGuardProps> = {}, id = 'ready') {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ChurnGuardStack(app, id, {
    env: { account: ACCOUNT, region: REGION },
    churnguard: { stage: 'prod', alarmEmail: 'ops@vendor.example', ...props },
  });
  return { stack, template: Template.fromStack(stack) };
}

const alarms = (template: Template) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

describe('unsubscribe links point at the deployment', () => {
  it('gives every function the API’s own https URL by default, not the config’s loopback default', () => {
    const { template } = synth();
    const [apiId] = Object.keys(template.findResources('AWS::ApiGatewayV2::Api'));
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties.Description !== PAGE_FUNCTION_DESCRIPTION,
    );
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) {
      // The HTTP API's endpoint attribute is its https://<id>.execute-api.<region>.amazonaws.com URL.
      expect(fn.Properties.Environment.Variables.PUBLIC_BASE_URL, fn.Properties.Description).toEqual({
        'Fn::GetAtt': [apiId, 'ApiEndpoint'],
      });
    }
  });

  it('uses the custom domain when the API has one, and says where its DNS record must point', () => {
    const { template } = synth({
      domain: {
        name: 'cs.vendor.example',
        certificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/abc`,
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'cs.vendor.example' });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { DomainName: Match.anyValue() });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PUBLIC_BASE_URL: 'https://cs.vendor.example' }) },
    });
    expect(JSON.stringify(template.findOutputs('ApiDomainTarget'))).toContain('RegionalDomainName');
  });

  it('refuses a loopback publicBaseUrl in production, naming the fix', () => {
    expect(() => synth({ publicBaseUrl: 'http://127.0.0.1:3000' })).toThrow(
      /publicBaseUrl http:\/\/127\.0\.0\.1:3000 is a loopback address.*Leave publicBaseUrl unset .* custom domain .*production: false/,
    );
    const config = structuredClone(defaultConfig);
    config.messaging.publicBaseUrl = 'http://localhost:8080';
    expect(() => synth({ config })).toThrow(/publicBaseUrl http:\/\/localhost:8080 is a loopback address/);
  });

  it('refuses plain http in production, and either in a test stage only when it is not a URL', () => {
    expect(() => synth({ publicBaseUrl: 'http://cs.vendor.example' })).toThrow(/is not https/);
    expect(() =>
      synth({ publicBaseUrl: 'http://127.0.0.1:3000', production: false }, 'test-stage'),
    ).not.toThrow();
    expect(() => synth({ publicBaseUrl: 'cs.vendor.example', production: false }, 'bad')).toThrow(
      /is not a URL/,
    );
  });

  it('refuses two different choices rather than ignoring the config’s', () => {
    const config = structuredClone(defaultConfig);
    config.messaging.publicBaseUrl = 'https://links.vendor.example';
    expect(() => synth({ config, publicBaseUrl: 'https://cs.vendor.example' })).toThrow(/set one of them/);
    const { template } = synth({ config });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PUBLIC_BASE_URL: 'https://links.vendor.example' }) },
    });
  });

  it('makes the deployed function read the deployment’s URL over the config’s', () => {
    const config = withPublicBaseUrl(defaultConfig, 'https://abc123.execute-api.eu-west-1.amazonaws.com');
    expect(config?.messaging.publicBaseUrl).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com');
    expect(config?.messaging.from).toBe(defaultConfig.messaging.from);
    expect(withPublicBaseUrl(defaultConfig, undefined)).toBe(defaultConfig);
    expect(() => withPublicBaseUrl(undefined, 'https://cs.vendor.example')).toThrow(/no bundled config/);
  });
});

describe('alarms that reach someone', () => {
  let template: Template;
  beforeAll(() => {
    template = synth().template;
  });

  it('lets CloudWatch alarms of this account publish to the TLS-only alarm topic, and nobody else', async () => {
    const json = template.toJSON() as CfnTemplate;
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    const document = resolve(json, policy?.Properties.PolicyDocument) as never;
    const [topicId] = Object.keys(template.findResources('AWS::SNS::Topic'));
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:${topicId}`;
    const publish = async (principal: string, context: Record<string, string>) => {
      const response = await runSimulation(
        {
          identityPolicies: [],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: document,
          request: {
            action: 'sns:Publish',
            principal,
            resource: { accountId: ACCOUNT, resource: topic },
            contextVariables: context,
          },
        },
        {},
      );
      if (response.resultType === 'error') throw new Error(JSON.stringify(response.errors));
      return response.overallResult;
    };
    const alarm = {
      'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:Api5xx`,
      'aws:SourceAccount': ACCOUNT,
    };
    expect(await publish('cloudwatch.amazonaws.com', { ...alarm, 'aws:SecureTransport': 'true' })).toBe(
      'Allowed',
    );
    expect(await publish('cloudwatch.amazonaws.com', { ...alarm, 'aws:SecureTransport': 'false' })).toBe(
      'ExplicitlyDenied',
    );
    const foreign = {
      'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:999988887777:alarm:x`,
      'aws:SourceAccount': '999988887777',
    };
    expect(await publish('cloudwatch.amazonaws.com', { ...foreign, 'aws:SecureTransport': 'true' })).not.toBe(
      'Allowed',
    );
  });

  it('alarms on API 5xx, which the handlers answer without failing the invocation', () => {
    expect(alarms(template)).toContainEqual(
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
  });

  it('alarms when the dispatcher or the health pass did not run, missing data counting as not run', () => {
    const heartbeats = alarms(template).filter((a) => a.MetricName === 'Invocations');
    expect(heartbeats).toHaveLength(2);
    for (const alarm of heartbeats) {
      expect(alarm).toMatchObject({
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
      });
    }
    expect(heartbeats.map((a) => a.Period).sort((a, b) => a - b)).toEqual([900, 2700]);
  });

  it('alarms on the ingest queue’s age and on table throttling', () => {
    expect(alarms(template)).toContainEqual(
      expect.objectContaining({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 1800 }),
    );
    const throttles = alarms(template).find((a) =>
      JSON.stringify(a.Metrics ?? []).includes('WriteThrottleEvents'),
    );
    expect(throttles).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 3 });
  });

  it('alarms on one failed message in 5 minutes, and on throttled sending sustained for 15', () => {
    const byMetric = (name: string) =>
      alarms(template).find((a) => JSON.stringify(a.Metrics ?? []).includes(`SUM(${name})`));
    expect(byMetric('MessagesFailed')).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: [
        expect.objectContaining({
          Expression: 'SELECT SUM(MessagesFailed) FROM SCHEMA("churnguard", service)',
          Period: 300,
        }),
      ],
    });
    expect(byMetric('MessagesThrottled')).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });
});

describe('schedules and concurrency', () => {
  it('gives every schedule two retries within 15 minutes and a dead-letter queue, alarmed', () => {
    const { template } = synth();
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.length).toBeGreaterThanOrEqual(4);
    const dlqs = new Set<string>();
    for (const schedule of schedules) {
      expect(schedule.Properties.Target).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      });
      dlqs.add(schedule.Properties.Target.DeadLetterConfig.Arn['Fn::GetAtt'][0]);
    }
    for (const dlq of dlqs) {
      expect(JSON.stringify(alarms(template))).toContain(
        JSON.stringify({ 'Fn::GetAtt': [dlq, 'QueueName'] }),
      );
    }
  });

  it('runs each scheduled function once at a time, its failed invocations dead-lettered', () => {
    const { template } = synth();
    const scheduled = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined,
    );
    expect(scheduled.map(([, fn]) => fn.Properties.Description).sort()).toEqual([
      'Scores accounts with new signals, and every account once a day',
      'Sends the weekly regional risk review and the daily notice mails',
      'Starts a workflow execution for each due timer',
    ]);
    for (const [id, fn] of scheduled) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: id },
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      });
    }
    const unreserved = synth({ reserveConcurrency: false }, 'unreserved').template;
    expect(
      Object.values(unreserved.findResources('AWS::Lambda::Function')).filter(
        (fn) => fn.Properties.ReservedConcurrentExecutions !== undefined,
      ),
    ).toEqual([]);
  });

  it('caps the queue consumer’s concurrency', () => {
    synth().template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    synth({ ingestConcurrency: 20 }, 'wider').template.hasResourceProperties(
      'AWS::Lambda::EventSourceMapping',
      {
        ScalingConfig: { MaximumConcurrency: 20 },
      },
    );
  });
});

describe('what an admin reads after a deploy', () => {
  it('outputs the API URL, the table name and the queue URL', () => {
    const outputs = synth().template.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'TableName', 'IngestQueueUrl']));
  });
});
