import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { decideAndAct } from './decide-and-act.ts';

export interface MilestoneJourneyProps {
  journeyFunction: IFunction;
  effectsFunction: IFunction;
  logRetention: RetentionDays;
}

/**
 * One milestone check (due or grace) of an account's journey, started by the dispatcher from a
 * `journey_milestone` timer (input: { accountId, ref, dueAt, milestone, phase }), or one tip of the segment's tip
 * cadence, from a `journey_tip` timer (input: { accountId, ref, dueAt, occurrence, day }; docs/tips.md).
 *
 * Consumes: the account's rollups, stored milestones and health, open risk, urgent tickets. Decides: the plays the
 * segment's journey names for the milestone's status (congratulate, nudge, tell the CSM), withholding a
 * congratulation from a struggling account; for a tip, what to teach (a feature the account has not used) and the
 * next tip's timer, withholding the tip from a struggling account. Emits: messages and not-sent rows through the
 * executor, where restraint judges each (unsubscribe, budget, quiet hours, context, holdout, silent mode) and a
 * deferral sets the `.deferred` (or `tip.deferred`) timer that runs this check again.
 */
export class MilestoneJourney extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: MilestoneJourneyProps) {
    super(scope, id);
    this.stateMachine = decideAndAct(this, 'MilestoneJourney', {
      evaluateFunction: props.journeyFunction,
      effectsFunction: props.effectsFunction,
      logRetention: props.logRetention,
    });
  }
}
