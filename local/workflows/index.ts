// The local workflow runtime: synthesized state machines run with aws-local-stepfunctions (DESIGN decision 5).
export {
  checkWorkflowDefinitions,
  MAX_WAIT_SECONDS,
  type WorkflowProblem,
  type WorkflowRule,
} from './check.ts';
export { localFunctionArn, UnresolvableTemplateError } from './cloudformation.ts';
export { type DynamoDbIntegrationOptions, dynamoDbIntegrations } from './dynamodb-integration.ts';
export { type ExtractedStateMachine, extractStateMachines, HANDLER_ENV } from './extract.ts';
export type { JsonObject, JsonValue } from './json.ts';
export {
  createWorkflowRuntime,
  type ExecutionRecord,
  type ExecutionResult,
  type ExecutionStatus,
  type WorkflowRuntime,
  type WorkflowRuntimeOptions,
  WorkflowWiringError,
} from './runtime.ts';
export { sesv2Integrations } from './sesv2-integration.ts';
export { integrationTaskError, lambdaTaskError, TaskError } from './task-errors.ts';
export type { PendingTask } from './task-tokens.ts';
export type { ServiceIntegrationHandler, TaskHandler, TaskInvocation } from './types.ts';
