import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { isJsonObject, type JsonObject } from './json.ts';

/** A state anywhere in a definition; `parents` names the enclosing Parallel/Map states, outermost first. */
export interface StateVisit {
  name: string;
  state: JsonObject;
  parents: string[];
}

/** Every state of a definition, including those inside Parallel branches and Map processors. */
export function allStates(definition: JsonObject, parents: string[] = []): StateVisit[] {
  const visits: StateVisit[] = [];
  const states = definition.States;
  if (!isJsonObject(states)) return visits;
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) continue;
    visits.push({ name, state, parents });
    const nested = [
      ...(Array.isArray(state.Branches) ? state.Branches : []),
      state.ItemProcessor ?? null,
      state.Iterator ?? null,
    ];
    for (const sub of nested) if (isJsonObject(sub)) visits.push(...allStates(sub, [...parents, name]));
  }
  return visits;
}

export type IntegrationPattern = 'request-response' | 'sync' | 'wait-for-task-token';

/** What a Task state's Resource calls. */
export type TaskTarget =
  /** A function ARN as the Resource: the payload in, the function's result out (LambdaInvoke payloadResponseOnly). */
  | { kind: 'lambda-function'; functionName: string }
  /** `arn:aws:states:::lambda:invoke`: FunctionName and Payload in Parameters, the Invoke response out. */
  | { kind: 'lambda-invoke'; pattern: IntegrationPattern }
  /**
   * Any other service integration; `key` is the Resource after `arn:aws:states:::` without the pattern suffix,
   * e.g. `dynamodb:putItem` or `aws-sdk:sesv2:sendEmail`.
   */
  | {
      kind: 'integration';
      key: string;
      service: string;
      action: string;
      sdk: boolean;
      pattern: IntegrationPattern;
    }
  | { kind: 'unsupported'; resource: string };

const FUNCTION_ARN = /^arn:[\w-]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/;
const INTEGRATION_ARN = /^arn:[\w-]+:states:::(.+?)(?:\.(sync(?::2)?|waitForTaskToken))?$/;

export function taskTarget(resource: string): TaskTarget {
  const fn = FUNCTION_ARN.exec(resource);
  if (fn?.[1]) return { kind: 'lambda-function', functionName: fn[1] };
  const integration = INTEGRATION_ARN.exec(resource);
  if (!integration?.[1]) return { kind: 'unsupported', resource };
  const key = integration[1];
  const suffix = integration[2];
  const pattern: IntegrationPattern =
    suffix === 'waitForTaskToken' ? 'wait-for-task-token' : suffix ? 'sync' : 'request-response';
  if (key === 'lambda:invoke') return { kind: 'lambda-invoke', pattern };
  const parts = key.split(':');
  if (parts[0] === 'aws-sdk' && parts.length === 3 && parts[1] && parts[2])
    return { kind: 'integration', key, service: parts[1], action: parts[2], sdk: true, pattern };
  if (parts.length === 2 && parts[0] && parts[1])
    return { kind: 'integration', key, service: parts[0], action: parts[1], sdk: false, pattern };
  return { kind: 'unsupported', resource };
}

/** The function name in a function name, partial ARN or ARN, without a version or alias qualifier. */
export function functionNameOf(nameOrArn: string): string {
  const arn = FUNCTION_ARN.exec(nameOrArn);
  if (arn?.[1]) return arn[1];
  const partial = /^(?:\d+:)?function:([^:]+)/.exec(nameOrArn);
  if (partial?.[1]) return partial[1];
  return nameOrArn.split(':')[0] ?? nameOrArn;
}

const STATE_TYPES = new Set(['Task', 'Parallel', 'Map', 'Pass', 'Wait', 'Choice', 'Succeed', 'Fail']);

/**
 * The outline aws-local-stepfunctions needs (StartAt, States with known Types). Everything else is checked by
 * its own validator (asl-validator) when the StateMachine is constructed.
 */
export function isStateMachineDefinition(value: JsonObject): value is JsonObject & StateMachineDefinition {
  const states = value.States;
  return (
    typeof value.StartAt === 'string' &&
    isJsonObject(states) &&
    Object.values(states).every(
      (state) => isJsonObject(state) && typeof state.Type === 'string' && STATE_TYPES.has(state.Type),
    )
  );
}
