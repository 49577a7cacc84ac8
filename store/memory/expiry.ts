import type { Item } from './values.ts';

const DAY_SECONDS = 86_400;
/** DynamoDB's TTL never deletes an item whose expiry is more than five years past. */
const FIVE_YEARS_SECONDS = 5 * 365 * DAY_SECONDS;

const dayOf = (seconds: number) => Math.floor(seconds / DAY_SECONDS);

/** When an item expires, in epoch seconds, as it is now; undefined when it never does. */
export type ExpiryOf = (sk: string, item: Item) => number | undefined;

/** Keys as parallel arrays, so an entry costs two references to strings the table already holds. */
interface Bucket {
  pks: string[];
  sks: string[];
}

/**
 * Where expired items are, without scanning the table: every key with an expiry (its TTL attribute, or a horizon:
 * see table.ts) is filed under the day of that expiry. Entries go stale (the item deleted, or rewritten to expire
 * on another day, which filed it again there) and are dropped when their day is swept.
 */
export class ExpiryIndex {
  private readonly buckets = new Map<number, Bucket>();

  constructor(private readonly expiryOf: ExpiryOf) {}

  /** Files a written item under its expiry's day, unless the item it replaced is filed there already. */
  written(pk: string, sk: string, before: Item | undefined, after: Item): void {
    const expiry = this.expiryOf(sk, after);
    if (expiry === undefined) return;
    const day = dayOf(expiry);
    const previous = before && this.expiryOf(sk, before);
    if (previous !== undefined && dayOf(previous) === day) return;
    let bucket = this.buckets.get(day);
    if (!bucket) {
      bucket = { pks: [], sks: [] };
      this.buckets.set(day, bucket);
    }
    bucket.pks.push(pk);
    bucket.sks.push(sk);
  }

  /**
   * Deletes (with `remove`) each item whose expiry, as it is now, is before `nowSeconds` and at most five years
   * before it; visits only the days up to today's. Returns how many it deleted.
   */
  sweep(
    nowSeconds: number,
    current: (pk: string, sk: string) => Item | undefined,
    remove: (pk: string, sk: string) => void,
  ): number {
    const today = dayOf(nowSeconds);
    let deleted = 0;
    for (const [day, bucket] of this.buckets) {
      if (day > today) continue;
      const kept: Bucket = { pks: [], sks: [] };
      for (let i = 0; i < bucket.pks.length; i++) {
        const pk = bucket.pks[i] as string;
        const sk = bucket.sks[i] as string;
        const item = current(pk, sk);
        const expiry = item && this.expiryOf(sk, item);
        if (expiry === undefined || dayOf(expiry) !== day) continue;
        if (expiry >= nowSeconds) {
          kept.pks.push(pk);
          kept.sks.push(sk);
        } else if (expiry >= nowSeconds - FIVE_YEARS_SECONDS) {
          remove(pk, sk);
          deleted++;
        } // else more than five years past: it never expires, so it leaves the index.
      }
      if (kept.pks.length > 0) this.buckets.set(day, kept);
      else this.buckets.delete(day);
    }
    return deleted;
  }
}
