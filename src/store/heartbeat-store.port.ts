/** A bot process sharing the database, as its heartbeats show it. */
export interface Replica {
  id: string;
  /** Its first heartbeat. */
  firstBeatAt: string;
  /** Its latest heartbeat. */
  lastBeatAt: string;
}

/**
 * Heartbeats of the bot processes (replicas) on one database: each beats every few seconds with its own
 * clock's time, and a replica counts as alive while its last beat is recent.
 */
export interface HeartbeatStore {
  /** Records that `replicaId` is alive at `now`; a beat older than its latest one changes nothing. */
  beat(replicaId: string, now: Date): Promise<void>;
  /** The replicas whose latest beat is at most `withinMs` before `now`, by id. */
  alive(now: Date, withinMs: number): Promise<Replica[]>;
}
