/*
 * Waiting on a fake platform's recorded state (the fake Slack and the fake Discord): a wait checks its predicate at
 * once, on every change the fake reports and every 20 ms, and ends when the predicate returns a value, throws, the
 * time runs out, or the fake closes.
 */

/** What a predicate returns while its condition is not met yet. */
export type NotYet = undefined | null | false;

/** The pending waits of one fake, keyed on nothing but the fake's own state `S`. */
export class StateWaiters<S> {
  private readonly watchers = new Set<() => void>();
  private readonly closers = new Set<(error: Error) => void>();

  /**
   * @param name How timeouts name the fake (`fake Slack: condition not met within …`).
   * @param summary What timeouts report of the fake's state, asked for only when a wait times out.
   */
  constructor(
    private readonly name: string,
    private readonly summary: () => string,
  ) {}

  /**
   * Resolves with the first value of `predicate(state)` that is not `undefined`, `null` or `false`, checked now, on
   * every {@link changed} and every 20 ms; rejects with what the predicate throws, with `error` on {@link closeAll},
   * or after `timeoutMs` real milliseconds with the fake's summary.
   */
  waitFor<T>(state: S, predicate: (state: S) => T | NotYet, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (error: Error | undefined, value?: T): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        this.watchers.delete(check);
        this.closers.delete(onClose);
        if (error) reject(error);
        else resolve(value as T);
      };
      const check = (): void => {
        try {
          const value = predicate(state);
          if (value !== undefined && value !== null && value !== false) finish(undefined, value);
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const onClose = (error: Error): void => finish(error);
      const timer = setTimeout(() => finish(new Error(`${this.name}: condition not met within ${timeoutMs} ms; ${this.summary()}`)), timeoutMs);
      const poll = setInterval(check, 20);
      this.watchers.add(check);
      this.closers.add(onClose);
      check();
    });
  }

  /** Checks every pending wait now: the fake calls it whenever its state changes. */
  changed(): void {
    for (const watcher of [...this.watchers]) watcher();
  }

  /** Rejects every pending wait with `error` (the fake is closing). Later waits still run, until they time out. */
  closeAll(error: Error): void {
    for (const onClose of [...this.closers]) onClose(error);
  }
}
