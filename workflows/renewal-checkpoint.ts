import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { decideAndAct } from './decide-and-act.ts';

export interface RenewalCheckpointProps {
  checkpointFunction: IFunction;
  effectsFunction: IFunction;
  logRetention: RetentionDays;
}

/**
 * One renewal checkpoint (T-180 ... T-0, or one caught up on arrival) for one account, started by the dispatcher
 * from a `renewal_checkpoint` timer. Input: { accountId, ref, dueAt, daysBefore, renewalDate, retryOf?, caughtUp? }.
 *
 * Consumes: the account's stored health, facts, open risk and reviews. Decides: a risk check when detection finds
 * the renewal at risk (the RiskEscalation workflow opens the risk), the renewal review and its invitations for
 * high-touch accounts, the renewal-value message for low/tech-touch accounts, or "on track". Emits: timeline
 * entries, a risk_check timer, a review record, messages (through the executor and the deliver step).
 */
export class RenewalCheckpoint extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: RenewalCheckpointProps) {
    super(scope, id);
    this.stateMachine = decideAndAct(this, 'RenewalCheckpoint', {
      evaluateFunction: props.checkpointFunction,
      effectsFunction: props.effectsFunction,
      logRetention: props.logRetention,
    });
  }
}
