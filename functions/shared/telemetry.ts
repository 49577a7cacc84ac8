import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_NAMESPACE } from './metrics-namespace.ts';

/**
 * Business metrics and traces, through Powertools. Metrics are CloudWatch Embedded Metric Format (EMF): one JSON
 * line on stdout per call, which CloudWatch Logs turns into metrics in the `churnguard` namespace with a
 * `service` dimension; no SDK call, no extra latency. Traces: every AWS SDK client a function creates is
 * captured by the Powertools tracer, so X-Ray shows each DynamoDB, SES and Step Functions call under the
 * function's segment (active tracing is on for every function, infra/constructs/service-function.ts).
 *
 * Outside Lambda nothing reaches X-Ray: the tracer disables itself when AWS_EXECUTION_ENV is unset (tests, the
 * local runtime, simulation) or POWERTOOLS_TRACE_ENABLED is `false`, and then returns clients unchanged.
 */
export interface Metrics {
  /** Counts for this invocation, e.g. `{ SignalsAccepted: 40, SignalsRejected: 2 }`. */
  count(values: Record<string, number>): void;
}

export interface MetricsOptions {
  /** The EMF timestamp (epoch ms); Powertools takes the time of publishing otherwise. */
  now?: () => number;
}

export function createMetrics(serviceName: string, options: MetricsOptions = {}): Metrics {
  const metrics = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName });
  return {
    count(values) {
      const names = Object.keys(values).filter((name) => Number.isFinite(values[name]));
      if (names.length === 0) return;
      for (const name of names) metrics.addMetric(name, MetricUnit.Count, values[name] ?? 0);
      if (options.now) metrics.setTimestamp(options.now());
      metrics.publishStoredMetrics();
    },
  };
}

let tracer: Tracer | undefined;

/** The functions' tracer, created on first use (one per cold start). */
export function functionTracer(): Tracer {
  tracer ??= new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'churnguard' });
  return tracer;
}

/** An AWS SDK v3 client with X-Ray capture when tracing is on; the client itself otherwise. */
export function captureAwsClient<T>(client: T): T {
  return functionTracer().captureAWSv3Client(client);
}
