import { Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Errors,
  Fail,
  JsonPath,
  Map as MapState,
  type StateMachine,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { catchAll, lambdaRetry, workflowStateMachine } from './task-retry.ts';

/** How the SendEmail step sends: the ChurnGuard construct's email props (infra/constructs/email.ts). */
export interface JourneySending {
  /** Every message goes through this configuration set (its bounce and complaint events feed suppression). */
  configurationSetName: string;
  /**
   * The verified From address; the only identity the state machine may send as. Without it the address comes
   * from the evaluated email (`messaging.from` of the config), as in the local runtime.
   */
  fromAddress?: string;
  /** The sender domain's SES identity (the resource ses:SendEmail is granted on). */
  identityName?: string;
  /** The contact list whose topic each email is sent under (the email's `topic`, by play kind). */
  contactListName?: string;
}

export interface MilestoneJourneyProps {
  journeyFunction: IFunction;
  logRetention: RetentionDays;
  sending?: JourneySending;
}

/**
 * One milestone check (due or grace) for one account, started by the dispatcher from a `journey_milestone`
 * timer. Input: { accountId, ref, dueAt, milestone, phase }.
 *
 * Evaluate (Lambda: status, plays, restraint; writes the not-sent ledger, reserves the send ledger, stores in-app
 * messages) → for each email: SendEmail (SESv2, direct integration) → Settle (message id on the ledger).
 *
 * SendEmail is deliberately NOT retried: SES may have accepted a message whose answer was lost, and a retry could
 * send it twice. Its failure is settled as `failed` on the ledger (never sent again), which fails toward never
 * sending twice (DESIGN decision 4). Lambda tasks retry transient faults; they are idempotent.
 */
export class MilestoneJourney extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: MilestoneJourneyProps) {
    super(scope, id);
    const failed = new Fail(this, 'JourneyFailed', { error: 'JourneyFailed', causePath: '$.error.Cause' });
    const evaluate = new LambdaInvoke(this, 'EvaluateMilestone', {
      lambdaFunction: props.journeyFunction,
      payload: TaskInput.fromObject({
        task: 'evaluate',
        'accountId.$': '$.accountId',
        'milestone.$': '$.milestone',
        'phase.$': '$.phase',
        'dueAt.$': '$.dueAt',
        'execution.$': '$$.Execution.Name',
      }),
      payloadResponseOnly: true,
      resultPath: '$.plan',
    })
      .addRetry(lambdaRetry)
      .addCatch(failed, catchAll);

    const settle = (name: string, fields: Record<string, string>) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: props.journeyFunction,
        payload: TaskInput.fromObject({
          task: 'settle',
          'accountId.$': '$.accountId',
          'key.$': '$.key',
          ...fields,
        }),
        payloadResponseOnly: true,
        resultPath: JsonPath.DISCARD,
      }).addRetry(lambdaRetry);
    const settleSent = settle('SettleSent', { 'messageId.$': '$.sent.MessageId' });
    const settleFailed = settle('SettleFailed', { 'error.$': '$.error' });
    const sending = props.sending;
    const arn = (resource: string, resourceName: string) =>
      Stack.of(this).formatArn({ service: 'ses', resource, resourceName });
    const send = new CallAwsService(this, 'SendEmail', {
      service: 'sesv2',
      action: 'sendEmail',
      // SES v2 is authorized under the `ses` prefix: CDK would derive `sesv2:sendEmail`, which is no IAM action.
      iamAction: 'ses:SendEmail',
      // Least privilege: this sender's identity, this configuration set and contact list when they are known.
      iamResources: [
        arn('identity', sending?.identityName ?? '*'),
        arn('configuration-set', sending?.configurationSetName ?? '*'),
        ...(sending?.contactListName ? [arn('contact-list', sending.contactListName)] : []),
      ],
      parameters: {
        ...(sending?.fromAddress
          ? { FromEmailAddress: sending.fromAddress }
          : { 'FromEmailAddress.$': '$.from' }),
        ...(sending ? { ConfigurationSetName: sending.configurationSetName } : {}),
        ...(sending?.contactListName
          ? { ListManagementOptions: { ContactListName: sending.contactListName, 'TopicName.$': '$.topic' } }
          : {}),
        Destination: { 'ToAddresses.$': '$.to' },
        Content: {
          Simple: {
            Subject: { 'Data.$': '$.subject', Charset: 'UTF-8' },
            Body: {
              Html: { 'Data.$': '$.html', Charset: 'UTF-8' },
              Text: { 'Data.$': '$.text', Charset: 'UTF-8' },
            },
            'Headers.$': '$.headers',
          },
        },
      },
      resultPath: '$.sent',
    }).addCatch(settleFailed, { errors: [Errors.ALL], resultPath: '$.error' });
    send.next(settleSent);

    const sendEach = new MapState(this, 'SendEachEmail', {
      itemsPath: '$.plan.emails',
      maxConcurrency: 4,
      resultPath: JsonPath.DISCARD,
    })
      .itemProcessor(send)
      .addCatch(failed, catchAll);
    const definition = evaluate.next(sendEach).next(new Succeed(this, 'JourneyDone'));
    this.stateMachine = workflowStateMachine(this, 'MilestoneJourney', definition, props.logRetention);
  }
}
