import cron from 'node-cron';
import type { Clock } from '../clock.ts';
import type { ParseOutcome } from '../corpus/paper.ts';
import { SNAPSHOT_RETENTION_MS } from '../corpus/signal-history.ts';
import type { Logger } from '../logger.ts';
import type { SourceMetrics } from '../metrics/metrics.port.ts';
import type { PaperStore, PaperUpsertReport } from '../store/paper-store.port.ts';
import type { SignalSnapshotStore, SourceState, SourceStateStore } from '../store/source-state-store.port.ts';
import type { LeaseStore } from '../store/lease-store.port.ts';
import type { ReplicaView } from '../replicas/replica-presence.ts';
import type { ScheduledJob } from './job-loop.ts';
import { nextTurn } from '../util/steps.ts';

/** A paper source the bot polls: its name, its cron schedule (UTC), and how to fetch it. */
export interface PaperSource {
  name: string;
  /** Five-field cron expression, evaluated in UTC. */
  schedule: string;
  fetch(): Promise<ParseOutcome>;
}

/** Backoff after a failed refresh: 2 min, doubling, at most 2 h (the cron schedule resumes after a success). */
export const REFRESH_BACKOFF = { firstMs: 2 * 60_000, maxMs: 2 * 3_600_000 } as const;

/**
 * Papers written per transaction by a refresh. Small, with a turn of the event loop between batches: a
 * SQLite transaction blocks the process while it runs (a 500-paper batch took 250–400 ms at 100k papers).
 */
export const WRITE_BATCH = 50;

/**
 * How long a replica's lease on a source's refresh lasts; renewed after the fetch and after each batch written.
 * Longer than any fetch (arXiv's pages, paced 3 s apart, each up to the HTTP timeout): a replica that dies while
 * refreshing is replaced this long after its last renewal.
 */
export const SOURCE_REFRESH_LEASE_MS = 5 * 60_000;

/** Cron schedules are searched this far ahead for their next run. */
const CRON_HORIZON_MINUTES = 8 * 24 * 60;

/** A cron expression parsed once: node-cron's matcher (the rule), and its hours and minutes in order. */
interface CronSchedule {
  task: ReturnType<typeof cron.createTask>;
  hours: number[];
  minutes: number[];
}

