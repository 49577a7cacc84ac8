import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/shared/metrics-namespace.ts';
import { acknowledgeNag } from '../nag.ts';

/**
 * SES puts an account under review at a 5% bounce or 0.1% complaint rate (fractions 0.05 and 0.001); churnguard
 * alarms at 80% of each, while there is still time to act.
 */
export const SES_ALARM_THRESHOLDS = { bounceRate: 0.04, complaintRate: 0.0008 } as const;

export interface ObservabilityProps {
  /** The construct whose Lambda functions, dead-letter queues and state machines are watched (all of them). */
  watched: IConstruct;
  /** Who gets alarm notifications by email (the subscription must be confirmed from the first message). */
  alarmEmail?: string;
  /** Keep the alarm topic's KMS key when the stack is deleted. */
  retain: boolean;
  /** API metrics, set by the owner of the API: the 5xx alarm and the dashboard. */
  apiMetrics?: { requests: IMetric; serverErrors: Metric; latency: IMetric };
  /** Scheduled functions that must run at least once every `within`: alarmed when they did not. */
  heartbeats?: { name: string; fn: IFunction; within: Duration }[];
  /** Queues whose oldest message must not wait longer than `maxAge`. */
  queueAges?: { name: string; queue: IQueue; maxAge: Duration }[];
  /** The table whose throttled requests are alarmed. */
  table?: ITableV2;
  /** Dead-letter queues `watched` does not show as such (on-failure destinations, schedules' DLQs). */
  deadLetterQueues?: Queue[];
}

/** Journey sending, counted by the deliver task (functions/shared/metrics-namespace.ts), under any `service`. */
export const MESSAGE_METRICS = {
  failed: 'MessagesFailed',
  throttled: 'MessagesThrottled',
  sent: 'MessagesSent',
} as const;

/**
 * The sum of a churnguard business metric over every `service` dimension value, as a Metrics Insights query (an
 * alarm may watch one; it keeps working whichever function emits the metric).
 */
function acrossServices(metricName: string, label: string): MathExpression {
  return new MathExpression({
    expression: `SELECT SUM(${metricName}) FROM SCHEMA("${METRICS_NAMESPACE}", service)`,
    usingMetrics: {},
    period: FIVE_MINUTES,
    label,
  });
}

const FIVE_MINUTES = Duration.minutes(5);

/** Dead-letter queues: every queue some other queue redrives to, and every function's own DLQ. */
function deadLetterQueues(all: IConstruct[]): Queue[] {
  const found = new Set<Queue>();
  for (const c of all) {
    if (c instanceof Queue && c.deadLetterQueue?.queue instanceof Queue) found.add(c.deadLetterQueue.queue);
    if (c instanceof LambdaFunction && c.deadLetterQueue instanceof Queue) found.add(c.deadLetterQueue);
  }
  return [...found];
}

/**
 * Alarms and the dashboard. Everything found under `watched` when this is constructed is covered: each Lambda
 * function (errors, throttles), each dead-letter queue (any message), each state machine (failed or timed-out
 * executions), and SES reputation (bounce and complaint rates nearing the review thresholds). Alarms notify one
 * SNS topic (KMS-encrypted, TLS only) with an optional email subscription.
 */
