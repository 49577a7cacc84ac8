import { Duration, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BrandConfig } from '../../config/journeys-schema.ts';
import { fromHeader } from '../../core/journeys/render-message.ts';
import type { TimerKind } from '../../core/workflows/timers.ts';
import { MilestoneJourney } from '../../workflows/milestone-journey.ts';
import { RenewalCheckpoint } from '../../workflows/renewal-checkpoint.ts';
import { ReviewProgramme } from '../../workflows/review-programme.ts';
import { RiskEscalation } from '../../workflows/risk-escalation.ts';
import { acknowledgeInvokeGrant, acknowledgeNag } from '../nag.ts';
import type { ChatWebhooks } from './chat-webhooks.ts';
import type { Email } from './email.ts';
import type { FunctionConfig } from './function-bundle.ts';
import { invokeOnSchedule } from './scheduled-invoke.ts';
import { ServiceFunction } from './service-function.ts';
import { grantTableAccess, TABLE_ACCESS, type TableAccess } from './table-access.ts';

export interface WorkflowsProps {
  table: ITableV2;
  logRetention: RetentionDays;
  /** The validated playbook config, bundled into every function. */
  config: FunctionConfig;
  /** Hour (UTC) of each person's daily notice mail (config escalation.notices.dailyHourUtc). */
  dailyNoticeHourUtc: number;
  /**
   * The email plumbing: its From address (without one nothing is mailed, and each message is settled as failed
   * with that reason), configuration set, contact list and journey topics.
   */
  email: Email;
  /** How often the dispatcher looks for due timers. */
  dispatchEvery?: Duration;
  /** The config's brand: its sender name is the display name of the From address. */
  brand?: BrandConfig;
  /** Where runs the schedules could not hand over, and invocations that failed every retry, go. */
  scheduleDeadLetters: IQueue;
  /** Reserve concurrency for the dispatcher and the digest (see ChurnGuardProps.reserveConcurrency). */
  reserveConcurrency: boolean;
  /** The Slack and Teams webhook URLs, when the config names destinations: read by the two functions that post. */
  chatWebhooks?: ChatWebhooks;
}

/**
 * The workflows and what drives them: each workflow's Evaluate function and the one executor (Apply and Deliver,
 * functions/effects), each tagged CHURNGUARD_HANDLER so the local runtime maps it to the same handler; the state
 * machines; the dispatcher that EventBridge Scheduler runs every few minutes to start an execution for each due
 * timer; and the scheduled mail (the weekly regional digest and the daily notice mails). Only the executor and
 * the scheduled mail may send email.
 */
