import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { decideAndAct } from './decide-and-act.ts';

export interface ReviewProgrammeProps {
  reviewFunction: IFunction;
  effectsFunction: IFunction;
  logRetention: RetentionDays;
}

/**
 * One review of the review programme (config.reviews: a cadence entry or a journey EBR) coming due for one account,
 * started by the dispatcher from a `review` timer on the review's invitation day. Input: { accountId, ref, dueAt,
 * entry, reviewDate, retryOf? }; or, from a reschedule's timer, { accountId, ref, dueAt, update: reviewId, sequence,
 * retryOf? }: the moved review's updated invitations (core/reviews/reschedule.ts).
 *
 * Consumes: the account's profile, segment, contacts and reviews. Decides: the review (booked once per entry and
 * day), its invitations (.ics for a meeting) to the CSM and the contacts of the segment's audience, and the entry's
 * next review; nothing from the renewal date. Emits: a review record, timeline entries, messages (through the
 * executor's restraint and the deliver step), the next `review` timer.
 */
export class ReviewProgramme extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ReviewProgrammeProps) {
    super(scope, id);
    this.stateMachine = decideAndAct(this, 'ReviewProgramme', {
      evaluateFunction: props.reviewFunction,
      effectsFunction: props.effectsFunction,
      logRetention: props.logRetention,
    });
  }
}
