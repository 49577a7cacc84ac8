import { ExpiryIndex } from './expiry.ts';
import type { Item } from './values.ts';

/**
 * A stored item (frozen, see values.ts) with its size, which capacity and the 1 MB page limit are computed from,
 * and whether it holds a set or binary value (then it is copied whole on read).
 */
export interface Stored {
  item: Item;
  size: number;
  mutable: boolean;
}

/** Which sort keys a Query's key condition selects, as a range over the sorted keys (see MemoryTable.range). */
export type SortKeyRange =
  | { kind: 'all' }
  | { kind: '=' | '<' | '<=' | '>' | '>='; value: string }
  | { kind: 'between'; low: string; high: string }
  | { kind: 'begins_with'; prefix: string };

interface Partition {
  /** Sort keys in ascending order, for ranges by binary search. */
  sortKeys: string[];
  /** The items in the order of sortKeys: a Query reads a range of them without a lookup per item. */
  ordered: Stored[];
  items: Map<string, Stored>;
}

/** A run of one partition's items (see MemoryTable.span), with their sort keys. */
export interface Span {
  keys: readonly string[];
  ordered: readonly Stored[];
  from: number;
  to: number;
}

/** First index whose key is >= value (or > value when `after`). */
export function bound(keys: readonly string[], value: string, after: boolean): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const key = keys[mid] as string;
    if (key < value || (after && key === value)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * A horizon: items whose sort key is `prefix` followed by a `YYYY-MM-DD` day (and anything after it) are forgotten
 * `days` days after that day, by the same sweep as Time To Live. Not a DynamoDB feature: a backtest's way to keep
 * only what its readers read (see horizons.ts); a table has none unless given.
 */
export interface Horizon {
  prefix: string;
  days: number;
  /**
   * Told of each item this horizon forgets (not of one its TTL expires first), just before it goes: how a backtest
   * keeps the little it still needs of an item in a compact form (local/simulation/history-archive.ts).
   */
  forgotten?: (item: Item) => void;
}

/** When a horizon forgets an item with this sort key, in epoch seconds; undefined when it does not apply. */
function horizonEnd({ prefix, days }: Horizon, sk: string): number | undefined {
  if (!sk.startsWith(prefix)) return undefined;
  const text = sk.slice(prefix.length, prefix.length + 10);
  // Date.parse alone reads more than days (`acct-00001` is a date to it).
  const day = DAY.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(day) ? undefined : day / 1000 + days * DAY_SECONDS;
}

const DAY_SECONDS = 86_400;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** One table: partitions by `pk`, each holding its items sorted by `sk`, as DynamoDB keeps them. */
export class MemoryTable {
  private readonly partitions = new Map<string, Partition>();
  private ttl: string | undefined;
  private horizons: readonly Horizon[] = [];
  /** Present while Time To Live is enabled or horizons are set. */
  private expiry: ExpiryIndex | undefined;

  get(pk: string, sk: string): Stored | undefined {
    return this.partitions.get(pk)?.items.get(sk);
  }

  set(pk: string, sk: string, stored: Stored): void {
    let partition = this.partitions.get(pk);
    if (!partition) {
      partition = { sortKeys: [], ordered: [], items: new Map() };
      this.partitions.set(pk, partition);
    }
    const before = partition.items.get(sk);
    const { sortKeys, ordered } = partition;
    const last = sortKeys.length - 1;
    // Most keys arrive in order (a day, a time or a revision in the sort key): they go on the end.
    if (before) ordered[last >= 0 && sortKeys[last] === sk ? last : bound(sortKeys, sk, false)] = stored;
    else if (last < 0 || (sortKeys[last] as string) < sk) {
      sortKeys.push(sk);
      ordered.push(stored);
    } else {
      const at = bound(sortKeys, sk, false);
      sortKeys.splice(at, 0, sk);
      ordered.splice(at, 0, stored);
    }
    partition.items.set(sk, stored);
    this.expiry?.written(pk, sk, before?.item, stored.item);
  }

  delete(pk: string, sk: string): void {
    const partition = this.partitions.get(pk);
    if (!partition?.items.delete(sk)) return;
    const at = bound(partition.sortKeys, sk, false);
    partition.sortKeys.splice(at, 1);
    partition.ordered.splice(at, 1);
    if (partition.items.size === 0) this.partitions.delete(pk);
  }

  /**
   * Where the items of one partition a key condition selects are: `ordered[from]` to `ordered[to - 1]`, ascending by
   * sort key; undefined when the partition is empty. Not a copy: read it before anything writes to the table.
   */
  span(pk: string, range: SortKeyRange): Span | undefined {
    const partition = this.partitions.get(pk);
    if (!partition) return undefined;
    const { sortKeys: keys, ordered } = partition;
    let from = 0;
    let to = ordered.length;
    switch (range.kind) {
      case 'all':
        break;
      case '=':
        from = bound(keys, range.value, false);
        to = bound(keys, range.value, true);
        break;
      case '<':
        to = bound(keys, range.value, false);
        break;
      case '<=':
        to = bound(keys, range.value, true);
        break;
      case '>':
        from = bound(keys, range.value, true);
        break;
      case '>=':
        from = bound(keys, range.value, false);
        break;
      case 'between':
        from = bound(keys, range.low, false);
        to = bound(keys, range.high, true);
        break;
      case 'begins_with':
        from = bound(keys, range.prefix, false);
        to = from;
        while (to < keys.length && (keys[to] as string).startsWith(range.prefix)) to++;
        break;
    }
    return { keys, ordered, from, to: Math.max(from, to) };
  }

  /** Every item, partition by partition (a Scan's order: stable, not meaningful). */
  *entries(): Generator<Stored> {
    for (const partition of this.partitions.values()) yield* partition.ordered;
  }

  /** The TTL attribute while Time To Live is enabled. */
  get ttlAttribute(): string | undefined {
    return this.ttl;
  }

  enableTtl(attribute: string): void {
    this.ttl = attribute;
    this.indexExpiries();
  }

  disableTtl(): void {
    this.ttl = undefined;
    this.indexExpiries();
  }

  /** Sets the table's horizons (none: keep everything, as DynamoDB does). */
  keepWithin(horizons: readonly Horizon[]): void {
    this.horizons = [...horizons];
    this.indexExpiries();
  }

  /** When an item expires: the earlier of its TTL (while enabled) and its horizon's end, if any. */
  private readonly expiryOf = (sk: string, item: Item): number | undefined => {
    let expiry = this.ttlOf(item);
    for (const horizon of this.horizons) {
      const end = horizonEnd(horizon, sk);
      if (end !== undefined && (expiry === undefined || end < expiry)) expiry = end;
    }
    return expiry;
  };

  private ttlOf(item: Item): number | undefined {
    const ttl = this.ttl === undefined ? undefined : item[this.ttl];
    return typeof ttl === 'number' ? ttl : undefined;
  }

  /** Deletes an expired item, first telling the horizon that forgets it (if one does, before its TTL). */
  private readonly forget = (pk: string, sk: string): void => {
    const found = this.get(pk, sk);
    const ttl = found && this.ttlOf(found.item);
    for (const horizon of this.horizons) {
      const end = horizonEnd(horizon, sk);
      if (found && end !== undefined && (ttl === undefined || end <= ttl)) horizon.forgotten?.(found.item);
    }
    this.delete(pk, sk);
  };

  /** Files every item by its expiry again (items written before TTL or a horizon was set expire too). */
  private indexExpiries(): void {
    if (this.ttl === undefined && this.horizons.length === 0) {
      this.expiry = undefined;
      return;
    }
    const expiry = new ExpiryIndex(this.expiryOf);
    for (const [pk, partition] of this.partitions)
      for (const sk of partition.sortKeys)
        expiry.written(pk, sk, undefined, (partition.items.get(sk) as Stored).item);
    this.expiry = expiry;
  }

  /** DynamoDB's background TTL deletion (and the horizons'), run at `now`; returns how many items it deleted. */
  expire(now: Date): number {
    return this.expiry?.sweep(now.getTime() / 1000, (pk, sk) => this.get(pk, sk)?.item, this.forget) ?? 0;
  }

  get itemCount(): number {
    let count = 0;
    for (const partition of this.partitions.values()) count += partition.items.size;
    return count;
  }
}