export class Workflows extends Construct {
  readonly renewalCheckpoint: RenewalCheckpoint;
  readonly riskEscalation: RiskEscalation;
  readonly milestoneJourney: MilestoneJourney;
  readonly reviewProgramme: ReviewProgramme;
  readonly effectsFunction: IFunction;
  /** The functions, by their name in TABLE_ACCESS. */
  readonly functions: Record<
    | 'renewalCheckpoint'
    | 'riskEscalation'
    | 'milestoneJourney'
    | 'reviewProgramme'
    | 'effects'
    | 'dispatcher'
    | 'digest',
    IFunction
  >;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const { table, logRetention, email } = props;
    const configurationSetName = email.configurationSet.configurationSetName;
    const senderDomain = email.fromAddress?.split('@')[1];
    /** The From header: the verified address with the brand's sender name, if any, as its display name. */
    const from = email.fromAddress ? fromHeader(email.fromAddress, props.brand ?? {}) : undefined;
    const senderEnvironment: Record<string, string> = from
      ? {
          SENDER_EMAIL: from,
          SES_CONFIGURATION_SET: configurationSetName,
          ...(email.contactListName ? { SES_CONTACT_LIST: email.contactListName } : {}),
        }
      : {};
    /** Only the sender's own SES identity (its domain), through churnguard's configuration set and contact list. */
    const allowSending = (fn: IFunction) => {
      if (!senderDomain) return;
      const arn = (resource: string, resourceName: string) =>
        Stack.of(this).formatArn({ service: 'ses', resource, resourceName });
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            arn('identity', senderDomain),
            arn('configuration-set', configurationSetName),
            ...(email.contactListName ? [arn('contact-list', email.contactListName)] : []),
          ],
        }),
      );
    };
    const task = (
      name: string,
      entry: string,
      description: string,
      access: TableAccess,
      options: { templates?: boolean; environment?: Record<string, string>; posts?: boolean } = {},
    ) => {
      const chat = options.posts ? props.chatWebhooks : undefined;
      const fn = new ServiceFunction(this, name, {
        entry,
        description,
        logRetention,
        ...(chat ? { paramsAndSecrets: chat.extension } : {}),
        config: { ...props.config, ...(options.templates ? { templates: true } : {}) },
        environment: {
          TABLE_NAME: table.tableName,
          CHURNGUARD_HANDLER: name,
          ...options.environment,
          ...chat?.environment,
        },
      }).fn;
      grantTableAccess(table, fn, access);
      chat?.grantRead(fn);
      acknowledgeNag(
        fn,
        'Serverless::Serverless-LambdaDLQ',
        'Invoked synchronously by Step Functions, which retries and catches failures into a named failure state.',
      );
      return fn;
    };
    const checkpointFunction = task(
      'renewal-checkpoint',
      'functions/renewal-checkpoint/handler.ts',
      'Renewal checkpoint: evaluate',
      TABLE_ACCESS.renewalCheckpoint,
    );
    const riskFunction = task(
      'risk-escalation',
      'functions/risk-escalation/handler.ts',
      'Risk escalation: evaluate',
      TABLE_ACCESS.riskEscalation,
    );
    const journeyFunction = task(
      'milestone-journey',
      'functions/milestone-journey/handler.ts',
      'Milestone journey: evaluate',
      TABLE_ACCESS.milestoneJourney,
    );
    const reviewFunction = task(
      'review-programme',
      'functions/review-programme/handler.ts',
      'Review programme: evaluate',
      TABLE_ACCESS.reviewProgramme,
    );
    // The one executor: templates compiled from MJML into its bundle, the only workflow function that sends.
    const effectsFunction = task(
      'effects',
      'functions/effects/handler.ts',
      'Applies workflow effects exactly once; delivers reserved email',
      TABLE_ACCESS.effects,
      {
        templates: true,
        environment: { ...senderEnvironment, JOURNEY_TOPICS: JSON.stringify(email.journeyTopics) },
        posts: true,
      },
    );
    allowSending(effectsFunction);
    this.effectsFunction = effectsFunction;
    this.renewalCheckpoint = new RenewalCheckpoint(this, 'RenewalCheckpoint', {
      checkpointFunction,
      effectsFunction,
      logRetention,
    });
    this.riskEscalation = new RiskEscalation(this, 'RiskEscalation', {
      riskFunction,
      effectsFunction,
      logRetention,
    });
    this.milestoneJourney = new MilestoneJourney(this, 'MilestoneJourney', {
      journeyFunction,
      effectsFunction,
      logRetention,
    });
    this.reviewProgramme = new ReviewProgramme(this, 'ReviewProgramme', {
      reviewFunction,
      effectsFunction,
      logRetention,
    });
    const machines = [
      [this.renewalCheckpoint.stateMachine, checkpointFunction],
      [this.riskEscalation.stateMachine, riskFunction],
      [this.milestoneJourney.stateMachine, journeyFunction],
      [this.reviewProgramme.stateMachine, reviewFunction],
    ] as const;
    for (const [machine, evaluate] of machines) {
      acknowledgeInvokeGrant(machine, evaluate);
      acknowledgeInvokeGrant(machine, effectsFunction);
      acknowledgeNag(
        machine,
        'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        'Granted by CDK for X-Ray tracing and log delivery, whose actions support no resource-level permissions.',
      );
    }

    // One run at a time of each scheduled function: a slow run is never overtaken by the next.
    const scheduled = {
      deadLetters: props.scheduleDeadLetters,
      ...(props.reserveConcurrency ? { concurrency: 1 } : {}),
    };
    const stateMachines: Record<TimerKind, string> = {
      renewal_checkpoint: this.renewalCheckpoint.stateMachine.stateMachineArn,
      risk_check: this.riskEscalation.stateMachine.stateMachineArn,
      risk_deadline: this.riskEscalation.stateMachine.stateMachineArn,
      journey_milestone: this.milestoneJourney.stateMachine.stateMachineArn,
      journey_tip: this.milestoneJourney.stateMachine.stateMachineArn,
      review: this.reviewProgramme.stateMachine.stateMachineArn,
    };
    const dispatcher = new ServiceFunction(this, 'dispatcher', {
      entry: 'functions/dispatcher/handler.ts',
      description: 'Starts a workflow execution for each due timer',
      logRetention,
      timeout: Duration.minutes(4),
      config: props.config,
      environment: { TABLE_NAME: table.tableName, STATE_MACHINE_ARNS: JSON.stringify(stateMachines) },
      scheduled,
    }).fn;
    grantTableAccess(table, dispatcher, TABLE_ACCESS.dispatcher);
    for (const [machine] of machines) machine.grantStartExecution(dispatcher);
    invokeOnSchedule(
      this,
      'SchedulerRole',
      dispatcher,
      [
        {
          id: 'DispatchSchedule',
          schedule: ScheduleExpression.rate(props.dispatchEvery ?? Duration.minutes(5)),
          description: 'Runs the timer dispatcher',
        },
      ],
      props.scheduleDeadLetters,
    );

    const digest = new ServiceFunction(this, 'digest', {
      entry: 'functions/digest/handler.ts',
      description: 'Sends the weekly regional risk review and the daily notice mails',
      logRetention,
      timeout: Duration.minutes(5),
      config: props.config,
      environment: { TABLE_NAME: table.tableName, ...senderEnvironment, ...props.chatWebhooks?.environment },
      scheduled,
      ...(props.chatWebhooks ? { paramsAndSecrets: props.chatWebhooks.extension } : {}),
    }).fn;
    grantTableAccess(table, digest, TABLE_ACCESS.digest);
    props.chatWebhooks?.grantRead(digest);
    allowSending(digest);
    this.functions = {
      renewalCheckpoint: checkpointFunction,
      riskEscalation: riskFunction,
      milestoneJourney: journeyFunction,
      reviewProgramme: reviewFunction,
      effects: effectsFunction,
      dispatcher,
      digest,
    };
    invokeOnSchedule(
      this,
      'DigestSchedulerRole',
      digest,
      [
        {
          id: 'WeeklyDigestSchedule',
          // Mondays 07:00 UTC, ahead of the regions' weekly cross-functional meetings.
          schedule: ScheduleExpression.cron({ weekDay: 'MON', hour: '7', minute: '0' }),
          description: 'Sends the weekly regional risk review',
          input: { run: 'regional-digest' },
        },
        {
          id: 'DailyNoticesSchedule',
          schedule: ScheduleExpression.cron({ hour: String(props.dailyNoticeHourUtc), minute: '0' }),
          description: "Sends each person's daily notice mail",
          input: { run: 'daily-notices' },
        },
      ],
      props.scheduleDeadLetters,
    );
  }
}
