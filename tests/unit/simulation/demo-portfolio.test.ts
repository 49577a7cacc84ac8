import { describe, expect, it } from 'vitest';
import { DAY_MS } from '#core/clock';
import { daysToRenewal } from '#core/renewals/desk';
import { yearBefore } from '#core/renewals/retention';
import { demoPortfolio } from '#core/simulation/demo';

const NOW = new Date('2026-12-05T21:00:00Z');

describe('the demo portfolio', () => {
  const demo = demoPortfolio(48, NOW, 7);
  const renewalOf = (id: string) =>
    demo.updates.find((u) => u.accountId === id)?.changes.contract?.renewalDate ??
    demo.accounts.find((a) => a.id === id)?.contract.renewalDate ??
    '';
  const churned = new Set(demo.outcomes.filter((o) => o.outcome === 'churned').map((o) => o.accountId));

  it('covers the year that ends today, from before the cohort date of trailing-12-month retention', () => {
    const start = Date.parse(`${demo.start}T00:00:00Z`);
    expect(start).toBeLessThan(yearBefore(NOW).getTime());
    expect(start + demo.days * DAY_MS).toBe(Date.parse('2026-12-05T00:00:00Z'));
  });

  it('has renewals overdue and due within 30, 90 and 180 days, and some a year off', () => {
    const days = demo.accounts
      .filter((a) => !churned.has(a.id))
      .map((a) => daysToRenewal(renewalOf(a.id), NOW));
    expect(days.filter((d) => d < 0).length).toBeGreaterThan(0);
    expect(days.filter((d) => d >= 0 && d <= 30).length).toBeGreaterThan(0);
    expect(days.filter((d) => d > 30 && d <= 90).length).toBeGreaterThan(0);
    expect(days.filter((d) => d > 90 && d <= 180).length).toBeGreaterThan(0);
    expect(days.filter((d) => d > 180).length).toBeGreaterThan(0);
  });

  it('resolved the past year’s renewals every way, and moved renewed contracts on a year with their new ARR', () => {
    const kinds = new Set(demo.outcomes.map((o) => o.outcome));
    expect([...kinds].sort()).toEqual(['churned', 'contracted', 'expanded', 'renewed']);
    for (const outcome of demo.outcomes) {
      const account = demo.accounts.find((a) => a.id === outcome.accountId);
      const update = demo.updates.find((u) => u.accountId === outcome.accountId);
      expect(outcome.at.slice(0, 10)).toBe(account?.contract.renewalDate);
      if (outcome.outcome === 'churned') expect(update).toBeUndefined();
      else {
        expect(update?.at && update.at > outcome.at).toBe(true);
        expect(update?.changes.contract?.startDate).toBe(account?.contract.renewalDate);
        const arr = update?.changes.arr ?? 0;
        const before = account?.arr ?? 0;
        if (outcome.outcome === 'expanded') expect(arr).toBeGreaterThan(before);
        if (outcome.outcome === 'contracted') expect(arr).toBeLessThan(before);
        if (outcome.outcome === 'renewed') expect(arr).toBe(before);
      }
    }
  });

  it('spreads accounts over currencies and regions, and a churned account sends nothing after its churn', () => {
    expect(new Set(demo.accounts.map((a) => a.currency))).toEqual(new Set(['USD', 'EUR', 'GBP']));
    expect(new Set(demo.accounts.map((a) => a.region)).size).toBeGreaterThan(3);
    const gone = demo.outcomes.find((o) => o.outcome === 'churned');
    expect(gone).toBeDefined();
    const day = Math.floor((Date.parse(gone?.at ?? '') - Date.parse(`${demo.start}T00:00:00Z`)) / DAY_MS);
    const before = demo.signalsForDay(day - 1).concat(demo.signalsForDay(day - 2));
    expect(before.some((s) => s.accountId === gone?.accountId)).toBe(true);
    for (let d = day; d < Math.min(demo.days, day + 20); d++)
      expect(demo.signalsForDay(d).some((s) => s.accountId === gone?.accountId)).toBe(false);
  });

  it('has the CSMs report each account’s reviews weekly: held, missed by some heading for churn, none after a churn', () => {
    const reports = demo.reviewReports;
    expect(reports.map((r) => r.at)).toEqual([...reports.map((r) => r.at)].sort());
    for (const account of demo.accounts) {
      const own = reports.filter((r) => r.accountId === account.id);
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((r) => r.by === account.csm.name)).toBe(true);
      const gaps = own.slice(1).map((r, i) => (Date.parse(r.at) - Date.parse(own[i]?.at ?? '')) / DAY_MS);
      expect(new Set(gaps)).toEqual(new Set([7]));
      // Held first; once missed, missed to the end.
      const firstMissed = own.findIndex((r) => r.outcome === 'missed');
      if (firstMissed >= 0) expect(own.slice(firstMissed).every((r) => r.outcome === 'missed')).toBe(true);
      const churn = demo.outcomes.find((o) => o.accountId === account.id && o.outcome === 'churned');
      if (churn) expect(own.every((r) => r.at < churn.at)).toBe(true);
    }
    const missing = new Set(reports.filter((r) => r.outcome === 'missed').map((r) => r.accountId));
    expect(missing.size).toBeGreaterThan(0);
    expect(missing.size).toBeLessThan(demo.accounts.length / 2);
  });

  it('is the same portfolio for the same size, day and seed', () => {
    const again = demoPortfolio(48, NOW, 7);
    expect(again.accounts).toEqual(demo.accounts);
    expect(again.outcomes).toEqual(demo.outcomes);
    expect(again.reviewReports).toEqual(demo.reviewReports);
    expect(again.signalsForDay(200)).toEqual(demo.signalsForDay(200));
  });
});
