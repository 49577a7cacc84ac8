/**
 * The CloudWatch namespace of churnguard's business metrics, on its own so the CDK app (alarms, dashboard) can
 * name it without loading the Powertools tracer, whose X-Ray SDK hooks every promise of the process it runs in.
 */
export const METRICS_NAMESPACE = 'churnguard';
