import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '#config/default';
import type { ConfigInput } from '#config/schema';
import { fixedClock } from '#core/clock';
import { connectorMappingSchema } from '#core/connectors/mapping';
import { FUNCTIONS, ROUTES } from '#functions/routes';
import { PAGE_FUNCTION_DESCRIPTION } from '#functions/shared/page-files';
import { emptySecrets, staticSecrets } from '#functions/webhooks/settings';
import type { ChurnGuardProps } from '#infra/churnguard';
import { ChurnGuardStack } from '#infra/stack';
import { API_FUNCTIONS } from '#local/api-functions';
import { createTestDb, silentLogger } from '../support/db.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The one resource of this type whose property `key` is `value` (e.g. a function by its description). */
function resourceWith(template: Template, type: string, key: string, value: unknown) {
  const found = Object.entries(template.findResources(type)).filter(
    ([, r]) => JSON.stringify(r.Properties?.[key]) === JSON.stringify(value),
  );
  expect(found, `${type} with ${key} ${JSON.stringify(value)}`).toHaveLength(1);
  const [id, resource] = found[0] as [string, { Properties: Record<string, unknown> }];
  return { id, properties: resource.Properties };
}

/** Every IAM policy document attached to this role (given as the `{ 'Fn::GetAtt': [role, 'Arn'] }` a resource holds). */
function policyOfRole(template: Template, roleArn: unknown): string {
  const [roleId] = (roleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'];
  return JSON.stringify(
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(JSON.stringify({ Ref: roleId })))
      .map((p) => p.Properties.PolicyDocument),
  );
}

/** Every IAM policy document attached to the role of the function with this logical id. */
function policyOf(template: Template, functionId: string): string {
  return policyOfRole(template, template.findResources('AWS::Lambda::Function')[functionId]?.Properties.Role);
}

function synth(props: Partial<ChurnGuardProps> = {}, stage = 'dev') {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ChurnGuardStack(app, `test-${stage}`, { churnguard: { stage, ...props } });
  return { stack, template: Template.fromStack(stack) };
}

/** The one workflow function that sends (functions/effects). */
const EXECUTOR = 'Applies workflow effects exactly once; delivers reserved email';

const idsOf = (template: Template, type: string) => Object.keys(template.findResources(type));

/** The alarms whose metric (or one of whose expression's metrics) has this dimension value. */
function alarmsOn(template: Template, dimension: string, value: unknown): Resources[string][] {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resources[string][];
  const wanted = JSON.stringify({ Name: dimension, Value: value });
  return alarms.filter((alarm) => JSON.stringify(alarm.Properties).includes(wanted));
}

