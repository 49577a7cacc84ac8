import './promise-with-resolvers.ts';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
} from 'aws-local-stepfunctions';
import type { Clock } from '#core/clock';
import { systemClock } from '#functions/shared/system-clock';
import { allStates, isStateMachineDefinition } from './asl.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './cloudformation.ts';
import {
  type DynamoDbIntegrationOptions,
  dynamoDbIntegrations,
  localTableName,
} from './dynamodb-integration.ts';
import type { ExtractedStateMachine } from './extract.ts';
import { canonicalJson, type JsonValue, toJson } from './json.ts';
import { type ExecutionScope, localTaskHandlers, planTasks, type TaskWiring } from './task-dispatch.ts';
import { type PendingTask, TaskTokens } from './task-tokens.ts';
import type { ServiceIntegrationHandler, TaskHandler } from './types.ts';

export interface WorkflowRuntimeOptions {
  stateMachines: readonly ExtractedStateMachine[];
  /** By handler name: the value of each task function's CHURNGUARD_HANDLER. */
  taskHandlers: Readonly<Record<string, TaskHandler>>;
  serviceIntegrations?: {
    /** `dynamodb:*` and `aws-sdk:dynamodb:*` against a real DynamoDB (Local). */
    dynamodb?: DynamoDbIntegrationOptions;
    /**
     * Further integrations by key: the Resource after `arn:aws:states:::`, without `.sync` or
     * `.waitForTaskToken` (e.g. `aws-sdk:sesv2:sendEmail`). They take precedence over the DynamoDB ones.
     */
    handlers?: Readonly<Record<string, ServiceIntegrationHandler>>;
  };
  /** Stamps executions' start and stop dates. */
  clock?: Clock;
  /** `skip` (default): Wait states and retry back-off take no time. `real`: they sleep as they would in AWS. */
  delays?: 'skip' | 'real';
  /**
   * Forget an execution this long after it closed, as Step Functions does (a name may be used again 90 days
   * after its execution closed), so a year-long simulation does not hold every execution. Off by default:
   * callers that list executions (bench/workflows.ts) need them all.
   */
  forgetClosedAfterMs?: number;
}

export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionResult {
  stateMachineName: string;
  executionName: string;
  executionArn: string;
  status: ExecutionStatus;
  output?: JsonValue;
  error?: string;
  cause?: string;
  /** State transitions as Step Functions bills them: every state entered, and every retry. */
  transitions: number;
  /** The states entered, in order (a retried state appears once per entry, not per attempt). */
  history: string[];
  startDate: Date;
  stopDate: Date;
}

export interface ExecutionRecord {
  stateMachineName: string;
  executionName: string;
  executionArn: string;
  input: JsonValue;
  status: ExecutionStatus | 'RUNNING';
  startDate: Date;
  result?: ExecutionResult;
}

export interface WorkflowRuntime {
  /**
   * Runs an execution to its end. Idempotent by name, per state machine: the same name with the same input
   * returns the first execution's result (awaiting it while it runs) without running again; a different
   * input throws `ExecutionAlreadyExists`.
   */
  startExecution(stateMachineName: string, executionName: string, input: unknown): Promise<ExecutionResult>;
  /** Every execution started, in start order. */
  executions(): ExecutionRecord[];
  /** How many executions were started (without copying them, for callers that only need the count). */
  executionCount(): number;
  stateMachineNames(): string[];
  /** `.waitForTaskToken` tasks waiting for a callback. */
  pendingTasks(): PendingTask[];
  sendTaskSuccess(taskToken: string, output: unknown): void;
  sendTaskFailure(taskToken: string, error: string, cause?: string): void;
}

/** A named error, as the Step Functions API names them. */
class WorkflowApiError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class WorkflowWiringError extends Error {
  constructor(readonly problems: string[]) {
    super(`workflow tasks without a local handler:\n  ${problems.join('\n  ')}`);
    this.name = 'WorkflowWiringError';
  }
}

/** Step Functions' rule for execution names: 1-80 characters, none of whitespace, brackets, wildcards, punctuation. */
const INVALID_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]|\p{Cc}/u;

