import { mergePaper, searchableTextChanged } from './merge.ts';
import { referenceTime, titleKey, type Paper } from './paper.ts';

/** Signals of one paper at one instant, kept so trending can measure velocity. */
export interface SignalSnapshot {
  paperId: string;
  observedAt: string;
  upvotes?: number;
  comments?: number;
  githubStars?: number;
}

/** One paper a refresh changed, with whether its searchable text changed (then it must be re-indexed). */
export interface PaperChange {
  paper: Paper;
  /** The id it had before, when a title-only paper was matched to its arXiv id. */
  previousId?: string;
  textChanged: boolean;
}

/** What an upsert did. */
export interface UpsertReport {
  added: Paper[];
  updated: PaperChange[];
  unchanged: number;
}

/** How long signal snapshots are kept: the longest trending window plus a margin. */
export const SNAPSHOT_RETENTION_MS = 35 * 86_400_000;

/**
 * The papers the bot knows, one per arXiv id (or per title for papers without one), with the history of
 * their signals. Sources feed it through {@link Corpus.upsert}; it says what changed so the index can follow.
 */
export class Corpus {
  private readonly byId = new Map<string, Paper>();
  private readonly idByTitle = new Map<string, string>();
  private readonly history = new Map<string, SignalSnapshot[]>();
  /** Dated papers by reference time (oldest first) and the undated ones; rebuilt on first use after a change. */
  private timeline: { times: Float64Array; dated: Paper[]; undated: Paper[] } | undefined;

  constructor(papers: Iterable<Paper> = [], snapshots: Iterable<SignalSnapshot> = []) {
    this.upsert(papers);
    for (const snapshot of snapshots) this.recordSnapshot(snapshot);
  }

  /** Number of papers. */
  get size(): number {
    return this.byId.size;
  }

  /** The paper with this corpus id (arXiv base id or `pb-…`). */
  get(id: string): Paper | undefined {
    return this.byId.get(id);
  }

  /** All papers, in insertion order. */
  papers(): IterableIterator<Paper> {
    return this.byId.values();
  }

  /**
   * The papers a time window can hold: dated papers that entered the conversation at or after `fromMs`
   * (newest last), and every undated paper. Ranking a window at 100k papers looks at these few instead
   * of every paper.
   */
  papersSince(fromMs: number): { dated: Paper[]; undated: readonly Paper[] } {
    const timeline = (this.timeline ??= this.buildTimeline());
    let low = 0;
    let high = timeline.times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (timeline.times[middle]! < fromMs) low = middle + 1;
      else high = middle;
    }
    return { dated: timeline.dated.slice(low), undated: timeline.undated };
  }

  private buildTimeline(): { times: Float64Array; dated: Paper[]; undated: Paper[] } {
    const dated: { time: number; paper: Paper }[] = [];
    const undated: Paper[] = [];
    for (const paper of this.byId.values()) {
      const time = referenceTime(paper);
      if (time === undefined) undated.push(paper);
      else dated.push({ time, paper });
    }
    dated.sort((a, b) => a.time - b.time);
    return { times: Float64Array.from(dated, (d) => d.time), dated: dated.map((d) => d.paper), undated };
  }

  /** The signal history of one paper, oldest first. */
  snapshotsOf(id: string): readonly SignalSnapshot[] {
    return this.history.get(id) ?? [];
  }

  /**
   * How many upvotes a paper gained over (at most) the `windowMs` before `now`, and over how many hours
   * that was measured: the baseline is the last snapshot at or before the window start, else the oldest
   * one inside it. Undefined with fewer than two observations.
   */
  upvotesGained(id: string, now: Date, windowMs: number): { gained: number; hours: number } | undefined {
    const withVotes = (this.history.get(id) ?? []).filter(
      (s) => s.upvotes !== undefined && Date.parse(s.observedAt) <= now.getTime(),
    );
    const latest = withVotes.at(-1);
    if (!latest || withVotes.length < 2) return undefined;
    const since = now.getTime() - windowMs;
    let base = withVotes[0]!;
    for (const snapshot of withVotes) {
      if (Date.parse(snapshot.observedAt) > since) break;
      base = snapshot;
    }
    if (base === latest) return undefined;
    const hours = (Date.parse(latest.observedAt) - Date.parse(base.observedAt)) / 3_600_000;
    return { gained: Math.max(0, latest.upvotes! - base.upvotes!), hours };
  }

  /** Adds new papers and merges known ones (by arXiv id, else by title); records a signal snapshot for each. */
  upsert(incoming: Iterable<Paper>): UpsertReport {
    const report: UpsertReport = { added: [], updated: [], unchanged: 0 };
    for (const paper of incoming) {
      const key = titleKey(paper.title);
      const existingId = this.byId.has(paper.id) ? paper.id : this.idByTitle.get(key);
      const existing = existingId === undefined ? undefined : this.byId.get(existingId);
      // Two different arXiv papers can share a title; only a title-only paper is matched by title.
      const sameWork = existing && (existing.id === paper.id || existing.arxivId === undefined || paper.arxivId === undefined);
      if (!existing || !sameWork) {
        this.timeline = undefined;
        this.byId.set(paper.id, paper);
        if (!this.idByTitle.has(key)) this.idByTitle.set(key, paper.id);
        report.added.push(paper);
        this.snapshotFrom(paper);
        continue;
      }
      const merged = mergePaper(existing, paper);
      if (merged.id !== existing.id) {
        this.timeline = undefined;
        this.byId.delete(existing.id);
        const moved = this.history.get(existing.id);
        this.history.delete(existing.id);
        if (moved) this.history.set(merged.id, moved.map((s) => ({ ...s, paperId: merged.id })));
      }
      this.snapshotFrom({ ...paper, id: merged.id });
      if (JSON.stringify(merged) === JSON.stringify(existing)) {
        report.unchanged++;
        continue;
      }
      this.timeline = undefined;
      this.byId.set(merged.id, merged);
      this.idByTitle.set(key, merged.id);
      report.updated.push({
        paper: merged,
        textChanged: merged.id !== existing.id || searchableTextChanged(existing, merged),
        ...(merged.id !== existing.id ? { previousId: existing.id } : {}),
      });
    }
    return report;
  }

  /** Drops snapshots older than the retention period, keeping each paper's latest. */
  pruneSnapshots(now: Date): void {
    const cutoff = now.getTime() - SNAPSHOT_RETENTION_MS;
    for (const [id, list] of this.history) {
      const kept = list.filter((s, i) => i === list.length - 1 || Date.parse(s.observedAt) >= cutoff);
      this.history.set(id, kept);
    }
  }

  private snapshotFrom(paper: Paper): void {
    if (!paper.signals) return;
    const { observedAt, upvotes, comments, githubStars } = paper.signals;
    this.recordSnapshot({
      paperId: paper.id,
      observedAt,
      ...(upvotes !== undefined ? { upvotes } : {}),
      ...(comments !== undefined ? { comments } : {}),
      ...(githubStars !== undefined ? { githubStars } : {}),
    });
  }

  private recordSnapshot(snapshot: SignalSnapshot): void {
    const list = this.history.get(snapshot.paperId) ?? [];
    const at = Date.parse(snapshot.observedAt);
    if (list.some((s) => s.observedAt === snapshot.observedAt)) return;
    let i = list.length;
    while (i > 0 && Date.parse(list[i - 1]!.observedAt) > at) i--;
    list.splice(i, 0, snapshot);
    this.history.set(snapshot.paperId, list);
  }
}