describe('ChurnGuard in production: observability, email and auth', () => {
  let template: Template;
  beforeAll(() => {
    template = synth(
      { alarmEmail: 'ops@vendor.example', sender: { domain: 'mail.vendor.example' } },
      'prod',
    ).template;
  });

  describe('alarms', () => {
    it('alarms on errors and throttles of every Lambda function', () => {
      const functions = idsOf(template, 'AWS::Lambda::Function');
      expect(functions.length).toBeGreaterThanOrEqual(Object.keys(FUNCTIONS).length + 4);
      for (const fn of functions) {
        const metrics = alarmsOn(template, 'FunctionName', { Ref: fn }).map((a) => a.Properties.MetricName);
        expect(metrics, fn).toEqual(expect.arrayContaining(['Errors', 'Throttles']));
      }
    });

    it('alarms as soon as one message rests in any dead-letter queue', () => {
      const queues = template.findResources('AWS::SQS::Queue');
      const dlqs = Object.values(queues).flatMap((q) => {
        const target = (q.Properties.RedrivePolicy as { deadLetterTargetArn?: { 'Fn::GetAtt': string[] } })
          ?.deadLetterTargetArn;
        return target ? [target['Fn::GetAtt'][0] as string] : [];
      });
      expect(dlqs.length).toBeGreaterThanOrEqual(1);
      for (const dlq of dlqs) {
        const alarms = alarmsOn(template, 'QueueName', { 'Fn::GetAtt': [dlq, 'QueueName'] });
        expect(
          alarms.map((a) => a.Properties),
          dlq,
        ).toEqual([
          expect.objectContaining({
            MetricName: 'ApproximateNumberOfMessagesVisible',
            Threshold: 1,
            ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          }),
        ]);
      }
    });

    it('alarms on failed, timed-out or aborted executions of every state machine', () => {
      const machines = idsOf(template, 'AWS::StepFunctions::StateMachine');
      expect(machines.length).toBeGreaterThanOrEqual(2);
      for (const machine of machines) {
        const [alarm] = alarmsOn(template, 'StateMachineArn', { Ref: machine });
        const names = JSON.stringify(alarm?.Properties.Metrics);
        for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
          expect(names, machine).toContain(metric);
        }
      }
    });

    it('warns at 80% of the SES review thresholds: 4% bounces, 0.08% complaints', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES',
        MetricName: 'Reputation.BounceRate',
        Threshold: 0.04,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SES',
        MetricName: 'Reputation.ComplaintRate',
        Threshold: 0.0008,
      });
    });

    it('sends every alarm to one encrypted, TLS-only topic with the alarm email subscribed', () => {
      const [topic] = idsOf(template, 'AWS::SNS::Topic');
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@vendor.example',
        TopicArn: { Ref: topic },
      });
    });

    it('draws one dashboard with functions, queues, workflows and SES reputation', () => {
      const dashboards = template.findResources('AWS::CloudWatch::Dashboard');
      expect(Object.keys(dashboards)).toHaveLength(1);
      const body = JSON.stringify(Object.values(dashboards)[0]?.Properties.DashboardBody);
      for (const metric of [
        'Errors',
        'Throttles',
        'ApproximateNumberOfMessagesVisible',
        'ExecutionsFailed',
        'Reputation.BounceRate',
        'Reputation.ComplaintRate',
        '5xx',
      ]) {
        expect(body).toContain(metric);
      }
    });
  });

  describe('email', () => {
    it('sends through a configuration set with reputation metrics, TLS and bounce/complaint suppression', () => {
      template.hasResourceProperties('AWS::SES::ConfigurationSet', {
        ReputationOptions: { ReputationMetricsEnabled: true },
        DeliveryOptions: Match.objectLike({ TlsPolicy: 'REQUIRE' }),
        SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      });
      const [configurationSet] = idsOf(template, 'AWS::SES::ConfigurationSet');
      template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        ConfigurationSetName: { Ref: configurationSet },
        EventDestination: Match.objectLike({
          Enabled: true,
          MatchingEventTypes: Match.arrayWith(['bounce', 'complaint', 'subscription']),
          EventBridgeDestination: { EventBusArn: Match.anyValue() },
        }),
      });
    });

    it('verifies the sender domain with 2048-bit Easy DKIM, sending through the configuration set', () => {
      const [configurationSet] = idsOf(template, 'AWS::SES::ConfigurationSet');
      template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: 'mail.vendor.example',
        DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: configurationSet } },
      });
    });

    it('sends every workflow email from the executor, as the sender, through the configuration set, under a contact-list topic', () => {
      const [configurationSet] = idsOf(template, 'AWS::SES::ConfigurationSet');
      const [contactList] = idsOf(template, 'AWS::SES::ContactList');
      const effects = resourceWith(template, 'AWS::Lambda::Function', 'Description', EXECUTOR);
      const variables = (effects.properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toMatchObject({
        SENDER_EMAIL: 'customer-success@mail.vendor.example',
        SES_CONFIGURATION_SET: { Ref: configurationSet },
        SES_CONTACT_LIST: { Ref: contactList },
      });
      // The topic of each email by play kind (the email props' mapping).
      expect(JSON.parse(String(variables.JOURNEY_TOPICS ?? '{}'))).toEqual({
        congratulate: 'milestones',
        escalate: 'milestones',
        renewal_notice: 'milestones',
        outreach: 'milestones',
        invitation: 'milestones',
        nudge: 'nudges',
        tip: 'nudges',
      });
      // No state machine sends: each invokes its Evaluate step and the executor.
      for (const machine of Object.values(template.findResources('AWS::StepFunctions::StateMachine')))
        expect(policyOfRole(template, machine.Properties.RoleArn)).not.toContain('ses:');
    });

    it('gives the functions that mail the sender and the configuration set, and SendEmail on those only', () => {
      const [configurationSet] = idsOf(template, 'AWS::SES::ConfigurationSet');
      const mailing = [EXECUTOR, 'Sends the weekly regional risk review and the daily notice mails'];
      for (const description of mailing) {
        const fn = resourceWith(template, 'AWS::Lambda::Function', 'Description', description);
        expect(fn.properties.Environment, description).toMatchObject({
          Variables: {
            SENDER_EMAIL: 'customer-success@mail.vendor.example',
            SES_CONFIGURATION_SET: { Ref: configurationSet },
          },
        });
        const policy = policyOf(template, fn.id);
        expect(policy, description).toContain('ses:SendEmail');
        expect(policy, description).toContain(':identity/mail.vendor.example');
        expect(policy, description).toContain(JSON.stringify({ Ref: configurationSet }));
        expect(policy, description).not.toContain('identity/*');
      }
      for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
        if (mailing.includes(String(fn.Properties.Description))) continue;
        expect(policyOf(template, id), String(fn.Properties.Description)).not.toContain('ses:SendEmail');
      }
    });

    it('feeds bounces, complaints and contact-list unsubscribes of the configuration set to restraint, dead-lettering what fails', () => {
      const [configurationSet] = idsOf(template, 'AWS::SES::ConfigurationSet');
      const sesEvents = resourceWith(
        template,
        'AWS::Lambda::Function',
        'Description',
        'Suppresses bounced and complaining recipients and records contact-list unsubscribes',
      );
      const deadLetters = (sesEvents.properties.DeadLetterConfig as { TargetArn: { 'Fn::GetAtt': string[] } })
        .TargetArn['Fn::GetAtt'][0];
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.ses'],
          'detail-type': ['Email Bounced', 'Email Complaint Received', 'Email Subscribed'],
          detail: { mail: { tags: { 'ses:configuration-set': [{ Ref: configurationSet }] } } },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [sesEvents.id, 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters, 'Arn'] } },
            RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 8 }),
          }),
        ],
      });
      expect(alarmsOn(template, 'QueueName', { 'Fn::GetAtt': [deadLetters, 'QueueName'] })).toHaveLength(1);
      // It writes suppression items and reads nothing.
      const policy = policyOf(template, sesEvents.id);
      expect(policy).toContain('dynamodb:PutItem');
      expect(policy).not.toContain('dynamodb:Query');
      expect(policy).not.toContain('dynamodb:GetItem');
    });

    it('refuses a journey topic that is not in the contact list', () => {
      expect(() => synth({ subscriptions: { journeyTopics: { tip: 'newsletter' } } })).toThrow(
        /journeyTopics.tip is "newsletter", which is not a topic of the contact list/,
      );
    });

    it("names the sender by the config's brand in the From of every email, on the same verified identity", () => {
      const branded = synth({
        sender: { domain: 'mail.vendor.example' },
        config: { ...defaultConfig, brand: { senderName: 'Beacon Customer Success' } },
      }).template;
      const from = '"Beacon Customer Success" <customer-success@mail.vendor.example>';
      for (const description of [
        EXECUTOR,
        'Sends the weekly regional risk review and the daily notice mails',
      ]) {
        const fn = resourceWith(branded, 'AWS::Lambda::Function', 'Description', description);
        expect(fn.properties.Environment, description).toMatchObject({ Variables: { SENDER_EMAIL: from } });
        expect(policyOf(branded, fn.id), description).toContain(':identity/mail.vendor.example');
      }
    });

    it('refuses a From address off the sender domain', () => {
      expect(() =>
        synth({ sender: { domain: 'mail.vendor.example', fromAddress: 'cs@other.example' } }),
      ).toThrow(/must be an address on mail.vendor.example/);
    });

    it('keeps subscriptions in an SES contact list with a topic per kind of email', () => {
      template.hasResourceProperties('AWS::SES::ContactList', {
        Topics: Match.arrayWith(
          ['milestones', 'nudges', 'reviews'].map((name) =>
            Match.objectLike({ TopicName: name, DefaultSubscriptionStatus: 'OPT_IN' }),
          ),
        ),
      });
      const secondStage = synth({ subscriptions: { contactList: false } }).template;
      secondStage.resourceCountIs('AWS::SES::ContactList', 0);
      // Without a sender, nothing is verified, but the configuration set and its alarms still exist.
      secondStage.resourceCountIs('AWS::SES::EmailIdentity', 0);
      secondStage.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    });
  });

  describe('configuration', () => {
    it('points every function at the config bundled beside its code', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter(
        (fn) => fn.Properties.Description !== PAGE_FUNCTION_DESCRIPTION,
      );
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions) {
        expect(fn.Properties.Environment.Variables.CHURNGUARD_CONFIG_FILE, fn.Properties.Description).toBe(
          'churnguard.json',
        );
      }
    });

    it('refuses an invalid playbook config at synth, naming the path', () => {
      expect(() =>
        synth({ config: { ...defaultConfig, schemaVersion: 2 } as unknown as ConfigInput }),
      ).toThrow(/ChurnGuard config is invalid: .*schemaVersion/);
    });
  });

  describe('auth', () => {
    it('puts no gateway authorizer in front of the routes: each route goes to its own function', () => {
      const functions = template.findResources('AWS::Lambda::Function');
      const integrations = template.findResources('AWS::ApiGatewayV2::Integration');
      for (const route of ROUTES) {
        const [found] = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).filter(
          (r) => r.Properties.RouteKey === `${route.method} ${route.path}`,
        );
        expect(found?.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
        const target = JSON.stringify(found?.Properties.Target);
        const integrationId = Object.keys(integrations).find((id) => target.includes(id));
        const uri = JSON.stringify(integrations[integrationId ?? '']?.Properties.IntegrationUri);
        const fnId = Object.keys(functions).find((id) => uri.includes(`"${id}"`));
        expect(functions[fnId ?? '']?.Properties.Description, `${route.method} ${route.path}`).toBe(
          FUNCTIONS[route.fn].description,
        );
      }
    });

    it('refuses every route without credentials: 401 without or with a wrong API key, 4xx for a forged signature', async () => {
      // Prepare: a real (empty) table, so that a route that skipped its check would answer 2xx, not fail.
      const deps = {
        db: await createTestDb(),
        clock: fixedClock('2026-06-01T12:00:00Z'),
        logger: silentLogger(),
        webhooks: {
          secrets: staticSecrets({ ...emptySecrets(), stripe: ['whsec_test'] }),
          mapping: connectorMappingSchema.parse({}),
        },
      };
      const request = (route: (typeof ROUTES)[number], authorization?: string) => {
        const params: Record<string, string> = {};
        const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
          params[name] = name === 'source' ? 'stripe' : name === 'id' ? 'acme' : 'forged-value';
          return params[name] as string;
        });
        return {
          version: '2.0',
          routeKey: `${route.method} ${route.path}`,
          rawPath: path,
          rawQueryString: '',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          pathParameters: params,
          body: '{}',
          isBase64Encoded: false,
          requestContext: { requestId: 'r1', http: { method: route.method, path } },
        } as unknown as APIGatewayProxyEventV2;
      };
      for (const route of ROUTES) {
        const handler = API_FUNCTIONS[route.fn](deps);
        const name = `${route.method} ${route.path}`;
        // Act
        const anonymous = await handler(request(route));
        const wrongKey = await handler(request(route, 'Bearer cg_not_a_key'));
        // Assess
        if ((route.auth ?? 'apiKey') === 'apiKey' && route.fn !== 'webhooks') {
          expect(anonymous.statusCode, name).toBe(401);
          expect(wrongKey.statusCode, name).toBe(401);
        } else {
          // Signed routes ignore API keys and refuse what their signature or token does not prove.
          expect(anonymous.statusCode, name).toBeGreaterThanOrEqual(400);
          expect(anonymous.statusCode, name).toBeLessThan(500);
          expect(wrongKey.statusCode, name).toBe(anonymous.statusCode);
        }
      }
    });
  });

  describe('functions and workflows', () => {
    it('traces and logs every state machine', () => {
      for (const machine of Object.values(template.findResources('AWS::StepFunctions::StateMachine'))) {
        expect(machine.Properties).toMatchObject({
          TracingConfiguration: { Enabled: true },
          LoggingConfiguration: { Level: 'ALL' },
        });
      }
    });

    it('bounds the retention of every log group, longer in prod', () => {
      const retentions = Object.values(template.findResources('AWS::Logs::LogGroup')).map(
        (g) => g.Properties.RetentionInDays,
      );
      expect(retentions.length).toBeGreaterThan(0);
      expect(new Set(retentions)).toEqual(new Set([365]));
    });
  });
});
