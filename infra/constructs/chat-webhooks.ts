import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { ParamsAndSecretsLayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';

export interface ChatWebhooksProps {
  /** Keep the secret when the stack is deleted. */
  retain: boolean;
  /** The config's destinations (channels.destinations), named in the secret's description. */
  destinations: readonly string[];
  /** The Parameters and Secrets extension the stack's functions read secrets through (WebhookSecrets'). */
  extension: ParamsAndSecretsLayerVersion;
}

/**
 * The Slack and Teams incoming-webhook URLs (issue 17): one Secrets Manager secret holding a JSON map
 * `{ "<destination>": "https://hooks.slack.com/services/..." }`, created empty (`{}`) and filled after deploy
 * (docs/channels.md). Created only when the config names destinations. Only the executor (functions/effects) and
 * the scheduled mail (functions/digest), which post, may read it, through the Parameters and Secrets extension.
 */
export class ChatWebhooks extends Construct {
  readonly secret: Secret;
  readonly extension: ParamsAndSecretsLayerVersion;

  constructor(scope: Construct, id: string, props: ChatWebhooksProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: `churnguard Slack and Teams webhook URLs: JSON map of ${props.destinations.join(', ')}`,
      // Not a secret: the empty map the URLs are put into after deploy.
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledgeNag(
      this.secret,
      'AwsSolutions::AwsSolutions-SMG4',
      'Holds incoming-webhook URLs issued by Slack and Microsoft Teams: they are rolled in the vendor (a new webhook), not by a rotation Lambda.',
    );
    this.extension = props.extension;
  }

  /** Environment the posting function needs. */
  get environment(): Record<string, string> {
    return { CHAT_WEBHOOKS_ARN: this.secret.secretArn };
  }

  /** Read access (GetSecretValue, DescribeSecret) on this secret only. */
  grantRead(grantee: IGrantable): void {
    this.secret.grantRead(grantee);
  }
}
