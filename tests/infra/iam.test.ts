import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DefinitionBody, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableUser } from '#infra/constructs/table-access';
import { ChurnGuardStack } from '#infra/stack';
import { keys } from '#store/keys';
import {
  ACCOUNT,
  type AwsCall,
  arnOf,
  type CfnTemplate,
  decide,
  logicalId,
  policiesOfConstruct,
  policiesOfRole,
  REGION,
  roleOf,
  unknownActions,
} from './support/iam.ts';

/**
 * IAM, judged offline as AWS would judge it: every action in every synthesized policy exists, and for each
 * function and state machine the calls its code makes are allowed by its own role while the calls it must never
 * make are denied. One row per principal: add a row with every new function or state machine.
 */

const SENDER = 'mail.vendor.example';
const env = { account: ACCOUNT, region: REGION };

function synthProd() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ChurnGuardStack(app, 'iam-prod', {
    env,
    churnguard: { stage: 'prod', sender: { domain: SENDER }, alarmEmail: 'ops@vendor.example' },
  });
  return { stack, template: Template.fromStack(stack).toJSON() as CfnTemplate };
}

const arn = arnOf;

describe('IAM actions as AWS authorizes them', () => {
  it('names only actions that exist, in every policy of the template', async () => {
    const { template } = synthProd();
    expect(await unknownActions(template)).toEqual([]);
  });

  it("would catch CDK's own name for an SES v2 call: sesv2:sendEmail is no IAM action", async () => {
    // What `CallAwsService` grants for service 'sesv2' without `iamAction`: the journey's SendEmail before the fix.
    const stack = new Stack(new App(), 'Unfixed', { env });
    const send = new CallAwsService(stack, 'SendEmail', {
      service: 'sesv2',
      action: 'sendEmail',
      iamResources: ['*'],
      parameters: {},
    });
    new StateMachine(stack, 'Machine', { definitionBody: DefinitionBody.fromChainable(send) });
    const template = Template.fromStack(stack).toJSON() as CfnTemplate;
    expect(await unknownActions(template)).toEqual([expect.stringMatching(/^sesv2:sendEmail /)]);
    // And a role holding it cannot send: IAM authorizes SES v2's SendEmail as ses:SendEmail.
    const role = Object.entries(template.Resources).find(
      ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine',
    );
    const policies = policiesOfRole(template, roleOf(template, role?.[0] ?? ''));
    expect(await decide(policies, sendEmail(arn('ses', `identity/${SENDER}`)))).toBe('ImplicitlyDenied');
  });
});

/** A DynamoDB item request on the table whose partition keys are `pks` (what `dynamodb:LeadingKeys` holds). */
const item =
  (action: string, ...pks: string[]) =>
  (table: string): AwsCall => ({
    action: `dynamodb:${action}`,
    resource: table,
    context: { 'dynamodb:LeadingKeys': pks },
  });
/** A request that names no partition: a Scan, or a table-level action. */
const tableWide = (action: string) => (table: string) => ({ action: `dynamodb:${action}`, resource: table });

const sendEmail = (resource: string): AwsCall => ({ action: 'ses:SendEmail', resource });
const identity = arn('ses', `identity/${SENDER}`);
const otherIdentity = arn('ses', 'identity/someone-else.example');

const acme = keys.accountPartition('acme');
const apiKey = keys.apiKey('0123abcd').pk;
const secret = keys.unsubscribeSecret.pk;
const dirty = keys.dirty('acme').pk;
const portfolio = keys.portfolioEntry('acme').pk;
const timers = keys.timerDuePartition('2026-06-01');

/** What no function may ever do to the table. */
const NEVER = [tableWide('Scan'), tableWide('DeleteTable'), tableWide('UpdateTable')];

type TableCall = (table: string) => AwsCall;
interface FunctionRow {
  fn: TableUser;
  allowed: TableCall[];
  denied: TableCall[];
  /** Calls to other services: what the role needs, and what it must not be able to do. */
  other?: { allowed?: AwsCall[]; denied?: AwsCall[] };
}

