import { fileURLToPath } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  Pass,
  QueryLanguage,
  StateMachine,
  Succeed,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import {
  CallAwsService,
  DynamoAttributeValue,
  DynamoGetItem,
  DynamoPutItem,
  LambdaInvoke,
} from 'aws-cdk-lib/aws-stepfunctions-tasks';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A small stack written the way workflows/ writes state machines, synthesized without bundling:
 * - RenewalCheckpoint: Score (function ARN task, Retry with full jitter, Catch to ScoringFailed) → Band (Choice)
 *   → red: Notify (lambda:invoke) → Pause (Wait 30 s) → Record (conditional DynamoDB putItem; Catch to
 *   AlreadyRecorded) → ReadBack (getItem) → Done
 * - AwaitAck: lambda:invoke.waitForTaskToken
 * - Invite: aws-sdk:sesv2:sendEmail
 * - Jsonata, Calendar: definitions checkWorkflowDefinitions must reject
 */
export function synthesizeTestStack(): object {
  const app = new App({
    context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
    // The built-in CloudFormation validation costs seconds per synth and checks nothing this test is about.
    builtinCloudFormationValidation: false,
  });
  const stack = new Stack(app, 'WorkflowRuntimeTest');
  const table = new TableV2(stack, 'Data', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
  });
  const fn = (id: string, handler: string) =>
    new NodejsFunction(stack, id, {
      entry: `${ROOT}functions/signals/handler.ts`,
      runtime: Runtime.NODEJS_22_X,
      environment: { CHURNGUARD_HANDLER: handler, TABLE_NAME: table.tableName },
    });
  const scoreFn = fn('ScoreFunction', 'score');
  const notifyFn = fn('NotifyFunction', 'notify');

  const scoringFailed = new Fail(stack, 'ScoringFailed', {
    error: 'ScoringFailed',
    causePath: '$.error.Cause',
  });
  const score = new LambdaInvoke(stack, 'Score', {
    lambdaFunction: scoreFn,
    payloadResponseOnly: true,
    resultPath: '$.health',
  })
    .addRetry({
      errors: ['ScoreUnavailable'],
      interval: Duration.seconds(2),
      maxAttempts: 3,
      jitterStrategy: JitterType.FULL,
    })
    .addCatch(scoringFailed, { errors: ['AccountNotFound'], resultPath: '$.error' });
  const notify = new LambdaInvoke(stack, 'Notify', {
    lambdaFunction: notifyFn,
    resultSelector: { 'notified.$': '$.Payload.notified' },
    resultPath: '$.notice',
  });
  const pause = new Wait(stack, 'Pause', { time: WaitTime.duration(Duration.seconds(30)) });
  const key = {
    pk: DynamoAttributeValue.fromString(JsonPath.format('ACCOUNT#{}', JsonPath.stringAt('$.accountId'))),
    sk: DynamoAttributeValue.fromString('CHECKPOINT#T-90'),
  };
  const record = new DynamoPutItem(stack, 'Record', {
    table,
    item: { ...key, band: DynamoAttributeValue.fromString(JsonPath.stringAt('$.health.band')) },
    conditionExpression: 'attribute_not_exists(pk)',
    resultPath: JsonPath.DISCARD,
  }).addCatch(new Succeed(stack, 'AlreadyRecorded'), {
    errors: ['DynamoDB.ConditionalCheckFailedException'],
  });
  const readBack = new DynamoGetItem(stack, 'ReadBack', {
    table,
    key,
    consistentRead: true,
    resultSelector: { 'band.$': '$.Item.band.S' },
    resultPath: '$.stored',
  });
  pause.next(record).next(readBack).next(new Succeed(stack, 'Done'));
  const band = new Choice(stack, 'Band')
    .when(Condition.stringEquals('$.health.band', 'red'), notify.next(pause))
    .otherwise(pause);
  new StateMachine(stack, 'RenewalCheckpoint', {
    definitionBody: DefinitionBody.fromChainable(score.next(band)),
  });

  const awaitAck = new LambdaInvoke(stack, 'AskForAck', {
    lambdaFunction: notifyFn,
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: TaskInput.fromObject({ token: JsonPath.taskToken, 'accountId.$': '$.accountId' }),
    resultPath: '$.ack',
  });
  new StateMachine(stack, 'AwaitAck', { definitionBody: DefinitionBody.fromChainable(awaitAck) });

  const invite = new CallAwsService(stack, 'SendInvite', {
    service: 'sesv2',
    action: 'sendEmail',
    iamResources: ['*'],
    parameters: {
      FromEmailAddress: 'reviews@vendor.example',
      Destination: { ToAddresses: JsonPath.listAt('$.to') },
      Content: {
        Simple: {
          Subject: { Data: 'Your annual customer review' },
          Body: {
            Text: { Data: JsonPath.format('Hello {}, let us review the year.', JsonPath.stringAt('$.name')) },
          },
          Attachments: [
            {
              FileName: 'review.ics',
              ContentType: 'text/calendar',
              RawContent: JsonPath.stringAt('$.ics'),
            },
          ],
        },
      },
    },
    resultPath: '$.email',
  });
  new StateMachine(stack, 'Invite', { definitionBody: DefinitionBody.fromChainable(invite) });

  new StateMachine(stack, 'Jsonata', {
    queryLanguage: QueryLanguage.JSONATA,
    definitionBody: DefinitionBody.fromChainable(
      Pass.jsonata(stack, 'Shape', { outputs: '{% $states.input %}' }),
    ),
  });
  const calendar = new Wait(stack, 'UntilRenewal', { time: WaitTime.duration(Duration.days(1)) })
    .next(new Wait(stack, 'UntilDue', { time: WaitTime.timestampPath('$.dueAt') }))
    .next(new LambdaInvoke(stack, 'Unguarded', { lambdaFunction: scoreFn, retryOnServiceExceptions: false }));
  new StateMachine(stack, 'Calendar', { definitionBody: DefinitionBody.fromChainable(calendar) });

  return Template.fromStack(stack).toJSON();
}
