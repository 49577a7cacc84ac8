import { HttpError, httpHandler } from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

/** GET /v1/portfolio: bands and journey classes by segment. */
export function createPortfolioHandler(deps: Deps) {
  return httpHandler(deps, async () => {
    throw new HttpError(501, 'portfolio summary is not built yet');
  });
}
