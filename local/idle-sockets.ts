import type { Server } from 'node:http';

/**
 * Leaves closing an idle keep-alive socket to the client. When the server closes it (Node's default, after 5 s), a
 * client that reuses the socket at that moment gets ECONNRESET; on a loaded machine a test's fetch did. The local
 * servers serve one developer's browser and tests on loopback, so open idle sockets cost nothing.
 */
export function clientClosesIdleSockets<S extends Server>(server: S): S {
  server.keepAliveTimeout = 0;
  return server;
}
