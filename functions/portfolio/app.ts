import * as z from 'zod';
import { defaultConfig } from '#config/default';
import type { Config } from '#config/schema';
import { entityId, wellFormedText } from '#core/ids';
import { FORECAST_CATEGORIES } from '#core/renewals/forecast';
import { fieldErrors } from '#core/validation';
import { accountListQuerySchema, BadCursorError } from '#core/workbench/account-list';
import { riskFiltersSchema } from '#core/workbench/risk-filter';
import { listAccounts } from '#usecases/account-list';
import { loadAutomation } from '#usecases/automation';
import { loadPortfolioSummary } from '#usecases/portfolio-summary';
import { callRenewal, loadRenewalDesk, loadRetention } from '#usecases/renewals';
import { loadReviewsDue } from '#usecases/reviews-due';
import { listOpenRisks } from '#usecases/risk-list';
import { loadStackRank } from '#usecases/stack-rank';
import { recomputeDirty } from '../shared/health/recompute-portfolio.ts';
import {
  HttpError,
  type HttpEvent,
  httpHandler,
  json,
  parseBody,
  parseQuery,
  pathParameter,
} from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

/** Dirty accounts a portfolio read scores before answering; the rest (and any that failed) are `pendingRecompute`. */
export const DIRTY_SCORED_ON_READ = 100;

const callBody = z.strictObject({
  category: z.enum(FORECAST_CATEGORIES, { error: `must be one of: ${FORECAST_CATEGORIES.join(', ')}` }),
  note: wellFormedText.min(1).max(2000).nullable().default(null),
  by: wellFormedText.min(1, 'must name who makes the call').max(200),
});

/** The stack-rank's query: a segment the config defines, or none for every segment. */
const stackRankQuery = (config: Config) => {
  const known = Object.keys(config.segments);
  return z.strictObject({
    segment: z
      .string()
      .refine((id) => known.includes(id), {
        error: `must be a segment the config defines: ${known.join(', ')}`,
      })
      .optional(),
  });
};
/** `?due=30d&limit=50&cursor=...&account=...`: each a 400 naming the parameter when it is not of that form. */
const reviewsQuery = z.strictObject({
  /** One account's reviews only (`churnguard account <id>`); 404 when there is no such account. */
  account: entityId.optional(),
  due: z
    .string()
    .regex(/^\d{1,3}d$/, 'must be a number of days such as 30d')
    .transform((value) => Number(value.slice(0, -1)))
    .refine((days) => days >= 1 && days <= 366, 'must be from 1d to 366d')
    .default(30),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 200, 'must be a whole number from 1 to 200')
    .default(50),
  cursor: z
    .string()
    .max(2048, 'must be the cursor of a previous answer')
    .transform((value, ctx) => {
      const decoded = Buffer.from(value, 'base64url').toString('utf8');
      if (!/^\d\|/.test(decoded)) {
        ctx.addIssue({ code: 'custom', message: 'must be the cursor of a previous answer' });
        return z.NEVER;
      }
      return decoded;
    })
    .optional(),
});

async function reviewsDue(useCase: Parameters<typeof loadReviewsDue>[0], event: HttpEvent) {
  const parsed = reviewsQuery.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    throw new HttpError(400, 'query parameters are not valid', fieldErrors(parsed.error));
  }
  const { due, limit, cursor, account } = parsed.data;
  const page = await loadReviewsDue(useCase, {
    days: due,
    limit,
    after: cursor ?? null,
    accountId: account ?? null,
  });
  const { next, ...rest } = page;
  return json(200, {
    ...rest,
    nextCursor: next === null ? null : Buffer.from(next, 'utf8').toString('base64url'),
  });
}

/**
 * GET /v1/portfolio: bands and journey classes by segment, from the account registry's health summaries. Up to
 * DIRTY_SCORED_ON_READ dirty or never-scored accounts are scored first, so the local stack shows fresh health
 * without a scheduler; a model change is left to the passes (it rescans everything), and `scoredUnderOtherModel`
 * says how many accounts still wait for it. GET /v1/renewals (the renewal desk), GET /v1/retention (NRR, GRR,
 * logo churn, ARR at risk), GET /v1/stack-rank (Champions, Cruisers, Laggards per segment), GET /v1/automation (activity per play, holdout
 * comparisons) and POST /v1/renewals/{id}/call (the CSM's own forecast) read the same registry, as do the CSM's
 * lists: GET /v1/accounts (filtered, sorted, paged with a cursor) and GET /v1/risks (filtered, with the ARR at risk
 * per currency).
 */
export function createPortfolioHandler(deps: Deps, configOverride?: Config) {
  const config = configOverride ?? deps.config ?? defaultConfig;
  const useCase = { ...deps, config };
  const stackRankQueryOf = stackRankQuery(config);
  const refresh = () =>
    recomputeDirty(deps, config, { limit: DIRTY_SCORED_ON_READ, followModelChanges: false });
  return httpHandler(deps, async (event: HttpEvent) => {
    switch (event.routeKey) {
      case 'GET /v1/portfolio': {
        const refreshed = await refresh();
        const summary = await loadPortfolioSummary(useCase);
        const pendingRecompute = refreshed.remaining + refreshed.dirty.byStatus.failed;
        return json(200, { ...summary, pendingRecompute });
      }
      case 'GET /v1/renewals':
        await refresh();
        return json(200, await loadRenewalDesk(useCase));
      case 'GET /v1/stack-rank': {
        const { segment } = parseQuery(event, stackRankQueryOf);
        await refresh();
        return json(200, await loadStackRank(useCase, segment));
      }
      case 'GET /v1/automation':
        return json(200, await loadAutomation(useCase));
      case 'GET /v1/reviews':
        return reviewsDue(useCase, event);
      case 'GET /v1/accounts': {
        const query = parseQuery(event, accountListQuerySchema);
        await refresh();
        try {
          return json(200, await listAccounts(useCase, query));
        } catch (error) {
          if (error instanceof BadCursorError)
            throw new HttpError(400, error.message, [{ path: 'cursor', message: error.message }]);
          throw error;
        }
      }
      case 'GET /v1/risks':
        return json(200, await listOpenRisks(useCase, parseQuery(event, riskFiltersSchema)));
      case 'GET /v1/retention':
        return json(200, await loadRetention(useCase));
      case 'POST /v1/renewals/{id}/call': {
        const body = parseBody(event, callBody);
        return json(200, await callRenewal(useCase, pathParameter(event, 'id'), body));
      }
      default:
        throw new HttpError(404, `no route ${event.routeKey}`);
    }
  });
}
