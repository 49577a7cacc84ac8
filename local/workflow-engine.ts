import { App } from 'aws-cdk-lib';
import type { Clock } from '#core/clock';
import { mjmlCompiler } from '#core/journeys/render';
import { type ScheduledRunKind, scheduledRuns } from '#core/workflows/schedules';
import type { TimerKind } from '#core/workflows/timers';
import { type DispatchResult, dispatchDueTimers, type WorkflowStarter } from '#functions/dispatcher/app';
import { createEffectsHandler } from '#functions/effects/app';
import { createMilestoneJourneyHandler } from '#functions/milestone-journey/app';
import { createRenewalCheckpointHandler } from '#functions/renewal-checkpoint/app';
import { createReviewProgrammeHandler } from '#functions/review-programme/app';
import { createRiskEscalationHandler } from '#functions/risk-escalation/app';
import type { ChatPoster } from '#functions/shared/chat-poster';
import { type PassHooks, recomputeDaily } from '#functions/shared/health/recompute-portfolio';
import type { Mailer } from '#functions/shared/mailer';
import type { Deps } from '#functions/shared/runtime';
import { ChurnGuardStack } from '#infra/stack';
import { dueTimers } from '#store/timer-store';
import { useCaseDeps } from '#usecases/account-view';
import { sendDailyNotices } from '#usecases/daily-notices';
import { sendRegionalDigests } from '#usecases/regional-digest';
import { riskDetection } from '#usecases/risk-triggers';
import { extractStateMachines } from './workflows/extract.ts';
import { createWorkflowRuntime, type WorkflowRuntime } from './workflows/runtime.ts';

/** Which state machine each timer kind starts: the construct ids in workflows/. */
export const STATE_MACHINE_FOR: Record<TimerKind, string> = {
  renewal_checkpoint: 'RenewalCheckpoint',
  risk_check: 'RiskEscalation',
  risk_deadline: 'RiskEscalation',
  journey_milestone: 'MilestoneJourney',
  journey_tip: 'MilestoneJourney',
  review: 'ReviewProgramme',
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
  /** One scheduled run (the daily health pass, the daily notice mails, the weekly digest), now. */
  runScheduled(run: ScheduledRunKind): Promise<void>;
  /** On a clock that moves by itself (npm start): the scheduled runs that came due since the last call, then a dispatch. */
  runDue(): Promise<void>;
  /**
   * Moves a virtual clock to `to`, doing on the way what the deployment's schedules do, in time order: every timer
   * due (timers set by fired workflows included), the daily health pass with risk detection at 05:00 UTC, each
   * person's daily notice mail, and the weekly regional digest on Mondays.
   */
  advance(to: Date | string, clock: Clock & { set(to: Date | string): void }): Promise<void>;
}

export interface WorkflowEngineOptions {
  /** Where workflow email goes; locally SES local (see local/ses-local.ts). Without it every send is settled failed. */
  mailer?: Mailer;
  /** Where Slack and Teams posts go; locally the capture endpoint (local/chat-capture.ts), in simulation result.json. */
  poster?: ChatPoster;
  /** Forget executions this many days after they close, as Step Functions does (the simulator: 90). */
  forgetClosedExecutionsAfterDays?: number;
  /** Run the scheduled runs while advancing (default true); off for tests that drive them by hand. */
  schedules?: boolean;
  /** What the daily pass learns baselines from, given this table's samples (a sharded simulation pools every shard's). */
  poolSamples?: PassHooks['poolSamples'];
  /**
   * Told after each scheduled run how long it took, in milliseconds of wall time and of this process's CPU (every
   * thread's, garbage collection included: a benchmark's single-threaded run reads it as the run's own).
   */
  onScheduledRun?: (run: ScheduledRunKind, ms: number, cpuMs: number) => void;
}

export function createWorkflowEngine(deps: Deps, options: WorkflowEngineOptions = {}): WorkflowEngine {
  const useCase = useCaseDeps(deps);
  const withMail = { ...useCase, mailer: options.mailer, poster: options.poster };
  const runtime = createWorkflowRuntime({
    stateMachines: deployedStateMachines(),
    taskHandlers: {
      'renewal-checkpoint': createRenewalCheckpointHandler(deps),
      'risk-escalation': createRiskEscalationHandler(deps),
      'milestone-journey': createMilestoneJourneyHandler(deps),
      'review-programme': createReviewProgrammeHandler(deps),
      effects: createEffectsHandler({ ...withMail, compile: mjmlCompiler }),
    },
    serviceIntegrations: { dynamodb: { client: deps.db.doc, tableName: deps.db.tableName }, handlers: {} },
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
  const detection: PassHooks = {
    ...riskDetection(useCase),
    ...(options.poolSamples ? { poolSamples: options.poolSamples } : {}),
  };
  const runScheduled = async (run: ScheduledRunKind) => {
    const started = Date.now();
    const cpu = process.cpuUsage();
    if (run === 'daily-health-pass') await recomputeDaily(deps, useCase.config, detection);
    else if (run === 'daily-notices') await sendDailyNotices(withMail);
    else await sendRegionalDigests(withMail);
    const used = process.cpuUsage(cpu);
    options.onScheduledRun?.(run, Date.now() - started, (used.user + used.system) / 1000);
  };
  let scheduledUpTo = deps.clock.now();
  const noticeHour = useCase.config.escalation.notices.dailyHourUtc;
  return {
    runtime,
    starter,
    dispatch,
    runScheduled,
    async runDue() {
      const now = deps.clock.now();
      if (options.schedules !== false) {
        for (const run of scheduledRuns(scheduledUpTo, now, noticeHour)) await runScheduled(run.run);
      }
      scheduledUpTo = now;
      await dispatch();
    },
    async advance(to, clock) {
      const target = new Date(to);
      for (;;) {
        const [timer] = await dueTimers(deps.db, target, 1);
        const [scheduled] =
          options.schedules === false ? [] : scheduledRuns(scheduledUpTo, target, noticeHour);
        const timerAt = timer ? Date.parse(timer.dueAt) : Number.POSITIVE_INFINITY;
        if (!scheduled && !timer) break;
        if (scheduled && scheduled.at.getTime() <= timerAt) {
          if (scheduled.at.getTime() > clock.now().getTime()) clock.set(scheduled.at);
          scheduledUpTo = scheduled.at;
          await runScheduled(scheduled.run);
          continue;
        }
        if (timerAt > clock.now().getTime()) clock.set(new Date(timerAt));
        await dispatch();
      }
      if (target.getTime() > clock.now().getTime()) clock.set(target);
      if (target.getTime() > scheduledUpTo.getTime()) scheduledUpTo = target;
    },
  };
}
