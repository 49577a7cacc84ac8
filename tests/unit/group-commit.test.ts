import { describe, expect, it } from 'vitest';
import { GroupCommit } from '#store/group-commit';

/** A write that records what each call carried and finishes only when released. */
function gatedWrites(remember = 0) {
  const calls: { key: string; parts: number[]; previous: number | undefined }[] = [];
  const gates: (() => void)[] = [];
  let fail = false;
  const commit = new GroupCommit<number, number>(async (key, parts, previous) => {
    calls.push({ key, parts: [...parts], previous });
    await new Promise<void>((resolve) => gates.push(resolve));
    if (fail) throw new Error('write refused');
    return calls.length;
  }, remember);
  const release = async () => {
    await Promise.resolve();
    gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { commit, calls, release, failNext: () => (fail = true), succeed: () => (fail = false) };
}

describe('group commit of writes to the same item', () => {
  it('sends parts that arrive while a write is in flight together, in one later write', async () => {
    const { commit, calls, release } = gatedWrites();
    const first = commit.submit('day', 1);
    const second = commit.submit('day', 2);
    const third = commit.submit('day', 3);
    expect(calls).toEqual([{ key: 'day', parts: [1], previous: undefined }]);
    await release();
    await first;
    expect(calls).toEqual([
      { key: 'day', parts: [1], previous: undefined },
      { key: 'day', parts: [2, 3], previous: 1 },
    ]);
    await release();
    await Promise.all([second, third]);
    expect(calls).toHaveLength(2);
  });

  it('starts a later write of a recent key from what the last one returned', async () => {
    const { commit, calls, release } = gatedWrites(1);
    const first = commit.submit('day', 1);
    await release();
    await first;
    const other = commit.submit('other day', 2);
    await release();
    await other;
    const again = commit.submit('other day', 3);
    const forgotten = commit.submit('day', 4);
    expect(calls.slice(2)).toEqual([
      { key: 'other day', parts: [3], previous: 2 },
      { key: 'day', parts: [4], previous: undefined },
    ]);
    await release();
    await release();
    await Promise.all([again, forgotten]);
  });

  it('tells what the last write of a recent key returned, and nothing while the key is being written', async () => {
    const { commit, release } = gatedWrites(1);
    const first = commit.submit('day', 1);
    expect(commit.recent('day')).toBeUndefined();
    await release();
    await first;
    expect(commit.recent('day')).toBe(1);
    const other = commit.submit('other day', 2);
    await release();
    await other;
    expect(commit.recent('other day')).toBe(2);
    expect(commit.recent('day')).toBeUndefined();
  });

  it('writes different keys independently, each at once', async () => {
    const { commit, calls, release } = gatedWrites();
    const a = commit.submit('a', 1);
    const b = commit.submit('b', 2);
    expect(calls.map((c) => c.key)).toEqual(['a', 'b']);
    await release();
    await release();
    await Promise.all([a, b]);
  });

  it('rejects every caller a failed write carried, and starts the next group afresh', async () => {
    const { commit, calls, release, failNext, succeed } = gatedWrites();
    const outcome = (promise: Promise<void>) =>
      promise.then(
        () => 'stored',
        (error: Error) => error.message,
      );
    const first = outcome(commit.submit('day', 1));
    const second = outcome(commit.submit('day', 2));
    failNext();
    await release();
    expect(await first).toBe('write refused');
    await release();
    expect(await second).toBe('write refused');
    succeed();
    const third = commit.submit('day', 3);
    expect(calls.at(-1)).toEqual({ key: 'day', parts: [3], previous: undefined });
    await release();
    await third;
  });
});
