import type { SignalSnapshot } from '../corpus/signal-history.ts';

/** The health of one paper source, as `status` shows it. */
export interface SourceState {
  source: string;
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  consecutiveFailures: number;
  /** After failures: not before this instant (backoff). */
  retryAfter?: string;
  /** Papers the last successful refresh brought in (new or changed). */
  lastChanged?: number;
}

/** Source health, kept so a restart knows what failed. */
export interface SourceStateStore {
  get(source: string): Promise<SourceState | undefined>;
  put(state: SourceState): Promise<void>;
  all(): Promise<SourceState[]>;
}

/** Signal snapshots (upvotes over time), kept so trending velocity survives restarts. */
export interface SignalSnapshotStore {
  append(snapshots: readonly SignalSnapshot[]): Promise<void>;
  /** Every snapshot observed at or after `since`, oldest first. */
  since(since: Date): Promise<SignalSnapshot[]>;
  /** Drops snapshots older than `before`. */
  prune(before: Date): Promise<number>;
}
