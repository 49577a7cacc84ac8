import { Duration, Stack, Token } from 'aws-cdk-lib';
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
import { RiskEscalation } from '../../workflows/risk-escalation.ts';
import { acknowledgeInvokeGrant, acknowledgeNag } from '../nag.ts';
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
  /**
   * The email plumbing: its From address (invitations, digests and journeys; without one nothing is mailed by
   * the functions), configuration set, contact list and journey topics.
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
}

/**
 * The workflows and what drives them: task functions (each tagged CHURNGUARD_HANDLER so the local runtime maps
 * it to the same handler), the state machines, and the dispatcher that EventBridge Scheduler runs every few
 * minutes to start an execution for each due timer.
 */
export class Workflows extends Construct {
  readonly renewalCheckpoint: RenewalCheckpoint;
  readonly riskEscalation: RiskEscalation;
  readonly milestoneJourney: MilestoneJourney;
  /** The functions, by their name in TABLE_ACCESS. */
  readonly functions: Record<
    'renewalCheckpoint' | 'riskEscalation' | 'milestoneJourney' | 'dispatcher' | 'digest',
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
      ? { SENDER_EMAIL: from, SES_CONFIGURATION_SET: configurationSetName }
      : {};
    /** Only the sender's own SES identity (its domain), through churnguard's configuration set. */
    const allowSending = (fn: IFunction) => {
      if (!senderDomain) return;
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [
            Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: senderDomain }),
            Stack.of(this).formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: configurationSetName,
            }),
          ],
        }),
      );
    };
    const task = (
      name: string,
      entry: string,
      description: string,
      access: TableAccess,
      options: { templates?: boolean; environment?: Record<string, string> } = {},
    ) => {
      const fn = new ServiceFunction(this, name, {
        entry,
        description,
        logRetention,
        config: { ...props.config, ...(options.templates ? { templates: true } : {}) },
        environment: {
          TABLE_NAME: table.tableName,
          CHURNGUARD_HANDLER: name,
          ...senderEnvironment,
          ...options.environment,
        },
      }).fn;
      grantTableAccess(table, fn, access);
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
      'Renewal checkpoint tasks',
      TABLE_ACCESS.renewalCheckpoint,
    );
    allowSending(checkpointFunction);
    const riskFunction = task(
      'risk-escalation',
      'functions/risk-escalation/handler.ts',
      'Risk escalation tasks',
      TABLE_ACCESS.riskEscalation,
    );
    this.renewalCheckpoint = new RenewalCheckpoint(this, 'RenewalCheckpoint', {
      checkpointFunction,
      riskFunction,
      logRetention,
    });
    this.riskEscalation = new RiskEscalation(this, 'RiskEscalation', { riskFunction, logRetention });
    // Milestone journeys (issue 5): the task function decides and reserves; the state machine calls SES itself.
    // Its templates are compiled from MJML to HTML into its bundle, and its topics come from the email props.
    const journeyFunction = task(
      'milestone-journey',
      'functions/milestone-journey/handler.ts',
      'Milestone journey tasks: plays, restraint, send ledger',
      TABLE_ACCESS.milestoneJourney,
      { templates: true, environment: { JOURNEY_TOPICS: JSON.stringify(email.journeyTopics) } },
    );
    this.milestoneJourney = new MilestoneJourney(this, 'MilestoneJourney', {
      journeyFunction,
      logRetention,
      sending: {
        configurationSetName,
        ...(from ? { fromAddress: from } : {}),
        ...(senderDomain ? { identityName: senderDomain } : {}),
        ...(email.contactListName ? { contactListName: email.contactListName } : {}),
      },
    });
    acknowledgeInvokeGrant(this.milestoneJourney.stateMachine, journeyFunction);
    acknowledgeNag(
      this.milestoneJourney.stateMachine,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'Granted by CDK for X-Ray tracing and log delivery, whose actions support no resource-level permissions.',
    );
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const accountId = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    if (!senderDomain) {
      acknowledgeNag(
        this.milestoneJourney.stateMachine,
        `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:${region}:${accountId}:identity/*]`,
        "No sender in the construct props: the From address comes from config (messaging.from), so ses:SendEmail is on any identity of this account and region, still only through churnguard's configuration set.",
      );
    }
    acknowledgeInvokeGrant(this.renewalCheckpoint.stateMachine, checkpointFunction);
    acknowledgeInvokeGrant(this.renewalCheckpoint.stateMachine, riskFunction);
    acknowledgeInvokeGrant(this.riskEscalation.stateMachine, riskFunction);
    for (const machine of [this.renewalCheckpoint.stateMachine, this.riskEscalation.stateMachine]) {
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
      risk_deadline: this.riskEscalation.stateMachine.stateMachineArn,
      journey_milestone: this.milestoneJourney.stateMachine.stateMachineArn,
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
    this.renewalCheckpoint.stateMachine.grantStartExecution(dispatcher);
    this.riskEscalation.stateMachine.grantStartExecution(dispatcher);
    this.milestoneJourney.stateMachine.grantStartExecution(dispatcher);
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
      description: 'Sends the weekly regional risk review digest',
      logRetention,
      timeout: Duration.minutes(5),
      config: props.config,
      environment: { TABLE_NAME: table.tableName, ...senderEnvironment },
      scheduled,
    }).fn;
    grantTableAccess(table, digest, TABLE_ACCESS.digest);
    allowSending(digest);
    this.functions = {
      renewalCheckpoint: checkpointFunction,
      riskEscalation: riskFunction,
      milestoneJourney: journeyFunction,
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
        },
      ],
      props.scheduleDeadLetters,
    );
  }
}
