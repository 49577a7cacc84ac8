import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ChurnGuard, type ChurnGuardProps } from './churnguard.ts';

export class ChurnGuardStack extends Stack {
  readonly churnguard: ChurnGuard;

  constructor(scope: Construct, id: string, props: StackProps & { churnguard: ChurnGuardProps }) {
    super(scope, id, props);
    this.churnguard = new ChurnGuard(this, 'ChurnGuard', props.churnguard);
  }
}
