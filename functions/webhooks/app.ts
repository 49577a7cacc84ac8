import { HttpError, httpHandler } from '../shared/http.ts';
import type { Deps } from '../shared/runtime.ts';

/** POST /v1/webhooks/{source}: each vendor authenticates with its own signature, not the API key. */
export function createWebhooksHandler(deps: Deps) {
  return httpHandler(
    deps,
    async () => {
      throw new HttpError(501, 'webhooks are not built yet');
    },
    { auth: 'signature' },
  );
}
