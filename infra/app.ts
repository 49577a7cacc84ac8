import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { loadConfigFile } from '../config/file.ts';
import { churnguardProps, readPropsFile } from './props-file.ts';
import { ChurnGuardStack } from './stack.ts';

const app = new App();
/** Deploy-time choices as context (`-c name=value`), documented in docs/deploy.md. */
const context = (name: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(name);
  return value === undefined || value === '' ? undefined : String(value);
};
const flag = (name: string): boolean | undefined => {
  const value = context(name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new Error(`-c ${name}=${value}: say true or false`);
  return value === 'true';
};
/** The construct's props from a JSON file (infra/props-file.ts); single `-c` values below override it. */
const propsFile = context('propsFile');
const file = propsFile ? await readPropsFile(propsFile) : {};
const stage = context('stage') ?? file.stage ?? 'dev';
const senderDomain = context('senderDomain');
const fromAddress = context('fromAddress');
const alarmEmail = context('alarmEmail');
const publicBaseUrl = context('publicBaseUrl');
const production = flag('production');
const retainData = flag('retainData');
/** The playbook config (a .json file or a module whose default export is the config); the default otherwise. */
const configFile = context('configFile');
const loaded = configFile ? await loadConfigFile(configFile) : undefined;
if (loaded && !loaded.ok) {
  const problems = loaded.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  throw new Error(`configFile ${configFile} is invalid: ${problems}`);
}
const props = churnguardProps(file, stage);
new ChurnGuardStack(app, `churnguard-${stage}`, {
  description: 'churnguard: customer-success automation (health scores, renewals, escalations, nudges)',
  churnguard: {
    ...props,
    ...(senderDomain
      ? { sender: { ...props.sender, domain: senderDomain, ...(fromAddress ? { fromAddress } : {}) } }
      : {}),
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(publicBaseUrl ? { publicBaseUrl } : {}),
    ...(production === undefined ? {} : { production }),
    ...(retainData === undefined ? {} : { retainData }),
    ...(loaded?.ok ? { config: loaded.config } : {}),
  },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
