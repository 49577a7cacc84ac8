import { describe, expect, it } from 'vitest';
import { checkAccounts, checkSignals, groupByAccountDay } from '#core/ingest';
import type { Signal } from '#core/signals';
import { account } from '../support/fixtures.ts';

/**
 * The pure checks of a batch at the edge: what is stored, what is refused and why, and what counts as a repeat.
 * The same batches over HTTP, with what is then stored, are in tests/integration/ (ingest-*, hostile-*).
 */
const NOW = new Date('2026-06-01T12:00:00Z');
const login = (id: string, accountId = 'acme', occurredAt = '2026-06-01T08:00:00Z') => ({
  id,
  accountId,
  type: 'login',
  occurredAt,
  userId: 'ann',
});

describe('checking a batch of signals', () => {
  it('keeps the valid records with their index, stamped with when they were received', () => {
    const { valid, rejected } = checkSignals([login('a'), { id: 'b' }, login('c')], NOW);
    expect(valid.map(({ index, signal }) => [index, signal.id, signal.receivedAt])).toEqual([
      [0, 'a', NOW.toISOString()],
      [2, 'c', NOW.toISOString()],
    ]);
    expect(rejected.map(({ index, id }) => [index, id])).toEqual([[1, 'b']]);
  });

  it('names a refused record by its id only while the id is a string of at most 256 characters', () => {
    const { rejected } = checkSignals(
      [{ id: 'x'.repeat(256) }, { id: 'x'.repeat(257) }, { id: 7 }, 'not an object', null],
      NOW,
    );
    expect(rejected.map((r) => ('id' in r ? r.id?.length : 'no id'))).toEqual([
      256,
      'no id',
      'no id',
      'no id',
      'no id',
    ]);
    for (const rejection of rejected) expect(rejection.errors.length).toBeGreaterThan(0);
  });

  it('refuses a signal from the future with the field and the reason, and keeps one from just now', () => {
    const { valid, rejected } = checkSignals(
      [login('late', 'acme', '2026-06-02T12:00:00Z'), login('now', 'acme', NOW.toISOString())],
      NOW,
    );
    expect(rejected).toEqual([
      { index: 0, id: 'late', errors: [{ path: 'occurredAt', message: 'is in the future' }] },
    ]);
    expect(valid.map(({ signal }) => signal.id)).toEqual(['now']);
  });

  it('counts a repeat of an id for the same account and day once, keeping the first, but not other accounts or days', () => {
    const first = login('same');
    const { valid, repeatedInBatch, rejected } = checkSignals(
      [
        first,
        { ...login('same'), userId: 'bob' },
        login('same', 'globex'),
        login('same', 'acme', '2026-05-31T08:00:00Z'),
      ],
      NOW,
    );
    expect(rejected).toEqual([]);
    expect(repeatedInBatch).toBe(1);
    expect(valid.map(({ index, signal }) => [index, signal.accountId, signal.userId])).toEqual([
      [0, 'acme', 'ann'],
      [2, 'globex', 'ann'],
      [3, 'acme', 'ann'],
    ]);
  });

  it('refuses a milestone name the journey baseline does not detect only when the names are given', () => {
    const milestone = {
      id: 'm',
      accountId: 'acme',
      type: 'milestone',
      occurredAt: '2026-06-01T08:00:00Z',
      attributes: { milestone: 'launched' },
    };
    const known = [{ name: 'configured', milestone: 'day10' }];
    expect(checkSignals([milestone], NOW).valid).toHaveLength(1);
    const { valid, rejected } = checkSignals([milestone], NOW, { milestoneNames: known });
    expect(valid).toEqual([]);
    expect(rejected).toEqual([
      { index: 0, id: 'm', errors: [expect.objectContaining({ path: 'attributes.milestone' })] },
    ]);
    expect(
      checkSignals([{ ...milestone, attributes: { milestone: 'configured' } }], NOW, {
        milestoneNames: known,
      }).valid,
    ).toHaveLength(1);
  });
});

describe('checking a batch of accounts', () => {
  it('refuses a repeat of an id in the batch, naming the record it repeats, and keeps the first', () => {
    const { valid, rejected } = checkAccounts([
      account('acme'),
      account('globex'),
      account('acme', { name: 'Again' }),
    ]);
    expect(valid.map(({ index, account: a }) => [index, a.id])).toEqual([
      [0, 'acme'],
      [1, 'globex'],
    ]);
    expect(rejected).toEqual([
      { index: 2, id: 'acme', errors: [{ path: 'id', message: 'repeats accounts[0] in this batch' }] },
    ]);
  });

  it('refuses an invalid account with its field errors and keeps the others', () => {
    const { valid, rejected } = checkAccounts([{ id: 'broken' }, account('acme')]);
    expect(valid.map(({ index }) => index)).toEqual([1]);
    expect(rejected).toMatchObject([{ index: 0, id: 'broken' }]);
    expect(rejected[0]?.errors.length).toBeGreaterThan(0);
  });
});

describe('grouping signals for the store', () => {
  it('groups by account and UTC day, in order of first appearance, keeping the order within a group', () => {
    const { valid } = checkSignals(
      [
        login('1', 'acme', '2026-05-31T23:30:00-02:00'),
        login('2', 'globex'),
        login('3', 'acme', '2026-06-01T01:00:00Z'),
        login('4', 'acme', '2026-05-31T22:00:00Z'),
      ],
      NOW,
    );
    const groups = groupByAccountDay(valid.map(({ signal }): Signal => signal));
    expect(groups.map(({ accountId, day, signals }) => [accountId, day, signals.map((s) => s.id)])).toEqual([
      ['acme', '2026-06-01', ['1', '3']],
      ['globex', '2026-06-01', ['2']],
      ['acme', '2026-05-31', ['4']],
    ]);
  });
});
