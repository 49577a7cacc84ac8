/** Time is a parameter (DESIGN decision 2): nothing in core reads the system clock. */
export interface Clock {
  now(): Date;
}

export function fixedClock(at: Date | string): Clock {
  const instant = new Date(at);
  return { now: () => new Date(instant) };
}

/** UTC calendar day of an instant, `YYYY-MM-DD`. */
export function utcDay(at: Date | string): string {
  return new Date(at).toISOString().slice(0, 10);
}
