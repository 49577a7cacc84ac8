import { readUnsubscribeToken } from '#core/journeys/unsubscribe-token';
import { getAccount } from '#store/account-store';
import { unsubscribe } from '#store/contact-preferences-store';
import { NotFoundError } from '#store/errors';
import { listInAppMessages } from '#store/in-app-store';
import { listNotSent, listSends } from '#store/send-ledger-store';
import { recordTimeline } from '#store/timeline-store';
import { unsubscribeSecret } from '#store/unsubscribe-secret-store';
import {
  HttpError,
  type HttpEvent,
  type HttpResult,
  httpHandler,
  json,
  pathParameter,
} from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

const page = (statusCode: number, title: string, body: string): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`,
});

async function contactOf(deps: Deps, event: HttpEvent) {
  // Two base64url ids and an HMAC: longer than one id may be.
  const token = pathParameter(event, 'token', { maxBytes: 2048 });
  const found = readUnsubscribeToken(await unsubscribeSecret(deps.db), token);
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

async function messagesRoute(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const contactId = pathParameter(event, 'id');
  return json(200, { contactId, messages: await listInAppMessages(deps.db, contactId) });
}

/** What the journeys sent to an account's contacts (the send ledger) and what they did not send, and why. */
async function nudgesRoute(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const accountId = pathParameter(event, 'id');
  if (!(await getAccount(deps.db, accountId))) throw new NotFoundError(`account "${accountId}"`);
  const [sent, notSent] = await Promise.all([listSends(deps.db, accountId), listNotSent(deps.db, accountId)]);
  return json(200, { accountId, sent, notSent });
}

/**
 * `GET /v1/accounts/{id}/nudges` (API key): the send ledger and the not-sent ledger of an account.
 * `GET|POST /v1/unsubscribe/{token}` (no API key: the token is an HMAC of the account and contact id) and
 * `GET /v1/contacts/{id}/messages` (API key): in-app messages for the vendor's own product UI.
 */
export function createMessagingHandler(deps: Deps) {
  const unsubscribeHandler = httpHandler(deps, (event) => unsubscribeRoute(deps, event), {
    auth: 'signature',
  });
  const messagesHandler = httpHandler(deps, (event) => messagesRoute(deps, event));
  const nudgesHandler = httpHandler(deps, (event) => nudgesRoute(deps, event));
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
      case 'GET /v1/contacts/{id}/messages':
        return messagesHandler(event);
      case 'GET /v1/accounts/{id}/nudges':
        return nudgesHandler(event);
      default:
        return notFound(event);
    }
  };
}
