/** The clock is a port so tests and the local runtime control time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at `start` and then runs at real speed (local demos, `PSA_CLOCK_START`). */
export function offsetClock(offsetMs: number): Clock {
  return { now: () => new Date(Date.now() + offsetMs) };
}

const LOCAL_OFFSET = Symbol.for('psa.local-clock-offset-ms');
type LocalOffset = { [LOCAL_OFFSET]?: number };

/**
 * The local runtime's clock. The runtime hosts every function in its one process, and they all
 * read the one offset it keeps, so it can start the clock anywhere (`PSA_CLOCK_START`) and move it
 * forward while running (`psa demo`). Never used in AWS.
 */
export const localClock: Clock = {
  now: () => new Date(Date.now() + ((globalThis as LocalOffset)[LOCAL_OFFSET] ?? 0)),
};

/** Set the local runtime's clock offset (the runtime's own business: its start and its clock control). */
export function setLocalClockOffset(ms: number): void {
  (globalThis as LocalOffset)[LOCAL_OFFSET] = ms;
}

/** A clock that moves only when told to (unit tests). */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
