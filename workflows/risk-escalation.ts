import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { decideAndAct } from './decide-and-act.ts';

export interface RiskEscalationProps {
  riskFunction: IFunction;
  effectsFunction: IFunction;
  logRetention: RetentionDays;
}

/**
 * The Red Account Process (seed 002), one step per execution, started by the dispatcher from a `risk_check` or
 * `risk_deadline` timer. Every risk is opened, raised and closed here, whatever started it (the daily health pass,
 * a critical signal, a renewal checkpoint, a renewal outcome), so each risk has one place where its tiers live.
 * Input: { accountId, ref, dueAt, step: detect | deadline | update | outreach | renewal, riskId?, tier?, ... }.
 *
 * Consumes: the account's stored health and trail, facts, open risk. Decides: open a tier-1 risk (root causes,
 * strategy, acknowledgement deadline, notices, the strategy's plays), note new evidence, raise a tier at its
 * deadline (or hold), send a rescue update, close a recovered or renewed risk. Emits: risk records, timers,
 * timeline entries, notices and customer messages (through the executor and the deliver step).
 */
export class RiskEscalation extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: RiskEscalationProps) {
    super(scope, id);
    this.stateMachine = decideAndAct(this, 'RiskEscalation', {
      evaluateFunction: props.riskFunction,
      effectsFunction: props.effectsFunction,
      logRetention: props.logRetention,
    });
  }
}
