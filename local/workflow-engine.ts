import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { App } from 'aws-cdk-lib';
import type { Clock } from '#core/clock';
import { mjmlCompiler } from '#core/journeys/render';
import type { TimerKind } from '#core/workflows/timers';
import { type DispatchResult, dispatchDueTimers, type WorkflowStarter } from '#functions/dispatcher/app';
import { createMilestoneJourneyHandler } from '#functions/milestone-journey/app';
import { createRenewalCheckpointHandler } from '#functions/renewal-checkpoint/app';
import { createRiskEscalationHandler } from '#functions/risk-escalation/app';
import type { Mailer } from '#functions/shared/mailer';
import type { Deps } from '#functions/shared/runtime';
import { ChurnGuardStack } from '#infra/stack';
import { dueTimers } from '#store/timer-store';
import { extractStateMachines } from './workflows/extract.ts';
import { createWorkflowRuntime, type WorkflowRuntime } from './workflows/runtime.ts';
import { sesv2Integrations } from './workflows/sesv2-integration.ts';

/** Which state machine each timer kind starts: the construct ids in workflows/. */
export const STATE_MACHINE_FOR: Record<TimerKind, string> = {
  renewal_checkpoint: 'RenewalCheckpoint',
  risk_deadline: 'RiskEscalation',
  journey_milestone: 'MilestoneJourney',
};

let synthesized: ReturnType<typeof extractStateMachines> | undefined;

/**
 * The state machines exactly as CDK synthesizes them for AWS (DESIGN decision 5: one definition of each
 * workflow), synthesized once per process with bundling skipped.
 */
export function deployedStateMachines(): ReturnType<typeof extractStateMachines> {
  if (!synthesized) {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true },
      // CloudFormation schema validation costs ~8 s per synth; cdk synth and the infra tests still run it.
      builtinCloudFormationValidation: false,
    });
    const stack = new ChurnGuardStack(app, 'churnguard-local', { churnguard: { stage: 'local' } });
    synthesized = extractStateMachines(app.synth().getStackByName(stack.stackName).template);
  }
  return synthesized;
}

export interface WorkflowEngine {
  runtime: WorkflowRuntime;
  starter: WorkflowStarter;
  /** One dispatcher run at the clock's current time, as EventBridge Scheduler triggers it in AWS. */
  dispatch(): Promise<DispatchResult>;
  /** Moves a virtual clock to `to`, firing every timer due on the way, in due order (timers set by fired
   * workflows included). */
  advance(to: Date | string, clock: Clock & { set(to: Date | string): void }): Promise<void>;
}

export interface WorkflowEngineOptions {
  /** Where workflow email goes; locally SES local (see local/ses-local.ts). Without it nothing is mailed. */
  mailer?: Mailer;
  /**
   * SES v2 client for state machines that call SES directly (`aws-sdk:sesv2:sendEmail`, the MilestoneJourney),
   * e.g. one pointed at SES local. Without it such a send fails as "SES not configured" and is settled as failed.
   */
  ses?: SESv2Client;
  /** Forget executions this many days after they close, as Step Functions does (the simulator: 90). */
  forgetClosedExecutionsAfterDays?: number;
}

class SesNotConfigured extends Error {
  constructor() {
    super('no SES client was given to the local workflow engine');
    this.name = 'SesNotConfigured';
  }
}

export function createWorkflowEngine(deps: Deps, options: WorkflowEngineOptions = {}): WorkflowEngine {
  const taskDeps = {
    db: deps.db,
    clock: deps.clock,
    mailer: options.mailer,
    ...(deps.config ? { config: deps.config } : {}),
  };
  const runtime = createWorkflowRuntime({
    stateMachines: deployedStateMachines(),
    taskHandlers: {
      'renewal-checkpoint': createRenewalCheckpointHandler(taskDeps),
      'risk-escalation': createRiskEscalationHandler(taskDeps),
      'milestone-journey': createMilestoneJourneyHandler(taskDeps, { compile: mjmlCompiler }),
    },
    serviceIntegrations: {
      dynamodb: { client: deps.db.doc, tableName: deps.db.tableName },
      handlers: options.ses
        ? sesv2Integrations(options.ses)
        : {
            'aws-sdk:sesv2:sendEmail': async () => {
              throw new SesNotConfigured();
            },
          },
    },
    clock: deps.clock,
    ...(options.forgetClosedExecutionsAfterDays === undefined
      ? {}
      : { forgetClosedAfterMs: options.forgetClosedExecutionsAfterDays * 86_400_000 }),
  });
  const starter: WorkflowStarter = {
    async start(kind, name, input) {
      const before = runtime.executionCount();
      try {
        await runtime.startExecution(STATE_MACHINE_FOR[kind], name, input);
      } catch (error) {
        if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return 'already_started';
        throw error;
      }
      return runtime.executionCount() > before ? 'started' : 'already_started';
    },
  };
  const dispatch = () => dispatchDueTimers(deps.db, starter, deps.clock.now());
  return {
    runtime,
    starter,
    dispatch,
    async advance(to, clock) {
      const target = new Date(to);
      for (;;) {
        const [next] = await dueTimers(deps.db, target, 1);
        if (!next) break;
        if (Date.parse(next.dueAt) > clock.now().getTime()) clock.set(next.dueAt);
        await dispatch();
      }
      clock.set(target);
    },
  };
}
