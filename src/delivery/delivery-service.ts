/*
 * Exactly-once posting for everything the bot posts on its own: scheduled posts, answers in threads and the
 * posts that open a discussion. A delivery is claimed under its key in the database before it is sent and
 * marked after (with the id of the message made), so a restart, a second process or a retry never posts it
 * twice; a 429 or a 5xx delays it (the paced sender retries) but never drops it; a post that may have been
 * made before a crash is looked up on the platform before it is sent again.
 */
import type { OutgoingMessage } from '../chat/message.ts';
import { decodeRef, encodeRef, type PostedRef, type ThreadRef } from '../chat/refs.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { ChannelSettingsStore } from '../store/channel-settings.port.ts';
import type { Delivery, DeliveryKind, DeliveryStore } from '../store/delivery-store.port.ts';
import type { ReplicaView } from '../replicas/replica-presence.ts';
import type { SendHooks, SendJob, SendResult } from './paced-sender.ts';

/** What a platform's sender does with one message (see `paced-sender.ts`). */
export interface ChannelSender {
  send(job: SendJob, hooks?: SendHooks): Promise<SendResult>;
}

/** One post to make, exactly once. */
export interface DeliveryRequest {
  key: string;
  /** Encoded channel ref. */
  channel: string;
  /** Posts as a reply in this thread of `channel`. */
  thread?: ThreadRef;
  kind: DeliveryKind;
  paperIds: string[];
  message: OutgoingMessage;
}

/** What became of a scheduled delivery. */
export type DeliveryOutcome = 'sent' | 'duplicate' | 'channel-gone' | 'disabled' | 'no-platform';

/** What became of a post that must exist once (an answer, a discussion's card): the message, wherever it was made. */
export type EnsuredPost =
  | { status: 'sent'; posted: PostedRef }
  /** This process is sending it right now (another request for the same key). */
  | { status: 'in-progress' }
  | { status: 'channel-gone'; reason: string }
  | { status: 'no-platform' };

/** The scheduled kinds, skipped in a disabled channel; the others (answers, a discussion's card) are posts a person there waits for, and are made. */
const SCHEDULED: ReadonlySet<DeliveryKind> = new Set(['daily', 'empty-day', 'subscription']);

/** What the service needs. */
export interface DeliveryServiceDeps {
  clock: Clock;
  log: Logger;
  deliveries: DeliveryStore;
  channels: ChannelSettingsStore;
  senderFor: (platform: string) => ChannelSender | undefined;
  /**
   * With replicas on one database: each delivery is owned by the replica that claimed it, and another one
   * takes over what a replica left unfinished once that replica's heartbeat stops. Without: one process owns all.
   */
  replica?: ReplicaView;
}

/** Another replica took the delivery over while this one was about to send it: this one must not send it. */
class DeliveryTakenOver extends Error {}

/**
 * Claims, sends and records deliveries. `deliver` is for scheduled posts (a key claimed before is a duplicate
 * and skipped); `ensure` is for posts something else depends on (it returns the message, continuing a delivery
 * an earlier attempt left unfinished); `resumeUnfinished` picks up after a restart, and `takeOverStopped` what
 * replicas whose heartbeat stopped left unfinished.
 */
export class DeliveryService {
  /** Keys being sent by this process. */
  private readonly sending = new Set<string>();

  constructor(private readonly deps: DeliveryServiceDeps) {}