const ROWS: FunctionRow[] = [
  {
    fn: 'webhooks',
    allowed: [
      item('PutItem', acme),
      item('UpdateItem', acme),
      item('Query', keys.lookupPartition('stripe_customer', 'cus_1')),
      item('PutItem', keys.parkedPartition('segment_user', 'u1')),
      item('DeleteItem', keys.parkedPartition('segment_user', 'u1')),
      item('GetItem', keys.hubspotHeld('contact', '801').pk),
      item('PutItem', keys.hubspotHeld('contact', '801').pk),
      item('UpdateItem', dirty),
      item('PutItem', timers),
      item('BatchGetItem', acme, keys.accountPartition('initech')),
    ],
    denied: [
      item('PutItem', apiKey),
      item('GetItem', apiKey),
      item('GetItem', secret),
      item('PutItem', secret),
      item('PutItem', keys.suppressed('a@b.example').pk),
      item('PutItem', keys.baselines().pk),
      item('BatchWriteItem', acme, apiKey),
      ...NEVER,
    ],
  },
  {
    fn: 'unsubscribe',
    allowed: [item('GetItem', secret), item('PutItem', acme)],
    denied: [
      item('PutItem', secret),
      item('GetItem', apiKey),
      item('PutItem', apiKey),
      item('Query', keys.inAppPartition('acme', 'ann')),
      item('PutItem', timers),
      ...NEVER,
    ],
  },
  {
    fn: 'messaging',
    allowed: [
      item('GetItem', apiKey),
      item('Query', keys.inAppPartition('acme', 'ann')),
      item('Query', acme),
    ],
    denied: [item('PutItem', apiKey), item('GetItem', secret), item('PutItem', acme), ...NEVER],
  },
  {
    fn: 'accounts',
    allowed: [
      item('GetItem', apiKey),
      item('UpdateItem', acme),
      item('PutItem', keys.contactEmail('ann@acme.example', 'acme').pk),
      item('UpdateItem', portfolio),
      item('PutItem', timers),
      item('PutItem', keys.dispatcherCursor.pk),
      item('DeleteItem', dirty),
    ],
    denied: [
      item('PutItem', apiKey),
      item('GetItem', secret),
      item('PutItem', keys.baselines().pk),
      ...NEVER,
    ],
  },
  {
    fn: 'signals',
    allowed: [item('GetItem', apiKey), item('PutItem', acme), item('UpdateItem', dirty)],
    denied: [item('PutItem', apiKey), item('GetItem', secret), ...NEVER],
  },
  {
    fn: 'portfolio',
    allowed: [
      item('GetItem', apiKey),
      item('Query', portfolio),
      item('DeleteItem', dirty),
      item('PartiQLUpdate', dirty),
      item('PartiQLDelete', dirty),
    ],
    denied: [
      item('PutItem', apiKey),
      item('PutItem', keys.baselines().pk),
      item('PartiQLDelete', acme),
      item('PartiQLUpdate', acme),
      ...NEVER,
    ],
  },
  {
    fn: 'risks',
    allowed: [item('GetItem', apiKey), item('UpdateItem', acme), item('PutItem', acme)],
    denied: [item('PutItem', apiKey), item('PutItem', timers), ...NEVER],
  },
  {
    fn: 'signalQueue',
    allowed: [item('PutItem', acme), item('PutItem', keys.ingestReject('2026-06-01', 'x', 'sqs', 0).pk)],
    denied: [item('GetItem', apiKey), item('PutItem', apiKey), item('GetItem', secret), ...NEVER],
  },
  {
    fn: 'sesEvents',
    allowed: [item('PutItem', keys.suppressed('a@b.example').pk)],
    denied: [item('GetItem', keys.suppressed('a@b.example').pk), item('PutItem', acme), ...NEVER],
  },
  {
    fn: 'healthPass',
    allowed: [
      item('Query', portfolio),
      item('Query', dirty),
      item('Query', acme),
      item('PutItem', keys.baselines().pk),
      item('PutItem', keys.healthModel().pk),
      // Risk detection after scoring starts a risk check through a timer.
      item('PutItem', timers),
      // Dirty markers claimed and cleared 25 to a request.
      item('PartiQLUpdate', dirty),
      item('PartiQLDelete', dirty),
    ],
    denied: [
      item('GetItem', apiKey),
      item('GetItem', secret),
      item('PartiQLDelete', acme),
      item('PartiQLInsert', dirty),
      item('PutItem', keys.regionRisk('EMEA', 'r1').pk),
      ...NEVER,
    ],
  },
  {
    fn: 'dispatcher',
    allowed: [item('Query', timers), item('UpdateItem', timers), item('PutItem', keys.dispatcherCursor.pk)],
    denied: [item('GetItem', apiKey), item('PutItem', keys.suppressed('a@b.example').pk), ...NEVER],
  },
  {
    fn: 'digest',
    allowed: [
      item('Query', keys.riskRegion('EMEA').pk),
      item('Query', keys.regionRisk('EMEA', 'r1').pk),
      item('GetItem', acme),
      item('PutItem', keys.digestPartition('EMEA')),
      item('Query', keys.noticeQueuePartition('2026-06-01')),
      item('PutItem', keys.ledgerPartition({ team: 'casey@vendor.example' })),
      // A queued notice is settled in its account's ledger when the daily mail goes.
      item('UpdateItem', acme),
    ],
    denied: [item('GetItem', apiKey), item('PutItem', timers), item('GetItem', secret), ...NEVER],
    other: {
      allowed: [sendEmail(identity)],
      denied: [sendEmail(otherIdentity), { action: 'ses:SendBulkEmail', resource: identity }],
    },
  },
  // The Evaluate steps read the account and score it when stale; they decide, and neither write effects nor send.
  ...(['renewalCheckpoint', 'riskEscalation', 'milestoneJourney', 'reviewProgramme'] as const).map((fn) => ({
    fn,
    allowed: [item('Query', acme), item('PutItem', acme), item('GetItem', keys.baselines().pk)],
    denied: [
      item('GetItem', apiKey),
      item('PutItem', timers),
      item('GetItem', secret),
      item('PutItem', keys.regionRisk('EMEA', 'r1').pk),
      item('PutItem', keys.inAppPartition('acme', 'ann')),
      ...NEVER,
    ],
    other: { denied: [sendEmail(identity)] },
  })),
  {
    fn: 'effects',
    allowed: [
      item('PutItem', acme),
      item('PutItem', keys.regionRisk('EMEA', 'r1').pk),
      item('PutItem', timers),
      item('BatchGetItem', keys.suppressed('a@b.example').pk),
      item('GetItem', secret),
      item('PutItem', keys.inAppPartition('acme', 'ann')),
      item('PutItem', keys.noticeQueuePartition('2026-06-01')),
    ],
    denied: [
      item('GetItem', apiKey),
      item('PutItem', keys.suppressed('a@b.example').pk),
      item('PutItem', keys.baselines().pk),
      ...NEVER,
    ],
    other: {
      allowed: [sendEmail(identity)],
      denied: [sendEmail(otherIdentity), { action: 'ses:SendBulkEmail', resource: identity }],
    },
  },
];

