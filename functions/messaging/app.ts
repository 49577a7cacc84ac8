import { getAccount } from '#store/account-store';
import { NotFoundError } from '#store/errors';
import { listInAppMessages } from '#store/in-app-store';
import { listNotSent, listSends } from '#store/send-ledger-store';
import {
  HttpError,
  type HttpEvent,
  type HttpResult,
  httpHandler,
  json,
  pathParameter,
} from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

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
 * `GET /v1/contacts/{id}/messages` (API key): in-app messages for the vendor's own product UI.
 * One-click unsubscribe, which needs no API key, is its own function (functions/unsubscribe), so that this one's
 * role never reads the unsubscribe secret and that one's never reads an API key.
 */
export function createMessagingHandler(deps: Deps) {
  const messagesHandler = httpHandler(deps, (event) => messagesRoute(deps, event));
  const nudgesHandler = httpHandler(deps, (event) => nudgesRoute(deps, event));
  const notFound = httpHandler(deps, async (event) => {
    throw new HttpError(404, `no route ${event.routeKey}`);
  });
  return async (event: HttpEvent): Promise<HttpResult> => {
    switch (event.routeKey) {
      case 'GET /v1/contacts/{id}/messages':
        return messagesHandler(event);
      case 'GET /v1/accounts/{id}/nudges':
        return nudgesHandler(event);
      default:
        return notFound(event);
    }
  };
}
