import { type CfnStage, DomainName, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type ApiFunctionName, ROUTES } from '../../functions/routes.ts';
import { acknowledgeNag } from '../nag.ts';

/** Where the page is served (functions/page, functions/shared/page-files.ts). */
export const PAGE_ROUTES = ['/', '/app', '/app/{file}'] as const;

/** A custom domain for the API: its name and an ACM certificate for it in the stack's region. */
export interface ApiDomain {
  name: string;
  certificateArn: string;
}

export interface ChurnGuardHttpApiProps {
  functions: Record<ApiFunctionName, IFunction>;
  /** Serves the page's static files at /, /app and /app/{file} (functions/page). */
  page: IFunction;
  logRetention: RetentionDays;
  throttle: { rateLimit: number; burstLimit: number };
  domain?: ApiDomain;
}

/**
 * The /v1 HTTP API, routed from functions/routes.ts (the list the local server also uses). Every route's
 * function authenticates the bearer key itself (functions/shared/http.ts) so that a missing or wrong key is a
 * 401 both here and locally; HTTP API Lambda authorizers can only answer 403 for a wrong key.
 */
export class ChurnGuardHttpApi extends Construct {
  readonly api: HttpApi;
  /** The custom domain, when one was given: point a CNAME at its `regionalDomainName`. */
  readonly domainName?: DomainName;

  constructor(scope: Construct, id: string, props: ChurnGuardHttpApiProps) {
    super(scope, id);
    if (props.domain) {
      this.domainName = new DomainName(this, 'Domain', {
        domainName: props.domain.name,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
      });
    }
    this.api = new HttpApi(this, 'Api', {
      description: 'churnguard /v1 API',
      ...(this.domainName ? { defaultDomainMapping: { domainName: this.domainName } } : {}),
    });
    const integrations = new Map<ApiFunctionName, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}Integration`, props.functions[route.fn]);
        integrations.set(route.fn, integration);
      }
      for (const added of this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
      })) {
        acknowledgeNag(
          added,
          'AwsSolutions::AwsSolutions-APIG4',
          route.auth === 'signature'
            ? "Authenticated in the function by what the caller can prove: a vendor webhook signature (HMAC, timestamped) or an unsubscribe link's HMAC token; a bad one answers 401/404 (tested per source)."
            : 'Authenticated in the function: the handler checks "Authorization: Bearer <key>" against hashed keys and answers 401 (functions/shared/http.ts; tested per route).',
        );
      }
    }
    const pageIntegration = new HttpLambdaIntegration('pageIntegration', props.page);
    for (const path of PAGE_ROUTES) {
      for (const added of this.api.addRoutes({
        path,
        methods: [HttpMethod.GET],
        integration: pageIntegration,
      })) {
        acknowledgeNag(
          added,
          'AwsSolutions::AwsSolutions-APIG4',
          "The page's static files: they hold no data and no secret; the page asks for an API key and sends it to the /v1 routes, which authenticate it.",
        );
      }
    }
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    stage.defaultRouteSettings = {
      throttlingRateLimit: props.throttle.rateLimit,
      throttlingBurstLimit: props.throttle.burstLimit,
    };
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      // No headers, bodies or source IPs: nothing personal lands in access logs.
      format: JSON.stringify({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
  }
}
