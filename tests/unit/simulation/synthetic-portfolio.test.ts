import { describe, expect, it } from 'vitest';
import type { SignalInput } from '#core/signals';
import { type SyntheticAccount, syntheticPortfolio } from '#core/simulation/synthetic';

/**
 * The synthetic portfolio behaves as published evidence says accounts behave before they churn (fading use, the
 * sponsor gone, support trouble, a cut asked for), mixed with noise: some churners give no sign, and accounts
 * that stay have dips, holidays and scares of their own (docs/synthetic-portfolio.md).
 */
const ACCOUNTS = 300;
const DAYS = 365;
const portfolio = syntheticPortfolio(ACCOUNTS, DAYS, 1);
const byDay: SignalInput[][] = Array.from({ length: DAYS }, (_, day) => portfolio.signalsForDay(day));
const signalsOf = new Map<string, { day: number; signal: SignalInput }[]>();
byDay.forEach((signals, day) => {
  for (const signal of signals) {
    const list = signalsOf.get(signal.accountId) ?? [];
    list.push({ day, signal });
    signalsOf.set(signal.accountId, list);
  }
});
const START_MS = Date.parse(`${portfolio.start}T00:00:00Z`);
const dayOf = (at: string) => Math.floor((Date.parse(at) - START_MS) / 86_400_000);
const logins = (a: SyntheticAccount, from: number, to: number) =>
  (signalsOf.get(a.account.id) ?? []).filter((s) => s.signal.type === 'login' && s.day >= from && s.day < to)
    .length / Math.max(1, to - from);
const withOutcome = portfolio.accounts.filter((a) => a.outcome && dayOf(a.outcome.at) >= 150);
const churned = withOutcome.filter((a) => a.outcome?.outcome === 'churned');
const stayed = withOutcome.filter((a) => a.outcome?.outcome !== 'churned');
/** Logins a day in the 60 days before the renewal over those of the 90 days before them. */
const fall = (a: SyntheticAccount) => {
  const at = dayOf(a.outcome?.at ?? '');
  const before = logins(a, at - 150, at - 60);
  return before === 0 ? 1 : logins(a, at - 60, at) / before;
};
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
const typesOf = (a: SyntheticAccount) =>
  new Set((signalsOf.get(a.account.id) ?? []).map((s): string => s.signal.type));

