import type { Verification } from '#core/connectors/crypto';
import { mapHubspotEvents, verifyHubspotSignature } from '#core/connectors/hubspot';
import type { ConnectorMapping } from '#core/connectors/mapping';
import { mapPosthogBody, POSTHOG_SECRET_HEADER, verifyPosthogSecret } from '#core/connectors/posthog';
import {
  mapSalesforceMessage,
  SALESFORCE_ACK,
  SALESFORCE_SECRET_HEADER,
  SALESFORCE_SECRET_PARAMETER,
  verifySalesforceMessage,
} from '#core/connectors/salesforce';
import { mapSegmentBody, verifySegmentAuth, verifySegmentSignature } from '#core/connectors/segment';
import type { ConnectorResult } from '#core/connectors/shared';
import { mapStripeEvent, verifyStripeSignature } from '#core/connectors/stripe';
import { mapSurveyBody, SURVEY_SIGNATURE_HEADER, verifySurveySignature } from '#core/connectors/survey';
import { mapTypeformEvent, verifyTypeformSignature } from '#core/connectors/typeform';
import { mapZendeskBody, verifyZendeskSignature } from '#core/connectors/zendesk';
import type { WebhookSecretName, WebhookSecrets } from './settings.ts';

/**
 * The sources under POST /v1/webhooks/{source}: for each, which secret verifies a request and which mapper reads
 * it. Surveys take two kinds of delivery, told apart by their signature header: Typeform's own
 * (`Typeform-Signature`) and churnguard's generic one (`X-Churnguard-Signature`).
 */
export const WEBHOOK_SOURCES = [
  'segment',
  'stripe',
  'zendesk',
  'survey',
  'hubspot',
  'posthog',
  'salesforce',
] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

export function isWebhookSource(value: string): value is WebhookSource {
  return (WEBHOOK_SOURCES as readonly string[]).includes(value);
}

export interface SignedRequest {
  method: string;
  /** The URL the vendor posted to (HubSpot signs it). */
  url: string;
  body: Buffer;
  header: (name: string) => string | undefined;
  /** A query string parameter of the URL (Salesforce carries churnguard's secret there). */
  query: (name: string) => string | undefined;
  now: Date;
  mapping: ConnectorMapping;
}

/** How one delivery is checked and read: the secret it needs, the verdict, the mapper for its body. */
export interface Delivery {
  secret: WebhookSecretName;
  verify: (secrets: WebhookSecrets) => Verification;
  map: (body: unknown, mapping: ConnectorMapping) => ConnectorResult;
  /** How the body is read: JSON unless said (Salesforce sends SOAP XML, which its mapper reads). */
  format?: 'json' | 'text';
  /** The answer to a stored delivery when the vendor needs its own (Salesforce waits for a SOAP Ack). */
  acknowledge?: { contentType: string; body: string };
}

export function deliveryFor(source: WebhookSource, request: SignedRequest): Delivery {
  const { body, header, now, method, url, query, mapping } = request;
  switch (source) {
    case 'segment': {
      // Segment signs with the shared secret; set-ups that send a static credential instead use Authorization.
      const signature = header('x-signature');
      const authorization = header('authorization');
      return {
        secret: 'segment',
        verify: (s) =>
          signature === undefined && authorization !== undefined
            ? verifySegmentAuth(authorization, s.segment)
            : verifySegmentSignature(body, signature, s.segment),
        map: mapSegmentBody,
      };
    }
    case 'stripe':
      return {
        secret: 'stripe',
        verify: (s) => verifyStripeSignature(body, header('stripe-signature'), s.stripe, now),
        map: mapStripeEvent,
      };
    case 'zendesk':
      return {
        secret: 'zendesk',
        verify: (s) =>
          verifyZendeskSignature(
            body,
            header('x-zendesk-webhook-signature'),
            header('x-zendesk-webhook-signature-timestamp'),
            s.zendesk,
            now,
          ),
        map: mapZendeskBody,
      };
    case 'hubspot':
      return {
        secret: 'hubspot',
        verify: (s) =>
          verifyHubspotSignature(
            {
              method,
              uri: url,
              rawBody: body,
              signature: header('x-hubspot-signature-v3'),
              timestamp: header('x-hubspot-request-timestamp'),
            },
            s.hubspot,
            now,
          ),
        map: mapHubspotEvents,
      };
    case 'posthog':
      return {
        secret: 'posthog',
        verify: (s) => verifyPosthogSecret(header(POSTHOG_SECRET_HEADER), header('authorization'), s.posthog),
        map: mapPosthogBody,
      };
    case 'salesforce':
      return {
        secret: 'salesforce',
        verify: (s) =>
          verifySalesforceMessage(
            body.toString('utf8'),
            query(SALESFORCE_SECRET_PARAMETER),
            header(SALESFORCE_SECRET_HEADER),
            s.salesforce,
            mapping.salesforce,
          ),
        map: mapSalesforceMessage,
        format: 'text',
        acknowledge: { contentType: 'text/xml; charset=utf-8', body: SALESFORCE_ACK },
      };
    case 'survey': {
      const typeform = header('typeform-signature');
      if (typeform !== undefined) {
        return {
          secret: 'typeform',
          verify: (s) => verifyTypeformSignature(body, typeform, s.typeform),
          map: mapTypeformEvent,
        };
      }
      return {
        secret: 'survey',
        verify: (s) => verifySurveySignature(body, header(SURVEY_SIGNATURE_HEADER), s.survey),
        map: (parsed) => mapSurveyBody(parsed),
      };
    }
  }
}