/** Parsed schedules by expression: the job loop asks for next runs every minute, parsing once is enough. */
const cronSchedules = new Map<string, CronSchedule>();

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * The first minute strictly after `after` that a cron expression matches (UTC), within eight days. Only the
 * schedule's own hours and minutes are tried, and a day is left at its first one that does not match (its date,
 * month or weekday is not in the schedule): a rare schedule (`0 0 1 1 *`) costs a few checks a day instead of
 * one per minute (11,520 of node-cron's matches, 0.4–0.9 s of event loop at every wake of the job loop).
 */
export function nextCronRun(expression: string, after: Date): Date | undefined {
  let schedule = cronSchedules.get(expression);
  if (!schedule) {
    const fields = cron.parse(expression);
    const ascending = (values: number[]): number[] => [...values].sort((a, b) => a - b);
    schedule = { task: cron.createTask(expression, () => undefined, { timezone: 'UTC' }), hours: ascending(fields.hour), minutes: ascending(fields.minute) };
    cronSchedules.set(expression, schedule);
  }
  const first = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
  const end = first + CRON_HORIZON_MINUTES * MINUTE_MS;
  for (let day = Math.floor(first / DAY_MS) * DAY_MS; day < end; day += DAY_MS) {
    const candidate = firstCandidateOn(schedule, day, first);
    if (candidate === undefined) continue;
    if (candidate >= end) return undefined;
    // Every other candidate of the day has the same date, month and weekday: one check decides the day.
    if (schedule.task.match(new Date(candidate))) return new Date(candidate);
  }
  return undefined;
}

/** The schedule's first hour and minute on `day` not before `first`, if any. */
function firstCandidateOn({ hours, minutes }: CronSchedule, day: number, first: number): number | undefined {
  for (const hour of hours) {
    for (const minute of minutes) {
      const at = day + hour * 3_600_000 + minute * MINUTE_MS;
      if (at >= first) return at;
    }
  }
  return undefined;
}

/** Whether a string is a five-field cron expression node-cron understands. */
export function isCronExpression(expression: string): boolean {
  return expression.trim().split(/\s+/).length === 5 && cron.validate(expression);
}

/** What one refresh of one source did. */
export interface RefreshResult {
  source: string;
  ok: boolean;
  report?: PaperUpsertReport;
  error?: string;
}

/**
 * Polls each source on its own cron schedule: new and changed papers (and their signal snapshots) go into
 * the database, in batches; then the bot is told, so its index follows and subscriptions hear about the new
 * ones. A failing source is retried with backoff,
 * its health kept for `status`, and the bot keeps serving what it has. The first failure of an outage is
 * logged as a warning, repeats only at debug level, and the recovery again as info.
 */
export class SourceRefresh implements ScheduledJob {
  readonly name = 'source refresh';

  constructor(
    private readonly deps: {
      clock: Clock;
      log: Logger;
      sources: readonly PaperSource[];
      state: SourceStateStore;
      snapshots: SignalSnapshotStore;
      papers: PaperStore;
      /** Called after a refresh wrote changes: the index catches up and subscriptions are matched. */
      onPapersChanged: () => Promise<void>;
      metrics?: SourceMetrics;
      /**
       * With replicas on one database: each run of a source is done by the one replica that takes its lease
       * (`source refresh:<name>`), renewed while the refresh lasts; the others look again when it lapses.
       */
      replicas?: { leases: LeaseStore; replica: ReplicaView };
    },
  ) {}

  /** With replicas: when to look again at a source whose lease another replica holds (its expiry). */
  private readonly lookAgainAt = new Map<string, Date>();

  async nextRun(after: Date): Promise<Date | undefined> {
    let best: Date | undefined;
    for (const source of this.deps.sources) {
      const at = await this.nextRunOf(source, after);
      if (at && (!best || at < best)) best = at;
    }
    return best;
  }

  async run(at: Date): Promise<void> {
    const justBefore = new Date(at.getTime() - 1);
    for (const source of this.deps.sources) {
      const next = await this.nextRunOf(source, justBefore);
      if (next && next.getTime() === at.getTime()) await this.refreshOnce(source);
    }
  }

  /**
   * Refreshes a source that is due, once across replicas: under its lease, and only if the shared state shows
   * no attempt since the run became due (a replica whose clock is a little behind finds the run done). When
   * another replica holds the lease, this one looks again when the lease lapses: the holder has finished (the
   * run is done) or has died (then this one does it).
   */
  private async refreshOnce(source: PaperSource): Promise<void> {
    this.lookAgainAt.delete(source.name);
    const shared = this.deps.replicas;
    if (!shared) {
      await this.refresh(source);
      return;
    }
    const { leases, replica } = shared;
    const name = `source refresh:${source.name}`;
    const lease = await leases.acquire(name, replica.id, SOURCE_REFRESH_LEASE_MS, this.deps.clock.now());
    if (!lease) {
      const holder = await leases.holder(name);
      this.lookAgainAt.set(source.name, holder ? new Date(holder.expiresAt) : new Date(this.deps.clock.now().getTime() + replica.leaseMs));
      this.deps.log.debug({ source: source.name, holder: holder?.holder }, 'another replica is refreshing this source');
      return;
    }
    const keep = async (): Promise<void> => {
      await leases.renew(name, replica.id, SOURCE_REFRESH_LEASE_MS, this.deps.clock.now());
    };
    try {
      const state = await this.deps.state.get(source.name);
      const due = !state?.lastAttemptAt || (runAfter(source, state, new Date(state.lastAttemptAt)) ?? Infinity) <= this.deps.clock.now();
      if (due) await this.refresh(source, keep);
      else this.deps.log.debug({ source: source.name }, 'another replica refreshed this source for this run already');
    } finally {
      await leases.release(name, replica.id).catch(() => undefined);
    }
  }

  /** Fetches one source and takes in what it brought (calling `progress` after the fetch and each batch written). Never throws. */
  async refresh(source: PaperSource, progress: () => Promise<void> = async () => undefined): Promise<RefreshResult> {
    const { clock, log, state: states, papers } = this.deps;
    const previous = (await states.get(source.name)) ?? { source: source.name, consecutiveFailures: 0 };
    const attemptAt = clock.now();
    let outcome: ParseOutcome;
    try {
      outcome = await source.fetch();
    } catch (error) {
      const failures = previous.consecutiveFailures + 1;
      const backoff = Math.min(REFRESH_BACKOFF.maxMs, REFRESH_BACKOFF.firstMs * 2 ** (failures - 1));
      const message = error instanceof Error ? error.message : String(error);
      await states.put({
        ...previous,
        lastAttemptAt: attemptAt.toISOString(),
        lastError: message,
        consecutiveFailures: failures,
        retryAfter: new Date(clock.now().getTime() + backoff).toISOString(),
      });
      const fields = { source: source.name, failures, retryInMinutes: Math.round(backoff / 60_000), error: message };
      if (failures === 1) log.warn(fields, 'paper source unreachable; serving the papers we have');
      else log.debug(fields, 'paper source still unreachable');
      this.deps.metrics?.sourceRefreshed(source.name, 'failed');
      return { source: source.name, ok: false, error: message };
    }
    const report: PaperUpsertReport = { added: [], updated: [], unchanged: 0 };
    await progress().catch(() => undefined);
    for (let i = 0; i < outcome.papers.length; i += WRITE_BATCH) {
      if (i > 0) await Promise.all([nextTurn(), progress().catch(() => undefined)]);
      const written = await papers.upsert(outcome.papers.slice(i, i + WRITE_BATCH));
      report.added.push(...written.added);
      report.updated.push(...written.updated);
      report.unchanged += written.unchanged;
    }
    // Velocity needs at most the longest trending window of history.
    await this.deps.snapshots.prune(new Date(clock.now().getTime() - SNAPSHOT_RETENTION_MS));
    const changed = report.added.length + report.updated.length;
    const next: SourceState = {
      source: source.name,
      lastAttemptAt: attemptAt.toISOString(),
      lastSuccessAt: clock.now().toISOString(),
      consecutiveFailures: 0,
      lastChanged: changed,
    };
    await states.put(next);
    this.deps.metrics?.sourceRefreshed(source.name, 'ok');
    if (previous.consecutiveFailures > 0) log.info({ source: source.name, after: previous.consecutiveFailures }, 'paper source recovered');
    log.info({ source: source.name, added: report.added.length, updated: report.updated.length, rejected: outcome.rejected.length }, 'paper source refreshed');
    if (changed > 0) await this.deps.onPapersChanged();
    return { source: source.name, ok: true, report };
  }

  /** The next cron time, or sooner: at once for a source never fetched, or the backoff retry of a failing one. */
  private async nextRunOf(source: PaperSource, after: Date): Promise<Date | undefined> {
    const lookAgain = this.lookAgainAt.get(source.name);
    const next = await this.scheduledRunOf(source, after);
    if (!lookAgain) return next;
    const again = new Date(Math.max(lookAgain.getTime(), after.getTime() + 1));
    return next && next < again ? next : again;
  }

  /** The next run by the shared state: the cron time, at once for a source never fetched, or a failing one's retry. */
  private async scheduledRunOf(source: PaperSource, after: Date): Promise<Date | undefined> {
    return runAfter(source, await this.deps.state.get(source.name), after);
  }
}

/** The next run of `source` after `after`, given its shared state (see `SourceRefresh.scheduledRunOf`). */
function runAfter(source: PaperSource, state: SourceState | undefined, after: Date): Date | undefined {
  if (!state) return new Date(after.getTime() + 1);
  const scheduled = nextCronRun(source.schedule, after);
  if (!state.retryAfter || state.consecutiveFailures === 0) return scheduled;
  const retry = new Date(Math.max(new Date(state.retryAfter).getTime(), after.getTime() + 1));
  return scheduled && scheduled < retry ? scheduled : retry;
}
