import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on one construct, next to the code that causes it, with the reason it is
 * acceptable. `rule` is the pack-qualified id cdk-nag prints, e.g. 'AwsSolutions::AwsSolutions-APIG4'.
 */
export function acknowledgeNag(construct: IConstruct, rule: string, reason: string): void {
  Validations.of(construct).acknowledge({ id: rule, reason });
}
