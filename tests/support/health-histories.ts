import type { AccountInput } from '#core/accounts';
import type { SignalInput } from '#core/signals';
import { seededRandom } from '#core/simulation/random';

/**
 * Varied account histories for the scoring fixtures (tests/unit/health/scoring-fixture.test.ts,
 * tests/integration/health-fixture.test.ts): every component known and unknown, young and old accounts, gaps,
 * decay, surveys, meetings, sponsor changes, tickets of every priority left open or closed, value reports,
 * contract cuts, unusable tier and segment fields, and profile changes part-way. Deterministic for a seed; kept
 * here rather than taken from the simulator's generator so that the recorded fixtures do not move with it.
 */

const DAY_MS = 86_400_000;
const FEATURES = ['reports', 'dashboards', 'alerts', 'exports', 'integrations', 'workflows', 'api', 'sso'];
const ARRS = [6_000, 15_000, 40_000, 90_000, 250_000, 800_000];
const OWN_SEGMENTS = [undefined, undefined, undefined, 'strategic', ' Core ', 'nonsense'];
const OWN_TIERS = [undefined, undefined, undefined, undefined, 'a', 'C', 'Z'];
const PRIORITIES = ['low', 'normal', 'normal', 'high', 'urgent'] as const;

export interface GeneratedAccount {
  /** The profile from the start. */
  account: AccountInput;
  /** A profile change (ARR, segment or tier) from this day index on, for some accounts. */
  change?: { fromDay: number; account: AccountInput };
}

export interface GeneratedHistories {
  start: Date;
  days: number;
  accounts: GeneratedAccount[];
  /** Every signal of every account, in time order. */
  signals: SignalInput[];
}

const dayOf = (start: Date, day: number) =>
  new Date(start.getTime() + day * DAY_MS).toISOString().slice(0, 10);

/** The profile in force on a day index. */
export function profileOn(generated: GeneratedAccount, day: number): AccountInput {
  return generated.change && day >= generated.change.fromDay ? generated.change.account : generated.account;
}