describe('each function can make the calls its code makes, and no others', () => {
  let template: CfnTemplate;
  let stack: ChurnGuardStack;
  let table: string;
  beforeAll(() => {
    ({ stack, template } = synthProd());
    table = arn('dynamodb', `table/${logicalId(stack.churnguard.table)}`);
  });

  it('has a row for every function of the construct', () => {
    expect(ROWS.map((row) => row.fn).sort()).toEqual(Object.keys(stack.churnguard.functions).sort());
  });

  for (const row of ROWS) {
    it(`${row.fn}: allows what it needs, denies what it must never do`, async () => {
      const policies = policiesOfConstruct(template, stack.churnguard.functions[row.fn]);
      const judge = async (calls: AwsCall[]) =>
        Promise.all(calls.map(async (call) => [describeCall(call), await decide(policies, call)]));
      const allowed = [...row.allowed.map((call) => call(table)), ...(row.other?.allowed ?? [])];
      const denied = [...row.denied.map((call) => call(table)), ...(row.other?.denied ?? [])];
      for (const [call, decision] of await judge(allowed)) expect(decision, call).toBe('Allowed');
      for (const [call, decision] of await judge(denied)) expect(decision, call).not.toBe('Allowed');
    });
  }

  it('webhooks: reads the vendors’ signing secrets; no other function can', async () => {
    const secretArn = arn(
      'secretsmanager',
      `secret:${logicalId(stack.churnguard.webhookSecrets.secret)}-AbCdEf`,
    );
    const read = { action: 'secretsmanager:GetSecretValue', resource: secretArn };
    for (const [name, fn] of Object.entries(stack.churnguard.functions)) {
      const policies = policiesOfConstruct(template, fn);
      expect(await decide(policies, read), name).toBe(name === 'webhooks' ? 'Allowed' : 'ImplicitlyDenied');
    }
  });

  it('dispatcher: starts executions of the four workflows and nothing else', async () => {
    const policies = policiesOfConstruct(template, stack.churnguard.functions.dispatcher);
    const workflows = stack.churnguard.workflows;
    for (const machine of [
      workflows.renewalCheckpoint,
      workflows.riskEscalation,
      workflows.milestoneJourney,
      workflows.reviewProgramme,
    ]) {
      const start = {
        action: 'states:StartExecution',
        resource: arn('states', `stateMachine:${logicalId(machine.stateMachine)}`),
      };
      expect(await decide(policies, start)).toBe('Allowed');
    }
    expect(
      await decide(policies, { action: 'states:StopExecution', resource: arn('states', 'execution:x:y') }),
    ).not.toBe('Allowed');
  });
});

