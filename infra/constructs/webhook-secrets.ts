import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { ParamsAndSecretsLayerVersion, ParamsAndSecretsVersions } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';

export interface WebhookSecretsProps {
  /** Keep the secret when the stack is deleted. */
  retain: boolean;
}

/**
 * The vendors' webhook secrets: one Secrets Manager secret holding a JSON map
 * `{ "segment": "...", "stripe": "whsec_...", "zendesk": "...", "survey": "...", "typeform": "..." }` (each value a
 * string, or a list while a secret is rolled). Created with a generated `survey` secret; the vendor-issued ones are
 * put in after deploy (docs/connectors.md). Only the webhooks function may read it, through the Parameters and
 * Secrets extension, which needs no SDK client in the bundle.
 */
export class WebhookSecrets extends Construct {
  readonly secret: Secret;
  readonly extension: ParamsAndSecretsLayerVersion;

  constructor(scope: Construct, id: string, props: WebhookSecretsProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'churnguard webhook secrets: JSON map of segment, stripe, zendesk, survey, typeform',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({}),
        generateStringKey: 'survey',
        excludePunctuation: true,
        passwordLength: 48,
      },
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledgeNag(
      this.secret,
      'AwsSolutions::AwsSolutions-SMG4',
      'Holds signing secrets issued by Stripe, Zendesk, Segment and Typeform: they are rolled in the vendor, not by a rotation Lambda. The function accepts several secrets per vendor during a roll.',
    );
    this.extension = ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
      cacheSize: 10,
      secretsManagerTtl: Duration.minutes(5),
    });
  }

  /** Environment the reading function needs. */
  get environment(): Record<string, string> {
    return { WEBHOOK_SECRETS_ARN: this.secret.secretArn };
  }

  /** Read access (GetSecretValue, DescribeSecret) on this secret only. */
  grantRead(grantee: IGrantable): void {
    this.secret.grantRead(grantee);
  }
}
