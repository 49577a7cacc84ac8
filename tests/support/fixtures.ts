import type { AccountInput } from '#core/accounts';
import type { SignalInput } from '#core/signals';

export function account(id: string, overrides: Partial<AccountInput> = {}): AccountInput {
  return {
    id,
    name: `Account ${id}`,
    region: 'EMEA',
    arr: 48_000,
    currency: 'EUR',
    goLiveDate: '2026-01-15',
    csm: { name: 'Casey Morgan', email: 'casey@vendor.example' },
    contacts: [
      {
        id: `${id}-admin`,
        email: `admin@${id}.example`,
        name: 'Ada Admin',
        role: 'admin',
        timezone: 'Europe/Berlin',
      },
    ],
    contract: { startDate: '2026-01-01', renewalDate: '2027-01-01', arr: 48_000 },
    ...overrides,
  };
}

/** A realistic day: several users logging in, using features, reporting usage; now and then a ticket or NPS. */
export function realisticSignals(
  accountIds: string[],
  days: number,
  perAccountPerDay: number,
  start = '2026-03-01',
) {
  const signals: SignalInput[] = [];
  const startMs = Date.parse(`${start}T00:00:00Z`);
  for (let d = 0; d < days; d++) {
    for (const accountId of accountIds) {
      for (let i = 0; i < perAccountPerDay; i++) {
        const at = new Date(startMs + d * 86_400_000 + (i * 37 + 8 * 3600) * 1000).toISOString();
        const user = `u${(i % 7) + 1}`;
        const id = `sig-${accountId}-${d}-${i}`;
        const kind = i % 5;
        if (kind === 0) signals.push({ id, accountId, type: 'login', occurredAt: at, userId: user });
        else if (kind === 1)
          signals.push({
            id,
            accountId,
            type: 'feature_used',
            occurredAt: at,
            userId: user,
            attributes: { feature: `f${i % 4}` },
          });
        else if (kind === 2)
          signals.push({ id, accountId, type: 'usage', occurredAt: at, value: (i * 13) % 50 });
        else if (kind === 3 && i % 20 === 3)
          signals.push({
            id,
            accountId,
            type: 'ticket_opened',
            occurredAt: at,
            attributes: { ticketId: `t-${accountId}-${d}`, priority: 'high' },
          });
        else if (kind === 3 && i % 20 === 8)
          signals.push({
            id,
            accountId,
            type: 'ticket_closed',
            occurredAt: at,
            attributes: { ticketId: `t-${accountId}-${d}` },
          });
        else if (kind === 3) signals.push({ id, accountId, type: 'activity', occurredAt: at, userId: user });
        else signals.push({ id, accountId, type: 'login', occurredAt: at, userId: `u${(i % 3) + 8}` });
      }
    }
  }
  return signals;
}

/** A vendor's brand, every field set, for tests of what the brand puts into email. */
export const BRAND = {
  productName: 'Beacon Analytics',
  appUrl: 'https://app.beacon.example',
  senderName: 'Beacon Customer Success',
  logoUrl: 'https://cdn.beacon.example/logo.png',
};
