import { describe, expect, it } from 'vitest';
import { utcDay } from '#core/clock';

describe('clock', () => {
  it('gives the UTC day of an instant', () => {
    expect(utcDay('2026-03-01T23:30:00-02:00')).toBe('2026-03-02');
  });
});
