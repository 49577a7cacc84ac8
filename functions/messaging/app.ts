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
  const accountId = pathParameter(event, 'id');
  const contactId = pathParameter(event, 'contactId');
  return json(200, {
    accountId,
    contactId,
    messages: await listInAppMessages(deps.db, accountId, contactId),
  });
}

/** An account's messages (the send ledger: sent, failed, on their way, queued) and what was not sent, and why. */
async function nudgesRoute(deps: Deps, event: HttpEvent): Promise<HttpResult> {
  const accountId = pathParameter(event, 'id');
  if (!(await getAccount(deps.db, accountId))) throw new NotFoundError(`account "${accountId}"`);
  const [sends, notSent] = await Promise.all([
    listSends(deps.db, accountId),
    listNotSent(deps.db, accountId),
  ]);
  // Who, what and where it stands; not the rendered HTML or attachments a row holds until it is delivered.
  const sent = sends.map(({ outgoing, ...row }) => ({
    ...row,
    ...(outgoing ? { subject: outgoing.subject } : {}),
  }));
  return json(200, { accountId, sent, notSent });
}

/**
 * `GET /v1/accounts/{id}/nudges` (API key): the send ledger and the not-sent ledger of an account.
 * `GET /v1/accounts/{id}/contacts/{contactId}/messages` (API key): in-app messages for the vendor's product UI.
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
      case 'GET /v1/accounts/{id}/contacts/{contactId}/messages':
        return messagesHandler(event);
      case 'GET /v1/accounts/{id}/nudges':
        return nudgesHandler(event);
      default:
        return notFound(event);
    }
  };
}
