import type { JsonValue } from './json.ts';

/** Where a task runs: passed to task and service-integration handlers as their second argument. */
export interface TaskInvocation {
  stateMachineName: string;
  executionName: string;
  stateName: string;
  /** `$$.Task.Token` of this task, for `.waitForTaskToken` integrations. */
  taskToken: string;
}

/** A workflow task's local handler: the same function its Lambda runs, called with the task's payload. */
export type TaskHandler = (input: unknown, invocation: TaskInvocation) => Promise<unknown>;

/**
 * A service integration's local stand-in, called with the task's resolved Parameters; its result is the task
 * result (the API response, PascalCase, as Step Functions returns it). Thrown errors are named as Step
 * Functions names them (see `integrationTaskError`).
 */
export type ServiceIntegrationHandler = (
  parameters: JsonValue,
  invocation: TaskInvocation,
) => Promise<unknown>;
