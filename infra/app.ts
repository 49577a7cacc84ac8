import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ChurnGuardStack } from './stack.ts';

const app = new App();
/** Deploy-time choices as context (`-c name=value`), documented in docs/deploy.md. */
const context = (name: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  return value === undefined || value === '' ? undefined : String(value);
};
const stage = context('stage') ?? 'dev';
const senderDomain = context('senderDomain');
const fromAddress = context('fromAddress');
const alarmEmail = context('alarmEmail');
new ChurnGuardStack(app, `churnguard-${stage}`, {
  description: 'churnguard: customer-success automation (health scores, renewals, escalations, nudges)',
  churnguard: {
    stage,
    ...(senderDomain ? { sender: { domain: senderDomain, ...(fromAddress ? { fromAddress } : {}) } } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
