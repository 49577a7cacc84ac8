import '#local/quiet-sdk';
import { startDynamoDbLocal } from '#local/dynamodb-local';
import { upsertAccounts } from '#store/account-store';
import { createDb } from '#store/client';
import { chunk, mapLimit } from '#store/parallel';
import { ensureTable } from '#store/table';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ingestSignals } from '#functions/shared/ingest';
import { account, realisticSignals } from '../tests/support/fixtures.ts';
const dynamo = await startDynamoDbLocal();
const ids = Array.from({ length: 200 }, (_, i) => `acct-${i}`);
const now = new Date('2026-06-01T00:00:00Z');
const signals = realisticSignals(ids, 4, 25, '2026-03-01').sort((a, b) => a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : 1) : a.occurredAt < b.occurredAt ? -1 : 1);
for (const mode of ['raw', 'partiql+fresh', 'partiql+fresh2', 'raw']) {
  const db = createDb('tbl' + Math.random().toString(36).slice(2), dynamo.endpoint);
  await ensureTable(db.doc, db.tableName);
  await upsertAccounts(db, ids.map((id) => account(id)), now);
  process.env.CG_PARTIQL = mode.includes('partiql') ? '1' : '0';
  process.env.CG_FRESH = mode.includes('fresh2') ? '2' : mode.includes('fresh') ? '1' : '0';
  const counts = new Map<string, number>(); const fails = new Map<string, number>();
  const send = db.doc.send.bind(db.doc) as any;
  (db.doc as any).send = async (c: any) => { const n = c.constructor.name + (c.input?.Item?.kind ? ':' + c.input.Item.kind : c.input?.Key?.pk?.startsWith('DIRTY') ? ':dirty' : c.input?.Key?.sk?.startsWith('TICKET') ? ':ticket' : ''); counts.set(n, (counts.get(n) ?? 0) + 1); try { return await send(c); } catch (e: any) { fails.set(n, (fails.get(n) ?? 0) + 1); throw e; } };
  db.meter = { readUnits: 0, writeUnits: 0 };
  const c0 = process.cpuUsage(); const t = Date.now();
  if (mode === 'raw') {
    const items = signals.map((s) => ({ pk: 'ACCOUNT#' + s.accountId, sk: 'SIGNAL#' + s.occurredAt.slice(0, 10) + '#' + s.id, kind: 'signal', ...s, receivedAt: now.toISOString() }));
    await mapLimit(chunk(items, 25), 16, (part) => db.doc.send(new BatchWriteCommand({ RequestItems: { [db.tableName]: part.map((Item) => ({ PutRequest: { Item } })) } })));
  } else await mapLimit(chunk(signals, 1000), 4, (b) => ingestSignals(db, b, now));
  const u = process.cpuUsage(c0); const sec = (Date.now() - t) / 1000;
  console.log(mode.padEnd(14), 'per/s', Math.round(signals.length / sec), 'sec', sec, 'node cpu', (u.user + u.system) / 1e6, JSON.stringify(Object.fromEntries(counts)), 'fails', JSON.stringify(Object.fromEntries(fails)), JSON.stringify(db.meter));
}
await dynamo.stop();
