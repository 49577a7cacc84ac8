import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/routes';
import { PAGE_ROUTES } from '#infra/constructs/http-api';
import { ChurnGuardStack } from '#infra/stack';

function synth(stage: string, withNag = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ChurnGuardStack(app, `test-${stage}`, { churnguard: { stage } });
  if (withNag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}

describe('ChurnGuard stack', () => {
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(synth('dev').stack);
  });

  it('keeps the table recoverable: point-in-time recovery and encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('expires raw signals by Time To Live on the attribute the store writes', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('scores health on a schedule: the dirty pass every 15 minutes, the daily pass at 05:00 UTC', () => {
    const [fnId] = Object.entries(template.findResources('AWS::Lambda::Function')).find(
      ([, fn]) =>
        fn.Properties.Description === 'Scores accounts with new signals, and every account once a day',
    ) ?? [undefined];
    expect(fnId).toBeDefined();
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .map((schedule) => schedule.Properties)
      .filter((props) => JSON.stringify(props.Target.Arn).includes(fnId as string))
      .map((props) => [props.ScheduleExpression, JSON.parse(props.Target.Input)]);
    expect(schedules.sort()).toEqual([
      ['cron(0 5 * * ? *)', { pass: 'daily' }],
      ['rate(15 minutes)', { pass: 'dirty' }],
    ]);
  });

  it('keeps the data on teardown by default, whatever the stage is called', () => {
    const kept = ['AWS::DynamoDB::GlobalTable', 'AWS::SecretsManager::Secret', 'AWS::KMS::Key'];
    const email = { sender: { domain: 'mail.vendor.example' } };
    for (const stage of ['prod', 'production', 'dev']) {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const found = Template.fromStack(
        new ChurnGuardStack(app, `keep-${stage}`, { churnguard: { stage, ...email } }),
      );
      for (const type of [...kept, 'AWS::SES::ContactList', 'AWS::SES::EmailIdentity']) {
        found.hasResource(type, { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
      found.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
      });
    }
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const disposable = Template.fromStack(
      new ChurnGuardStack(app, 'disposable', { churnguard: { stage: 'dev', retainData: false, ...email } }),
    );
    for (const type of [...kept, 'AWS::SES::ContactList', 'AWS::SES::EmailIdentity']) {
      disposable.hasResource(type, { DeletionPolicy: 'Delete' });
    }
    disposable.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
  });

  it('runs every function on arm64 and Node 24 with tracing and a bounded log retention', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).length).toBeGreaterThanOrEqual(3);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.every((g) => typeof g.Properties.RetentionInDays === 'number')).toBe(true);
  });

  it('routes every API route of functions/routes.ts, throttled and access-logged', () => {
    for (const route of ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
      });
    }
    expect(Object.keys(template.findResources('AWS::ApiGatewayV2::Route'))).toHaveLength(
      ROUTES.length + PAGE_ROUTES.length,
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
  });

  it('serves the page from the same HTTP API, by a function that may touch no table', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const [pageId, page] =
      Object.entries(functions).find(([, fn]) =>
        String(fn.Properties.Description).startsWith('Serves the page'),
      ) ?? [];
    expect(pageId).toBeDefined();
    const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
    const pageIntegration = Object.entries(integrations).find(([, i]) =>
      JSON.stringify(i.Properties.IntegrationUri).includes(String(pageId)),
    )?.[0];
    for (const path of PAGE_ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `GET ${path}`,
        Target: Match.objectLike({ 'Fn::Join': ['', ['integrations/', { Ref: pageIntegration }]] }),
      });
    }
    const role = page?.Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role),
    );
    expect(JSON.stringify(policies)).not.toContain('dynamodb:');
    expect(JSON.stringify(policies)).not.toContain('secretsmanager:');
  });

  it('lets only the functions that store signals or upsert accounts insert with PartiQL, only those that store signals or run health passes update with it, and only those that run health passes delete with it, on the table alone', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    /** The roles whose policies allow `action`, sorted. */
    const rolesAllowed = (action: string) =>
      policies
        .filter((policy) => JSON.stringify(policy.Properties.PolicyDocument).includes(action))
        .flatMap((policy) => policy.Properties.Roles.map((role: { Ref: string }) => role.Ref))
        .sort();
    const roleOf = (pattern: RegExp) => {
      const [, fn] = Object.entries(functions).find(([id]) => pattern.test(id)) ?? [];
      return fn?.Properties.Role['Fn::GetAtt'][0];
    };
    const ingest = [roleOf(/signalsFunction/), roleOf(/webhooksFunction/), roleOf(/signalQueueFunction/)];
    const passes = [roleOf(/Healthhealthpass/), roleOf(/portfolioFunction/)];
    expect(rolesAllowed('dynamodb:PartiQLInsert')).toEqual([...ingest, roleOf(/accountsFunction/)].sort());
    expect(rolesAllowed('dynamodb:PartiQLUpdate')).toEqual([...ingest, ...passes].sort());
    expect(rolesAllowed('dynamodb:PartiQLDelete')).toEqual([...passes].sort());
    for (const policy of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if (JSON.stringify(statement.Action).includes('PartiQL')) {
          expect(statement.Effect).toBe('Allow');
          expect(['dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete']).toContain(
            statement.Action,
          );
        }
      }
    }
  });

  it('feeds queued signals to a consumer with partial batch responses and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
  });

  it('keeps webhook secrets in one Secrets Manager secret that only the webhooks function may read', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(1);
    const [secretId] = Object.keys(secrets);
    const functions = template.findResources('AWS::Lambda::Function');
    const readers = Object.entries(functions).filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.WEBHOOK_SECRETS_ARN !== undefined,
    );
    expect(readers).toHaveLength(1);
    const [readerId, reader] = readers[0] ?? [];
    expect(readerId).toMatch(/webhooksFunction/);
    expect(reader?.Properties.Environment.Variables.WEBHOOK_SECRETS_ARN).toEqual({ Ref: secretId });
    // The Parameters and Secrets extension serves the secret to the function on localhost.
    expect(reader?.Properties.Layers).toHaveLength(1);

    const grants = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('secretsmanager:'),
    );
    expect(grants).toHaveLength(1);
    const roleOfReader = reader?.Properties.Role['Fn::GetAtt'][0];
    expect(grants[0]?.Properties.Roles).toEqual([{ Ref: roleOfReader }]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleOfReader }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['secretsmanager:GetSecretValue']),
            Effect: 'Allow',
            Resource: { Ref: secretId },
          }),
        ]),
      },
    });
  });

  it('passes a connector mapping to the webhooks function, refusing a bad one at synth', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const connectors = { stripe: { customers: { cus_1: 'initech' } } };
    const stack = new ChurnGuardStack(app, 'test-connectors', { churnguard: { stage: 'dev', connectors } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ CHURNGUARD_CONNECTORS: Match.stringLikeRegexp('cus_1') }),
      },
    });
    expect(
      () =>
        new ChurnGuardStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'test-bad-connectors', {
          churnguard: { stage: 'dev', connectors: { stripe: { metadataKey: '' } } },
        }),
    ).toThrow(/metadataKey/);
  });

  it('grants functions access through grants, not managed policies', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('passes cdk-nag AwsSolutions and Serverless with every finding acknowledged for a reason', () => {
    const { app } = synth('prod', true);
    expect(() => app.synth()).not.toThrow();
  });
});
