import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { accountHealth } from '#core/health/view';
import { accountsEnvelope, checkAccounts } from '#core/ingest';
import { getAccount } from '#store/account-store';
import { NotFoundError } from '#store/errors';
import { loadAccountHistory } from '#usecases/account-history';
import { upsertAccountsWithTimers } from '#usecases/upsert-accounts';
import { healthOnRead } from '../shared/health/read.ts';
import { HttpError, type HttpEvent, httpHandler, json, parseBody, pathParameter } from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

async function upsert(deps: Deps, config: Config, event: HttpEvent) {
  const { accounts } = parseBody(event, accountsEnvelope);
  const { valid, rejected } = checkAccounts(accounts);
  const outcomes = await upsertAccountsWithTimers(
    deps.db,
    valid.map((v) => v.account),
    deps.clock.now(),
    config,
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

export interface AccountsOptions {
  /** The playbook config; else the one in `deps`, else the built-in default. */
  config?: Config;
  /** Score a dirty, never-scored or outdated account when it is read (default true; see healthOnRead). */
  recomputeOnRead?: boolean;
}

async function read(deps: Deps, options: Required<AccountsOptions>, event: HttpEvent) {
  const id = pathParameter(event, 'id');
  const account = await getAccount(deps.db, id);
  if (!account) throw new NotFoundError(`account "${id}"`);
  const found = await healthOnRead(deps, options.config, id, { recompute: options.recomputeOnRead });
  return json(
    200,
    found.health
      ? { ...account, health: accountHealth(found.health) }
      : { ...account, health: null, healthUnavailable: found.unavailable },
  );
}

/**
 * POST /v1/accounts (upsert 1..500), GET /v1/accounts/{id} (the profile with its health) and
 * GET /v1/accounts/{id}/history (score changes, risks, reviews, contract history).
 */
export function createAccountsHandler(deps: Deps, options: AccountsOptions = {}) {
  const settings = {
    config: options.config ?? deps.config ?? defaultConfig,
    recomputeOnRead: options.recomputeOnRead ?? true,
  };
  return httpHandler(deps, async (event) => {
    switch (event.routeKey) {
      case 'POST /v1/accounts':
        return upsert(deps, settings.config, event);
      case 'GET /v1/accounts/{id}':
        return read(deps, settings, event);
      case 'GET /v1/accounts/{id}/history':
        return json(200, await loadAccountHistory(deps, pathParameter(event, 'id')));
      default:
        throw new HttpError(404, `no route ${event.routeKey}`);
    }
  });
}
