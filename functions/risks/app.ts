import { z } from 'zod';
import { getAccount } from '#store/account-store';
import { NotFoundError } from '#store/errors';
import { acknowledgeRisk, RiskClosedError } from '#store/risk-store';
import { readTimeline, recordTimeline } from '#store/timeline-store';
import { pendingTimers } from '#store/timer-store';
import { HttpError, type HttpEvent, httpHandler, json, parseBody, pathParameter } from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

const ackBody = z.strictObject({
  note: z.string().min(1, 'must say what is being done').max(2000),
  by: z.string().min(1).max(200).optional(),
});

/** POST /v1/risks/{id}/ack: the owner acknowledges, with a note; repeating it keeps the first time. */
async function acknowledge(deps: Deps, event: HttpEvent) {
  const riskId = pathParameter(event, 'id');
  const { note, by } = parseBody(event, ackBody);
  const at = deps.clock.now().toISOString();
  try {
    const risk = await acknowledgeRisk(deps.db, riskId, note, at);
    await recordTimeline(deps.db, {
      accountId: risk.accountId,
      at: risk.acknowledgedAt ?? at,
      action: 'risk_acknowledged',
      what: `Tier ${risk.tier} risk acknowledged${by ? ` by ${by}` : ''}`,
      why: note,
      cause: `risk_ack:${risk.riskId}:T${risk.tier}`,
    });
    return json(200, risk);
  } catch (error) {
    if (error instanceof RiskClosedError) throw new HttpError(409, error.message);
    throw error;
  }
}

/** GET /v1/accounts/{id}/timeline: every action with what, why, its cause and the execution that did it. */
async function timeline(deps: Deps, event: HttpEvent) {
  const accountId = pathParameter(event, 'id');
  if (!(await getAccount(deps.db, accountId))) throw new NotFoundError(`account "${accountId}"`);
  const [entries, upcoming] = await Promise.all([
    readTimeline(deps.db, accountId),
    pendingTimers(deps.db, accountId),
  ]);
  return json(200, { accountId, entries, upcoming });
}

export function createRisksHandler(deps: Deps) {
  return httpHandler(deps, async (event) => {
    switch (event.routeKey) {
      case 'POST /v1/risks/{id}/ack':
        return acknowledge(deps, event);
      case 'GET /v1/accounts/{id}/timeline':
        return timeline(deps, event);
      default:
        throw new HttpError(404, `no route ${event.routeKey}`);
    }
  });
}
