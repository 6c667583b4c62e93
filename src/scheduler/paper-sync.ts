import type { CatchUpResult } from '../library/paper-library.ts';
import type { Logger } from '../logger.ts';
import type { ScheduledJob } from './job-loop.ts';

/** Save the index after this many changes were applied since it was last saved. */
export const SAVE_AFTER_CHANGES = 2000;

/** The parts of the library that syncing drives. */
export interface SyncedLibrary {
  catchUp(): Promise<CatchUpResult>;
  save(path: string): Promise<void>;
  /** Changes applied since the index file was last saved. */
  readonly unsaved: number;
}

/**
 * Keeps this process in step with the database: the index catches up with the paper change feed (papers a
 * source refresh, an import or another process wrote), then subscriptions are matched against the papers
 * that are new, then the index file is saved when enough changed. As a scheduled job it polls every
 * `intervalMs`; a refresh calls {@link PaperSync.sync} directly.
 */
export class PaperSync implements ScheduledJob {
  readonly name = 'paper sync';
  private running: Promise<void> | undefined;
  /** A requested sync is waiting for the one running to finish. */
  private requested = false;

  constructor(
    private readonly deps: {
      library: SyncedLibrary;
      matchSubscriptions: () => Promise<number>;
      log: Logger;
      /** How often to look for changes (0: only when asked). */
      intervalMs: number;
      /** Where the index is saved, if anywhere. */
      indexPath?: string;
    },
  ) {}

  async nextRun(after: Date): Promise<Date | undefined> {
    return this.deps.intervalMs > 0 ? new Date(after.getTime() + this.deps.intervalMs) : undefined;
  }

  async run(): Promise<void> {
    await this.sync();
  }

  /** Catches up, matches subscriptions, saves when due. Calls take turns, so each sees what was written before it. */
  sync(): Promise<void> {
    const run = (this.running ?? Promise.resolve()).then(() => this.syncOnce());
    this.running = run.catch(() => undefined);
    return run;
  }

  /**
   * Asks for a sync soon (another process announced new papers), without waiting: requests made while one is
   * already waiting to start are the same sync. Failures are logged; the next poll tries again.
   */
  requestSync(): void {
    if (this.requested) return;
    this.requested = true;
    const run = (this.running ?? Promise.resolve()).then(() => {
      this.requested = false;
      return this.syncOnce();
    });
    this.running = run.catch((error: unknown) => this.deps.log.warn({ error: String(error) }, 'could not catch up with new papers; the next poll tries again'));
  }

  /** Saves the index if anything changed since it was last saved (at shutdown). */
  async flush(): Promise<void> {
    await this.running;
    if (this.deps.indexPath && this.deps.library.unsaved > 0) await this.save();
  }

  private async syncOnce(): Promise<void> {
    const result = await this.deps.library.catchUp();
    if (result.applied > 0) this.deps.log.info({ changes: result.applied, seq: result.seq, rebuilt: result.rebuilt }, 'search index caught up with the database');
    await this.deps.matchSubscriptions();
    if (this.deps.indexPath && this.deps.library.unsaved >= SAVE_AFTER_CHANGES) await this.save();
  }

  private async save(): Promise<void> {
    const started = performance.now();
    try {
      await this.deps.library.save(this.deps.indexPath!);
      this.deps.log.info({ ms: Math.round(performance.now() - started) }, 'search index saved');
    } catch (error) {
      this.deps.log.warn({ path: this.deps.indexPath, error: String(error) }, 'could not save the search index; the next start catches up from the database');
    }
  }
}
