import type { AccountInput } from '#core/accounts';
import { DAY_MS, utcDay } from '#core/clock';
import { yearBefore } from '#core/renewals/retention';
import type { RenewalOutcome, SignalInput } from '#core/signals';
import { pick, seededRandom } from './random.ts';
import { type Archetype, type SyntheticAccount, syntheticPortfolio } from './synthetic.ts';

/**
 * The portfolio `npm run demo` loads: the synthetic generator's accounts and signals (synthetic.ts), laid on the
 * calendar so that the year that ends today leaves what a CS lead looks at: renewals due in the next 30 / 90 / 180
 * days and a few overdue (date passed, no outcome), renewals of the past year resolved (renewed, expanded,
 * contracted, churned; the contract moved a year on by an upsert, as a CRM sync would), accounts whose story
 * turned bad in the last months (red, with open risks) ahead of their renewal, several segments (ARR spread over
 * the tiers), regions and currencies (USD, EUR, GBP), so NRR and GRR mean something. Deterministic for
 * (accounts, today, seed).
 */
export interface DemoPortfolio {
  start: string;
  days: number;
  accounts: AccountInput[];
  signalsForDay(day: number): SignalInput[];
  outcomes: { accountId: string; outcome: RenewalOutcome; at: string }[];
  /** Account updates (the contract moved on after a renewal), in time order. */
  updates: { kind: 'update'; at: string; accountId: string; changes: Partial<AccountInput> }[];
  /**
   * The CSMs' weekly round of review reports, in time order: each account's reviews that have started are reported
   * held, or missed once the story of an account heading for churn has turned; none after a churn.
   */
  reviewReports: { kind: 'reviews'; at: string; accountId: string; outcome: 'held' | 'missed'; by: string }[];
}

/** The CSMs report the week's reviews on one afternoon a week, each account on a weekday of its own. */
const REPORT_EVERY_DAYS = 7;
const REPORT_HOURS = 16;

/** Days of history before the cohort date of trailing-12-month retention, so the cohort is all there. */
const LEAD_DAYS = 7;
/** An outcome is recorded two hours into the renewal day; the contract is moved on an hour later. */
const OUTCOME_HOURS = 2;
const UPDATE_HOURS = 3;
const HOUR_MS = 3_600_000;

const STORIES: readonly Archetype[] = [
  'sponsor_leaves',
  'support_crisis',
  'usage_decay',
  'contract_cut',
  'goes_silent',
  'laggard',
];

/** Stories that open a risk soon after they turn (a trigger of their own, or a fall the daily pass sees). */
const TROUBLES: readonly Archetype[] = [
  'sponsor_leaves',
  'support_crisis',
  'usage_decay',
  'contract_cut',
  'goes_silent',
];

const CURRENCY_BY_REGION: Record<string, readonly string[]> = {
  'EMEA-North': ['GBP', 'EUR'],
  'EMEA-South': ['EUR'],
};

function currencyOf(region: string, random: () => number): string {
  return pick(random, CURRENCY_BY_REGION[region] ?? ['USD']);
}

function pastOutcome(archetype: Archetype, random: () => number): RenewalOutcome {
  const roll = random();
  switch (archetype) {
    case 'champion':
      return roll < 0.5 ? 'expanded' : 'renewed';
    case 'cruiser':
      return roll < 0.15 ? 'expanded' : roll < 0.2 ? 'contracted' : roll < 0.25 ? 'churned' : 'renewed';
    case 'contract_cut':
      return roll < 0.7 ? 'contracted' : 'churned';
    case 'laggard':
      return roll < 0.35 ? 'churned' : roll < 0.55 ? 'contracted' : 'renewed';
    default:
      return roll < 0.65 ? 'churned' : 'renewed';
  }
}

/** What the contract is worth after a renewal: an expansion adds 15-45%, a contraction takes 20-45% off. */
function arrAfter(outcome: RenewalOutcome, arr: number, random: () => number): number {
  if (outcome === 'expanded') return Math.round(arr * (1.15 + random() * 0.3));
  if (outcome === 'contracted') return Math.round(arr * (0.55 + random() * 0.25));
  return arr;
}

