import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadConfigFile } from '../config/file.ts';
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
/** The playbook config (a .json file or a module whose default export is the config); the default otherwise. */
const configFile = context('configFile');
const loaded = configFile ? await loadConfigFile(configFile) : undefined;
if (loaded && !loaded.ok) {
  const problems = loaded.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  throw new Error(`configFile ${configFile} is invalid: ${problems}`);
}
new ChurnGuardStack(app, `churnguard-${stage}`, {
  description: 'churnguard: customer-success automation (health scores, renewals, escalations, nudges)',
  churnguard: {
    stage,
    ...(senderDomain ? { sender: { domain: senderDomain, ...(fromAddress ? { fromAddress } : {}) } } : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(loaded?.ok ? { config: loaded.config } : {}),
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
