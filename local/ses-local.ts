import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sesModule from 'aws-ses-v2-local';
import { clientClosesIdleSockets } from './idle-sockets.ts';

export interface SesLocal {
  /** SES v2 API endpoint for the AWS SDK. */
  endpoint: string;
  /** The web inbox (live); `${endpoint}/store` returns the sent mail as JSON. */
  inboxUrl: string;
  stop(): Promise<void>;
}

type StartSes = (config?: { host?: string; port?: number }) => Promise<Server>;
const isStartSes = (value: unknown): value is StartSes => typeof value === 'function';

/** aws-ses-v2-local is CommonJS: under ESM its server function is `default` or `default.default`, by loader. */
function serverFunction(): StartSes {
  const outer: unknown = sesModule.default;
  const inner = typeof outer === 'object' && outer !== null && 'default' in outer ? outer.default : undefined;
  const start = [outer, inner].find(isStartSes);
  if (!start) throw new Error('aws-ses-v2-local exports no server function');
  return start;
}

/** Starts SES local in this process: mail sent through the SDK lands in its web inbox, nothing leaves the machine. */
export async function startSesLocal(port = 0): Promise<SesLocal> {
  const server = await serverFunction()({ host: '127.0.0.1', port });
  // aws-ses-v2-local resolves with a server that is not listening when the port is taken.
  const address = server.address() as AddressInfo | null;
  if (!address) {
    server.close();
    throw new Error(
      `SES local could not listen on port ${port} (SES_PORT): it is in use; set SES_PORT to another port or leave it unset`,
    );
  }
  clientClosesIdleSockets(server);
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
