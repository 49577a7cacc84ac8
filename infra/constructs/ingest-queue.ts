import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';

/**
 * Bulk/async ingest: producers send `{ "signals": [...] }` messages; the consumer reports partial batch
 * failures, so only a bad message is retried, and after five receives it rests in the DLQ (kept 14 days).
 */
export class IngestQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(
    scope: Construct,
    id: string,
    props: { consumer: IFunction; consumerTimeout: Duration; maxConcurrency: number },
  ) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS guidance: at least six times the consumer's timeout, so a message is not redelivered mid-processing.
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    acknowledgeNag(
      this.deadLetterQueue,
      'Serverless::Serverless-SQSRedrivePolicy',
      'This is the dead-letter queue itself; messages rest here for inspection and redrive, with a DLQ-depth alarm.',
    );
    const source = new SqsEventSource(this.queue, {
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(5),
      reportBatchItemFailures: true,
      // At most this many batches at once: a backlog drains steadily instead of taking the account's concurrency
      // (and the table's write capacity) from the API. The queue's age alarm says when it falls behind.
      maxConcurrency: props.maxConcurrency,
    });
    props.consumer.addEventSource(source);
    acknowledgeNag(
      props.consumer,
      'Serverless::Serverless-LambdaEventSourceMappingDestination',
      "SQS event source mappings take no on-failure destination; the queue's redrive policy sends failures to the DLQ.",
    );
  }
}