interface Prepared {
  machine: ExtractedStateMachine;
  tasks: ReturnType<typeof planTasks>['tasks'];
  overrides: Pick<NonNullable<RunOptions['overrides']>, 'waitTimeOverrides' | 'retryIntervalOverrides'>;
  runner: StateMachine;
}

function delayOverrides(machine: ExtractedStateMachine, delays: 'skip' | 'real'): Prepared['overrides'] {
  if (delays === 'real') return {};
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const { name, state } of allStates(machine.definition)) {
    if (state.Type === 'Wait') waitTimeOverrides[name] = 0;
    if (Array.isArray(state.Retry)) retryIntervalOverrides[name] = 0;
  }
  return { waitTimeOverrides, retryIntervalOverrides };
}

/**
 * StateMachines by definition text, shared by every runtime in the process: aws-local-stepfunctions validates
 * on construction (asl-validator, 0.3-0.7 s per definition), and a StateMachine keeps no execution state.
 */
const runners = new Map<string, StateMachine>();

function runnerOf(machine: ExtractedStateMachine): StateMachine {
  const { definition, name } = machine;
  const key = canonicalJson(definition);
  const cached = runners.get(key);
  if (cached) return cached;
  if (!isStateMachineDefinition(definition))
    throw new WorkflowApiError(
      'InvalidDefinition',
      `${name}: StartAt and States with known Types are required`,
    );
  try {
    const runner = new StateMachine(structuredClone(definition), {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    runners.set(key, runner);
    return runner;
  } catch (error) {
    throw new WorkflowApiError(
      'InvalidDefinition',
      `${name}: ${error instanceof Error ? error.message : error}`,
    );
  }
}

function errorDetails(error: unknown): { status: ExecutionStatus; error: string; cause: string } {
  if (error instanceof ExecutionTimeoutError)
    return {
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      cause: 'the execution exceeded its TimeoutSeconds',
    };
  if (error instanceof ExecutionAbortedError)
    return { status: 'ABORTED', error: 'States.Aborted', cause: '' };
  if (error instanceof ExecutionError && error.cause instanceof Error)
    return { status: 'FAILED', error: error.cause.name, cause: error.cause.message };
  throw error;
}

/**
 * The result with its output, turned into JSON when it is first read: a dispatcher starting executions never reads
 * it, and the whole final state of every execution would be copied for nothing.
 */
function withOutput(result: ExecutionResult, output: unknown): ExecutionResult {
  let json: JsonValue | undefined;
  return Object.defineProperty(result, 'output', {
    enumerable: true,
    get: () => {
      json ??= toJson(output);
      return json;
    },
  });
}

/**
 * Runs the synthesized state machines locally with aws-local-stepfunctions: Lambda tasks call the named local
 * handler, DynamoDB integrations go to DynamoDB Local, other integrations to the given handlers.
 */
export function createWorkflowRuntime(options: WorkflowRuntimeOptions): WorkflowRuntime {
  const clock = options.clock ?? systemClock;
  const dynamodb = options.serviceIntegrations?.dynamodb;
  const tokens = new TaskTokens();
  const wiring: TaskWiring = {
    taskHandlers: options.taskHandlers,
    integrations: {
      ...(dynamodb ? dynamoDbIntegrations(dynamodb) : {}),
      ...options.serviceIntegrations?.handlers,
    },
    // Without the built-in DynamoDB integration, a custom handler (or a reported missing one) owns the table.
    hasTable: (tableRef) => dynamodb === undefined || localTableName(dynamodb, tableRef) !== undefined,
    tokens,
  };

  const plans = options.stateMachines.map((machine) => ({ machine, ...planTasks(machine, wiring) }));
  const problems = plans.flatMap((plan) => plan.problems);
  if (problems.length) throw new WorkflowWiringError(problems);
  const prepared = new Map<string, Prepared>();
  for (const { machine, tasks } of plans) {
    if (prepared.has(machine.name))
      throw new WorkflowApiError('InvalidName', `two state machines named ${machine.name}`);
    prepared.set(machine.name, {
      machine,
      tasks,
      overrides: delayOverrides(machine, options.delays ?? 'skip'),
      runner: runnerOf(machine),
    });
  }

  const records = new Map<
    string,
    { record: ExecutionRecord; inputKey: string; done: Promise<ExecutionResult> }
  >();
  let started = 0;
  /** Closed executions in the order they closed (the clock only moves forward), for forgetting the oldest. */
  const closed: { key: string; stoppedAt: number }[] = [];
  let forgotten = 0;
  function forgetOldExecutions() {
    if (options.forgetClosedAfterMs === undefined) return;
    const before = clock.now().getTime() - options.forgetClosedAfterMs;
    for (let next = closed[forgotten]; next && next.stoppedAt < before; next = closed[++forgotten])
      records.delete(next.key);
    if (forgotten > 4096 && forgotten * 2 > closed.length) {
      closed.splice(0, forgotten);
      forgotten = 0;
    }
  }

  async function run(entry: Prepared, record: ExecutionRecord): Promise<ExecutionResult> {
    const { stateMachineName, executionName, executionArn } = record;
    let tokenCount = 0;
    const nextToken = () => `${executionArn}:task-token:${++tokenCount}`;
    const task = { Token: nextToken() };
    const scope: ExecutionScope = { stateMachineName, executionName, task, nextToken };
    const execution = entry.runner.run(record.input, {
      overrides: {
        ...entry.overrides,
        taskResourceLocalHandlers: localTaskHandlers(entry.tasks, wiring, scope),
      },
      context: {
        Execution: { Id: executionArn, Name: executionName },
        StateMachine: {
          Id: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${stateMachineName}`,
          Name: stateMachineName,
        },
        Task: task,
      },
    });
    const history: string[] = [];
    let retries = 0;
    const events = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') history.push(event.state.name);
        if (event.type === 'StateRetried') retries++;
      }
    })();
    let outcome: Pick<ExecutionResult, 'status' | 'error' | 'cause'>;
    let output: unknown;
    try {
      output = await execution.result;
      outcome = { status: 'SUCCEEDED' };
    } catch (error) {
      outcome = errorDetails(error);
    } finally {
      tokens.forget(stateMachineName, executionName);
    }
    await events;
    const result: ExecutionResult = {
      stateMachineName,
      executionName,
      executionArn,
      ...outcome,
      transitions: history.length + retries,
      history,
      startDate: record.startDate,
      stopDate: clock.now(),
    };
    return outcome.status === 'SUCCEEDED' ? withOutput(result, output) : result;
  }

  return {
    async startExecution(stateMachineName, executionName, input) {
      // Everything up to records.set runs synchronously, so concurrent starts of one name see each other.
      const entry = prepared.get(stateMachineName);
      if (!entry)
        throw new WorkflowApiError('StateMachineDoesNotExist', `no state machine named ${stateMachineName}`);
      if (executionName.length < 1 || executionName.length > 80 || INVALID_NAME.test(executionName))
        throw new WorkflowApiError('InvalidName', `invalid execution name: ${executionName}`);
      forgetOldExecutions();
      const json = toJson(input);
      const inputKey = canonicalJson(json);
      const key = `${stateMachineName}/${executionName}`;
      const existing = records.get(key);
      if (existing) {
        if (existing.inputKey === inputKey) return existing.done;
        throw new WorkflowApiError(
          'ExecutionAlreadyExists',
          `execution ${executionName} of ${stateMachineName} already exists with a different input`,
        );
      }
      const record: ExecutionRecord = {
        stateMachineName,
        executionName,
        executionArn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${stateMachineName}:${executionName}`,
        input: json,
        status: 'RUNNING',
        startDate: clock.now(),
      };
      const done = run(entry, record).then((result) => {
        record.status = result.status;
        record.result = result;
        if (options.forgetClosedAfterMs !== undefined)
          closed.push({ key, stoppedAt: result.stopDate.getTime() });
        return result;
      });
      records.set(key, { record, inputKey, done });
      started++;
      return done;
    },
    executions: () => [...records.values()].map(({ record }) => ({ ...record })),
    executionCount: () => started,
    stateMachineNames: () => [...prepared.keys()],
    pendingTasks: () => tokens.pending(),
    sendTaskSuccess: (taskToken, output) => tokens.succeed(taskToken, output),
    sendTaskFailure: (taskToken, error, cause) => tokens.fail(taskToken, error, cause),
  };
}
