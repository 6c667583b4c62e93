import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';

/** Work that runs on a schedule. Both members read current state, so changed settings apply at once. */
export interface ScheduledJob {
  name: string;
  /** The first instant strictly after `after` when this job should run, or undefined for never. */
  nextRun(after: Date): Promise<Date | undefined>;
  /** Does the work due at `at`. Errors are logged; the loop goes on. */
  run(at: Date): Promise<void>;
}

/** The longest single wait, so `stop` and changed schedules are noticed promptly. */
export const MAX_WAIT_MS = 60_000;

/**
 * Runs scheduled jobs off an injected clock, in time order, one at a time. With a manual clock a test
 * runs days of schedule in milliseconds (`runUntil`); in production `start` loops until `stop`.
 */
export class JobLoop {
  private stopped = true;
  private loop: Promise<void> | undefined;
  /** Aborted by `stop`, cutting the current wait short (and clearing its timer). */
  private stopping = new AbortController();
  /** Every run starts strictly after the previous cursor, so a job never runs twice for one instant. */
  private cursor: Date;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly jobs: readonly ScheduledJob[],
  ) {
    this.cursor = clock.now();
  }

  /** The next run of each job, for `status`. */
  async nextRuns(): Promise<{ name: string; at: Date | undefined }[]> {
    const now = this.clock.now();
    return Promise.all(this.jobs.map(async (job) => ({ name: job.name, at: await job.nextRun(now) })));
  }

  /** Runs every job due up to and including `end`, waiting through the clock between runs. */
  async runUntil(end: Date): Promise<void> {
    for (;;) {
      const next = await this.earliest();
      if (!next || next.at > end) {
        const rest = end.getTime() - this.clock.now().getTime();
        if (rest > 0) await this.clock.sleep(rest);
        this.cursor = new Date(Math.max(this.cursor.getTime(), end.getTime()));
        return;
      }
      await this.waitFor(next.at);
      await this.runDue(next.at);
    }
  }

  /** Starts looping in the background until {@link JobLoop.stop}. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = new AbortController();
    this.loop = (async () => {
      while (!this.stopped) {
        const next = await this.earliest();
        const now = this.clock.now().getTime();
        const target = next ? next.at.getTime() : now + MAX_WAIT_MS;
        const wait = Math.min(MAX_WAIT_MS, target - now);
        if (wait > 0) {
          await this.clock.sleep(wait, this.stopping.signal);
          continue;
        }
        if (next) await this.runDue(next.at);
      }
    })();
  }

  /** Stops after the run in progress, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    await this.loop;
  }

  private async earliest(): Promise<{ at: Date } | undefined> {
    let best: Date | undefined;
    for (const job of this.jobs) {
      const at = await job.nextRun(this.cursor);
      if (at && (!best || at < best)) best = at;
    }
    return best ? { at: best } : undefined;
  }

  private async waitFor(at: Date): Promise<void> {
    const wait = at.getTime() - this.clock.now().getTime();
    if (wait > 0) await this.clock.sleep(wait);
  }

  /** Runs every job whose next run (after the cursor) is `at`. */
  private async runDue(at: Date): Promise<void> {
    const due: ScheduledJob[] = [];
    for (const job of this.jobs) {
      const next = await job.nextRun(this.cursor);
      if (next && next.getTime() <= at.getTime()) due.push(job);
    }
    this.cursor = at;
    for (const job of due) {
      try {
        await job.run(at);
      } catch (error) {
        this.log.error({ job: job.name, at: at.toISOString(), error: String(error) }, 'scheduled job failed');
      }
    }
  }
}