export function generatedHistories(
  count: number,
  days: number,
  seed: number,
  start: Date,
): GeneratedHistories {
  const random = seededRandom(seed);
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const accounts: GeneratedAccount[] = [];
  const signals: SignalInput[] = [];

  for (let n = 0; n < count; n++) {
    const id = `gen-${String(n).padStart(3, '0')}`;
    const goLiveDay = int(-240, Math.floor(days / 3));
    const arr = pick(ARRS);
    const segment = pick(OWN_SEGMENTS);
    const tier = pick(OWN_TIERS);
    const withSponsor = chance(0.75);
    const renewal = dayOf(start, goLiveDay + 365 * int(1, 3));
    const account: AccountInput = {
      id,
      name: `Generated ${n}`,
      region: pick(['EMEA', 'NA', 'APAC']),
      arr,
      currency: 'EUR',
      ...(segment === undefined ? {} : { segment }),
      ...(tier === undefined ? {} : { tier }),
      goLiveDate: dayOf(start, goLiveDay),
      csm: { name: 'Casey CSM', email: 'casey@vendor.example' },
      contacts: [
        ...(withSponsor
          ? [
              {
                id: `${id}-s`,
                email: `s@${id}.example`,
                name: 'Sam',
                role: 'sponsor' as const,
                timezone: 'UTC',
              },
            ]
          : []),
        { id: `${id}-a`, email: `a@${id}.example`, name: 'Ada', role: 'admin' as const, timezone: 'UTC' },
      ],
      contract: { startDate: dayOf(start, goLiveDay), renewalDate: renewal, arr },
    };
    const generated: GeneratedAccount = { account };
    if (chance(0.3)) {
      const newArr = pick(ARRS);
      generated.change = {
        fromDay: int(30, days - 30),
        account: {
          ...account,
          arr: newArr,
          ...(chance(0.3) ? { segment: pick(['transactional', 'core', 'strategic']) } : {}),
          contract: { ...account.contract, arr: newArr },
        },
      };
    }
    accounts.push(generated);

    // Behaviour: a daily rhythm, with a turn (decay or recovery), a silent gap, and occasional events.
    const users = int(1, 8);
    const logins = random() * 12;
    const usage = int(0, 3) === 0 ? 0 : int(5, 300);
    const featureCount = chance(0.2) ? 0 : int(1, FEATURES.length);
    const activeShare = 0.3 + random() * 0.7;
    const turnDay = int(0, days);
    const turnFactor = pick([0.1, 0.4, 1, 1.6]);
    const silent = chance(0.35) ? { from: int(0, days), length: int(5, 80) } : undefined;
    const surveyEvery = chance(0.25) ? 0 : int(7, 60);
    const meetingEvery = chance(0.3) ? 0 : int(10, 60);
    const ticketEvery = chance(0.2) ? 0 : int(4, 40);
    const scorecardEvery = chance(0.5) ? 0 : int(20, 90);
    const valueEvery = chance(0.3) ? 0 : int(15, 60);
    const configuredDay = goLiveDay + int(1, 14);
    const sponsorEvents =
      withSponsor && chance(0.4) ? [int(0, days), int(0, days)].sort((a, b) => a - b) : [];
    const cutDay = chance(0.15) ? int(0, days) : -1;
    const openTickets: string[] = [];
    let sequence = 0;
    let valueSoFar = int(20, 80);

    for (let day = Math.max(0, goLiveDay); day < days; day++) {
      if (silent && day >= silent.from && day < silent.from + silent.length) continue;
      if (!chance(activeShare)) continue;
      const factor = day >= turnDay ? turnFactor : 1;
      const at = (hour: number, minute = 0) =>
        new Date(start.getTime() + day * DAY_MS + (hour * 60 + minute) * 60_000).toISOString();
      const add = (type: SignalInput['type'], hour: number, extra: Partial<SignalInput> = {}) => {
        sequence += 1;
        signals.push({
          id: `${id}-${day}-${sequence}`,
          accountId: id,
          type,
          occurredAt: at(hour, sequence % 60),
          ...extra,
        });
      };
      const todayLogins = Math.round(logins * factor * (0.5 + random()));
      for (let i = 0; i < todayLogins; i++) add('login', 7 + (i % 12), { userId: `u${int(0, users - 1)}` });
      if (chance(0.3)) add('activity', 10, { userId: `u${int(0, users - 1)}` });
      if (usage > 0) add('usage', 20, { value: Math.round(usage * factor * (0.5 + random())) });
      if (featureCount > 0)
        for (let i = 0; i < int(0, 3); i++)
          add('feature_used', 9 + i, {
            attributes: { feature: FEATURES[int(0, featureCount - 1)] as string },
          });
      if (day === configuredDay)
        add('milestone', 11, { attributes: { milestone: 'configuration_complete' } });
      if (chance(0.02))
        add('milestone', 11, { attributes: { milestone: pick(['training_done', 'go_live']) } });
      if (surveyEvery && day % surveyEvery === 0) {
        if (chance(0.7))
          add('nps', 14, { value: Math.min(10, Math.max(0, Math.round(8 * factor + int(-3, 2)))) });
        if (chance(0.5)) add('csat', 14, { value: int(1, 5) });
      }
      if (scorecardEvery && day % scorecardEvery === 0) add('relationship_score', 15, { value: int(2, 10) });
      if (meetingEvery && day % meetingEvery === 0) add(chance(0.75) ? 'meeting_held' : 'meeting_missed', 15);
      if (ticketEvery && day % ticketEvery === 0) {
        const ticketId = `${id}-t${day}`;
        add('ticket_opened', 13, { attributes: { ticketId, priority: pick(PRIORITIES) } });
        openTickets.push(ticketId);
      }
      if (openTickets.length > 0 && chance(0.15)) {
        const ticketId = openTickets.splice(int(0, openTickets.length - 1), 1)[0] as string;
        add('ticket_closed', 16, { attributes: { ticketId } });
      }
      if (valueEvery && day % valueEvery === 0) {
        valueSoFar = Math.max(0, Math.min(130, valueSoFar + int(-5, 30) * factor));
        add('value_realized', 12, { value: Math.round(valueSoFar) });
      }
      if (sponsorEvents[0] === day) add('sponsor_left', 10);
      if (sponsorEvents[1] === day && chance(0.6)) add('sponsor_joined', 10);
      if (day === cutDay) add('contract_change_requested', 17, { attributes: { direction: 'reduce' } });
    }
  }
  signals.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  return { start, days, accounts, signals };
}
