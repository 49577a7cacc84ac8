import { allStates, taskTarget } from './asl.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';

export type WorkflowRule =
  | 'jsonata'
  | 'variables'
  | 'long-wait'
  | 'calendar-wait'
  | 'lambda-retry'
  | 'unsupported-integration';

export interface WorkflowProblem {
  stateMachine: string;
  /** The state, nested states as `Parent/Child`; absent for the definition as a whole. */
  state?: string;
  rule: WorkflowRule;
  message: string;
}

/** The longest Wait a state machine may have: workflows wait seconds, never the calendar (DESIGN decision 3). */
export const MAX_WAIT_SECONDS = 300;

/** The transient Lambda service errors every Lambda task must retry (the errors CDK's LambdaInvoke retries). */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
];

function usesJsonata(value: JsonValue): boolean {
  if (typeof value === 'string') return value.startsWith('{%') && value.endsWith('%}');
  if (Array.isArray(value)) return value.some(usesJsonata);
  if (isJsonObject(value))
    return Object.entries(value).some(
      ([key, item]) =>
        (key === 'QueryLanguage' && item === 'JSONata') ||
        key === 'Arguments' ||
        key === 'Output' ||
        usesJsonata(item),
    );
  return false;
}

function retriesLambdaServiceErrors(state: JsonObject): boolean {
  const retry = state.Retry;
  if (!Array.isArray(retry)) return false;
  const covered = new Set<string>();
  for (const retrier of retry) {
    if (!isJsonObject(retrier) || retrier.MaxAttempts === 0 || !Array.isArray(retrier.ErrorEquals)) continue;
    for (const error of retrier.ErrorEquals) if (typeof error === 'string') covered.add(error);
  }
  if (covered.has('States.ALL') || covered.has('States.TaskFailed')) return true;
  return LAMBDA_SERVICE_ERRORS.every((error) => covered.has(error));
}

function checkDefinition(stateMachine: string, definition: JsonObject): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  if (definition.QueryLanguage === 'JSONata')
    problems.push({
      stateMachine,
      rule: 'jsonata',
      message: 'QueryLanguage JSONata: the local runner ignores JSONata silently; write JSONPath',
    });
  for (const { name, state, parents } of allStates(definition)) {
    const where = { stateMachine, state: [...parents, name].join('/') };
    const nestedDefinitions = [
      ...(Array.isArray(state.Branches) ? state.Branches : []),
      state.ItemProcessor ?? null,
      state.Iterator ?? null,
    ];
    if (nestedDefinitions.some((sub) => isJsonObject(sub) && sub.QueryLanguage === 'JSONata'))
      problems.push({ ...where, rule: 'jsonata', message: 'a branch or item processor uses JSONata' });
    const {
      States: _nested,
      Branches: _branches,
      ItemProcessor: _processor,
      Iterator: _iterator,
      ...own
    } = state;
    if (usesJsonata(own))
      problems.push({
        ...where,
        rule: 'jsonata',
        message: 'uses JSONata, which the local runner ignores silently',
      });
    if ('Assign' in own)
      problems.push({
        ...where,
        rule: 'variables',
        message: 'Assign (variables) is ignored by the local runner',
      });
    if (state.Type === 'Wait') {
      if (typeof state.Seconds === 'number' && state.Seconds > MAX_WAIT_SECONDS)
        problems.push({
          ...where,
          rule: 'long-wait',
          message: `waits ${state.Seconds} s; longer than ${MAX_WAIT_SECONDS} s belongs in a DynamoDB timer`,
        });
      for (const field of ['SecondsPath', 'Timestamp', 'TimestampPath'])
        if (field in state)
          problems.push({
            ...where,
            rule: 'calendar-wait',
            message: `${field} waits for a time the definition cannot bound; the calendar lives in DynamoDB timers`,
          });
    }
    if (state.Type === 'Task') {
      const target = typeof state.Resource === 'string' ? taskTarget(state.Resource) : undefined;
      if (!target || target.kind === 'unsupported')
        problems.push({
          ...where,
          rule: 'unsupported-integration',
          message: `Resource ${String(state.Resource)}`,
        });
      else if (target.kind === 'lambda-function' || target.kind === 'lambda-invoke') {
        if (!retriesLambdaServiceErrors(state))
          problems.push({
            ...where,
            rule: 'lambda-retry',
            message: `invokes Lambda without a Retry on ${LAMBDA_SERVICE_ERRORS.join(', ')}`,
          });
      } else if (target.key === 'dynamodb:query')
        problems.push({
          ...where,
          rule: 'unsupported-integration',
          message: 'AWS has no optimized dynamodb:query; use aws-sdk:dynamodb:query (CallAwsService)',
        });
    }
  }
  return problems;
}

/**
 * What the local runtime cannot run faithfully or the design rules out: JSONata, variables, Wait states
 * longer than five minutes or waiting for a computed time, Lambda tasks without a Retry on Lambda's transient
 * service errors, and integrations AWS does not have. Empty when every definition is fine.
 */
export function checkWorkflowDefinitions(
  stateMachines: readonly { name: string; definition: JsonObject }[],
): WorkflowProblem[] {
  return stateMachines.flatMap(({ name, definition }) => checkDefinition(name, definition));
}