export class Observability extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'churnguard alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // CloudWatch must be able to publish to the encrypted topic.
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    // Grants on the key only for AWS services acting for a resource (Control Tower CT.KMS.PR.3).
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'churnguard alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // The topic's policy holds the TLS-only Deny; without this Allow, CloudWatch could not publish to it and no
    // alarm would ever reach anyone. Only alarms of this account may publish.
    const stack = Stack.of(this);
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    }
    const action = new SnsAction(this.alarmTopic);
    const alarm = (
      name: string,
      metric: IMetric,
      threshold: number,
      description: string,
      options: {
        below?: boolean;
        missing?: TreatMissingData;
        periods?: number;
      } = {},
    ) => {
      const created = new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: options.periods ?? 1,
        datapointsToAlarm: options.periods ?? 1,
        comparisonOperator: options.below
          ? ComparisonOperator.LESS_THAN_THRESHOLD
          : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    const all = props.watched.node.findAll();
    const functions = all.filter((c): c is LambdaFunction => c instanceof LambdaFunction);
    const machines = all.filter((c): c is StateMachine => c instanceof StateMachine);
    const dlqs = [...new Set([...deadLetterQueues(all), ...(props.deadLetterQueues ?? [])])];
    // Paths below the watched construct: unique, so they make unique alarm ids and readable labels.
    const root = props.watched.node.path;
    const label = (c: IConstruct) =>
      (root ? c.node.path.slice(root.length + 1) : c.node.path).replace(/\/(Function|Resource)$/, '');

    for (const fn of functions) {
      const name = label(fn).replace(/\W/g, '');
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `${label(fn)}: the function failed (unhandled error or timeout) in the last 5 minutes`,
      );
      alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `${label(fn)}: invocations were throttled (account or reserved concurrency exhausted)`,
      );
    }
    for (const dlq of dlqs) {
      alarm(
        `${label(dlq).replace(/\W/g, '')}Depth`,
        dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        1,
        `${label(dlq)}: messages are waiting in a dead-letter queue; inspect them and redrive`,
      );
    }
    for (const machine of machines) {
      const name = label(machine).replace(/\W/g, '');
      alarm(
        `${name}Failed`,
        new MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: machine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
            timedOut: machine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
            aborted: machine.metricAborted({ period: FIVE_MINUTES, statistic: 'Sum' }),
          },
          period: FIVE_MINUTES,
          label: 'failed executions',
        }),
        1,
        `${label(machine)}: an execution failed, timed out or was aborted`,
      );
    }

    if (props.apiMetrics) {
      // API handlers answer an unexpected error with a 500 (functions/shared/http.ts) instead of failing the
      // invocation, so the Lambda error alarms never see it: API Gateway's 5xx count does.
      alarm(
        'Api5xx',
        props.apiMetrics.serverErrors.with({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        'API: requests answered 5xx in the last 5 minutes (an unexpected error, logged by the function as "unhandled error")',
      );
    }
    for (const { name, fn, within } of props.heartbeats ?? []) {
      alarm(
        `${name}DidNotRun`,
        fn.metricInvocations({ period: within, statistic: 'Sum' }),
        1,
        `${name}: not invoked in the last ${within.toHumanString()}: its schedule is disabled or failing (see the schedule dead-letter queue)`,
        { below: true, missing: TreatMissingData.BREACHING },
      );
    }
    for (const { name, queue, maxAge } of props.queueAges ?? []) {
      alarm(
        `${name}Age`,
        queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        maxAge.toSeconds(),
        `${name}: a message has waited ${maxAge.toHumanString()}: the consumer is failing or falling behind`,
      );
    }
    if (props.table) {
      alarm(
        'TableThrottles',
        new MathExpression({
          expression: 'reads + writes',
          usingMetrics: {
            reads: props.table.metric('ReadThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
            writes: props.table.metric('WriteThrottleEvents', { period: FIVE_MINUTES, statistic: 'Sum' }),
          },
          period: FIVE_MINUTES,
          label: 'throttled requests',
        }),
        1,
        "Table: requests were throttled in each of the last 15 minutes (a hot partition or an account-level limit); the SDK retries them, so look at the functions' latency",
        { periods: 3 },
      );
    }
    alarm(
      'MessagesFailed',
      acrossServices(MESSAGE_METRICS.failed, 'messages failed'),
      1,
      "Email: SES refused or failed a message in the last 5 minutes; it is settled as failed and not sent again (see the deliver task's error log)",
    );
    alarm(
      'MessagesThrottled',
      acrossServices(MESSAGE_METRICS.throttled, 'messages throttled'),
      1,
      'Email: SES throttled sends in each of the last 15 minutes: the sending quota is too low for the volume (request an increase)',
      { periods: 3 },
    );

    // Account-level reputation metrics, the ones SES's review is based on (fractions: 0.05 is 5%).
    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    const bounceRate = reputation('Reputation.BounceRate');
    const complaintRate = reputation('Reputation.ComplaintRate');
    alarm(
      'SesBounceRate',
      bounceRate,
      SES_ALARM_THRESHOLDS.bounceRate,
      'SES bounce rate is at 4%: SES reviews the account at 5%. Check the bounce events and the list source.',
    );
    alarm(
      'SesComplaintRate',
      complaintRate,
      SES_ALARM_THRESHOLDS.complaintRate,
      'SES complaint rate is at 0.08%: SES reviews the account at 0.1%. Pause nudges and check targeting.',
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
    });
    const fnMetric = (pick: (fn: LambdaFunction) => IMetric) => functions.map(pick);
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# churnguard\nAPI, functions, queues, workflows and email reputation. Alarms notify the alarm topic.',
        width: 24,
        height: 2,
      }),
    );
    if (props.apiMetrics) {
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'API requests and 5xx',
          left: [props.apiMetrics.requests],
          right: [props.apiMetrics.serverErrors],
          width: 12,
        }),
        new GraphWidget({ title: 'API latency (p99)', left: [props.apiMetrics.latency], width: 12 }),
      );
    }
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors',
        left: fnMetric((fn) => fn.metricErrors({ period: FIVE_MINUTES, label: label(fn) })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda throttles',
        left: fnMetric((fn) => fn.metricThrottles({ period: FIVE_MINUTES, label: label(fn) })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda duration (p99)',
        left: fnMetric((fn) =>
          fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99', label: label(fn) }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead-letter queue depth',
        left: dlqs.map((q) => q.metricApproximateNumberOfMessagesVisible({ label: label(q) })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Workflow executions',
        left: machines.map((m) => m.metricStarted({ period: FIVE_MINUTES, label: `${label(m)} started` })),
        right: machines.map((m) => m.metricFailed({ period: FIVE_MINUTES, label: `${label(m)} failed` })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Signals ingested over the API',
        left: ['SignalsAccepted', 'SignalsDuplicate', 'SignalsRejected'].map(
          (metricName) =>
            new Metric({
              namespace: METRICS_NAMESPACE,
              metricName,
              dimensionsMap: { service: 'signals' },
              statistic: 'Sum',
              period: FIVE_MINUTES,
            }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'SES reputation (alarm at 80% of the review threshold)',
        left: [bounceRate.with({ label: 'bounce rate' })],
        right: [complaintRate.with({ label: 'complaint rate' })],
        width: 8,
      }),
    );

    if (props.alarmEmail) {
      acknowledgeNag(
        this.alarmTopic,
        'Serverless::Serverless-SNSRedrivePolicy',
        'The only subscription is an email to an operator; SNS retries email delivery itself and a lost notice still leaves the alarm in ALARM on the dashboard.',
      );
    }
  }
}
