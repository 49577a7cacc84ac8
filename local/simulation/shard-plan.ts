/**
 * Groups of accounts spread over `count` shards: largest first, each to the shard with the fewest accounts so far,
 * which keeps shards about even. Deterministic for the same groups (ties broken by key).
 */
export function balanceGroups(sizes: ReadonlyMap<string, number>, count: number): Map<string, number> {
  const load = Array.from({ length: count }, () => 0);
  const shardOf = new Map<string, number>();
  for (const [group, size] of [...sizes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    let lightest = 0;
    for (let shard = 1; shard < count; shard++)
      if ((load[shard] ?? 0) < (load[lightest] ?? 0)) lightest = shard;
    shardOf.set(group, lightest);
    load[lightest] = (load[lightest] ?? 0) + size;
  }
  return shardOf;
}

/** What decides who shares mail with whom: a region's weekly digest and a CSM's daily notice. */
export interface MailKeys {
  id: string;
  region: string;
  csm: { email: string };
}

/**
 * The shard of each account of imported history. Accounts that share mail must share a shard: a region's digest
 * and a CSM's daily notices go out once, from one store. Imported CSMs may cover several regions, so regions and
 * CSMs are joined into connected groups (union-find), and whole groups are balanced over the shards.
 */
export function accountShards(accounts: readonly MailKeys[], count: number): Map<string, number> {
  const parent = new Map<string, string>();
  const root = (key: string): string => {
    let top = key;
    while (parent.get(top) !== top) top = parent.get(top) ?? top;
    parent.set(key, top);
    return top;
  };
  const join = (a: string, b: string) => {
    for (const key of [a, b]) if (!parent.has(key)) parent.set(key, key);
    const [x, y] = [root(a), root(b)].sort();
    if (x !== undefined && y !== undefined) parent.set(y, x);
  };
  for (const account of accounts) join(`region:${account.region}`, `csm:${account.csm.email.toLowerCase()}`);
  const sizes = new Map<string, number>();
  for (const account of accounts) {
    const group = root(`region:${account.region}`);
    sizes.set(group, (sizes.get(group) ?? 0) + 1);
  }
  const groupShard = balanceGroups(sizes, count);
  return new Map(accounts.map((a) => [a.id, groupShard.get(root(`region:${a.region}`)) ?? 0]));
}
