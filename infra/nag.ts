import { type CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on one construct, next to the code that causes it, with the reason it is
 * acceptable. `rule` is the pack-qualified id cdk-nag prints, e.g. 'AwsSolutions::AwsSolutions-APIG4'.
 */
export function acknowledgeNag(construct: IConstruct, rule: string, reason: string): void {
  Validations.of(construct).acknowledge({ id: rule, reason });
}

/**
 * CDK's least-privilege invoke grant covers the function and its versions and aliases (`<arn>:*`); cdk-nag
 * reports that suffix as a wildcard. The finding id names the function's logical id.
 */
export function acknowledgeInvokeGrant(grantee: IConstruct, fn: IFunction): void {
  const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnResource);
  acknowledgeNag(
    grantee,
    `AwsSolutions::AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
    'Invoke permission on one function and its versions/aliases, as CDK grants it; no other function is reachable.',
  );
}

/**
 * How cdk-nag names an ARN in this stack's region and account in a finding id: `<AWS::Region>` and
 * `<AWS::AccountId>` for an environment-agnostic stack, the literal values when the stack has an `env` (as an
 * admin's own app usually does). Use it to build `AwsSolutions-IAM5[Resource::...]` ids that hold in both cases:
 * `nagArn(this, 'ses', 'identity/*')`.
 */
export function nagArn(scope: IConstruct, service: string, resource: string): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:${resource}`;
}
