import { join } from 'node:path';
import { CfnOutput, Duration } from 'aws-cdk-lib';
import { type IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { defaultConfig } from '../config/default.ts';
import { parseConfig } from '../config/load.ts';
import type { Config, ConfigInput } from '../config/schema.ts';
import { type ConnectorMappingInput, connectorMappingSchema } from '../core/connectors/mapping.ts';
import type { JourneyTopics } from '../core/journeys/topics.ts';
import { type ApiFunctionName, FUNCTIONS } from '../functions/routes.ts';
import { PUBLIC_BASE_URL_ENV } from '../functions/shared/env.ts';
import { PAGE_FUNCTION_DESCRIPTION } from '../functions/shared/page-files.ts';
import { ChatWebhooks } from './constructs/chat-webhooks.ts';
import { DataTable } from './constructs/data-table.ts';
import { Email, type SenderProps, type SubscriptionTopic } from './constructs/email.ts';
import { type FunctionConfig, quote, writeFunctionConfig } from './constructs/function-bundle.ts';
import { HealthPasses } from './constructs/health-passes.ts';
import { type ApiDomain, ChurnGuardHttpApi } from './constructs/http-api.ts';
import { IngestQueue } from './constructs/ingest-queue.ts';
import { Observability } from './constructs/observability.ts';
import { checkPublicBaseUrl, chosenPublicBaseUrl } from './constructs/public-url.ts';
import { PROJECT_ROOT, ServiceFunction } from './constructs/service-function.ts';
import { grantTableAccess, TABLE_ACCESS, type TableUser } from './constructs/table-access.ts';
import { WebhookSecrets } from './constructs/webhook-secrets.ts';
import { Workflows } from './constructs/workflows.ts';
import { acceptControlTowerFindings } from './guard.ts';
import { acknowledgeNag } from './nag.ts';

export interface ChurnGuardProps {
  /** The deployment's name (the project app names its stack `churnguard-<stage>`). It decides nothing else. */
  stage: string;
  /**
   * A production deployment (default true): synth refuses a public base URL that is plain http or a loopback
   * address, and logs are kept a year (a month otherwise). Set false for a test stage.
   */
  production?: boolean;
  /**
   * What a teardown keeps (default true): the table (also protected from deletion), the webhook secret, the alarm
   * topic's key, the SES contact list (SES-side unsubscribes) and the sender identity (its DKIM keys). Set false
   * only for a stage whose data may be lost.
   */
  retainData?: boolean;
  /**
   * The https base of the links churnguard puts in email (one-click unsubscribe): your own domain in front of the
   * API (a CDN or proxy). Defaults to `https://<domain.name>` with `domain`, else to the API's own URL. Overrides
   * the config's `messaging.publicBaseUrl`, which is the local runtime's; a config that sets another non-default
   * value is refused rather than ignored.
   */
  publicBaseUrl?: string;
  /**
   * A custom domain for the HTTP API, e.g. `{ name: 'cs.vendor.example', certificateArn: 'arn:aws:acm:...' }` (an
   * ACM certificate in the stack's region); point a CNAME at the `ApiDomainTarget` output.
   */
  domain?: ApiDomain;
  /**
   * Reserve concurrency for the scheduled functions (dispatcher, digest, health pass: one run at a time). Default
   * true. Needs room in the account's concurrency quota (Lambda keeps 10 unreserved): set false in an account still
   * at the new-account quota of 10 (docs/deploy.md).
   */
  reserveConcurrency?: boolean;
  /** Queued signal batches processed at once (SQS event source maximum concurrency, at least 2). Default 5. */
  ingestConcurrency?: number;
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
  /** The Slack and Teams webhook URLs' secret, when the config names destinations. */
  readonly chatWebhooks?: ChatWebhooks;
  readonly workflows: Workflows;
  /** The validated configuration the functions run with. */
  readonly config: Config;
  readonly email: Email;
  readonly observability: Observability;
  /** Every function, by its name in infra/constructs/table-access.ts (for an admin's own alarms or grants). */
  readonly functions: Record<TableUser, IFunction>;
  /** The base of public links in email: `publicBaseUrl`, the custom domain, or the API's URL (a token). */
  readonly publicBaseUrl: string;

  /**
   * What an admin needs after a deploy, as stack outputs with plain names (`aws cloudformation describe-stacks`
   * reads them by these keys): the API's URL, the table and the ingest queue, and with a custom domain the name its
   * CNAME must point at.
   */
  private outputs(domain: ApiDomain | undefined): void {
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description }).overrideLogicalId(id);
    output('ApiUrl', this.publicBaseUrl, 'The API (and the base of unsubscribe links)');
    output('TableName', this.table.tableName, 'The DynamoDB table (scripts/create-api-key.ts --table)');
    output('IngestQueueUrl', this.ingestQueue.queue.queueUrl, 'SQS queue for { "signals": [...] } messages');
    if (this.chatWebhooks) {
      output(
        'ChatWebhooksSecretArn',
        this.chatWebhooks.secret.secretArn,
        'Put the Slack and Teams webhook URLs here (docs/channels.md)',
      );
    }
    const target = this.httpApi.domainName;
    if (domain && target) {
      output('ApiDomainTarget', target.regionalDomainName, `CNAME target for ${domain.name}`);
    }
  }

  constructor(scope: Construct, id: string, props: ChurnGuardProps) {
    super(scope, id);
    const parsedConfig = parseConfig(props.config ?? defaultConfig);
    if (!parsedConfig.ok) {
      const problems = parsedConfig.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      throw new Error(`ChurnGuard config is invalid: ${problems}`);
    }
    this.config = parsedConfig.config;
    const functionConfig: FunctionConfig = { file: writeFunctionConfig(this.config) };
    const production = props.production ?? true;
    const retain = props.retainData ?? true;
    const explicitBaseUrl = chosenPublicBaseUrl(props, parsedConfig.config);
    if (explicitBaseUrl) checkPublicBaseUrl(explicitBaseUrl, production);
    const logRetention =
      props.logRetention ?? (production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH);
    this.table = new DataTable(this, 'Data', { retain }).table;
    const environment = { TABLE_NAME: this.table.tableName };

    this.webhookSecrets = new WebhookSecrets(this, 'WebhookSecrets', { retain });
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
      grantTableAccess(this.table, fn, TABLE_ACCESS[name]);
      // Only the webhooks function may read the vendors' secrets.
      if (webhooks) this.webhookSecrets.grantRead(fn);
      acknowledgeNag(
        fn,
        'Serverless::Serverless-LambdaDLQ',
        'Invoked synchronously by API Gateway: a failure is returned to the caller, who retries idempotently; there is no async event to dead-letter.',
      );
      apiFunctions[name] = fn;
    }
    // The page (web/): static files built beside the bundle; it touches no table and holds no data.
    const page = new ServiceFunction(this, 'pageFunction', {
      entry: 'functions/page/handler.ts',
      description: PAGE_FUNCTION_DESCRIPTION,
      environment: {},
      logRetention,
      afterBundling: (outputDir) => [
        [
          quote(process.execPath),
          '--import tsx',
          quote(join(PROJECT_ROOT, 'scripts', 'build-page.ts')),
          `--out ${quote(join(outputDir, 'page'))}`,
        ].join(' '),
      ],
    }).fn;
    acknowledgeNag(
      page,
      'Serverless::Serverless-LambdaDLQ',
      'Invoked synchronously by API Gateway: a failure is returned to the browser, which asks again.',
    );
    this.httpApi = new ChurnGuardHttpApi(this, 'Http', {
      functions: apiFunctions,
      page,
      logRetention,
      throttle: props.throttle ?? { rateLimit: 200, burstLimit: 400 },
      ...(props.domain ? { domain: props.domain } : {}),
    });
    // Runs the schedules could not hand to their function, and scheduled invocations that failed every retry.
    const scheduleDeadLetters = new Queue(this, 'ScheduleDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      scheduleDeadLetters,
      'AwsSolutions::AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the schedules and the scheduled functions, watched by a DLQ-depth alarm.',
    );
    acknowledgeNag(
      scheduleDeadLetters,
      'Serverless::Serverless-SQSRedrivePolicy',
      'This is the dead-letter queue itself; a run that rests here is inspected, the next scheduled run does its work.',
    );
    const reserveConcurrency = props.reserveConcurrency ?? true;

    const queueTimeout = Duration.minutes(2);
    const queueConsumer = new ServiceFunction(this, 'signalQueueFunction', {
      entry: 'functions/signal-queue/handler.ts',
      description: 'Ingests queued signal batches with partial batch responses',
      environment,
      logRetention,
      timeout: queueTimeout,
      config: functionConfig,
    }).fn;
    grantTableAccess(this.table, queueConsumer, TABLE_ACCESS.signalQueue);
    acknowledgeNag(
      queueConsumer,
      'Serverless::Serverless-LambdaDLQ',
      "Invoked by an SQS event source mapping: failed messages go to the source queue's DLQ through its redrive policy.",
    );
    this.ingestQueue = new IngestQueue(this, 'Ingest', {
      consumer: queueConsumer,
      consumerTimeout: queueTimeout,
      maxConcurrency: props.ingestConcurrency ?? 5,
    });

    // Before the workflows, so that senders can use its configuration set, identity and contact list.
    this.email = new Email(this, 'Email', {
      ...props.subscriptions,
      retain,
      ...(props.sender ? { sender: props.sender } : {}),
    });
    // Slack and Teams webhook URLs: a secret only when the config names destinations (docs/channels.md).
    const destinations = Object.keys(this.config.channels.destinations);
    this.chatWebhooks = destinations.length
      ? new ChatWebhooks(this, 'ChatWebhooks', {
          retain,
          destinations,
          extension: this.webhookSecrets.extension,
        })
      : undefined;
    this.workflows = new Workflows(this, 'Workflows', {
      ...(this.chatWebhooks ? { chatWebhooks: this.chatWebhooks } : {}),
      table: this.table,
      logRetention,
      config: functionConfig,
      dailyNoticeHourUtc: this.config.escalation.notices.dailyHourUtc,
      email: this.email,
      brand: this.config.brand,
      scheduleDeadLetters,
      reserveConcurrency,
    });

    const health = new HealthPasses(this, 'Health', {
      table: this.table,
      logRetention,
      config: functionConfig,
      scheduleDeadLetters,
      reserveConcurrency,
    });

    // SES feedback: bounces and complaints of the configuration set put recipients on the suppression list, and
    // contact-list unsubscribes are recorded for restraint.
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
      description: 'Suppresses bounced and complaining recipients and records contact-list unsubscribes',
      environment,
      logRetention,
      config: functionConfig,
      deadLetterQueue: feedbackDeadLetters,
    }).fn;
    // It only writes suppression items.
    grantTableAccess(this.table, sesEvents, TABLE_ACCESS.sesEvents);
    this.email.deliverFeedbackTo(sesEvents, feedbackDeadLetters);
    this.functions = {
      ...apiFunctions,
      signalQueue: queueConsumer,
      sesEvents,
      healthPass: health.fn,
      ...this.workflows.functions,
    };
    // Links in email point at the deployment, not at the config's local default.
    this.publicBaseUrl =
      explicitBaseUrl ?? (props.domain ? `https://${props.domain.name}` : this.httpApi.api.apiEndpoint);
    for (const fn of Object.values(this.functions)) {
      if (fn instanceof LambdaFunction) fn.addEnvironment(PUBLIC_BASE_URL_ENV, this.publicBaseUrl);
    }
    this.outputs(props.domain);
    acceptControlTowerFindings(this);
    // Last, so that it watches every function, dead-letter queue and state machine created above.
    const api = this.httpApi.api;
    this.observability = new Observability(this, 'Observability', {
      watched: this,
      retain,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
      apiMetrics: {
        requests: api.metricCount(),
        serverErrors: api.metricServerError(),
        latency: api.metricLatency({ statistic: 'p99' }),
      },
      // Three missed runs of each schedule (every 5 and every 15 minutes).
      heartbeats: [
        { name: 'Dispatcher', fn: this.functions.dispatcher, within: Duration.minutes(15) },
        { name: 'HealthPass', fn: this.functions.healthPass, within: Duration.minutes(45) },
      ],
      queueAges: [{ name: 'IngestQueue', queue: this.ingestQueue.queue, maxAge: Duration.minutes(30) }],
      table: this.table,
      deadLetterQueues: [scheduleDeadLetters],
    });
  }
}
