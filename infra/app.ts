import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ChurnGuardStack } from './stack.ts';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
new ChurnGuardStack(app, `churnguard-${stage}`, {
  description: 'churnguard: customer-success automation (health scores, renewals, escalations, nudges)',
  churnguard: { stage },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
