import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultConfig } from '#config/default';
import { mjmlCompiler } from '#core/journeys/render';
import { unsubscribeToken } from '#core/journeys/unsubscribe-token';
import { createAccountsHandler } from '#functions/accounts/app';
import { createDigestHandler } from '#functions/digest/app';
import { dispatchDueTimers, type WorkflowStarter } from '#functions/dispatcher/app';
import { createEffectsHandler } from '#functions/effects/app';
import { createHealthPassHandler } from '#functions/health-pass/app';
import { createMessagingHandler } from '#functions/messaging/app';
import { createMilestoneJourneyHandler } from '#functions/milestone-journey/app';
import { createPortfolioHandler } from '#functions/portfolio/app';
import { createRenewalCheckpointHandler } from '#functions/renewal-checkpoint/app';
import { createReviewProgrammeHandler } from '#functions/review-programme/app';
import { createRiskEscalationHandler } from '#functions/risk-escalation/app';
import { createRisksHandler } from '#functions/risks/app';
import { createSesEventsHandler } from '#functions/ses-events/app';
import type { Mailer } from '#functions/shared/mailer';
import { createSignalQueueHandler } from '#functions/signal-queue/app';
import { createSignalsHandler } from '#functions/signals/app';
import { createUnsubscribeHandler } from '#functions/unsubscribe/app';
import { PARTITIONS, type TableUser } from '#infra/constructs/table-access';
import { ChurnGuardStack } from '#infra/stack';
import { VirtualClock } from '#local/virtual-clock';
import { deployedStateMachines, STATE_MACHINE_FOR } from '#local/workflow-engine';
import { createWorkflowRuntime } from '#local/workflows/runtime';
import { registerApiKey } from '#store/api-key-store';
import { createDb, type Db } from '#store/client';
import { dueTimers } from '#store/timer-store';
import { unsubscribeSecret } from '#store/unsubscribe-secret-store';
import { createTestDb, silentLogger } from '../support/db.ts';
import { account } from '../support/fixtures.ts';
import { httpEvent } from '../support/http.ts';
import { fixtureText, HUBSPOT_URL, sign, webhookClient, webhookDeps } from '../support/webhooks.ts';
import {
  ACCOUNT,
  type AwsCall,
  arnOf,
  type CfnTemplate,
  decide,
  logicalId,
  policiesOfConstruct,
  REGION,
} from './support/iam.ts';

/**
 * The other half of the IAM proof: each function's own code, run against DynamoDB Local through the real SDK with
 * every request recorded, and every recorded request then judged against that function's synthesized role. A
 * store change that reads or writes a partition the function's row in infra/constructs/table-access.ts does not
 * grant fails here, before a deploy would answer AccessDenied.
 */

type Recorded = { command: string; input: Record<string, unknown> };

/** A client on the same table that records every request it sends (low-level, marshalled input). */
function recordingDb(tableName: string, calls: Recorded[]): Db {
  return createDb(tableName, inject('dynamoEndpoint'), {}, (client: DynamoDBClient) => {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
        return next(args);
      },
      { step: 'build', name: 'recordForIamTest' },
    );
    return client;
  });
}

type Attribute = { S?: string };
type Item = Record<string, Attribute>;
const pkOf = (key: unknown) => (key as Item | undefined)?.pk?.S;

