import type { Paper } from './paper.ts';

/** Signals of one paper at one instant, kept so trending can measure velocity. */
export interface SignalSnapshot {
  paperId: string;
  observedAt: string;
  upvotes?: number;
  comments?: number;
  githubStars?: number;
}

/** How long signal snapshots are kept in the database: the longest trending window plus a margin. */
export const SNAPSHOT_RETENTION_MS = 35 * 86_400_000;

/**
 * How much upvote history a process keeps in memory: velocity is measured over the last 24 hours, from the
 * last observation at or before the start of that window, so two days hold every baseline it can use.
 */
export const SIGNAL_HISTORY_MS = 2 * 86_400_000;

/** The snapshot a paper's signals make, if it has any. */
export function snapshotOf(paper: Paper): SignalSnapshot | undefined {
  const s = paper.signals;
  if (!s) return undefined;
  return {
    paperId: paper.id,
    observedAt: s.observedAt,
    ...(s.upvotes !== undefined ? { upvotes: s.upvotes } : {}),
    ...(s.comments !== undefined ? { comments: s.comments } : {}),
    ...(s.githubStars !== undefined ? { githubStars: s.githubStars } : {}),
  };
}

/**
 * The upvote history of recently observed papers, in memory, for trending velocity: per paper a flat
 * array of (observed ms, upvotes) pairs, oldest first. Loaded from the database's snapshots of the last
 * {@link SIGNAL_HISTORY_MS} at start and fed by every change the process learns about.
 */
export class SignalHistory {
  private readonly byPaper = new Map<string, number[]>();

  constructor(snapshots: Iterable<SignalSnapshot> = []) {
    for (const snapshot of snapshots) this.record(snapshot);
  }

  /** Number of papers with history. */
  get size(): number {
    return this.byPaper.size;
  }

  /** Adds one observation (an instant already recorded for the paper is kept once). */
  record(snapshot: SignalSnapshot): void {
    if (snapshot.upvotes === undefined) return;
    const at = Date.parse(snapshot.observedAt);
    if (Number.isNaN(at)) return;
    const pairs = this.byPaper.get(snapshot.paperId) ?? [];
    let i = pairs.length;
    while (i > 0 && pairs[i - 2]! > at) i -= 2;
    if (i > 0 && pairs[i - 2] === at) return;
    pairs.splice(i, 0, at, snapshot.upvotes);
    this.byPaper.set(snapshot.paperId, pairs);
  }

  /** Moves a paper's history to its new id (a title-only paper that got its arXiv id). */
  rename(from: string, to: string): void {
    const moved = this.byPaper.get(from);
    if (!moved) return;
    this.byPaper.delete(from);
    for (let i = 0; i < moved.length; i += 2) this.record({ paperId: to, observedAt: new Date(moved[i]!).toISOString(), upvotes: moved[i + 1]! });
  }

  /**
   * How many upvotes a paper gained over (at most) the `windowMs` before `now`, and over how many hours
   * that was measured: the baseline is the last observation at or before the window start, else the oldest
   * one inside it. Undefined with fewer than two observations.
   */
  upvotesGained(id: string, now: Date, windowMs: number): { gained: number; hours: number } | undefined {
    const pairs = this.byPaper.get(id);
    if (!pairs) return undefined;
    let end = pairs.length;
    while (end > 0 && pairs[end - 2]! > now.getTime()) end -= 2;
    if (end < 4) return undefined;
    const since = now.getTime() - windowMs;
    let base = 0;
    for (let i = 0; i < end; i += 2) {
      if (pairs[i]! > since) break;
      base = i;
    }
    const latest = end - 2;
    if (base === latest) return undefined;
    const hours = (pairs[latest]! - pairs[base]!) / 3_600_000;
    return { gained: Math.max(0, pairs[latest + 1]! - pairs[base + 1]!), hours };
  }

  /** Drops observations older than {@link SIGNAL_HISTORY_MS}, and papers left with none. */
  prune(now: Date): void {
    const cutoff = now.getTime() - SIGNAL_HISTORY_MS;
    for (const [id, pairs] of this.byPaper) {
      let keepFrom = 0;
      while (keepFrom < pairs.length && pairs[keepFrom]! < cutoff) keepFrom += 2;
      if (keepFrom === pairs.length) this.byPaper.delete(id);
      else if (keepFrom > 0) this.byPaper.set(id, pairs.slice(keepFrom));
    }
  }
}
