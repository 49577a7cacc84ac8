import type { AddressInfo } from 'node:net';
import type { Deps } from '#functions/shared/runtime';
import { createLocalApiServer } from '#local/http-server';

/** The local HTTP API (the handlers `npm start` serves) on a free port, for tests that talk HTTP. */
export async function serveLocally(deps: Deps): Promise<{ base: string; close(): Promise<void> }> {
  const server = createLocalApiServer(deps);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
