import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { captureAwsClient, createMetrics, functionTracer } from '#functions/shared/telemetry';

/** What Powertools writes to stdout during `act`, line by line. */
function stdoutOf(act: () => void): string[] {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return written.join('').split('\n').filter(Boolean);
}

/** A timestamp CloudWatch accepts (within the last 14 days); Powertools warns about older ones. */
const AT = Date.now() - 60_000;

describe('business metrics (Powertools EMF)', () => {
  it('writes one Embedded Metric Format line with every count under the service dimension', () => {
    // Prepare
    const metrics = createMetrics('signals', { now: () => AT });
    // Act
    const lines = stdoutOf(() =>
      metrics.count({ SignalsAccepted: 40, SignalsRejected: 2, Broken: Number.NaN }),
    );
    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      _aws: {
        Timestamp: AT,
        CloudWatchMetrics: [
          {
            Namespace: 'churnguard',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'SignalsAccepted', Unit: 'Count' },
              { Name: 'SignalsRejected', Unit: 'Count' },
            ],
          },
        ],
      },
      service: 'signals',
      SignalsAccepted: 40,
      SignalsRejected: 2,
    });
  });

  it('starts every invocation afresh: counts are not carried into the next line', () => {
    const metrics = createMetrics('dispatcher', { now: () => AT });
    const lines = stdoutOf(() => {
      metrics.count({ TimersFired: 3 });
      metrics.count({ TimersFired: 1 });
    });
    expect(lines.map((line) => JSON.parse(line).TimersFired)).toEqual([3, 1]);
  });

  it('writes nothing when there is nothing to count', () => {
    expect(stdoutOf(() => createMetrics('dispatcher').count({}))).toEqual([]);
  });
});

describe('tracing', () => {
  it('is off outside Lambda, so tests and the local runtime never reach X-Ray', () => {
    // Prepare: no AWS_EXECUTION_ENV here, as in every test and the local runtime.
    expect(process.env.AWS_EXECUTION_ENV).toBeUndefined();
    const client = new DynamoDBClient({ region: 'local' });
    const before = client.middlewareStack.identify().length;
    // Act
    const captured = captureAwsClient(client);
    // Assess: the same client, without the X-Ray middleware.
    expect(functionTracer().isTracingEnabled()).toBe(false);
    expect(captured).toBe(client);
    expect(client.middlewareStack.identify()).toHaveLength(before);
    client.destroy();
  });
});
