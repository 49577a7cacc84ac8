import * as z from 'zod';
import { issuePatchSchema, newIssueSchema, planSchema } from '#core/issues/issue';
import { getAccount } from '#store/account-store';
import { NotFoundError } from '#store/errors';
import { IssueChangedError } from '#store/issue-store';
import { RiskClosedError } from '#store/risk-store';
import { readTimeline } from '#store/timeline-store';
import { pendingTimers } from '#store/timer-store';
import { useCaseDeps } from '#usecases/account-view';
import { accountIssues, changeIssue, recordIssue } from '#usecases/health-issues';
import { recordReviewReport } from '#usecases/review-outcome';
import { acknowledge, resolve, setRootCauses, UnknownRootCauseError } from '#usecases/risk-actions';
import { HttpError, type HttpEvent, httpHandler, json, parseBody, pathParameter } from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

const note = z.string().min(1, 'must say what is being done').max(2000, 'must be at most 2000 characters');
const by = z.string().min(1).max(200).optional();
/**
 * An acknowledgement may attach a plan (seed 000): `category` and `plan` together record a health issue linked to
 * the risk, its summary the note (and `impact`, if given).
 */
const ackBody = z
  .strictObject({
    note,
    by,
    category: newIssueSchema.shape.category.optional(),
    impact: newIssueSchema.shape.impact.optional(),
    plan: planSchema.min(1, 'must have at least one step').optional(),
  })
  .superRefine((body, ctx) => {
    const attaching = body.category !== undefined || body.plan !== undefined || body.impact !== undefined;
    if (!attaching) return;
    for (const field of ['category', 'plan', 'by'] as const) {
      if (body[field] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'is required to attach a plan to the acknowledgement',
        });
    }
  });
const resolveBody = z.strictObject({
  note: z.string().min(1, 'must say why the risk is over').max(2000),
  by,
});
const causesBody = z.strictObject({
  primary: z.string().min(1),
  secondary: z.string().min(1).nullable().default(null),
  by: z.string().min(1).max(200),
});

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a zone' });
const reviewNote = z.string().min(1).max(2000, 'must be at most 2000 characters').nullable().default(null);
const reviewBy = z.string().min(1, 'must name who reports it').max(200);
const reviewBody = z.discriminatedUnion(
  'outcome',
  [
    z.strictObject({
      outcome: z.enum(['held', 'missed']),
      at: instant.nullable().default(null),
      by: reviewBy,
      note: reviewNote,
    }),
    z.strictObject({ outcome: z.literal('rescheduled'), startsAt: instant, by: reviewBy, note: reviewNote }),
  ],
  { error: 'must be one of: held, missed, rescheduled' },
);

/** A closed risk is a 409; an unknown root cause names the field. */
async function onOpenRisk<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof RiskClosedError) throw new HttpError(409, error.message);
    if (error instanceof UnknownRootCauseError) throw new HttpError(400, error.message);
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

/**
 * `POST /v1/risks/{id}/ack` (the owner acknowledges the current tier; repeating it keeps the first),
 * `POST /v1/risks/{id}/resolve` (the CSM closes it with a note), `POST /v1/risks/{id}/causes` (the CSM sets the
 * root causes; the strategy follows), `GET /v1/accounts/{id}/timeline`, `POST /v1/accounts/{id}/reviews/{reviewId}`
 * (a review's outcome: held, missed or rescheduled); health issues (seed 000): `GET|POST /v1/accounts/{id}/issues`,
 * `PATCH /v1/accounts/{id}/issues/{issueId}` (a 409 when it changed meanwhile).
 */
export function createRisksHandler(deps: Deps) {
  const useCase = useCaseDeps(deps);
  return httpHandler(deps, async (event) => {
    switch (event.routeKey) {
      case 'POST /v1/risks/{id}/ack': {
        const body = parseBody(event, ackBody);
        const riskId = pathParameter(event, 'id');
        const risk = await onOpenRisk(() => acknowledge(useCase, riskId, body.note, body.by ?? null));
        if (!body.category || !body.plan || !body.by) return json(200, risk);
        const issue = await recordIssue(
          deps,
          risk.accountId,
          {
            category: body.category,
            summary: body.note,
            impact:
              body.impact ??
              `${risk.primaryCause} risk, tier ${risk.tier}: ${risk.reasons.join('; ')}`.slice(0, 2000),
            plan: body.plan,
            by: body.by,
          },
          risk.riskId,
        );
        return json(200, { ...risk, issue });
      }
      case 'GET /v1/accounts/{id}/issues':
        return json(200, await accountIssues(deps, pathParameter(event, 'id')));
      case 'POST /v1/accounts/{id}/issues': {
        const body = parseBody(event, newIssueSchema);
        return json(201, await recordIssue(deps, pathParameter(event, 'id'), body));
      }
      case 'PATCH /v1/accounts/{id}/issues/{issueId}': {
        const body = parseBody(event, issuePatchSchema);
        const change = () =>
          changeIssue(deps, pathParameter(event, 'id'), pathParameter(event, 'issueId'), body);
        try {
          return json(200, await change());
        } catch (error) {
          if (error instanceof IssueChangedError) throw new HttpError(409, error.message);
          throw error;
        }
      }
      case 'POST /v1/risks/{id}/resolve': {
        const body = parseBody(event, resolveBody);
        const riskId = pathParameter(event, 'id');
        return json(200, await onOpenRisk(() => resolve(useCase, riskId, body.note, body.by ?? null)));
      }
      case 'POST /v1/risks/{id}/causes': {
        const body = parseBody(event, causesBody);
        const riskId = pathParameter(event, 'id');
        return json(200, await onOpenRisk(() => setRootCauses(useCase, riskId, body)));
      }
      case 'GET /v1/accounts/{id}/timeline':
        return timeline(deps, event);
      case 'POST /v1/accounts/{id}/reviews/{reviewId}': {
        const body = parseBody(event, reviewBody);
        const accountId = pathParameter(event, 'id');
        const reviewId = pathParameter(event, 'reviewId');
        return json(200, await recordReviewReport(deps, accountId, reviewId, body));
      }
      default:
        throw new HttpError(404, `no route ${event.routeKey}`);
    }
  });
}
