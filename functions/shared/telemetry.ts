/**
 * Business metrics as CloudWatch Embedded Metric Format (EMF): one JSON line on stdout per call, which CloudWatch
 * Logs turns into metrics in the `churnguard` namespace with a `service` dimension; no SDK call, no extra latency.
 *
 * This is the small surface churnguard uses. `@aws-lambda-powertools/metrics` writes the same EMF; when it is
 * installed, `createMetrics` becomes `new Metrics({ namespace, serviceName })` with `addMetric(name, 'Count', v)`
 * per entry and `publishStoredMetrics()`, and no call site changes.
 */
export interface Metrics {
  /** Counts for this invocation, e.g. `{ SignalsAccepted: 40, SignalsRejected: 2 }`. */
  count(values: Record<string, number>): void;
}

export const METRICS_NAMESPACE = 'churnguard';

export function createMetrics(
  serviceName: string,
  write: (line: string) => void = (line) => {
    process.stdout.write(`${line}\n`);
  },
  now: () => number = Date.now,
): Metrics {
  return {
    count(values) {
      const names = Object.keys(values).filter((name) => Number.isFinite(values[name]));
      if (names.length === 0) return;
      write(
        JSON.stringify({
          _aws: {
            Timestamp: now(),
            CloudWatchMetrics: [
              {
                Namespace: METRICS_NAMESPACE,
                Dimensions: [['service']],
                Metrics: names.map((Name) => ({ Name, Unit: 'Count' })),
              },
            ],
          },
          service: serviceName,
          ...Object.fromEntries(names.map((name) => [name, values[name]])),
        }),
      );
    },
  };
}