/** The IAM requests a DynamoDB request is authorized as, each with the partition keys it names. */
function asIamCalls(recorded: Recorded, table: string): AwsCall[] {
  const { command, input } = recorded;
  const action = command.replace(/Command$/, '');
  const call = (name: string, pks: (string | undefined)[]): AwsCall => ({
    action: `dynamodb:${name}`,
    resource: table,
    context: { 'dynamodb:LeadingKeys': [...new Set(pks.filter((pk): pk is string => pk !== undefined))] },
  });
  switch (action) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return [call(action, [pkOf(input.Key)])];
    case 'PutItem':
      return [call(action, [pkOf(input.Item)])];
    case 'Query': {
      const expression = String(input.KeyConditionExpression ?? '');
      const placeholder = /\bpk\s*=\s*(:\w+)/.exec(expression)?.[1] ?? '';
      const values = input.ExpressionAttributeValues as Record<string, Attribute>;
      return [call(action, [values[placeholder]?.S])];
    }
    case 'BatchGetItem':
      return [
        call(
          action,
          Object.values(input.RequestItems as Record<string, { Keys: Item[] }>).flatMap((r) =>
            r.Keys.map(pkOf),
          ),
        ),
      ];
    case 'BatchWriteItem':
      return [
        call(
          action,
          Object.values(input.RequestItems as Record<string, Record<string, { Item?: Item; Key?: Item }>[]>)
            .flat()
            .map((request) => pkOf(request.PutRequest?.Item ?? request.DeleteRequest?.Key)),
        ),
      ];
    case 'TransactWriteItems':
      return (input.TransactItems as Record<string, { Key?: Item; Item?: Item }>[]).flatMap((entry) =>
        Object.entries(entry).map(([kind, request]) =>
          call(
            {
              Put: 'PutItem',
              Update: 'UpdateItem',
              Delete: 'DeleteItem',
              ConditionCheck: 'ConditionCheckItem',
            }[kind] ?? kind,
            [pkOf(request.Key ?? request.Item)],
          ),
        ),
      );
    case 'BatchExecuteStatement':
      // Each statement is authorized on its own: INSERT as dynamodb:PartiQLInsert, UPDATE as
      // dynamodb:PartiQLUpdate, DELETE as dynamodb:PartiQLDelete, keyed by its item's pk.
      return (input.Statements as { Statement: string; Parameters: unknown[] }[]).map((statement) => {
        const insert = /^INSERT /.test(statement.Statement);
        const verb = /^(INSERT|UPDATE|DELETE) /.exec(statement.Statement)?.[1];
        if (!verb) throw new Error(`unexpected statement ${statement.Statement}`);
        // The pk's parameter: its position among the statement's parameters.
        const at = insert
          ? [...statement.Statement.matchAll(/'(\w+)': \?/g)].map((m) => m[1]).indexOf('pk')
          : (statement.Statement.split('"pk" = ?')[0]?.match(/\?/g) ?? []).length;
        const pk = statement.Parameters[at];
        const value = typeof pk === 'string' ? pk : (pk as Attribute | undefined)?.S;
        const action = { INSERT: 'PartiQLInsert', UPDATE: 'PartiQLUpdate', DELETE: 'PartiQLDelete' }[verb];
        return call(action ?? verb, [value]);
      });
    case 'TransactGetItems':
      return (input.TransactItems as { Get: { Key: Item } }[]).map((entry) =>
        call('GetItem', [pkOf(entry.Get.Key)]),
      );
    default:
      // Scan and table-level actions name no partition.
      return [{ action: `dynamodb:${action}`, resource: table }];
  }
}

const KEY = 'cg_iam_recording_test';
const START = '2026-06-01T08:00:00Z';
const RENEWAL = '2026-09-20';