export function demoPortfolio(accounts: number, now: Date, seed = 7): DemoPortfolio {
  const todayMs = Date.parse(`${utcDay(now)}T00:00:00Z`);
  const startMs = Date.parse(`${utcDay(yearBefore(now))}T00:00:00Z`) - LEAD_DAYS * DAY_MS;
  const start = utcDay(new Date(startMs));
  const days = Math.round((todayMs - startMs) / DAY_MS);
  const today = days;
  const base = syntheticPortfolio(accounts, days, seed, start);
  const random = seededRandom(seed * 7919 + 17);
  const dayIso = (day: number, hours = 0) => new Date(startMs + day * DAY_MS + hours * HOUR_MS).toISOString();
  const list: SyntheticAccount[] = [];
  const outcomes: DemoPortfolio['outcomes'] = [];
  const updates: DemoPortfolio['updates'] = [];
  /** The day an account churned: it sends nothing after. */
  const churnedOn = new Map<string, number>();

  base.accounts.forEach((synthetic, index) => {
    // By position: every eighth account is overdue (1-40 days), every eighth renews within 30 days, and every
    // eighth has a story turning bad in the last months ahead of a renewal within 180 days (a red account with an
    // open risk on the desk); the rest renew within the coming year, evenly spread, their stories (if any) turning
    // before the renewal of the past year and deciding it.
    const slot = index % 8;
    const archetype: Archetype = slot === 1 ? pick(random, TROUBLES) : synthetic.archetype;
    const next =
      slot === 5
        ? today - 1 - Math.floor(random() * 40)
        : slot === 2
          ? today + 3 + Math.floor(random() * 27)
          : slot === 1
            ? today + 10 + Math.floor(random() * 170)
            : today + 3 + Math.floor(random() * 360);
    const previous = next - 365;
    const inWindow = previous > 20;
    const story = STORIES.includes(archetype);
    const storyAhead = slot === 1 || (story && !inWindow);
    // Long enough ago for the daily pass to see the fall and the risk to climb a tier unanswered.
    const turnDay = storyAhead
      ? Math.max(1, today - 50 - Math.floor(random() * 70))
      : inWindow
        ? Math.max(1, previous - 90 - Math.floor(random() * 60))
        : days + 1;
    const currency = currencyOf(synthetic.account.region, random);
    // The troubled accounts ahead of a renewal are large (tier A, high touch), so their risk climbs the tiers.
    const arr = slot === 1 ? 150_000 + Math.round(random() * 300_000) : synthetic.account.arr;
    const firstRenewal = inWindow ? previous : next;
    // What the behaviour follows: the past renewal's outcome, or for a story turning bad ahead of its renewal, the
    // churn it is heading for (its renewal is not decided inside the year).
    let fate: RenewalOutcome = storyAhead ? 'churned' : 'renewed';
    const account: AccountInput = {
      ...synthetic.account,
      arr,
      currency,
      contract: {
        startDate: utcDay(new Date(startMs + (firstRenewal - 365) * DAY_MS)),
        renewalDate: utcDay(new Date(startMs + firstRenewal * DAY_MS)),
        arr,
      },
    };
    if (inWindow) {
      const outcome = storyAhead ? 'renewed' : pastOutcome(archetype, random);
      if (!storyAhead) fate = outcome;
      outcomes.push({ accountId: account.id, outcome, at: dayIso(previous, OUTCOME_HOURS) });
      if (outcome === 'churned') churnedOn.set(account.id, previous);
      else {
        const arr = arrAfter(outcome, account.arr, random);
        updates.push({
          kind: 'update',
          at: dayIso(previous, UPDATE_HOURS),
          accountId: account.id,
          changes: {
            arr,
            contract: {
              startDate: account.contract.renewalDate,
              renewalDate: utcDay(new Date(startMs + next * DAY_MS)),
              arr,
            },
          },
        });
      }
    }
    list.push({ ...synthetic, account, archetype, turnDay, fate, outcome: null });
  });

  const reviewReports: DemoPortfolio['reviewReports'] = list.flatMap(({ account, turnDay, fate }, index) => {
    // A customer heading for churn stops turning up once its story turns; one that stays keeps its meetings.
    const missesFrom = fate === 'churned' ? turnDay : days;
    const until = Math.min(churnedOn.get(account.id) ?? days, days);
    const reports: DemoPortfolio['reviewReports'] = [];
    for (let day = 1 + (index % REPORT_EVERY_DAYS); day < until; day += REPORT_EVERY_DAYS)
      reports.push({
        kind: 'reviews',
        at: dayIso(day, REPORT_HOURS),
        accountId: account.id,
        outcome: day < missesFrom ? 'held' : 'missed',
        by: account.csm.name,
      });
    return reports;
  });

  const byTime = (a: { at: string }, b: { at: string }) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);
  return {
    start,
    days,
    accounts: list.map((a) => a.account),
    signalsForDay: (day) =>
      base.signalsForDay(
        day,
        list.filter((a) => (churnedOn.get(a.account.id) ?? days) > day),
      ),
    outcomes: outcomes.sort(byTime),
    updates: updates.sort(byTime),
    reviewReports: reviewReports.sort(byTime),
  };
}
