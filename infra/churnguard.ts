import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultConfig } from '../config/default.ts';
import { parseConfig } from '../config/load.ts';
import type { Config, ConfigInput } from '../config/schema.ts';
import { type ConnectorMappingInput, connectorMappingSchema } from '../core/connectors/mapping.ts';
import type { JourneyTopics } from '../core/journeys/topics.ts';
import { type ApiFunctionName, FUNCTIONS } from '../functions/routes.ts';
import { DataTable } from './constructs/data-table.ts';
import { Email, type SenderProps, type SubscriptionTopic } from './constructs/email.ts';
import { type FunctionConfig, writeFunctionConfig } from './constructs/function-bundle.ts';
import { HealthPasses } from './constructs/health-passes.ts';
import { ChurnGuardHttpApi } from './constructs/http-api.ts';
import { IngestQueue } from './constructs/ingest-queue.ts';
import { Observability } from './constructs/observability.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { WebhookSecrets } from './constructs/webhook-secrets.ts';
import { Workflows } from './constructs/workflows.ts';
import { acknowledgeNag } from './nag.ts';

export interface ChurnGuardProps {
  /** `prod` retains data and protects the table from deletion; anything else is disposable. */
  stage: string;
  /** API throttling for the whole stage; defaults suit a mid-size vendor's signal volume. */
  throttle?: { rateLimit: number; burstLimit: number };
  logRetention?: RetentionDays;
  /**
   * The connector mapping for webhooks (docs/connectors.md), checked at synth; passed to the webhooks function as
   * CHURNGUARD_CONNECTORS. Keep it small (Lambda environments hold 4 KB): large customer or organization tables
   * belong in the store, which learns them from webhooks.
   */
  connectors?: ConnectorMappingInput;
  /**
   * The playbook configuration (config/schema.ts): segments, health model, journeys, plays, templates, caps.
   * Validated at synth with every problem reported by path (schema and cross-field checks); defaults to
   * config/default.ts. It is bundled into every function as `churnguard.json` (with the templates compiled from
   * MJML to HTML for the journey function; infra/constructs/function-bundle.ts), read and validated again at cold
   * start. A config change is a `cdk deploy`.
   */
  config?: ConfigInput;
  /**
   * The sending domain and From address. Without it churnguard creates no SES identity (nothing is emailed until
   * one is verified); the configuration set, contact list and reputation alarms exist either way.
   */
  sender?: SenderProps;
  /**
   * Subscription topics of the SES contact list; `contactList: false` when another stage in the account owns it
   * (then `contactListName` names that list); the topic each kind of journey email is sent under.
   */
  subscriptions?: {
    topics?: readonly SubscriptionTopic[];
    contactList?: boolean;
    contactListName?: string;
    journeyTopics?: Partial<JourneyTopics>;
  };
  /** Email address that receives alarm notifications (confirm the subscription from the first message). */
  alarmEmail?: string;
}

