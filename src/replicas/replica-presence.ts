/*
 * Replicas: several bot processes on one database. Each beats in the heartbeat table every third of the lease
 * time; a replica whose last beat is older than the lease time counts as dead, and what it left unfinished
 * (deliveries it owned, a source refresh lease) passes to the others.
 */
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { HeartbeatStore, Replica } from '../store/heartbeat-store.port.ts';
import type { Lease, LeaseStore } from '../store/lease-store.port.ts';

/** Which replicas are alive, as a delivery or a refresh needs to know it. */
export interface ReplicaView {
  /** This replica's id. */
  readonly id: string;
  /** How long a lease (and a heartbeat) lasts, in milliseconds. */
  readonly leaseMs: number;
  /** Whether the replica `id` beat within the lease time at the last heartbeat (this replica always is). */
  isAlive(id: string): boolean;
}

/** What `status` says about replicas: this one, the live ones, and who holds each lease. */
export interface ReplicaReport {
  id: string;
  alive: Replica[];
  leases: Lease[];
}

/**
 * This process among the replicas: beats, keeps the set of live replicas, and after each beat calls
 * `afterBeat` (taking over what dead replicas left) without waiting for it, so a long takeover never delays a
 * beat. `beat()` runs one round (tests call it with a manual clock); `start()` loops on the clock until `stop()`.
 */
export class ReplicaPresence implements ReplicaView {
  private alive = new Set<string>();
  private stopping: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private afterBeatRunning: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      id: string;
      leaseMs: number;
      clock: Clock;
      log: Logger;
      heartbeats: HeartbeatStore;
      leases: LeaseStore;
      /** Called after each beat, once the previous call finished. */
      afterBeat?: () => Promise<void>;
    },
  ) {}

  get id(): string {
    return this.deps.id;
  }

  get leaseMs(): number {
    return this.deps.leaseMs;
  }

  isAlive(id: string): boolean {
    return id === this.deps.id || this.alive.has(id);
  }

  /** Live replicas at the last beat, this one included. */
  get aliveCount(): number {
    return new Set([...this.alive, this.deps.id]).size;
  }

  /** Records this replica's beat, reads who is alive, then starts `afterBeat` unless it is still running. */
  async beat(): Promise<void> {
    const { clock, heartbeats, leaseMs } = this.deps;
    await heartbeats.beat(this.deps.id, clock.now());
    const before = this.alive;
    this.alive = new Set((await heartbeats.alive(clock.now(), leaseMs)).map((replica) => replica.id));
    const gone = [...before].filter((id) => !this.alive.has(id));
    const joined = [...this.alive].filter((id) => !before.has(id) && id !== this.deps.id);
    if (gone.length > 0 || joined.length > 0) this.deps.log.info({ replica: this.deps.id, alive: [...this.alive], gone, joined }, 'replicas changed');
    if (this.deps.afterBeat && !this.afterBeatRunning) {
      this.afterBeatRunning = this.deps.afterBeat()
        .catch((error: unknown) => this.deps.log.error({ error: String(error) }, 'could not take over the work of a stopped replica'))
        .finally(() => { this.afterBeatRunning = undefined; });
    }
  }

  /** Beats every third of the lease time until {@link ReplicaPresence.stop}; a failed beat is logged and retried. */
  start(): void {
    if (this.stopping) return;
    const stopping = (this.stopping = new AbortController());
    this.loop = (async () => {
      while (!stopping.signal.aborted) {
        await this.deps.clock.sleep(this.deps.leaseMs / 3, stopping.signal);
        if (stopping.signal.aborted) break;
        await this.beat().catch((error: unknown) => this.deps.log.warn({ error: String(error) }, 'heartbeat failed; retrying'));
      }
    })();
  }

  /** Stops beating (after the beat in progress) and waits for a takeover in progress. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    await this.afterBeatRunning;
  }

  /** This replica, the live ones and the leases, for `status`. */
  async report(): Promise<ReplicaReport> {
    const now = this.deps.clock.now();
    const [alive, leases] = await Promise.all([this.deps.heartbeats.alive(now, this.deps.leaseMs), this.deps.leases.all()]);
    return { id: this.deps.id, alive, leases: leases.filter((lease) => new Date(lease.expiresAt) > now) };
  }
}
