import type { Clock } from '../clock.ts';
import type { Papers } from '../library/papers.ts';
import type { Logger } from '../logger.ts';
import { SUBSCRIPTION_CURSOR, type PaperStore } from '../store/paper-store.port.ts';
import type { DeliveryStore } from '../store/delivery-store.port.ts';
import type { Subscription, SubscriptionStore } from '../store/subscription-store.port.ts';
import type { DeliveryOutcome, DeliveryService } from '../delivery/delivery-service.ts';
import type { PostPresenter } from './post-content.ts';
import type { LeaseStore } from '../store/lease-store.port.ts';
import type { ReplicaView } from '../replicas/replica-presence.ts';
import { nextTurn } from '../util/steps.ts';

/** The lease a replica holds while it matches new papers to subscriptions. */
export const SUBSCRIPTION_LEASE = 'subscription matching';
/** How long it lasts: longer than matching and posting normally take; a holder that dies delays matching this long. */
export const SUBSCRIPTION_LEASE_MS = 5 * 60_000;

/** The most papers in one subscription post; the rest are counted and linked to a search. */
export const SUBSCRIPTION_POST_CAP = 5;

/**
 * Whenever new papers reach the index (a source refresh, an import, another process): every subscription's
 * topic runs against the papers that entered the corpus since the last match; matches the channel has not
 * been shown are posted there in one batched, capped message. How far matching has got is a cursor in the
 * database, moved only after the posts are claimed, so a crash in between matches the same range again
 * (and the delivery keys and shown papers keep every post single).
 */
export class SubscriptionPosts {
  constructor(
    private readonly deps: {
      clock: Clock;
      log: Logger;
      papers: Papers;
      /** The library's position in the change feed: papers up to it are searchable. */
      indexedUpTo: () => number;
      paperStore: PaperStore;
      subscriptions: SubscriptionStore;
      deliveries: DeliveryStore;
      delivery: DeliveryService;
      present: PostPresenter;
      /**
       * With replicas: one at a time matches, under the lease `subscription matching` (replicas whose indexes
       * stand at different places in the change feed would otherwise post overlapping ranges twice); the others
       * skip, and the papers the holder did not reach are matched at the next sync.
       */
      replicas?: { leases: LeaseStore; replica: ReplicaView };
    },
  ) {}

  /** Posts the papers new since the last match that match each subscription; returns how many posts were made. */
  async matchNew(): Promise<number> {
    const shared = this.deps.replicas;
    if (!shared) return this.matchNewHere();
    const { leases, replica } = shared;
    if (!(await leases.acquire(SUBSCRIPTION_LEASE, replica.id, SUBSCRIPTION_LEASE_MS, this.deps.clock.now()))) return 0;
    try {
      return await this.matchNewHere();
    } finally {
      await leases.release(SUBSCRIPTION_LEASE, replica.id).catch(() => undefined);
    }
  }

  private async matchNewHere(): Promise<number> {
    const { paperStore, log } = this.deps;
    const upTo = this.deps.indexedUpTo();
    const from = await paperStore.cursor(SUBSCRIPTION_CURSOR);
    if (from === undefined) {
      // The first start: the papers already there are not news.
      await paperStore.moveCursor(SUBSCRIPTION_CURSOR, undefined, upTo);
      return 0;
    }
    if (upTo <= from) return 0;
    const fresh = await paperStore.addedBetween(from, upTo);
    let posted = 0;
    if (fresh.length > 0) posted = await this.post(fresh, `${from}-${upTo}`);
    if (!(await paperStore.moveCursor(SUBSCRIPTION_CURSOR, from, upTo))) {
      log.info({ from, upTo }, 'another process matched these papers to subscriptions already');
    }
    return posted;
  }

  /**
   * Channels at once (the sender paces them, and one channel's trouble holds up only that channel); within a
   * channel one subscription after another, so a paper two of them match is posted there once.
   */
  private async post(fresh: readonly string[], range: string): Promise<number> {
    const byChannel = new Map<string, Subscription[]>();
    for (const subscription of await this.deps.subscriptions.all()) {
      const ofChannel = byChannel.get(subscription.channel);
      if (ofChannel) ofChannel.push(subscription);
      else byChannel.set(subscription.channel, [subscription]);
    }
    const outcomes: (DeliveryOutcome | undefined)[] = [];
    await Promise.all([...byChannel.values()].map(async (subscriptions) => {
      for (const subscription of subscriptions) outcomes.push(await this.postMatches(subscription, fresh, range));
    }));
    return outcomes.filter((outcome) => outcome === 'sent').length;
  }

  /** Posts the papers of `fresh` that match the subscription and its channel has not been shown. */
  private async postMatches(subscription: Subscription, fresh: readonly string[], range: string): Promise<DeliveryOutcome | undefined> {
    // Each match is a search of the whole index (10–30 ms at 100k papers): one per turn of the event loop.
    await nextTurn();
    const matching = this.deps.papers.matchAmong(subscription.topic, fresh, {
      ...(subscription.minUpvotes !== undefined ? { minUpvotes: subscription.minUpvotes } : {}),
    });
    if (matching.length === 0) return undefined;
    const shown = await this.deps.deliveries.alreadyShown(subscription.channel, matching);
    const unseen = matching.filter((id) => !shown.has(id));
    if (unseen.length === 0) return undefined;
    const papers = await this.deps.papers.getMany(unseen.slice(0, SUBSCRIPTION_POST_CAP));
    const outcome = await this.deps.delivery.deliver({
      key: `subscription:${subscription.channel}:${subscription.id}:${range}`,
      channel: subscription.channel,
      kind: 'subscription',
      // Only the papers in the post count as shown; the rest are counted in it, with a search to see them.
      paperIds: papers.map((paper) => paper.id),
      message: this.deps.present({ kind: 'subscription', subscription, papers, more: unseen.length - papers.length }),
    });
    this.deps.log.info({ channel: subscription.channel, subscription: subscription.id, papers: papers.length, outcome }, 'subscription post');
    return outcome;
  }
}
