import { createAccountsHandler } from '#functions/accounts/app';
import { createMessagingHandler } from '#functions/messaging/app';
import { createPortfolioHandler } from '#functions/portfolio/app';
import { createRisksHandler } from '#functions/risks/app';
import type { ApiFunctionName } from '#functions/routes';
import type { HttpHandler } from '#functions/shared/http';
import type { Deps } from '#functions/shared/runtime';
import { createSignalsHandler } from '#functions/signals/app';
import { createUnsubscribeHandler } from '#functions/unsubscribe/app';
import { createWebhooksHandler } from '#functions/webhooks/app';

/** The same handler factories the Lambda entry points call, keyed like functions/routes.ts. */
export const API_FUNCTIONS: Record<ApiFunctionName, (deps: Deps) => HttpHandler> = {
  accounts: createAccountsHandler,
  signals: createSignalsHandler,
  portfolio: createPortfolioHandler,
  risks: createRisksHandler,
  messaging: createMessagingHandler,
  unsubscribe: createUnsubscribeHandler,
  webhooks: createWebhooksHandler,
};
