import type { Clock } from '#core/clock';

/** A clock that only moves when told to: tests and the simulator drive time with it. */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string): void {
    const next = new Date(to).getTime();
    if (next < this.current)
      throw new Error(`the virtual clock cannot go back from ${this.now().toISOString()}`);
    this.current = next;
  }
}
