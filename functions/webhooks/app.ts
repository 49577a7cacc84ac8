import { useCaseDeps } from '#usecases/account-view';
import {
  HttpError,
  type HttpEvent,
  header,
  httpHandler,
  json,
  MAX_BODY_BYTES,
  parseJson,
  pathParameter,
  rawBodyBytes,
  requireWellFormed,
} from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';
import { deliveryFor, isWebhookSource, WEBHOOK_SOURCES } from './connectors.ts';
import { receiveWebhook } from './receive.ts';
import { type WebhookSettings, webhookSettingsFromEnv } from './settings.ts';

/** The URL a request arrived at, as the vendor wrote it: https, the Host it named, the path and the query. */
function requestUrl(event: HttpEvent): string {
  const host = header(event, 'host') ?? event.requestContext.domainName;
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  return `https://${host}${event.rawPath}${query}`;
}

/**
 * POST /v1/webhooks/{source}: each vendor authenticates with its own signature over the raw body, not the API key.
 * 404 unknown source; 413 too large; 503 no secret configured for it (vendors retry); 401 signature refused,
 * with the reason; 400 body not understood; 200 with what was stored, ignored and why (see receiveWebhook).
 */
export function createWebhooksHandler(
  deps: Deps,
  settings: WebhookSettings = deps.webhooks ?? webhookSettingsFromEnv(process.env, deps.clock),
) {
  return httpHandler(
    deps,
    async (event) => {
      const source = pathParameter(event, 'source');
      if (!isWebhookSource(source)) {
        throw new HttpError(404, `no webhook source "${source}"; use one of: ${WEBHOOK_SOURCES.join(', ')}`);
      }
      const body = rawBodyBytes(event);
      if (body.length > MAX_BODY_BYTES) {
        throw new HttpError(413, `body is ${body.length} bytes; the limit is ${MAX_BODY_BYTES} bytes`);
      }
      const now = deps.clock.now();
      const delivery = deliveryFor(source, {
        method: event.requestContext.http.method,
        url: settings.mapping.hubspot.webhookUrl ?? requestUrl(event),
        body,
        header: (name) => header(event, name),
        query: (name) => event.queryStringParameters?.[name],
        now,
        mapping: settings.mapping,
      });

      let secrets = await settings.secrets.get();
      if (secrets[delivery.secret].length === 0) secrets = await settings.secrets.refresh();
      if (secrets[delivery.secret].length === 0) {
        deps.logger.error('webhook secret not configured', { source, secret: delivery.secret });
        throw new HttpError(
          503,
          `no ${delivery.secret} webhook secret is configured; see docs/connectors.md`,
        );
      }
      let verdict = delivery.verify(secrets);
      if (!verdict.ok) {
        // The secret may have been rolled since this environment read it.
        const fresh = await settings.secrets.refresh();
        if (fresh !== secrets) verdict = delivery.verify(fresh);
      }
      if (!verdict.ok) {
        deps.logger.warn('webhook signature refused', { source, reason: verdict.reason });
        throw new HttpError(401, `signature refused: ${verdict.reason}`);
      }

      const text = body.toString('utf8');
      const parsed =
        delivery.format === 'text' ? text : parseJson(text, 'body is empty; send the JSON the vendor signed');
      requireWellFormed(parsed);
      const result = delivery.map(parsed, settings.mapping);
      if (result.rejected) throw new HttpError(400, result.rejected.reason, result.rejected.errors);

      const outcome = await receiveWebhook(useCaseDeps(deps), source, parsed, result, settings.mapping);
      deps.logger.info('webhook received', {
        source,
        accepted: outcome.accepted,
        duplicates: outcome.duplicates,
        rejected: outcome.rejected,
        ignored: outcome.ignored,
        lookups: outcome.lookups,
        contracts: outcome.contracts,
        links: outcome.links,
      });
      if (delivery.acknowledge) {
        const { contentType, body: ack } = delivery.acknowledge;
        return { statusCode: 200, headers: { 'content-type': contentType }, body: ack };
      }
      return json(200, outcome);
    },
    { auth: 'signature' },
  );
}