describe('the synthetic portfolio', () => {
  it('keeps about 6.3 signals per account-day (bench:simulate is measured on it)', () => {
    const signals = byDay.reduce((sum, day) => sum + day.length, 0);
    const outcomes = portfolio.accounts.filter((a) => a.outcome).length;
    const perAccountDay = (signals + outcomes) / (ACCOUNTS * DAYS);
    expect(perAccountDay).toBeGreaterThan(6);
    expect(perAccountDay).toBeLessThan(6.6);
  });

  it("fades most churners' use over the months before the renewal, far more than that of those who stay", () => {
    expect(churned.length).toBeGreaterThan(30);
    expect(median(churned.map(fall))).toBeLessThan(0.75);
    expect(median(stayed.map(fall))).toBeGreaterThan(0.9);
  });

  it('has churners that give no sign at all: use steady, no trouble signal', () => {
    const silent = churned.filter(
      (a) =>
        fall(a) > 0.85 && !typesOf(a).has('sponsor_left') && !typesOf(a).has('contract_change_requested'),
    );
    expect(silent.length).toBeGreaterThanOrEqual(3);
    expect(silent.length).toBeLessThan(churned.length / 3);
  });

  it('gives accounts that stay their scares too: sponsors replaced, crises put right, cuts that keep the logo', () => {
    const stayedWith = (type: string) => stayed.filter((a) => typesOf(a).has(type));
    const replaced = stayedWith('sponsor_left').filter((a) => typesOf(a).has('sponsor_joined'));
    expect(replaced.length).toBeGreaterThan(3);
    expect(stayedWith('contract_change_requested').length).toBeGreaterThan(3);
    const urgentInStayers = stayed.filter((a) =>
      (signalsOf.get(a.account.id) ?? []).some(
        (s) => s.signal.type === 'ticket_opened' && s.signal.attributes?.priority === 'urgent',
      ),
    );
    expect(urgentInStayers.length).toBeGreaterThan(10);
    // A cut asked for ends in churn only sometimes (in published CRM data, rarely).
    const cutters = portfolio.accounts.filter((a) => a.archetype === 'contract_cut' && a.outcome);
    expect(cutters.some((a) => a.outcome?.outcome === 'churned')).toBe(true);
    expect(cutters.some((a) => a.outcome?.outcome === 'contracted')).toBe(true);
  });

  it('quiets healthy accounts over the year-end holidays and in quiet spells', () => {
    const champions = portfolio.accounts.filter((a) => a.archetype === 'champion');
    // 2026-12-24 .. 2026-12-31 are days 357..364; the weeks of November before are usual working weeks.
    const holiday = champions.reduce((sum, a) => sum + logins(a, 357, 365), 0);
    const usual = champions.reduce((sum, a) => sum + logins(a, 301, 329), 0);
    expect(holiday).toBeLessThan(usual * 0.5);
    // Quiet spells: a champion's logins in some four weeks fall below two thirds of its own median four weeks.
    const dipped = champions.filter((a) => {
      const blocks = Array.from({ length: 12 }, (_, b) => logins(a, b * 28, b * 28 + 28));
      return Math.min(...blocks) < median(blocks) * 0.8;
    });
    expect(dipped.length).toBeGreaterThan(champions.length / 5);
  });

  it('sends nothing for an account after it churned', () => {
    for (const a of churned) {
      const gone = dayOf(a.outcome?.at ?? '');
      expect((signalsOf.get(a.account.id) ?? []).filter((s) => s.day > gone)).toEqual([]);
    }
  });

  it('changes the sponsor of about one steady account in twelve a year, not of every one', () => {
    const steady = portfolio.accounts.filter((a) => ['champion', 'cruiser', 'laggard'].includes(a.archetype));
    const changed = steady.filter((a) => typesOf(a).has('sponsor_left'));
    expect(steady.length).toBeGreaterThan(150);
    // 8% of about 210: 17 expected, standard deviation about 4 (the seed fixes the draw; the bounds are the rule).
    expect(changed.length).toBeGreaterThan(steady.length * 0.03);
    expect(changed.length).toBeLessThan(steady.length * 0.15);
  });

  it('keeps the NPS of steady accounts passive or better, churners among them included; troubled churners turn detractors', () => {
    const npsOf = (archetypes: readonly string[], churn: boolean) =>
      portfolio.accounts
        .filter((a) => archetypes.includes(a.archetype) && (a.fate === 'churned') === churn)
        .flatMap((a) => (signalsOf.get(a.account.id) ?? []).filter((s) => s.signal.type === 'nps'))
        .map((s) => s.signal.value ?? Number.NaN);
    const steadyChurners = npsOf(['cruiser', 'laggard'], true);
    expect(steadyChurners.length).toBeGreaterThan(5);
    // A steady account that churns does so with no sign (Braun & Schweidel's outside causes): its answers stay 5-9.
    expect(Math.min(...steadyChurners, ...npsOf(['cruiser', 'laggard'], false))).toBeGreaterThanOrEqual(5);
    expect(Math.min(...npsOf(['usage_decay', 'sponsor_leaves', 'support_crisis'], true))).toBeLessThan(5);
  });

  it('puts each signal at its time of the working day, on the day it belongs to', () => {
    const hourOf = (at: string) => (Date.parse(at) % 86_400_000) / 3_600_000;
    for (const [day, signals] of byDay.slice(0, 28).entries()) {
      for (const signal of signals) {
        expect(dayOf(signal.occurredAt)).toBe(day);
        const hour = hourOf(signal.occurredAt);
        if (signal.type === 'login') expect(hour >= 8 && hour < 17).toBe(true);
        if (signal.type === 'usage') expect(hour).toBe(23);
        if (signal.type === 'ticket_opened') expect(hour).toBe(10);
      }
    }
  });
});
