import type { CustomMeasure } from '#config/measures-schema';

/** A custom measure of a metric signal: reports sent in the last 30 days, 20 expected (docs/health-measures.md). */
export const REPORTS_SENT: CustomMeasure = {
  id: 'reportsSent',
  component: 'adoption',
  weight: 2,
  from: { metric: 'reports_sent', over: 'sum', days: 30 },
  kind: 'numeric',
  direction: 'higher',
  expected: 20,
  label: 'reports sent',
};
