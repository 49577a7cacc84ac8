import { accountWithHealthSchema } from '#core/health/view';
import { type ApiTarget, getJson } from '../api-client.ts';
import { renderAccountHealth } from '../render-health.ts';

/**
 * `churnguard account <id> [--json]`: the account's health from `GET /v1/accounts/{id}` (which scores the account
 * first if it is dirty or was never scored). `--json` prints the API's answer as it came, after checking its shape.
 */
export async function showAccount(target: ApiTarget, accountId: string, asJson: boolean): Promise<string> {
  const account = await getJson(
    target,
    `/v1/accounts/${encodeURIComponent(accountId)}`,
    accountWithHealthSchema,
  );
  return asJson ? `${JSON.stringify(account, null, 2)}\n` : renderAccountHealth(account);
}
