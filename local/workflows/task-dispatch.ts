import { allStates, functionNameOf, type TaskTarget, taskTarget } from './asl.ts';
import { type ExtractedStateMachine, HANDLER_ENV } from './extract.ts';
import { isJsonObject, type JsonValue, throughJsonText, toJson } from './json.ts';
import { integrationTaskError, lambdaTaskError, TaskError } from './task-errors.ts';
import type { TaskTokens } from './task-tokens.ts';
import type { ServiceIntegrationHandler, TaskHandler, TaskInvocation } from './types.ts';

/** What tasks are mapped to. */
export interface TaskWiring {
  taskHandlers: Readonly<Record<string, TaskHandler>>;
  /** By integration key (`dynamodb:putItem`, `aws-sdk:sesv2:sendEmail`). */
  integrations: Readonly<Record<string, ServiceIntegrationHandler>>;
  /** Whether a table reference (a table's logical id) has a local table. */
  hasTable(tableRef: string): boolean;
  tokens: TaskTokens;
}

/** One execution's view: its names and the `$$.Task.Token` in its context object. */
export interface ExecutionScope {
  stateMachineName: string;
  executionName: string;
  /** The object aws-local-stepfunctions reads `$$.Task.Token` from; a new token is put in after each use. */
  task: { Token: string };
  nextToken(): string;
}

type LocalHandler = (input: JsonValue) => Promise<JsonValue>;
type Invoke = (input: JsonValue, invocation: TaskInvocation) => Promise<JsonValue>;

interface PlannedTask {
  stateName: string;
  target: Exclude<TaskTarget, { kind: 'unsupported' }>;
  invoke: Invoke;
}

const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

function functionHandler(
  machine: ExtractedStateMachine,
  wiring: TaskWiring,
  functionRef: string,
): { handler: TaskHandler } | { problem: string } {
  const logicalId = functionNameOf(functionRef);
  const handlerName = own(machine.functionHandlers, logicalId);
  if (handlerName === undefined)
    return { problem: `function ${logicalId} declares no ${HANDLER_ENV} environment variable` };
  const handler = own(wiring.taskHandlers, handlerName);
  if (!handler) return { problem: `no task handler named "${handlerName}" (function ${logicalId})` };
  return { handler };
}

async function callFunction(handler: TaskHandler, payload: JsonValue, invocation: TaskInvocation) {
  try {
    return throughJsonText(await handler(throughJsonText(payload), invocation));
  } catch (error) {
    throw lambdaTaskError(error);
  }
}

/** The Invoke API response Step Functions returns from `lambda:invoke` (without SdkHttpMetadata). */
const invokeResponse = (payload: JsonValue): JsonValue => ({
  ExecutedVersion: '$LATEST',
  Payload: payload,
  StatusCode: 200,
});

function plan(
  machine: ExtractedStateMachine,
  wiring: TaskWiring,
  stateName: string,
  target: PlannedTask['target'],
  parameters: JsonValue | undefined,
): Invoke | { problem: string } {
  switch (target.kind) {
    case 'lambda-function': {
      const resolved = functionHandler(machine, wiring, target.functionName);
      if ('problem' in resolved) return resolved;
      return (input, invocation) => callFunction(resolved.handler, input, invocation);
    }
    case 'lambda-invoke': {
      const staticName = isJsonObject(parameters) ? parameters.FunctionName : undefined;
      if (typeof staticName === 'string') {
        const resolved = functionHandler(machine, wiring, staticName);
        if ('problem' in resolved) return resolved;
      }
      return async (input, invocation) => {
        const functionName = isJsonObject(input) ? input.FunctionName : undefined;
        if (typeof functionName !== 'string')
          throw new TaskError('States.Runtime', `${stateName}: lambda:invoke needs a FunctionName`);
        const resolved = functionHandler(machine, wiring, functionName);
        if ('problem' in resolved) throw new TaskError('Lambda.ResourceNotFoundException', resolved.problem);
        const payload = isJsonObject(input) ? (input.Payload ?? {}) : {};
        return invokeResponse(await callFunction(resolved.handler, payload, invocation));
      };
    }
    case 'integration': {
      const handler = own(wiring.integrations, target.key);
      if (!handler) return { problem: `no local integration for ${target.key}` };
      const tableName = isJsonObject(parameters) ? parameters.TableName : undefined;
      if (target.service === 'dynamodb' && typeof tableName === 'string' && !wiring.hasTable(tableName))
        return { problem: `no local table for ${tableName}` };
      return async (input, invocation) => {
        try {
          return toJson(await handler(structuredClone(input), invocation));
        } catch (error) {
          throw integrationTaskError(target, error);
        }
      };
    }
  }
}

/**
 * Maps every Task state of a definition to its local handler. `problems` lists the tasks that cannot be
 * mapped (a function without a handler name, a handler or integration that is not provided, a table
 * without a local table).
 */
export function planTasks(machine: ExtractedStateMachine, wiring: TaskWiring) {
  const tasks: PlannedTask[] = [];
  const problems: string[] = [];
  for (const { name, state } of allStates(machine.definition)) {
    if (state.Type !== 'Task') continue;
    const target = typeof state.Resource === 'string' ? taskTarget(state.Resource) : undefined;
    if (!target || target.kind === 'unsupported') {
      problems.push(`${machine.name}.${name}: Resource ${String(state.Resource)} cannot run locally`);
      continue;
    }
    const planned = plan(machine, wiring, name, target, state.Parameters);
    if (typeof planned === 'function') tasks.push({ stateName: name, target, invoke: planned });
    else problems.push(`${machine.name}.${name}: ${planned.problem}`);
  }
  return { tasks, problems };
}

/** The `taskResourceLocalHandlers` of one execution: one override per Task state, by state name. */
export function localTaskHandlers(
  tasks: readonly PlannedTask[],
  wiring: TaskWiring,
  scope: ExecutionScope,
): Record<string, LocalHandler> {
  const handlers: Record<string, LocalHandler> = {};
  for (const { stateName, target, invoke } of tasks) {
    handlers[stateName] = async (input) => {
      // Parameters were resolved with the current token just before this call (same synchronous turn).
      const taskToken = scope.task.Token;
      const invocation: TaskInvocation = {
        stateMachineName: scope.stateMachineName,
        executionName: scope.executionName,
        stateName,
        taskToken,
      };
      const waitsForToken = target.kind !== 'lambda-function' && target.pattern === 'wait-for-task-token';
      if (!waitsForToken) return invoke(input, invocation);
      scope.task.Token = scope.nextToken();
      const callback = wiring.tokens.wait({
        token: taskToken,
        stateMachineName: scope.stateMachineName,
        executionName: scope.executionName,
        stateName,
        parameters: input,
      });
      // The callback may come while the task is still being sent; it is awaited once sending succeeded.
      callback.catch(() => {});
      try {
        await invoke(input, invocation);
      } catch (error) {
        wiring.tokens.cancel(taskToken);
        throw error;
      }
      return callback;
    };
  }
  return handlers;
}
