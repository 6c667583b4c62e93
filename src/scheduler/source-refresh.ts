import cron from 'node-cron';
import type { Clock } from '../clock.ts';
import { SNAPSHOT_RETENTION_MS, type SignalSnapshot, type UpsertReport } from '../corpus/corpus.ts';
import type { Paper, ParseOutcome } from '../corpus/paper.ts';
import type { PaperSearch } from '../index/paper-search.ts';
import type { Logger } from '../logger.ts';
import type { SignalSnapshotStore, SourceState, SourceStateStore } from '../store/source-state-store.port.ts';
import type { ScheduledJob } from './job-loop.ts';

/** A paper source the bot polls: its name, its cron schedule (UTC), and how to fetch it. */
export interface PaperSource {
  name: string;
  /** Five-field cron expression, evaluated in UTC. */
  schedule: string;
  fetch(): Promise<ParseOutcome>;
}

/** Backoff after a failed refresh: 2 min, doubling, at most 2 h (the cron schedule resumes after a success). */
export const REFRESH_BACKOFF = { firstMs: 2 * 60_000, maxMs: 2 * 3_600_000 } as const;

/** Cron schedules are searched this far ahead for their next run. */
const CRON_HORIZON_MINUTES = 8 * 24 * 60;

/** Parsed schedules by expression: the job loop asks for next runs every minute, parsing once is enough. */
const cronMatchers = new Map<string, ReturnType<typeof cron.createTask>>();

/** The first minute strictly after `after` that a cron expression matches (UTC), within eight days. */
export function nextCronRun(expression: string, after: Date): Date | undefined {
  let task = cronMatchers.get(expression);
  if (!task) cronMatchers.set(expression, (task = cron.createTask(expression, () => undefined, { timezone: 'UTC' })));
  const start = Math.floor(after.getTime() / 60_000) * 60_000 + 60_000;
  for (let minute = 0; minute < CRON_HORIZON_MINUTES; minute++) {
    const candidate = new Date(start + minute * 60_000);
    if (task.match(candidate)) return candidate;
  }
  return undefined;
}

/** Whether a string is a five-field cron expression node-cron understands. */
export function isCronExpression(expression: string): boolean {
  return expression.trim().split(/\s+/).length === 5 && cron.validate(expression);
}

/** The signal observations a batch of papers carries, as snapshots to keep. */
export function snapshotsOf(papers: readonly Paper[]): SignalSnapshot[] {
  return papers.flatMap((paper) => {
    const s = paper.signals;
    if (!s) return [];
    return [{
      paperId: paper.id,
      observedAt: s.observedAt,
      ...(s.upvotes !== undefined ? { upvotes: s.upvotes } : {}),
      ...(s.comments !== undefined ? { comments: s.comments } : {}),
      ...(s.githubStars !== undefined ? { githubStars: s.githubStars } : {}),
    }];
  });
}

/** What one refresh of one source did. */
export interface RefreshResult {
  source: string;
  ok: boolean;
  report?: UpsertReport;
  error?: string;
}

/**
 * Polls each source on its own cron schedule: new and changed papers go into the corpus, the index and
 * the signal snapshots; subscriptions hear about the new ones. A failing source is retried with backoff,
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
      search: PaperSearch;
      /** Called with the papers a refresh added, and an id unique to that refresh. */
      onNewPapers: (papers: Paper[], refreshId: string) => Promise<void>;
      /** Saves the corpus and index after a refresh changed them. */
      persist: () => Promise<void>;
    },
  ) {}

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
      if (next && next.getTime() === at.getTime()) await this.refresh(source);
    }
  }

  /** Fetches one source and takes in what it brought. Never throws. */
  async refresh(source: PaperSource): Promise<RefreshResult> {
    const { clock, log, state: states, search } = this.deps;
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
      return { source: source.name, ok: false, error: message };
    }
    const report = search.ingest(outcome.papers);
    await this.deps.snapshots.append(snapshotsOf(outcome.papers));
    // Velocity needs at most the longest trending window of history.
    search.corpus.pruneSnapshots(clock.now());
    await this.deps.snapshots.prune(new Date(clock.now().getTime() - SNAPSHOT_RETENTION_MS));
    const changed = report.added.length + report.updated.length;
    if (changed > 0) await this.deps.persist();
    const next: SourceState = {
      source: source.name,
      lastAttemptAt: attemptAt.toISOString(),
      lastSuccessAt: clock.now().toISOString(),
      consecutiveFailures: 0,
      lastChanged: changed,
    };
    await states.put(next);
    if (previous.consecutiveFailures > 0) log.info({ source: source.name, after: previous.consecutiveFailures }, 'paper source recovered');
    log.info({ source: source.name, added: report.added.length, updated: report.updated.length, rejected: outcome.rejected.length }, 'paper source refreshed');
    await this.deps.onNewPapers(report.added, `${source.name}@${attemptAt.toISOString()}`);
    return { source: source.name, ok: true, report };
  }

  /** The next cron time, or sooner: at once for a source never fetched, or the backoff retry of a failing one. */
  private async nextRunOf(source: PaperSource, after: Date): Promise<Date | undefined> {
    const state = await this.deps.state.get(source.name);
    if (!state) return new Date(after.getTime() + 1);
    const scheduled = nextCronRun(source.schedule, after);
    if (!state?.retryAfter || state.consecutiveFailures === 0) return scheduled;
    const retry = new Date(Math.max(new Date(state.retryAfter).getTime(), after.getTime() + 1));
    return scheduled && scheduled < retry ? scheduled : retry;
  }
}
