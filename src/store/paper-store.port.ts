import type { Paper } from '../corpus/paper.ts';

/** The change-feed cursor up to which new papers have been matched to subscriptions. */
export const SUBSCRIPTION_CURSOR = 'subscriptions';

/** One paper a write changed. */
export interface PaperUpdate {
  paper: Paper;
  /** The id it had before, when a title-only paper was matched to its arXiv id. */
  previousId?: string;
  /** Whether its searchable text changed. */
  textChanged: boolean;
}

/** What one {@link PaperStore.upsert} did. */
export interface PaperUpsertReport {
  added: Paper[];
  updated: PaperUpdate[];
  unchanged: number;
}

/**
 * One entry of the change feed: the current state of a paper whose row changed after some sequence
 * number. Replicas (the search index of each bot process) follow the feed to stay in step with the database.
 */
export type PaperChange =
  | {
      /** The sequence number of the change: strictly increasing, in commit order. */
      seq: number;
      id: string;
      paper: Paper;
      /** The sequence number at which the paper first entered the corpus (an id change keeps it). */
      createdSeq: number;
      /** The sequence number at which its searchable text (title, abstract, key terms, authors) last changed. */
      textSeq: number;
    }
  | {
      seq: number;
      id: string;
      /** The paper was merged into another one (a title-only paper that got its arXiv id): drop `id`. */
      replacedBy: string;
    };

/**
 * The papers: one row per paper (keyed by arXiv base id, else a title id), every field, with a change
 * sequence. Every write bumps the sequence of the rows it changed, so a reader that remembers the highest
 * sequence it has seen can ask for exactly what changed since (imports, other processes, refreshes).
 *
 * Implementations run {@link planUpsert} (src/corpus/merge.ts) for each paper, so every engine merges the
 * same way, and keep signal snapshots in the same transaction as the paper they belong to.
 */
export interface PaperStore {
  /**
   * Adds or merges papers, in one transaction per call (callers batch: a few hundred papers is a good
   * size), in order: a later paper of the batch sees the earlier ones. Records a signal snapshot for every
   * paper that carries signals (under its merged id). Unchanged papers do not bump the sequence.
   */
  upsert(papers: readonly Paper[]): Promise<PaperUpsertReport>;
  /** The paper with this id (merged-away ids are not found). */
  get(id: string): Promise<Paper | undefined>;
  /** The papers with these ids that exist, in the order asked. */
  getMany(ids: readonly string[]): Promise<Paper[]>;
  /** Changes after `afterSeq`, oldest first, at most `limit`: each changed row once, in its current state. */
  changesSince(afterSeq: number, limit: number): Promise<PaperChange[]>;
  /** The highest sequence number written so far (0 for none). */
  lastSeq(): Promise<number>;
  /** Ids of papers that entered the corpus after `afterSeq` and at or before `upToSeq` and still exist. */
  addedBetween(afterSeq: number, upToSeq: number): Promise<string[]>;
  /** Number of papers. */
  count(): Promise<number>;
  /** Papers in id order after `afterId` (from the start when undefined), at most `limit`: for export. */
  list(afterId: string | undefined, limit: number): Promise<Paper[]>;
  /**
   * A named position in the change feed, kept in the database (e.g. how far subscriptions have been
   * matched); undefined until first set.
   */
  cursor(name: string): Promise<number | undefined>;
  /**
   * Moves a cursor from `from` (undefined: not set yet) to `to`, only if it is still at `from`; returns
   * whether it moved. Two processes racing for the same range: exactly one wins.
   */
  moveCursor(name: string, from: number | undefined, to: number): Promise<boolean>;
  /** A random id made when the database's paper tables were created: tells one database from another. */
  libraryId(): Promise<string>;
  /**
   * Calls `listener` soon after any process commits new or changed papers, where the database can tell
   * (PostgreSQL's LISTEN/NOTIFY; SQLite and memory never call it, polling the change feed is the way there).
   * Best effort: a lost connection is reopened, and what it missed the polling finds. Resolves to `stop`.
   */
  watchChanges(listener: () => void): Promise<() => Promise<void>>;
}
