import type { Clock } from '#core/clock';

/** The wall clock, for the imperative shell only: the core is always handed a Clock (DESIGN decision 2). */
export const systemClock: Clock = { now: () => new Date() };
