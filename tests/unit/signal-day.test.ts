import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signalDay } from '#core/signals';

describe('signalDay', () => {
  it('reads the UTC day of a timestamp with an offset', () => {
    expect(signalDay({ occurredAt: '2026-03-01T23:30:00-02:00' })).toBe('2026-03-02');
    expect(signalDay({ occurredAt: '2026-03-02T00:30:00+01:00' })).toBe('2026-03-01');
  });

  it('gives the same day as a Date round trip for any UTC or offset timestamp', () => {
    const instant = fc.date({
      min: new Date('2000-01-01'),
      max: new Date('2099-12-31'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        fc.boolean(),
        (at, offsetMinutes, utc) => {
          const iso = utc ? at.toISOString() : withOffset(at, offsetMinutes);
          expect(signalDay({ occurredAt: iso })).toBe(new Date(iso).toISOString().slice(0, 10));
        },
      ),
    );
  });
});

function withOffset(at: Date, minutes: number): string {
  const local = new Date(at.getTime() + minutes * 60_000).toISOString().slice(0, 19);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
