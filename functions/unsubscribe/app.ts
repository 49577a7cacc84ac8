import { readUnsubscribeToken } from '#core/journeys/unsubscribe-token';
import { unsubscribe } from '#store/contact-preferences-store';
import { recordTimeline } from '#store/timeline-store';
import { existingUnsubscribeSecret } from '#store/unsubscribe-secret-store';
import { HttpError, type HttpEvent, type HttpResult, httpHandler, pathParameter } from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

const page = (statusCode: number, title: string, body: string): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`,
});

async function contactOf(deps: Deps, event: HttpEvent) {
  const token = pathParameter(event, 'token');
  const secret = await existingUnsubscribeSecret(deps.db);
  const found = secret ? readUnsubscribeToken(secret, token) : undefined;
  if (!found) throw new HttpError(404, 'this unsubscribe link is not valid');
  return found;
}

/**
 * GET shows a confirmation button (link scanners fetch GETs, so a GET alone changes nothing); POST unsubscribes:
 * from that button, or straight from the mail client (RFC 8058 one-click: `List-Unsubscribe=One-Click`).
 * Repeating it is harmless.
 */
async function unsubscribeRoute(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const { accountId, contactId } = await contactOf(deps, event);
  if (event.requestContext?.http?.method === 'GET' || event.routeKey.startsWith('GET ')) {
    return page(
      200,
      'Unsubscribe',
      '<h1>Unsubscribe?</h1><p>You will get no more onboarding and product emails from us.</p><form method="post"><button type="submit">Unsubscribe</button></form>',
    );
  }
  const at = deps.clock.now().toISOString();
  await unsubscribe(deps.db, accountId, contactId, at);
  await recordTimeline(deps.db, {
    accountId,
    at,
    action: 'unsubscribed',
    what: `Contact ${contactId} unsubscribed`,
    why: 'one-click unsubscribe',
    cause: `unsubscribe:${contactId}`,
  });
  return page(
    200,
    'Unsubscribed',
    '<h1>You are unsubscribed</h1><p>You will get no more of these emails.</p>',
  );
}

/**
 * `GET|POST /v1/unsubscribe/{token}`, the one public route that is not a vendor webhook: no API key, the token is
 * an HMAC of the account and contact id. Its own function, so that its role reads the unsubscribe secret and
 * writes the contact's unsubscribe and timeline items, and can read no API key (infra/constructs/table-access.ts).
 */
export function createUnsubscribeHandler(deps: Deps) {
  const unsubscribeHandler = httpHandler(deps, (event) => unsubscribeRoute(deps, event), {
    auth: 'signature',
  });
  const notFound = httpHandler(
    deps,
    async (event) => {
      throw new HttpError(404, `no route ${event.routeKey}`);
    },
    { auth: 'signature' },
  );
  return async (event: HttpEvent): Promise<HttpResult> => {
    switch (event.routeKey) {
      case 'GET /v1/unsubscribe/{token}':
      case 'POST /v1/unsubscribe/{token}':
        return unsubscribeHandler(event);
      default:
        return notFound(event);
    }
  };
}
