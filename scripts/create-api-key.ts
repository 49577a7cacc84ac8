import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  generateApiKey,
  hashApiKey,
  registerApiKey,
  revokeApiKeyHash,
} from '#store/api-key-store';

const isApiKeyScope = (value: string): value is ApiKeyScope =>
  (API_KEY_SCOPES as readonly string[]).includes(value);

import { createDb } from '#store/client';

/**
 * Creates an API key for a deployed churnguard, or revokes one: the key is printed once and only its SHA-256 is
 * written to the table (stack output `TableName`). Uses the default AWS credentials and region.
 *
 *   node --import tsx scripts/create-api-key.ts --table <TableName> [--name <label>] [--scope admin|ingest|read]
 *   node --import tsx scripts/create-api-key.ts --table <TableName> --revoke <key or sha256>
 *
 * Scopes (store/api-key-store.ts): `ingest` for integrations and importers (signals, accounts), `read` for the page
 * and reports, `admin` (the default) for everything, including changing risks.
 * Rotation (docs/deploy.md): create a new key, move every caller to it, then revoke the old one.
 */
export interface ScriptIo {
  out: (line: string) => void;
  now: () => Date;
}

const USAGE =
  'usage: create-api-key --table <TableName> [--name <label>] [--scope admin|ingest|read] [--revoke <key|sha256>] [--endpoint <url>]';

export async function createApiKeyScript(argv: string[], io: ScriptIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      table: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string' },
      revoke: { type: 'string' },
      endpoint: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help || !values.table) {
    io.out(USAGE);
    return values.help ? 0 : 2;
  }
  const scope = values.scope ?? 'admin';
  if (!isApiKeyScope(scope)) {
    io.out(`--scope must be one of ${API_KEY_SCOPES.join(', ')}, not "${scope}"\n${USAGE}`);
    return 2;
  }
  const db = createDb(values.table, values.endpoint);
  try {
    if (values.revoke) {
      const hash = /^[0-9a-f]{64}$/.test(values.revoke) ? values.revoke : hashApiKey(values.revoke);
      const removed = await revokeApiKeyHash(db, hash);
      io.out(
        removed ? `revoked key ${hash.slice(0, 12)}…` : `no key ${hash.slice(0, 12)}… in ${values.table}`,
      );
      return removed ? 0 : 1;
    }
    const key = generateApiKey();
    const now = io.now();
    await registerApiKey(db, key, values.name ?? `created ${now.toISOString()}`, now, scope);
    io.out(key);
    return 0;
  } finally {
    db.doc.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  createApiKeyScript(process.argv.slice(2), {
    out: (line) => console.log(line),
    now: () => new Date(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
