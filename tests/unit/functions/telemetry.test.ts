import { describe, expect, it } from 'vitest';
import { createMetrics } from '#functions/shared/telemetry';

describe('business metrics (EMF)', () => {
  it('writes one Embedded Metric Format line with every count under the service dimension', () => {
    // Prepare
    const lines: string[] = [];
    const metrics = createMetrics(
      'signals',
      (line) => lines.push(line),
      () => 1_764_000_000_000,
    );
    // Act
    metrics.count({ SignalsAccepted: 40, SignalsRejected: 2, Broken: Number.NaN });
    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      _aws: {
        Timestamp: 1_764_000_000_000,
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

  it('writes nothing when there is nothing to count', () => {
    const lines: string[] = [];
    createMetrics('dispatcher', (line) => lines.push(line)).count({});
    expect(lines).toEqual([]);
  });
});
