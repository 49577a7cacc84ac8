import { accountsEnvelope, checkAccounts } from '#core/ingest';
import { getAccount, upsertAccounts } from '#store/account-store';
import { NotFoundError } from '#store/errors';
import { HttpError, type HttpEvent, httpHandler, json, parseBody, pathParameter } from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

async function upsert(deps: Deps, event: HttpEvent) {
  const { accounts } = parseBody(event, accountsEnvelope);
  const { valid, rejected } = checkAccounts(accounts);
  const outcomes = await upsertAccounts(
    deps.db,
    valid.map((v) => v.account),
    deps.clock.now(),
  );
  const created = outcomes.filter((o) => o === 'created').length;
  deps.logger.info('accounts upserted', {
    created,
    updated: outcomes.length - created,
    rejected: rejected.length,
  });
  return json(200, {
    upserted: outcomes.length,
    created,
    updated: outcomes.length - created,
    rejected,
  });
}

async function read(deps: Deps, event: HttpEvent) {
  const id = pathParameter(event, 'id');
  const account = await getAccount(deps.db, id);
  if (!account) throw new NotFoundError(`account "${id}"`);
  return json(200, account);
}

/** POST /v1/accounts (upsert 1..500) and GET /v1/accounts/{id}. */
export function createAccountsHandler(deps: Deps) {
  return httpHandler(deps, async (event) => {
    switch (event.routeKey) {
      case 'POST /v1/accounts':
        return upsert(deps, event);
      case 'GET /v1/accounts/{id}':
        return read(deps, event);
      default:
        throw new HttpError(404, `no route ${event.routeKey}`);
    }
  });
}
