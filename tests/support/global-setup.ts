import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/**
 * One in-memory DynamoDB Local for the whole run; each test file creates its own uniquely named table. A runner
 * that starts vitest many times (the mutation run, scripts/mutation.ts) starts one itself and names it in
 * CHURNGUARD_TEST_DYNAMODB_ENDPOINT.
 */
export default async function setup(project: TestProject) {
  const running = process.env.CHURNGUARD_TEST_DYNAMODB_ENDPOINT;
  if (running) {
    project.provide('dynamoEndpoint', running);
    return;
  }
  const dynamo = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}
