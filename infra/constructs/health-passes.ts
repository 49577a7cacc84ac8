import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionConfig } from './function-bundle.ts';
import { invokeOnSchedule } from './scheduled-invoke.ts';
import { ServiceFunction } from './service-function.ts';
import { grantTableAccess, TABLE_ACCESS } from './table-access.ts';

export interface HealthPassesProps {
  table: ITableV2;
  logRetention: RetentionDays;
  config: FunctionConfig;
  /** How often accounts with new signals are scored again. */
  dirtyEvery?: Duration;
  /** Where runs the schedules could not hand over, and invocations that failed every retry, go. */
  scheduleDeadLetters: IQueue;
  /** Reserve concurrency for the pass (see ChurnGuardProps.reserveConcurrency). */
  reserveConcurrency: boolean;
}

/**
 * Stored health kept current on a schedule, so the portfolio view, health history and segment baselines do not
 * wait for someone to read them: the dirty pass every few minutes, the daily pass (baselines learnt again, every
 * account scored for time decay) at 05:00 UTC, before the working day in EMEA and after it in the Americas.
 * One invocation at a time (a lease in the table, and reserved concurrency); a daily pass larger than one
 * invocation's 12 minutes is saved and continued by the next runs (functions/health-pass/app.ts).
 */
export class HealthPasses extends Construct {
  readonly fn: IFunction;

  constructor(scope: Construct, id: string, props: HealthPassesProps) {
    super(scope, id);
    const fn = new ServiceFunction(this, 'health-pass', {
      entry: 'functions/health-pass/handler.ts',
      description: 'Scores accounts with new signals, and every account once a day',
      logRetention: props.logRetention,
      timeout: Duration.minutes(15),
      // Scoring is CPU-bound (~17 ms of Node per account on a laptop core): one full vCPU.
      memorySize: 1769,
      config: props.config,
      environment: { TABLE_NAME: props.table.tableName },
      scheduled: {
        deadLetters: props.scheduleDeadLetters,
        ...(props.reserveConcurrency ? { concurrency: 1 } : {}),
      },
    }).fn;
    this.fn = fn;
    grantTableAccess(props.table, fn, TABLE_ACCESS.healthPass);
    invokeOnSchedule(
      this,
      'SchedulerRole',
      fn,
      [
        {
          id: 'DirtySchedule',
          schedule: ScheduleExpression.rate(props.dirtyEvery ?? Duration.minutes(15)),
          description: 'Scores the accounts with new signals or profile changes',
          input: { pass: 'dirty' },
        },
        {
          id: 'DailySchedule',
          schedule: ScheduleExpression.cron({ hour: '5', minute: '0' }),
          description: 'Learns segment baselines again and scores every account',
          input: { pass: 'daily' },
        },
      ],
      props.scheduleDeadLetters,
    );
  }
}