/** Everything churnguard deploys, as one construct an admin can place in their own CDK app. */
export class ChurnGuard extends Construct {
  readonly table: DataTable['table'];
  readonly httpApi: ChurnGuardHttpApi;
  readonly ingestQueue: IngestQueue;
  readonly webhookSecrets: WebhookSecrets;
  readonly workflows: Workflows;
  /** The validated configuration the functions run with. */
  readonly config: Config;
  readonly email: Email;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: ChurnGuardProps) {
    super(scope, id);
    const parsedConfig = parseConfig(props.config ?? defaultConfig);
    if (!parsedConfig.ok) {
      const problems = parsedConfig.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      throw new Error(`ChurnGuard config is invalid: ${problems}`);
    }
    this.config = parsedConfig.config;
    const functionConfig: FunctionConfig = { file: writeFunctionConfig(this.config) };
    const production = props.stage === 'prod';
    const logRetention =
      props.logRetention ?? (production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH);
    this.table = new DataTable(this, 'Data', { production }).table;
    const environment = { TABLE_NAME: this.table.tableName };

    this.webhookSecrets = new WebhookSecrets(this, 'WebhookSecrets', { production });
    const webhookEnvironment: Record<string, string> = {
      ...this.webhookSecrets.environment,
      ...(props.connectors
        ? { CHURNGUARD_CONNECTORS: JSON.stringify(connectorMappingSchema.parse(props.connectors)) }
        : {}),
    };

    const apiFunctions = {} as Record<ApiFunctionName, ServiceFunction['fn']>;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [
      ApiFunctionName,
      (typeof FUNCTIONS)[ApiFunctionName],
    ][]) {
      const webhooks = name === 'webhooks';
      const fn = new ServiceFunction(this, `${name}Function`, {
        ...spec,
        environment: webhooks ? { ...environment, ...webhookEnvironment } : environment,
        logRetention,
        config: functionConfig,
        ...(webhooks ? { paramsAndSecrets: this.webhookSecrets.extension } : {}),
      }).fn;
      this.table.grantReadWriteData(fn);
      if (INGESTING_FUNCTIONS.has(name)) grantSignalInserts(this.table, fn);
      // Only the webhooks function may read the vendors' secrets.
      if (webhooks) this.webhookSecrets.grantRead(fn);
      acknowledgeNag(
        fn,
        'Serverless::Serverless-LambdaDLQ',
        'Invoked synchronously by API Gateway: a failure is returned to the caller, who retries idempotently; there is no async event to dead-letter.',
      );
      apiFunctions[name] = fn;
    }
    this.httpApi = new ChurnGuardHttpApi(this, 'Http', {
      functions: apiFunctions,
      logRetention,
      throttle: props.throttle ?? { rateLimit: 200, burstLimit: 400 },
    });

    const queueTimeout = Duration.minutes(2);
    const queueConsumer = new ServiceFunction(this, 'signalQueueFunction', {
      entry: 'functions/signal-queue/handler.ts',
      description: 'Ingests queued signal batches with partial batch responses',
      environment,
      logRetention,
      timeout: queueTimeout,
      config: functionConfig,
    }).fn;
    this.table.grantReadWriteData(queueConsumer);
    grantSignalInserts(this.table, queueConsumer);
    acknowledgeNag(
      queueConsumer,
      'Serverless::Serverless-LambdaDLQ',
      "Invoked by an SQS event source mapping: failed messages go to the source queue's DLQ through its redrive policy.",
    );
    this.ingestQueue = new IngestQueue(this, 'Ingest', {
      consumer: queueConsumer,
      consumerTimeout: queueTimeout,
    });

    // Before the workflows, so that senders can use its configuration set, identity and contact list.
    this.email = new Email(this, 'Email', {
      ...props.subscriptions,
      ...(props.sender ? { sender: props.sender } : {}),
    });
    this.workflows = new Workflows(this, 'Workflows', {
      table: this.table,
      logRetention,
      config: functionConfig,
      email: this.email,
    });

    new HealthPasses(this, 'Health', { table: this.table, logRetention, config: functionConfig });

    // SES feedback: bounces and complaints of the configuration set put recipients on the suppression list.
    const feedbackDeadLetters = new Queue(this, 'SesFeedbackDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      feedbackDeadLetters,
      'AwsSolutions::AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the SES feedback rule and function, watched by a DLQ-depth alarm.',
    );
    acknowledgeNag(
      feedbackDeadLetters,
      'Serverless::Serverless-SQSRedrivePolicy',
      'This is the dead-letter queue itself; messages rest here for inspection and redrive, with a DLQ-depth alarm.',
    );
    const sesEvents = new ServiceFunction(this, 'ses-events', {
      entry: 'functions/ses-events/handler.ts',
      description: 'Puts bounced and complaining recipients on the suppression list',
      environment,
      logRetention,
      config: functionConfig,
      deadLetterQueue: feedbackDeadLetters,
    }).fn;
    // It only writes suppression items.
    this.table.grantWriteData(sesEvents);
    this.email.deliverFeedbackTo(sesEvents, feedbackDeadLetters);
    // Last, so that it watches every function, dead-letter queue and state machine created above.
    const api = this.httpApi.api;
    this.observability = new Observability(this, 'Observability', {
      watched: this,
      production,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
      apiMetrics: {
        requests: api.metricCount(),
        serverErrors: api.metricServerError(),
        latency: api.metricLatency({ statistic: 'p99' }),
      },
    });
  }
}

/**
 * The API functions that insert items if absent (store/batch.ts insertIfAbsent): signals through the ingest path,
 * dirty markers of a bulk account upsert. The queue consumer ingests too.
 */
const INGESTING_FUNCTIONS: ReadonlySet<ApiFunctionName> = new Set(['signals', 'webhooks', 'accounts']);

/**
 * PartiQL `INSERT` stores 25 items to a request, each only if its key is free; IAM names it apart from PutItem
 * and CDK's read-write grant leaves it out: only the functions that need it get it, on the table alone.
 */
function grantSignalInserts(table: DataTable['table'], fn: ServiceFunction['fn']): void {
  table.grant(fn, 'dynamodb:PartiQLInsert');
}
