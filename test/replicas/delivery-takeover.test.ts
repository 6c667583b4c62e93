/*
 * Replicas sharing one database (the memory store stands for it; the contract suite checks the same
 * statements on SQLite and PostgreSQL): a replica that dies mid-send leaves its posts to another, which
 * takes them over once the dead one's heartbeat is older than the lease, looks up what may have been made,
 * and posts each exactly once. A replica that was only frozen, not dead, finds its post taken and does not send it.
 */
import { describe, expect, it } from 'vitest';
import { textMessage } from '../../src/chat/message.ts';
import type { ChatPlatform } from '../../src/chat/platform.port.ts';
import { ManualClock } from '../../src/clock.ts';
import { DeliveryService, type ChannelSender } from '../../src/delivery/delivery-service.ts';
import { PacedSender, type SendHooks, type SendJob, type SendResult } from '../../src/delivery/paced-sender.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { ReplicaPresence } from '../../src/replicas/replica-presence.ts';
import { createMemoryStores } from '../../src/store/memory/memory-store.ts';
import type { Stores } from '../../src/store/store.ts';
import { FakePlatform } from '../fakes/fake-platform.ts';

const LEASE_MS = 30_000;

function replica(id: string, stores: Stores, clock: ManualClock, senderFor: (platform: string) => ChannelSender | undefined) {
  const log = new MemoryLogger();
  let delivery: DeliveryService | undefined;
  const presence = new ReplicaPresence({
    id, leaseMs: LEASE_MS, clock, log, heartbeats: stores.heartbeats, leases: stores.leases,
    afterBeat: () => delivery!.takeOverStopped(),
  });
  delivery = new DeliveryService({ clock, log, deliveries: stores.deliveries, channels: stores.channels, senderFor, replica: presence });
  return { presence, delivery, log };
}

const request = (channelId: string) => ({
  key: `daily:test:${channelId}:2025-01-24`, channel: `test:${channelId}`, kind: 'daily' as const, paperIds: [], message: textMessage(`daily post for ${channelId}`),
});

/** A sender that holds each job until `release`, then attempts and posts it on `platform` (a process frozen mid-fan-out). */
class FrozenSender implements ChannelSender {
  private readonly held: (() => void)[] = [];
  constructor(private readonly platform: ChatPlatform) {}
  send(job: SendJob, hooks: SendHooks = {}): Promise<SendResult> {
    return new Promise<void>((resolve) => this.held.push(resolve)).then(async () => {
      await hooks.onAttempt?.(1);
      return { status: 'sent', posted: await this.platform.post(job.channel, job.message, { idempotencyKey: job.key }) };
    });
  }
  release(): void {
    for (const resolve of this.held.splice(0)) resolve();
  }
}

describe('replicas: deliveries of a stopped replica', () => {
  it('are taken over after the lease, looked up when an attempt may have made them, and posted once each', async () => {
    const clock = new ManualClock();
    const stores = createMemoryStores();
    const slack = new FakePlatform(clock);
    // Replica a "dies" mid-send: C1's call hangs without effect, C2's call made the post but never answered.
    const dying: ChatPlatform = {
      name: 'test',
      capabilities: slack.capabilities,
      post: async (channel, message, options) => {
        if (channel.channelId === 'C2') await slack.post(channel, message, options);
        return new Promise(() => undefined);
      },
      reply: () => new Promise(() => undefined),
      update: async () => undefined,
      startThread: () => new Promise(() => undefined),
    };
    const aSender = new PacedSender({ platform: dying, clock, logger: new MemoryLogger() });
    const a = replica('replica-a', stores, clock, () => aSender);
    const bSender = new PacedSender({ platform: slack, clock, logger: new MemoryLogger() });
    const b = replica('replica-b', stores, clock, () => bSender);
    await a.presence.beat();
    await b.presence.beat();

    void a.delivery.deliver(request('C1'));
    void a.delivery.deliver(request('C2'));
    // C3 was claimed by a, which died before attempting it.
    await stores.deliveries.claim({ ...request('C3'), message: JSON.stringify(request('C3').message), owner: 'replica-a' }, clock.now());
    await expect.poll(async () => (await stores.deliveries.unfinished()).map((d) => [d.key.split(':')[2], d.status]).sort()).toEqual([
      ['C1', 'sending'], ['C2', 'sending'], ['C3', 'claimed'],
    ]);
    expect(slack.posts.map((p) => p.channelId)).toEqual(['C2']);

    // While a's heartbeat is recent, b leaves its posts alone.
    await b.delivery.takeOverStopped();
    expect(slack.posts).toHaveLength(1);

    clock.advance(LEASE_MS + 1);
    await b.presence.beat(); // a is no longer alive: b takes over in the background
    await b.presence.stop();
    expect(b.presence.isAlive('replica-a')).toBe(false);
    expect(slack.posts.map((p) => p.channelId).sort()).toEqual(['C1', 'C2', 'C3']);
    for (const channel of ['C1', 'C2', 'C3']) {
      expect(await stores.deliveries.get(request(channel).key)).toMatchObject({ status: 'sent', owner: 'replica-b' });
    }
    expect(b.log.records.filter((r) => r.message === 'took over a post a stopped replica left unfinished')).toHaveLength(3);
  });

  it('a frozen replica that comes back finds its post taken over and does not send it', async () => {
    const clock = new ManualClock();
    const stores = createMemoryStores();
    const slack = new FakePlatform(clock);
    const frozen = new FrozenSender(slack);
    const a = replica('replica-a', stores, clock, () => frozen);
    const b = replica('replica-b', stores, clock, () => new PacedSender({ platform: slack, clock, logger: new MemoryLogger() }));
    await a.presence.beat();
    const aOutcome = a.delivery.deliver(request('C1'));
    await expect.poll(() => stores.deliveries.get(request('C1').key)).toMatchObject({ status: 'claimed', owner: 'replica-a' });

    clock.advance(LEASE_MS + 1);
    await b.presence.beat();
    await b.presence.stop();
    expect(slack.postsTo('C1')).toHaveLength(1);

    frozen.release();
    expect(await aOutcome).toBe('duplicate');
    expect(slack.postsTo('C1')).toHaveLength(1);
    expect(a.log.records.some((r) => r.message.startsWith('another replica took this post over'))).toBe(true);
  });

  it('a replica without the post’s platform leaves it to one that has it', async () => {
    const clock = new ManualClock();
    const stores = createMemoryStores();
    const slack = new FakePlatform(clock);
    const withoutPlatform = replica('replica-a', stores, clock, () => undefined);
    const withPlatform = replica('replica-b', stores, clock, () => new PacedSender({ platform: slack, clock, logger: new MemoryLogger() }));
    expect(await withoutPlatform.delivery.deliver(request('C1'))).toBe('no-platform');
    expect(await withPlatform.delivery.deliver(request('C1'))).toBe('sent');
    expect(slack.postsTo('C1')).toHaveLength(1);
  });
});