  /** Claims and sends one scheduled delivery; a key claimed before (here, earlier, elsewhere) is not sent again. */
  async deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    if (SCHEDULED.has(request.kind) && (await this.deps.channels.get(request.channel))?.disabled) return 'disabled';
    // A replica without this platform leaves the post to one that has it.
    if (this.deps.replica && !this.hasPlatform(request.channel)) return 'no-platform';
    if (!(await this.claim(request))) return 'duplicate';
    const result = await this.send(request.key, request.channel, request.thread, request.message, undefined);
    // Just claimed, so no other request of this process is sending it.
    return result.status === 'in-progress' ? 'duplicate' : result.status;
  }

  /**
   * Makes sure the post exists once: claims and sends it, or returns the message an earlier attempt made, or
   * continues an attempt that stopped before it was settled (after a crash, or an error that ended a request),
   * looking the post up on the platform first.
   */
  async ensure(request: DeliveryRequest): Promise<EnsuredPost> {
    if (await this.claim(request)) return this.send(request.key, request.channel, request.thread, request.message, undefined);
    const existing = await this.deps.deliveries.get(request.key);
    if (!existing) throw new Error(`delivery ${request.key} was claimed but cannot be read back`);
    if (existing.status === 'sent') return { status: 'sent', posted: postedRef(existing) };
    if (existing.status === 'skipped') return { status: 'channel-gone', reason: existing.lastError ?? 'skipped' };
    if (this.sending.has(request.key)) return { status: 'in-progress' };
    const mine = await this.own(existing);
    return mine ? this.resume(mine) : { status: 'in-progress' };
  }

  /**
   * After a restart: sends what was claimed and never attempted, and for what was being sent or retried when the
   * process stopped, looks the post up on the platform first (it may have been made) and sends it only if it is
   * not there. All at once: the sender paces them and keeps each channel's order.
   */
  async resumeUnfinished(): Promise<void> {
    await this.resumeWhere((row) => !this.deps.replica || this.hasPlatform(row.channel));
  }

  /**
   * With replicas: takes over and finishes the deliveries of replicas whose heartbeat stopped (looking each
   * post up first when an attempt may have made it), within a lease time of the stop.
   */
  async takeOverStopped(): Promise<void> {
    const me = this.deps.replica?.id;
    await this.resumeWhere((row) => row.owner !== me && this.hasPlatform(row.channel));
  }

  private async resumeWhere(include: (row: Delivery) => boolean): Promise<void> {
    const rows = (await this.deps.deliveries.unfinished()).filter((row) => include(row) && !this.sending.has(row.key));
    await Promise.all(rows.map(async (row) => {
      try {
        const mine = await this.own(row);
        if (mine) await this.resume(mine);
      } catch (error) {
        this.deps.log.error({ jobKey: row.key, channel: row.channel, error: String(error) }, 'could not resume a post');
      }
    }));
  }

  /**
   * The delivery as this replica's to finish: its own, or taken over from no owner or a replica whose heartbeat
   * stopped; undefined while a live replica owns it (or another took it over first).
   */
  private async own(row: Delivery): Promise<Delivery | undefined> {
    const replica = this.deps.replica;
    if (!replica || row.owner === replica.id) return row;
    if (row.owner !== undefined && replica.isAlive(row.owner)) return undefined;
    const taken = await this.deps.deliveries.takeOver(row.key, row.owner, replica.id, this.deps.clock.now());
    if (taken) this.deps.log.info({ jobKey: row.key, channel: row.channel, from: row.owner ?? null, status: taken.status }, 'took over a post a stopped replica left unfinished');
    return taken;
  }

  private async resume(row: Delivery): Promise<EnsuredPost> {
    const { log } = this.deps;
    // Never attempted: nothing to look for. Otherwise an attempt may have made it, at the earliest when claimed.
    const mayExistSince = row.status === 'claimed' ? undefined : new Date(row.createdAt);
    log.info({ jobKey: row.key, channel: row.channel, status: row.status, lookup: mayExistSince !== undefined }, 'resuming an unfinished post');
    const thread = row.thread === undefined ? undefined : (decodeRef(row.thread) as ThreadRef);
    return this.send(row.key, row.channel, thread, JSON.parse(row.message) as OutgoingMessage, mayExistSince);
  }

  private async claim(request: DeliveryRequest): Promise<boolean> {
    return this.deps.deliveries.claim(
      {
        key: request.key,
        channel: request.channel,
        ...(request.thread ? { thread: encodeRef(request.thread) } : {}),
        kind: request.kind,
        paperIds: request.paperIds,
        message: JSON.stringify(request.message),
        ...(this.deps.replica ? { owner: this.deps.replica.id } : {}),
      },
      this.deps.clock.now(),
    );
  }

  private hasPlatform(channel: string): boolean {
    return this.deps.senderFor(decodeRef(channel).platform) !== undefined;
  }

  /** Records an attempt; with replicas only while this replica still owns the delivery (else the send is abandoned). */
  private async startAttempt(key: string): Promise<void> {
    const { deliveries, clock, replica } = this.deps;
    if (!replica) return deliveries.setStatus(key, 'sending', clock.now());
    if (!(await deliveries.startAttempt(key, replica.id, clock.now()))) throw new DeliveryTakenOver(key);
  }

  private async send(key: string, channel: string, thread: ThreadRef | undefined, message: OutgoingMessage, mayExistSince: Date | undefined): Promise<EnsuredPost> {
    const { deliveries, channels, clock, log } = this.deps;
    const ref = decodeRef(channel);
    const sender = this.deps.senderFor(ref.platform);
    if (!sender) {
      await deliveries.setStatus(key, 'retrying', clock.now(), `no ${ref.platform} adapter is running`);
      log.warn({ jobKey: key, channel }, 'no adapter for this platform is running; the post waits for the next start');
      return { status: 'no-platform' };
    }
    if (this.sending.has(key)) return { status: 'in-progress' };
    this.sending.add(key);
    try {
      const result = await sender.send(
        { key, channel: { platform: ref.platform, channelId: ref.channelId }, ...(thread ? { thread } : {}), message, ...(mayExistSince ? { mayExistSince } : {}) },
        {
          onAttempt: () => this.startAttempt(key),
          onRetry: (_attempt, error) => deliveries.setStatus(key, 'retrying', clock.now(), String(error)),
        },
      );
      if (result.status === 'channel-gone') {
        await deliveries.setStatus(key, 'skipped', clock.now(), result.reason);
        await channels.disable(channel, result.reason, clock.now());
        log.warn({ jobKey: key, channel, reason: result.reason }, 'channel is gone or removed the bot; disabled it');
        return result;
      }
      await deliveries.markSent(key, result.posted.messageId, clock.now());
      return result;
    } catch (error) {
      if (!(error instanceof DeliveryTakenOver)) throw error;
      log.warn({ jobKey: key, channel }, 'another replica took this post over (this one was thought stopped); not sending it');
      return { status: 'in-progress' };
    } finally {
      this.sending.delete(key);
    }
  }
}

/** The message a sent delivery made (for a reply, its channel is the thread's channel). */
function postedRef(delivery: Delivery): PostedRef {
  const { platform, channelId } = decodeRef(delivery.channel);
  return { platform, channelId, messageId: delivery.postedId ?? '' };
}
