import { describe, expect, it } from 'vitest';
import { mapTable, tableMappingSchema } from '#core/tabular/mapping';

const mapping = tableMappingSchema.parse({
  snapshotDate: '2026-03-02',
  account: {
    id: { column: 'customerID' },
    arr: { column: 'MonthlyCharges', multiply: 12 },
    goLiveDate: { monthsBeforeSnapshot: 'tenure' },
    segment: { value: 'transactional' },
    csm: { name: 'Casey Morgan', email: 'casey@vendor.example' },
  },
  signals: [
    { column: 'NPS', type: 'nps' },
    { column: 'WeeklyUsage', type: 'usage' },
  ],
  outcome: { column: 'Churn', values: { churned: ['Yes'], renewed: ['No'] }, daysAfterSnapshot: 90 },
});

const row = (cells: Record<string, string>) => ({
  customerID: 'C1',
  tenure: '12',
  MonthlyCharges: '50.5',
  NPS: '7',
  WeeklyUsage: '30',
  Churn: 'No',
  ...cells,
});

describe('a snapshot table mapped to accounts, signals and outcomes', () => {
  it('makes an account with its contract renewing on the outcome day, its signals and its outcome', () => {
    const mapped = mapTable(mapping, [row({ Churn: 'Yes' })]);
    expect(mapped.accounts).toEqual([
      {
        id: 'C1',
        name: 'C1',
        region: 'unknown',
        arr: 606,
        currency: 'USD',
        segment: 'transactional',
        goLiveDate: '2025-03-02',
        csm: { name: 'Casey Morgan', email: 'casey@vendor.example' },
        contacts: [],
        contract: { startDate: '2025-05-31', renewalDate: '2026-05-31', arr: 606 },
      },
    ]);
    expect(mapped.signals.map((s) => [s.type, s.value, s.occurredAt])).toEqual([
      ['nps', 7, '2026-03-02T00:00:00Z'],
      ['usage', 30, '2026-03-02T00:00:00Z'],
    ]);
    expect(mapped.outcomes).toEqual([
      { accountId: 'C1', outcome: 'churned', at: '2026-05-31T00:00:00.000Z' },
    ]);
  });

  it('sends no signal for an empty cell: a missing answer is unknown, not zero', () => {
    const mapped = mapTable(mapping, [row({ NPS: '' })]);
    expect(mapped.signals.map((s) => s.type)).toEqual(['usage']);
    expect(mapped.errors).toEqual([]);
  });

  it('names the line of a row it cannot map, and gives no outcome for a value the mapping does not know', () => {
    const mapped = mapTable(mapping, [row({ customerID: '' }), row({ NPS: 'n/a', Churn: 'Maybe' })]);
    expect(mapped.errors).toEqual([
      { path: 'line 2', message: 'customerID (the account id) is empty' },
      { path: 'line 3', message: 'NPS is "n/a", not a number: no nps signal' },
    ]);
    expect(mapped.accounts).toHaveLength(1);
    expect(mapped.outcomes).toEqual([]);
  });

  it('keeps the named columns as account attributes and a seats column as contract.seats', () => {
    const withAttributes = tableMappingSchema.parse({
      ...mapping,
      account: {
        ...mapping.account,
        seats: { column: 'Seats' },
        attributes: ['Contract', 'PaperlessBilling', 'tenure'],
      },
    });
    const mapped = mapTable(withAttributes, [
      row({ Seats: '25', Contract: 'Month-to-month', PaperlessBilling: 'true' }),
      row({ customerID: 'C2', Seats: '', Contract: '' }),
      row({ customerID: 'C3', Seats: '2.5' }),
    ]);
    expect(mapped.accounts[0]).toMatchObject({
      contract: { seats: 25 },
      attributes: { Contract: 'Month-to-month', PaperlessBilling: true, tenure: 12 },
    });
    expect(mapped.accounts[1]).toMatchObject({ attributes: { tenure: 12 } });
    expect(mapped.accounts[1]?.contract).not.toHaveProperty('seats');
    expect(mapped.errors).toEqual([
      { path: 'line 4', message: 'Seats is "2.5", not a whole number of seats' },
    ]);
  });

  it('maps a column to a custom metric named by the mapping, or by the column', () => {
    const withMetrics = tableMappingSchema.parse({
      ...mapping,
      signals: [
        { column: 'ReportsSent', type: 'metric', metric: 'reports_sent' },
        { column: 'Errors', type: 'metric' },
      ],
    });
    const mapped = mapTable(withMetrics, [{ ...row({}), ReportsSent: '14', Errors: '2.5' }]);
    expect(mapped.signals.map((s) => [s.type, s.value, s.attributes])).toEqual([
      ['metric', 14, { name: 'reports_sent' }],
      ['metric', 2.5, { name: 'Errors' }],
    ]);
    const bad = tableMappingSchema.safeParse({
      ...mapping,
      signals: [{ column: 'x', type: 'metric', metric: 'has space' }],
    });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['signals.0.metric']);
  });
});
