import { type JsonValue, toJson } from './json.ts';
import { TaskError } from './task-errors.ts';

/** A `.waitForTaskToken` task waiting for SendTaskSuccess or SendTaskFailure. */
export interface PendingTask {
  token: string;
  stateMachineName: string;
  executionName: string;
  stateName: string;
  /** What the task sent (its resolved Parameters), where the token usually travels. */
  parameters: JsonValue;
}

export class TaskDoesNotExist extends Error {
  constructor(token: string) {
    super(`no task is waiting for token ${token}`);
    this.name = 'TaskDoesNotExist';
  }
}

interface Waiter {
  task: PendingTask;
  resolve: (output: JsonValue) => void;
  reject: (error: Error) => void;
}

/** The callbacks of `.waitForTaskToken` tasks, as Step Functions' SendTaskSuccess / SendTaskFailure API. */
export class TaskTokens {
  private readonly waiting = new Map<string, Waiter>();

  wait(task: PendingTask): Promise<JsonValue> {
    return new Promise((resolve, reject) => {
      this.waiting.set(task.token, { task, resolve, reject });
    });
  }

  pending(): PendingTask[] {
    return [...this.waiting.values()].map((waiter) => waiter.task);
  }

  succeed(token: string, output: unknown): void {
    this.take(token).resolve(toJson(output));
  }

  fail(token: string, error: string, cause = ''): void {
    this.take(token).reject(new TaskError(error, cause));
  }

  /** Forgets a token whose task failed before anyone could call back. */
  cancel(token: string): void {
    this.waiting.delete(token);
  }

  /** Forgets the tokens of a finished execution (a task that timed out never hears back). */
  forget(stateMachineName: string, executionName: string): void {
    for (const [token, waiter] of this.waiting)
      if (waiter.task.stateMachineName === stateMachineName && waiter.task.executionName === executionName)
        this.waiting.delete(token);
  }

  private take(token: string): Waiter {
    const waiter = this.waiting.get(token);
    if (!waiter) throw new TaskDoesNotExist(token);
    this.waiting.delete(token);
    return waiter;
  }
}
