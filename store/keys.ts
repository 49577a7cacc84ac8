/**
 * The one key builder. Single table, key scheme (pk / sk):
 *
 *   ACCOUNT#<accountId> / PROFILE                        account profile (contacts, contract, CSM)
 *   ACCOUNT#<accountId> / SIGNAL#<yyyy-mm-dd>#<signalId> one raw signal; its existence is the idempotency record
 *   ACCOUNT#<accountId> / ROLLUP#<yyyy-mm-dd>            daily rollup, recomputed from that day's signals
 *   ACCOUNT#<accountId> / TICKET#<ticketId>              ticket lifecycle (opened, closed, priority)
 *   APIKEY#<sha256 of key> / APIKEY                      a hashed API key (the key itself is never stored)
 *   INGEST#REJECTS#<yyyy-mm-dd> / <receivedAt>#<source>#<n> a record the async path could not accept, with why
 *
 * A signal's idempotency key is (accountId, UTC day of occurredAt, id): a replay carries the same payload, so it
 * lands on the same key. All keys of one account share a partition, so one Query reads a day or a range.
 */
export type Key = { pk: string; sk: string };

const ACCOUNT = 'ACCOUNT#';

export const keys = {
  accountPartition: (accountId: string) => `${ACCOUNT}${accountId}`,
  account: (accountId: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: 'PROFILE' }),
  signal: (accountId: string, day: string, signalId: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `SIGNAL#${day}#${signalId}`,
  }),
  signalDayPrefix: (day: string) => `SIGNAL#${day}#`,
  rollup: (accountId: string, day: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: `ROLLUP#${day}` }),
  rollupPrefix: 'ROLLUP#',
  ticket: (accountId: string, ticketId: string): Key => ({
    pk: `${ACCOUNT}${accountId}`,
    sk: `TICKET#${ticketId}`,
  }),
  ticketPrefix: 'TICKET#',
  apiKey: (keyHash: string): Key => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
  ingestReject: (day: string, receivedAt: string, source: string, index: number): Key => ({
    pk: `INGEST#REJECTS#${day}`,
    sk: `${receivedAt}#${source}#${String(index).padStart(6, '0')}`,
  }),
} as const;