describe('the calls each function makes are allowed by its own role', () => {
  const calls = {} as Record<TableUser, Recorded[]>;
  let base: Db;
  const clock = new VirtualClock(START);
  const dbOf = (fn: TableUser) => {
    calls[fn] ??= [];
    return recordingDb(base.tableName, calls[fn]);
  };
  const mailer: Mailer = { send: async () => 'message-id' };

  beforeAll(async () => {
    base = await createTestDb();
    await registerApiKey(base, KEY, 'recording test', clock.now());
    const auth = { authorization: `Bearer ${KEY}` };
    const deps = (fn: TableUser) => ({ db: dbOf(fn), clock, logger: silentLogger() });

    // The API, as a vendor's systems use it.
    const accounts = createAccountsHandler(deps('accounts'));
    const acme = account('acme', {
      goLiveDate: '2026-05-25',
      arr: 200_000,
      manager: { name: 'Morgan Lead', email: 'morgan@vendor.example' },
      contacts: [
        { id: 'ann', email: 'ann@acme.example', name: 'Ann', role: 'sponsor', timezone: 'Europe/Berlin' },
      ],
      contract: { startDate: '2025-09-20', renewalDate: RENEWAL, arr: 200_000 },
    });
    // A Core account whose mid-year review (1 July) is invited on 17 June: the review programme runs.
    const hooli = account('hooli', {
      segment: 'core',
      contacts: [
        { id: 'hal', email: 'hal@hooli.example', name: 'Hal', role: 'sponsor', timezone: 'Europe/Paris' },
      ],
      contract: { startDate: '2025-05-01', renewalDate: '2027-05-01', arr: 48_000 },
    });
    const upserted = await accounts(
      httpEvent('POST /v1/accounts', {
        headers: auth,
        body: JSON.stringify({
          accounts: [
            acme,
            account('initech'),
            // A HubSpot deal of globex's, learned as a lookup on upsert.
            { ...account('globex'), externalIds: [{ kind: 'hubspot_deal', id: '9001' }] },
            hooli,
          ],
        }),
      }),
    );
    expect(upserted.statusCode).toBe(200);
    const signals = createSignalsHandler(deps('signals'));
    const at = clock.now().toISOString();
    const ingested = await signals(
      httpEvent('POST /v1/signals', {
        headers: auth,
        body: JSON.stringify({
          signals: [
            { id: 's1', accountId: 'acme', type: 'sponsor_left', occurredAt: at },
            {
              id: 's2',
              accountId: 'acme',
              type: 'contract_change_requested',
              occurredAt: at,
              attributes: { direction: 'reduce' },
            },
            {
              id: 's3',
              accountId: 'acme',
              type: 'ticket_opened',
              occurredAt: at,
              attributes: { ticketId: 't1' },
            },
            {
              id: 's4',
              accountId: 'globex',
              type: 'renewal_outcome',
              occurredAt: at,
              attributes: { outcome: 'renewed' },
            },
          ],
        }),
      }),
    );
    expect(ingested.statusCode).toBe(202);
    expect(
      (await accounts(httpEvent('GET /v1/accounts/{id}', { headers: auth, pathParameters: { id: 'acme' } })))
        .statusCode,
    ).toBe(200);
    expect(
      (await createPortfolioHandler(deps('portfolio'))(httpEvent('GET /v1/portfolio', { headers: auth })))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await accounts(
          httpEvent('GET /v1/accounts/{id}/history', { headers: auth, pathParameters: { id: 'acme' } }),
        )
      ).statusCode,
    ).toBe(200);
    // The renewal desk, retention and open risks read the registry, profiles, contract history and the risk index;
    // the stack-rank the registry and profiles; automation the send and not-sent ledgers in account partitions.
    const portfolio = createPortfolioHandler(deps('portfolio'));
    for (const route of [
      'GET /v1/renewals',
      'GET /v1/retention',
      'GET /v1/risks',
      'GET /v1/stack-rank',
      'GET /v1/automation',
    ])
      expect((await portfolio(httpEvent(route, { headers: auth }))).statusCode, route).toBe(200);
    const call = await portfolio(
      httpEvent('POST /v1/renewals/{id}/call', {
        headers: auth,
        pathParameters: { id: 'acme' },
        body: JSON.stringify({ category: 'commit', by: 'Casey' }),
      }),
    );
    expect(call.statusCode).toBe(200);

    // Queued signals: one good message, one record refused inside it.
    const queue = createSignalQueueHandler(deps('signalQueue'));
    const message = (body: unknown, messageId: string) => ({
      messageId,
      receiptHandle: messageId,
      body: JSON.stringify(body),
      attributes: {},
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:ingest',
      awsRegion: 'eu-west-1',
    });
    await queue({
      Records: [
        message(
          {
            signals: [
              { id: 'q1', accountId: 'initech', type: 'login', occurredAt: at, userId: 'u1' },
              { id: 'q2', accountId: 'initech', type: 'nps', occurredAt: at, value: 11 },
            ],
          },
          'm1',
        ),
      ],
    } as never);

    // Vendor webhooks: a Stripe contract change for a known account, a Segment call for an unknown user.
    const post = webhookClient(
      webhookDeps(
        dbOf('webhooks'),
        {
          hubspot: {
            webhookUrl: HUBSPOT_URL,
            companies: { '7001': 'globex' },
            owners: { '31337': { name: 'Dana Park', email: 'dana@vendor.example' } },
          },
        },
        clock,
      ),
    );
    const stripe = fixtureText('stripe-subscription-updated.json');
    expect((await post('stripe', stripe, sign.stripe(stripe, clock.now()))).status).toBe(200);
    const segment = fixtureText('segment-track.json');
    expect((await post('segment', segment, sign.segment(segment))).status).toBeLessThan(300);
    // A HubSpot deal's new close date (the deal found through its lookup), and a PostHog event for acme.
    const hubspot = JSON.stringify([
      {
        eventId: 1,
        subscriptionType: 'deal.propertyChange',
        occurredAt: clock.now().getTime(),
        objectId: 9001,
        propertyName: 'closedate',
        propertyValue: '2027-05-31',
      },
    ]);
    const hubspotAnswer = await post('hubspot', hubspot, sign.hubspot(hubspot, clock.now()));
    expect(hubspotAnswer.outcome().contracts.applied).toBe(1);
    // The company renamed (a profile change through the account upsert), then its renewal deal lost (an outcome).
    const companyAndLost = JSON.stringify([
      {
        eventId: 2,
        subscriptionType: 'company.propertyChange',
        occurredAt: clock.now().getTime(),
        objectId: 7001,
        propertyName: 'name',
        propertyValue: 'Globex Corporation',
      },
      {
        eventId: 3,
        subscriptionType: 'deal.propertyChange',
        occurredAt: clock.now().getTime(),
        objectId: 9001,
        propertyName: 'dealstage',
        propertyValue: 'closedlost',
      },
    ]);
    const lostAnswer = await post('hubspot', companyAndLost, sign.hubspot(companyAndLost, clock.now()));
    expect(lostAnswer.outcome()).toMatchObject({
      accepted: 1,
      profiles: { applied: 1 },
      contracts: { applied: 2 },
    });
    // A HubSpot contact held until its company arrives, then placed on the company's account.
    const contactEvent = (eventId: number, propertyName: string, propertyValue: string) => ({
      eventId,
      subscriptionType: 'contact.propertyChange',
      occurredAt: clock.now().getTime(),
      objectId: 801,
      propertyName,
      propertyValue,
    });
    const heldContact = JSON.stringify([contactEvent(4, 'email', 'nora@globex.example')]);
    expect(
      (await post('hubspot', heldContact, sign.hubspot(heldContact, clock.now()))).outcome().held,
    ).toMatchObject({ applied: 1 });
    const placedContact = JSON.stringify([contactEvent(5, 'associatedcompanyid', '7001')]);
    expect(
      (await post('hubspot', placedContact, sign.hubspot(placedContact, clock.now()))).outcome(),
    ).toMatchObject({ held: { applied: 1 }, waitingContacts: [] });
    // A company created in HubSpot with its renewal deal: an account made as POST /v1/accounts makes one.
    const newCompany = (eventId: number, propertyName: string, propertyValue: string) => ({
      eventId,
      subscriptionType: 'company.propertyChange',
      occurredAt: clock.now().getTime(),
      objectId: 7002,
      propertyName,
      propertyValue,
    });
    const created = JSON.stringify([
      newCompany(6, 'name', 'Hooli'),
      newCompany(7, 'churnguard_region', 'EMEA'),
      newCompany(8, 'hubspot_owner_id', '31337'),
      {
        eventId: 9,
        subscriptionType: 'deal.associationChange',
        occurredAt: clock.now().getTime(),
        associationType: 'DEAL_TO_COMPANY',
        fromObjectId: 9002,
        toObjectId: 7002,
        associationRemoved: false,
      },
      {
        ...newCompany(10, 'closedate', '2027-06-30'),
        subscriptionType: 'deal.propertyChange',
        objectId: 9002,
      },
      { ...newCompany(11, 'amount', '24000'), subscriptionType: 'deal.propertyChange', objectId: 9002 },
    ]);
    expect(
      (await post('hubspot', created, sign.hubspot(created, clock.now()))).outcome().accounts.created,
    ).toEqual(['7002']);
    const posthog = JSON.stringify({
      event: { uuid: 'ph-1', event: 'user_logged_in', distinct_id: 'u1', timestamp: at },
      groups: { company: { id: 'acme' } },
    });
    expect((await post('posthog', posthog, sign.posthog())).outcome().accepted).toBe(1);

    // SES feedback.
    await createSesEventsHandler(deps('sesEvents'))({
      source: 'aws.ses',
      time: at,
      detail: {
        eventType: 'Bounce',
        bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'gone@acme.example' }] },
        mail: { destination: ['gone@acme.example'] },
      },
    });

    // Health passes.
    const pass = createHealthPassHandler(deps('healthPass'));
    await pass({ pass: 'daily' });
    await pass({ pass: 'dirty' });

    // The workflows, each task with its own client, started by the dispatcher for every due timer.
    const runtime = createWorkflowRuntime({
      stateMachines: deployedStateMachines(),
      taskHandlers: {
        'renewal-checkpoint': createRenewalCheckpointHandler(deps('renewalCheckpoint')),
        'risk-escalation': createRiskEscalationHandler(deps('riskEscalation')),
        'milestone-journey': createMilestoneJourneyHandler(deps('milestoneJourney')),
        'review-programme': createReviewProgrammeHandler(deps('reviewProgramme')),
        effects: createEffectsHandler({
          ...deps('effects'),
          config: defaultConfig,
          mailer,
          compile: mjmlCompiler,
        }),
      },
      serviceIntegrations: { handlers: {} },
      clock,
    });
    const starter: WorkflowStarter = {
      async start(kind, name, input) {
        await runtime.startExecution(STATE_MACHINE_FOR[kind], name, input);
        return 'started';
      },
    };
    const dispatcher = dbOf('dispatcher');
    const until = new Date('2026-07-15T00:00:00Z');
    for (;;) {
      const [next] = await dueTimers(base, until, 1);
      if (!next) break;
      if (Date.parse(next.dueAt) > clock.now().getTime()) clock.set(next.dueAt);
      await dispatchDueTimers(dispatcher, starter, clock.now());
    }
    clock.set(until);
    const digest = createDigestHandler({ ...deps('digest'), mailer });
    await digest({ run: 'daily-notices' });
    await digest({ run: 'regional-digest' });

    // The API routes that read what the workflows wrote, and one-click unsubscribe.
    const risks = createRisksHandler(deps('risks'));
    await risks(
      httpEvent('GET /v1/accounts/{id}/timeline', { headers: auth, pathParameters: { id: 'acme' } }),
    );
    // The reviews due, and a review's outcome.
    const reviews = await createPortfolioHandler(deps('portfolio'))(
      httpEvent('GET /v1/reviews', { headers: auth }),
    );
    expect(reviews.statusCode).toBe(200);
    const held = await risks(
      httpEvent('POST /v1/accounts/{id}/reviews/{reviewId}', {
        headers: auth,
        pathParameters: { id: 'hooli', reviewId: 'cadence.mid_year.20260701' },
        body: JSON.stringify({ outcome: 'held', by: 'Casey' }),
      }),
    );
    expect(held.statusCode).toBe(200);
    const messaging = createMessagingHandler(deps('messaging'));
    await messaging(
      httpEvent('GET /v1/accounts/{id}/nudges', { headers: auth, pathParameters: { id: 'acme' } }),
    );
    await messaging(
      httpEvent('GET /v1/accounts/{id}/contacts/{contactId}/messages', {
        headers: auth,
        pathParameters: { id: 'acme', contactId: 'ann' },
      }),
    );
    const token = unsubscribeToken(await unsubscribeSecret(base), 'acme', 'ann');
    const unsubscribe = createUnsubscribeHandler(deps('unsubscribe'));
    for (const method of ['GET', 'POST']) {
      const response = await unsubscribe(
        httpEvent(`${method} /v1/unsubscribe/{token}`, { pathParameters: { token } }),
      );
      expect(response.statusCode).toBe(200);
    }
  }, 120_000);

  it('ran the code of every function of the construct', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new ChurnGuardStack(app, 'recorded', { churnguard: { stage: 'prod' } });
    const quiet = Object.keys(stack.churnguard.functions).filter(
      (fn) => (calls[fn as TableUser]?.length ?? 0) === 0,
    );
    expect(quiet).toEqual([]);
  });

  it('finds every recorded request allowed by the role of the function that made it', async () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new ChurnGuardStack(app, 'recorded', {
      env: { account: ACCOUNT, region: REGION },
      churnguard: { stage: 'prod', sender: { domain: 'mail.vendor.example' } },
    });
    const template = Template.fromStack(stack).toJSON() as CfnTemplate;
    const table = arnOf('dynamodb', `table/${logicalId(stack.churnguard.table)}`);
    // One request per action and kind of partition: every key matching the same pattern of PARTITIONS is judged
    // alike by the policies, which are built from those patterns.
    const kindOf = (pk: string) =>
      Object.values(PARTITIONS)
        .flat()
        .find((pattern) =>
          new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(pk),
        ) ?? pk;
    const judged: Promise<string | undefined>[] = [];
    for (const [fn, recorded] of Object.entries(calls) as [TableUser, Recorded[]][]) {
      const policies = policiesOfConstruct(template, stack.churnguard.functions[fn]);
      const unique = new Map<string, AwsCall>();
      for (const call of recorded.flatMap((r) => asIamCalls(r, table))) {
        for (const pk of (call.context?.['dynamodb:LeadingKeys'] as string[] | undefined) ?? [undefined]) {
          const single = pk === undefined ? call : { ...call, context: { 'dynamodb:LeadingKeys': [pk] } };
          unique.set(`${call.action} ${pk === undefined ? '(no partition)' : kindOf(pk)}`, single);
        }
      }
      for (const [what, call] of unique) {
        judged.push(
          decide(policies, call).then((decision) => (decision === 'Allowed' ? undefined : `${fn}: ${what}`)),
        );
      }
    }
    const refused = (await Promise.all(judged)).filter((r) => r !== undefined);
    expect(refused).toEqual([]);
  });
});