describe('each state machine can call what its definition calls, and no more', () => {
  let template: CfnTemplate;
  let stack: ChurnGuardStack;
  beforeAll(() => {
    ({ stack, template } = synthProd());
  });
  const policiesOf = (machine: StateMachine) => policiesOfConstruct(template, machine);
  const invoke = (fn: IConstruct) => ({
    action: 'lambda:InvokeFunction',
    resource: arn('lambda', `function:${logicalId(fn)}`),
  });

  // Each machine invokes its own Evaluate step and the one executor; only the executor's role may send.
  const machines = [
    ['renewalCheckpoint', 'renewalCheckpoint'],
    ['riskEscalation', 'riskEscalation'],
    ['milestoneJourney', 'milestoneJourney'],
    ['reviewProgramme', 'reviewProgramme'],
  ] as const;
  for (const [machineName, evaluate] of machines)
    it(`${machineName}: invokes its Evaluate step and the executor, sends nothing itself`, async () => {
      const { workflows, functions, email } = stack.churnguard;
      const policies = policiesOf(workflows[machineName].stateMachine);
      expect(await decide(policies, invoke(functions[evaluate]))).toBe('Allowed');
      expect(await decide(policies, invoke(functions.effects))).toBe('Allowed');
      const denied: AwsCall[] = [
        ...machines.filter(([, other]) => other !== evaluate).map(([, other]) => invoke(functions[other])),
        invoke(functions.webhooks),
        sendEmail(identity),
        sendEmail(arn('ses', `configuration-set/${logicalId(email.configurationSet)}`)),
        item('PutItem', apiKey)(arn('dynamodb', `table/${logicalId(stack.churnguard.table)}`)),
      ];
      for (const call of denied) expect(await decide(policies, call), describeCall(call)).not.toBe('Allowed');
    });
});

function describeCall(call: AwsCall): string {
  const leading = call.context?.['dynamodb:LeadingKeys'];
  return `${call.action} ${call.resource}${leading ? ` ${JSON.stringify(leading)}` : ''}`;
}
