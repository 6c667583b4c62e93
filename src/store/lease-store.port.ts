/** A named lease: work that one process at a time may do (a source refresh, a schedule's sweep). */
export interface Lease {
  name: string;
  /** Who holds it (a replica id). */
  holder: string;
  /**
   * Grows by one each time the lease passes to another holder (never when its holder renews or takes it
   * again), so a write stamped with an old token can be recognised as coming from a holder that lost it.
   */
  token: number;
  /** When this holder took it. */
  acquiredAt: string;
  /** When it lapses unless renewed: from then on anyone may take it. */
  expiresAt: string;
}

/**
 * Leases shared by every process on the database. Time is the caller's (`now`), so every process must
 * pass its own clock's time; a lease is held while `now < expiresAt`. Every method is one atomic statement,
 * so two processes racing for a lease cannot both get it.
 */
export interface LeaseStore {
  /**
   * Takes the lease for `ttlMs` from `now` when nobody holds it, its holder released it or let it lapse
   * (`expiresAt <= now`), or `holder` holds it already (then it is extended). Returns the lease, or
   * undefined when another holder's lease is still running.
   */
  acquire(name: string, holder: string, ttlMs: number, now: Date): Promise<Lease | undefined>;
  /** Extends `holder`'s running lease to `now + ttlMs`; undefined when it lapsed or another holder has it. */
  renew(name: string, holder: string, ttlMs: number, now: Date): Promise<Lease | undefined>;
  /** Gives the lease up so another may take it at once; false when `holder` did not hold it. */
  release(name: string, holder: string): Promise<boolean>;
  /** The lease as last taken and not released; its `expiresAt` may be past (a holder that died). */
  holder(name: string): Promise<Lease | undefined>;
  /** Every lease taken and not released, by name (for `status`). */
  all(): Promise<Lease[]>;
}
