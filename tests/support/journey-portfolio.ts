import type { Clock } from '#core/clock';
import { messageKeyId } from '#core/journeys/messages';
import type { Db } from '#store/client';
import { claimSend, markSent, recordNotSent, reserveSend } from '#store/send-ledger-store';
import { account, realisticSignals } from './fixtures.ts';

type Call = (method: string, path: string, body?: unknown) => Promise<Response>;

async function ok(response: Promise<Response>, what: string): Promise<void> {
  const answer = await response;
  if (!answer.ok) throw new Error(`${what}: ${answer.status} ${await answer.text()}`);
}

/** When the journey portfolio's accounts are stored: the data on them begins then. */
export const JOURNEY_REGISTERED = '2026-11-01T09:00:00.000Z';
/** Go-live of the two new Core accounts (days counted from here). */
export const JOURNEY_GO_LIVE = '2026-11-03';

/**
 * Known journeys for the stack-rank, the funnel and automation activity, sent through the API on 2026-11-01
 * (renewals a year out, so the renewal desk does not list them):
 *
 *   id      segment  go-live     data from    first login        configuration complete   judged by
 *   j-fast  core     2026-11-03  2026-11-01   day 1 (ahead)      day 3 (ahead)             milestones: Champion
 *   j-late  core     2026-11-03  2026-11-01   day 9 (late)       day 15 (late)             milestones: Laggard
 *   j-old   core     2024-03-01  2026-11-01   before the data    before the data           health
 *
 * Each scored as its signals came (a portfolio read after each step). The ledgers, written as the executor writes
 * them: congrats_first_login sent to j-fast; nudge_first_login to j-late not sent (over budget) and then sent;
 * nudge_value held out for j-old and silent for j-fast.
 */
export async function seedJourneyPortfolio(db: Db, clock: Clock & { set(at: string): void }, call: Call) {
  clock.set(JOURNEY_REGISTERED);
  const contract = { startDate: '2026-11-01', renewalDate: '2027-11-01', arr: 40_000 };
  const core = (id: string, goLiveDate: string) =>
    account(id, { segment: 'core', region: 'NA', currency: 'USD', arr: 40_000, goLiveDate, contract });
  await ok(
    call('POST', '/v1/accounts', {
      accounts: [
        core('j-fast', JOURNEY_GO_LIVE),
        core('j-late', JOURNEY_GO_LIVE),
        core('j-old', '2024-03-01'),
      ],
    }),
    'journey accounts',
  );
  const milestone = (accountId: string, day: string) => ({
    id: `cfg-${accountId}`,
    accountId,
    type: 'milestone',
    occurredAt: `${day}T10:00:00.000Z`,
    attributes: { milestone: 'configuration_complete' },
  });
  const steps: { at: string; signals: unknown[] }[] = [
    { at: '2026-11-02T12:00:00.000Z', signals: realisticSignals(['j-old'], 1, 8, '2026-11-01') },
    { at: '2026-11-07T12:00:00.000Z', signals: realisticSignals(['j-fast'], 1, 8, '2026-11-04') },
    { at: '2026-11-07T13:00:00.000Z', signals: [milestone('j-fast', '2026-11-06')] },
    { at: '2026-11-13T12:00:00.000Z', signals: realisticSignals(['j-late'], 1, 8, '2026-11-12') },
    { at: '2026-11-19T12:00:00.000Z', signals: [milestone('j-late', '2026-11-18')] },
    {
      at: '2026-11-30T12:00:00.000Z',
      signals: realisticSignals(['j-fast', 'j-late', 'j-old'], 10, 8, '2026-11-20').map((s) => ({
        ...s,
        id: `${s.id}-late-nov`,
      })),
    },
  ];
  for (const step of steps) {
    clock.set(step.at);
    await ok(call('POST', '/v1/signals', { signals: step.signals }), 'journey signals');
    await ok(call('GET', '/v1/portfolio'), 'portfolio read (scores what changed)');
  }
  const sent = async (accountId: string, playId: string, recipientId: string, at: string) => {
    const key = { playId, about: 'first_login', recipientId, occurrence: 'due' };
    const owner = { accountId };
    await reserveSend(db, {
      owner,
      key,
      channel: 'email',
      audience: 'contact',
      priority: 20,
      at,
      status: 'reserved',
    });
    await claimSend(db, owner, messageKeyId(key), at);
    await markSent(db, owner, messageKeyId(key), `ses-${accountId}-${playId}`, { from: 'sending', at });
  };
  const notSent = (
    accountId: string,
    playId: string,
    about: string,
    outcome: 'dropped' | 'held_out' | 'would_have_sent',
    reason: string,
    at: string,
  ) =>
    recordNotSent(db, {
      accountId,
      playId,
      about,
      recipientId: `${accountId}-admin`,
      occurrence: 'due',
      at,
      channel: 'email',
      outcome,
      reason,
      detail: `${playId} ${reason}`,
    });
  await sent('j-fast', 'congrats_first_login', 'j-fast-admin', '2026-11-07T12:05:00.000Z');
  await notSent(
    'j-late',
    'nudge_first_login',
    'first_login',
    'dropped',
    'over_budget',
    '2026-11-09T09:00:00.000Z',
  );
  await sent('j-late', 'nudge_first_login', 'j-late-admin', '2026-11-10T09:00:00.000Z');
  await notSent('j-old', 'nudge_value', 'value_75', 'held_out', 'held_out', '2026-11-20T09:00:00.000Z');
  await notSent(
    'j-fast',
    'nudge_value',
    'value_75',
    'would_have_sent',
    'silent_mode',
    '2026-11-21T09:00:00.000Z',
  );
}
