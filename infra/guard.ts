import type { IConstruct } from 'constructs';
import { acknowledgeNag } from './nag.ts';

/**
 * AWS Control Tower proactive controls (cfn-guard, `@cdklabs/cdk-validator-cfnguard`) that churnguard's template
 * does not meet, each accepted for a reason. tests/infra/template-validation.test.ts runs every Control Tower rule
 * over the synthesized template: any other finding fails it. Listed in docs/deploy.md ("Template checks").
 */
export const ACCEPTED_CONTROL_TOWER_FINDINGS = [
  {
    rule: 'cloudwatch_log_group_encrypted_check',
    control: 'CT.CLOUDWATCH.PR.3',
    reason:
      'Log groups are encrypted by CloudWatch Logs with its own keys. A customer managed key per account adds cost and a key policy to maintain, for logs that hold no personal data: function logs replace every email address (functions/shared/redact.ts), access logs hold no headers, bodies or source IPs, state machines log without execution data.',
  },
  {
    rule: 'api_gw_v2_authorization_type_configured_check',
    control: 'CT.APIGATEWAY.PR.5',
    reason:
      'Every route authenticates in its function so that a missing or wrong key is a 401 (HTTP API Lambda authorizers can only answer 403): a Bearer API key checked against hashed keys, a vendor webhook signature, or an unsubscribe link HMAC. Tested per route (tests/infra/production.test.ts).',
  },
  {
    rule: 'lambda_function_public_access_prohibited_check',
    control: 'CT.LAMBDA.PR.2',
    reason:
      "API Gateway's invoke permissions name the service principal with a SourceArn of this API and route (arn:...:execute-api:<region>:<account>:<api id>/*/*/<route>); the rule does not read a SourceArn built with Fn::Join, so it reports them. None is public (tests/infra/iam.test.ts judges the functions' roles; the permissions are CDK's own).",
  },
  {
    rule: 'lambda_inside_vpc_check',
    control: 'CT.LAMBDA.PR.3',
    reason:
      'The functions reach only AWS service endpoints (DynamoDB, SES, Step Functions, Secrets Manager, X-Ray), over TLS and authorized by IAM; they hold no network resources to protect. A VPC would add NAT gateways or six interface endpoints per availability zone, cold-start and cost, and no protection the IAM limits (infra/constructs/table-access.ts) do not already give.',
  },
  {
    rule: 'sqs_dlq_check',
    control: 'CT.SQS.PR.1',
    reason:
      "Reported for the dead-letter queues themselves (ingest, SES feedback, schedules): a message rests there for inspection and redrive, watched by a depth alarm; a dead-letter queue's own dead-letter queue would only hide it. The ingest queue has its DLQ.",
  },
] as const;

/** Acknowledges the accepted Control Tower findings on `scope` and everything under it. */
export function acceptControlTowerFindings(scope: IConstruct): void {
  for (const finding of ACCEPTED_CONTROL_TOWER_FINDINGS) {
    acknowledgeNag(scope, `cdk-validator-cfnguard::${finding.rule}`, `${finding.control}: ${finding.reason}`);
  }
}
