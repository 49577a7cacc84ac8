import { Token } from 'aws-cdk-lib';
import { defaultConfig } from '../../config/default.ts';
import type { Config } from '../../config/schema.ts';

/**
 * The public base URL an admin chose, if any: the construct's `publicBaseUrl` prop, or a `messaging.publicBaseUrl`
 * the config sets to something other than the local runtime's default. Two different choices are refused: the
 * config's would otherwise be silently ignored.
 */
export function chosenPublicBaseUrl(props: { publicBaseUrl?: string }, config: Config): string | undefined {
  const fromConfig = config.messaging.publicBaseUrl;
  const configChose = fromConfig !== defaultConfig.messaging.publicBaseUrl;
  if (props.publicBaseUrl && configChose && props.publicBaseUrl !== fromConfig) {
    throw new Error(
      `publicBaseUrl is ${props.publicBaseUrl} but the config's messaging.publicBaseUrl is ${fromConfig}: set one of them (the construct prop wins in a deployment), or make them equal`,
    );
  }
  return props.publicBaseUrl ?? (configChose ? fromConfig : undefined);
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$/i;

/**
 * A production deployment's links must reach people: https, and not the machine that reads the email. Refused at
 * synth with what to do instead.
 */
export function checkPublicBaseUrl(url: string, production: boolean): void {
  if (Token.isUnresolved(url)) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`publicBaseUrl "${url}" is not a URL: give the https URL people reach the API at`);
  }
  if (!production) return;
  const fix =
    "Leave publicBaseUrl unset (and the config's messaging.publicBaseUrl at its default) to use the API's own https URL, set it to your https custom domain (e.g. https://cs.vendor.example, or the `domain` prop), or set production: false for a test stage.";
  if (LOOPBACK.test(parsed.hostname)) {
    throw new Error(
      `publicBaseUrl ${url} is a loopback address: unsubscribe links in deployed email would point at the reader's own machine. ${fix}`,
    );
  }
  if (parsed.protocol !== 'https:') {
    throw new Error(
      `publicBaseUrl ${url} is not https: unsubscribe links must be https in production. ${fix}`,
    );
  }
}
