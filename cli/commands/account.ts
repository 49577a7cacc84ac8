import { accountWithHealthSchema } from '#core/health/view';
import { type ApiTarget, getJson } from '../api-client.ts';
import { renderAccountHealth } from '../render-health.ts';
import { REVIEWS_AHEAD_DAYS, renderWorkbench, workbenchSchemas } from '../render-workbench.ts';

/**
 * `churnguard account <id> [--json]`: the account's health from `GET /v1/accounts/{id}` (which scores the account
 * first if it is dirty or was never scored). `--json` prints the API's answer as it came, after checking its shape.
 * For people, the health follows a summary (ARR, renewal and days to it, CSM, open risk and health issues, upcoming
 * reviews and checkpoints) read from `/history`, `/issues`, `/timeline` and `GET /v1/reviews?account=<id>`.
 */
export async function showAccount(target: ApiTarget, accountId: string, asJson: boolean): Promise<string> {
  const path = `/v1/accounts/${encodeURIComponent(accountId)}`;
  const account = await getJson(target, path, accountWithHealthSchema);
  if (asJson) return `${JSON.stringify(account, null, 2)}\n`;
  const [history, reviews, issues, timeline] = await Promise.all([
    getJson(target, `${path}/history`, workbenchSchemas.history),
    getJson(
      target,
      `/v1/reviews?account=${encodeURIComponent(accountId)}&due=${REVIEWS_AHEAD_DAYS}d&limit=200`,
      workbenchSchemas.reviews,
    ),
    getJson(target, `${path}/issues`, workbenchSchemas.issues),
    getJson(target, `${path}/timeline`, workbenchSchemas.timeline),
  ]);
  const profile = workbenchSchemas.profile.parse(account);
  const [header = '', ...rest] = renderAccountHealth(account).split('\n');
  return [header, renderWorkbench({ profile, history, reviews, issues, timeline }).trimEnd(), ...rest].join(
    '\n',
  );
}
