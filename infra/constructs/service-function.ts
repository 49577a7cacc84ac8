import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type ParamsAndSecretsLayerVersion, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';
import { configEnvironment, configHooks, type FunctionConfig } from './function-bundle.ts';
import { SCHEDULE_RETRY } from './scheduled-invoke.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How each function is bundled (esbuild through NodejsFunction); bench/bundles.ts bundles with the same options.
 * The AWS SDK v3 stays external: the Node.js Lambda runtime provides it (NodejsFunction's default).
 */
export { PROJECT_ROOT };

export const BUNDLING = {
  minify: true,
  target: 'node24',
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  // Non-ASCII characters as they are, not as \uXXXX escapes: zod's messages and regexes alone shrink by ~40 KB,
  // which keeps the functions under 500 KB with the Powertools tracer (X-Ray SDK, ~120 KB) in every one.
  charset: 'utf8',
  // Some dependencies still call require(); ESM bundles need it defined.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} as const;

export interface ServiceFunctionProps {
  entry: string;
  description: string;
  environment: Record<string, string>;
  /** API handlers answer within API Gateway's 30 s; queue consumers may take longer. */
  timeout?: Duration;
  memorySize?: number;
  logRetention: RetentionDays;
  /** The Parameters and Secrets extension, for functions that read a secret (the webhooks function). */
  paramsAndSecrets?: ParamsAndSecretsLayerVersion;
  /** The playbook config to bundle beside the code (infra/constructs/function-bundle.ts). */
  config?: FunctionConfig;
  /** Commands that put more files beside the bundle (run from the project root after bundling). */
  afterBundling?: (outputDir: string) => string[];
  /** Where asynchronous invocations that failed every retry go (functions invoked by EventBridge). */
  deadLetterQueue?: IQueue;
  /**
   * A function EventBridge Scheduler runs: its asynchronous invocations are retried at most twice within 15
   * minutes, then go to `deadLetters`; `concurrency` caps how many run at once (reserved concurrency).
   */
  scheduled?: { deadLetters: IQueue; concurrency?: number };
}

/**
 * One Lambda function, bundled on its own by esbuild (minified, tree-shaken ESM), on arm64 and Node 24, with
 * active tracing and a log group whose retention is set rather than infinite.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to this function's log group only.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    logGroup.grantWrite(role);
    acknowledgeNag(
      role,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'Only the X-Ray actions (PutTraceSegments, PutTelemetryRecords) use "*": X-Ray has no resource-level permissions.',
    );
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      role,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(29),
      tracing: Tracing.ACTIVE,
      logGroup,
      ...(props.paramsAndSecrets ? { paramsAndSecrets: props.paramsAndSecrets } : {}),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.scheduled
        ? {
            // An on-failure destination rather than a DLQ: its record also says how the invocation failed.
            onFailure: new SqsDestination(props.scheduled.deadLetters),
            ...SCHEDULE_RETRY,
            ...(props.scheduled.concurrency === undefined
              ? {}
              : { reservedConcurrentExecutions: props.scheduled.concurrency }),
          }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: id,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...(props.config ? configEnvironment : {}),
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: BUNDLING.minify,
        sourceMap: true,
        target: BUNDLING.target,
        mainFields: [...BUNDLING.mainFields],
        externalModules: [...BUNDLING.external],
        // The `charset` prop is not passed to esbuild by this aws-cdk-lib (2.276.0), so say it directly.
        esbuildArgs: { '--charset': BUNDLING.charset },
        banner: BUNDLING.banner,
        ...(props.config ? { commandHooks: configHooks(PROJECT_ROOT, props.config) } : {}),
        ...(props.afterBundling
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) =>
                  props.afterBundling?.(outputDir) ?? [],
              },
            }
          : {}),
      },
    });
    if (props.scheduled) {
      acknowledgeNag(
        this.fn,
        'Serverless::Serverless-LambdaDLQ',
        'Invoked by EventBridge Scheduler: invocations that fail every retry go to the on-failure destination (the schedule dead-letter queue, alarmed), which records more than a DLQ would.',
      );
    }
    this.role = role;
  }
}
