import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { apiKeyScope, hashApiKey } from '#store/api-key-store';
import { createApiKeyScript } from '../../scripts/create-api-key.ts';
import { createTestDb, dumpTable } from '../support/db.ts';

const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await createApiKeyScript(argv, {
    out: (line) => lines.push(line),
    now: () => new Date('2026-06-01T12:00:00Z'),
  });
  return { code, lines };
};

describe('scripts/create-api-key', () => {
  it('creates a key that authenticates, storing only its hash', async () => {
    // Prepare
    const db = await createTestDb();
    // Act
    const { code, lines } = await run([
      '--table',
      db.tableName,
      '--endpoint',
      inject('dynamoEndpoint'),
      '--name',
      'stripe sync',
    ]);
    // Assess
    expect(code).toBe(0);
    const key = lines[0] ?? '';
    expect(key).toMatch(/^cg_[\w-]{32}$/);
    expect(await apiKeyScope(db, key)).toBe('admin');
    const items = await dumpTable(db);
    expect(items).toEqual([
      expect.objectContaining({ pk: `APIKEY#${hashApiKey(key)}`, name: 'stripe sync', kind: 'apiKey' }),
    ]);
    expect(JSON.stringify(items)).not.toContain(key);
  });

  it('rotates: a new key works, and the old one stops when revoked by key or by hash', async () => {
    const db = await createTestDb();
    const endpoint = inject('dynamoEndpoint');
    const old = (await run(['--table', db.tableName, '--endpoint', endpoint])).lines[0] ?? '';
    const fresh = (await run(['--table', db.tableName, '--endpoint', endpoint])).lines[0] ?? '';
    expect(fresh).not.toBe(old);

    expect((await run(['--table', db.tableName, '--endpoint', endpoint, '--revoke', old])).code).toBe(0);
    expect(await apiKeyScope(db, old)).toBeUndefined();
    expect(await apiKeyScope(db, fresh)).toBe('admin');

    const byHash = await run([
      '--table',
      db.tableName,
      '--endpoint',
      endpoint,
      '--revoke',
      hashApiKey(fresh),
    ]);
    expect(byHash.code).toBe(0);
    expect(await apiKeyScope(db, fresh)).toBeUndefined();
    // Revoking again reports that nothing was there.
    expect((await run(['--table', db.tableName, '--endpoint', endpoint, '--revoke', old])).code).toBe(1);
  });

  it('runs as a command, printing the key alone on stdout', async () => {
    const db = await createTestDb();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/create-api-key.ts',
        '--table',
        db.tableName,
        '--endpoint',
        inject('dynamoEndpoint'),
      ],
      { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
    );
    const key = stdout.trim();
    expect(await apiKeyScope(db, key)).toBe('admin');
  });

  it('creates a key of the scope asked for, and refuses a scope that does not exist', async () => {
    const db = await createTestDb();
    const endpoint = inject('dynamoEndpoint');
    const ingest = await run(['--table', db.tableName, '--endpoint', endpoint, '--scope', 'ingest']);
    expect(await apiKeyScope(db, ingest.lines[0] ?? '')).toBe('ingest');
    const wrong = await run(['--table', db.tableName, '--endpoint', endpoint, '--scope', 'owner']);
    expect(wrong.code).toBe(2);
    expect(wrong.lines[0]).toMatch(/^--scope must be one of admin, ingest, read, not "owner"/);
  });

  it('refuses to run without a table, printing the usage', async () => {
    const { code, lines } = await run([]);
    expect(code).toBe(2);
    expect(lines[0]).toMatch(/usage: create-api-key --table/);
  });
});
