/**
 * Time as a dependency: everything that reads the time or waits goes through a `Clock`, so tests can
 * run days of schedule, back-off and pacing in milliseconds.
 */
export interface Clock {
  /** The current instant. */
  now(): Date;
  /** Resolves after `ms` milliseconds of this clock's time, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * A clock that only moves when told to. `sleep` advances time at once and records each wait, so a test
 * can assert how long code chose to wait (a `Retry-After`, a pace) without waiting.
 */
export class ManualClock implements Clock {
  private current: number;
  /** Every wait requested through `sleep`, in milliseconds, in order. */
  readonly sleeps: number[] = [];

  constructor(start: Date | string = '2025-01-24T12:00:00Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  async sleep(ms: number): Promise<void> {
    const wait = Math.max(0, ms);
    this.sleeps.push(wait);
    this.current += wait;
  }
  /** Moves time forward without recording a sleep. */
  advance(ms: number): void {
    this.current += ms;
  }
}
