import type { Clock } from '../clock.ts';
import type { OutgoingMessage } from '../chat/message.ts';
import type { PostedRef, ThreadRef } from '../chat/refs.ts';
import { decodeRef } from '../chat/refs.ts';
import type { Logger } from '../logger.ts';
import type { ChannelSettingsStore } from '../store/channel-settings.port.ts';
import type { DeliveryKind, DeliveryStore } from '../store/delivery-store.port.ts';

/** What a platform's sender does with one message (see `src/delivery/paced-sender.ts`). */
export interface ChannelSender {
  send(
    job: { key: string; channel: ReturnType<typeof decodeRef>; thread?: ThreadRef; message: OutgoingMessage },
    hooks?: {
      onAttempt?(attempt: number): Promise<void> | void;
      onRetry?(attempt: number, error: unknown, waitMs: number): Promise<void> | void;
    },
  ): Promise<{ status: 'sent'; posted: PostedRef } | { status: 'channel-gone'; reason: string }>;
}

/** One post to make, exactly once. */
export interface DeliveryRequest {
  key: string;
  /** Encoded channel ref. */
  channel: string;
  kind: DeliveryKind;
  paperIds: string[];
  message: OutgoingMessage;
}

/** What became of a delivery request. */
export type DeliveryOutcome = 'sent' | 'duplicate' | 'channel-gone' | 'disabled' | 'no-platform';

/**
 * Exactly-once posting: a delivery is claimed under its key in the database before it is sent and marked
 * after, so a restart, a second process or a retry never posts it twice; a 429 or 5xx delays it (the
 * sender retries) but never drops it; a channel that is gone is disabled, with a log line.
 */
export class DeliveryService {
  constructor(
    private readonly deps: {
      clock: Clock;
      log: Logger;
      deliveries: DeliveryStore;
      channels: ChannelSettingsStore;
      senderFor: (platform: string) => ChannelSender | undefined;
    },
  ) {}

  /** Claims and sends one delivery. */
  async deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
    const { deliveries, channels, clock } = this.deps;
    const settings = await channels.get(request.channel);
    if (settings?.disabled) return 'disabled';
    const claimed = await deliveries.claim(
      { key: request.key, channel: request.channel, kind: request.kind, paperIds: request.paperIds, message: JSON.stringify(request.message) },
      clock.now(),
    );
    if (!claimed) return 'duplicate';
    return this.send(request.key, request.channel, request.message);
  }

  /**
   * After a restart: resends what was claimed or failed before (safe: it never reached the channel),
   * and marks `unknown` what was mid-send when the process died (resending could post it twice).
   */
  async resumeUnfinished(): Promise<void> {
    const { deliveries, clock, log } = this.deps;
    for (const delivery of await deliveries.unfinished()) {
      if (delivery.status === 'sending') {
        await deliveries.setStatus(delivery.key, 'unknown', clock.now(), 'the process stopped while sending');
        log.warn({ jobKey: delivery.key, channel: delivery.channel }, 'a post was being sent when the bot stopped; not resent, to avoid posting twice');
        continue;
      }
      log.info({ jobKey: delivery.key, channel: delivery.channel, status: delivery.status }, 'resuming an unsent post');
      await this.send(delivery.key, delivery.channel, JSON.parse(delivery.message) as OutgoingMessage);
    }
  }

  private async send(key: string, channel: string, message: OutgoingMessage): Promise<DeliveryOutcome> {
    const { deliveries, channels, clock, log } = this.deps;
    const ref = decodeRef(channel);
    const sender = this.deps.senderFor(ref.platform);
    if (!sender) {
      await deliveries.setStatus(key, 'retrying', clock.now(), `no ${ref.platform} adapter is running`);
      log.warn({ jobKey: key, channel }, 'no adapter for this platform is running; the post waits for the next start');
      return 'no-platform';
    }
    const result = await sender.send(
      { key, channel: ref, message },
      {
        onAttempt: () => deliveries.setStatus(key, 'sending', clock.now()),
        onRetry: (_attempt, error) => deliveries.setStatus(key, 'retrying', clock.now(), String(error)),
      },
    );
    if (result.status === 'channel-gone') {
      await deliveries.setStatus(key, 'skipped', clock.now(), result.reason);
      await channels.disable(channel, result.reason, clock.now());
      log.warn({ jobKey: key, channel, reason: result.reason }, 'channel is gone or removed the bot; disabled it');
      return 'channel-gone';
    }
    await deliveries.setStatus(key, 'sent', clock.now());
    return 'sent';
  }
}
