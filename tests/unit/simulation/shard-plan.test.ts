import { describe, expect, it } from 'vitest';
import { accountShards, balanceGroups } from '#local/simulation/shard-plan';

const account = (id: string, region: string, csm: string) => ({ id, region, csm: { email: csm } });

describe('the shards of imported accounts', () => {
  it('keeps a CSM who covers two regions, and both regions, in one shard', () => {
    const shardOf = accountShards(
      [
        account('a1', 'EMEA', 'casey@vendor.example'),
        account('a2', 'APAC', 'Casey@vendor.example'),
        account('a3', 'APAC', 'lee@vendor.example'),
        account('b1', 'AMER', 'kim@vendor.example'),
        account('b2', 'AMER', 'kim@vendor.example'),
      ],
      2,
    );
    expect(new Set(['a1', 'a2', 'a3'].map((id) => shardOf.get(id))).size).toBe(1);
    expect(shardOf.get('b1')).toBe(shardOf.get('b2'));
    expect(shardOf.get('a1')).not.toBe(shardOf.get('b1'));
  });

  it('balances groups largest first onto the lightest shard, the same way every time', () => {
    const sizes = new Map([
      ['x', 5],
      ['y', 3],
      ['z', 3],
      ['w', 1],
    ]);
    expect([...balanceGroups(sizes, 2)]).toEqual([
      ['x', 0],
      ['y', 1],
      ['z', 1],
      ['w', 0],
    ]);
  });
});
