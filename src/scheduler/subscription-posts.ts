import type { Clock } from '../clock.ts';
import type { Paper } from '../corpus/paper.ts';
import type { PaperSearch } from '../index/paper-search.ts';
import type { Logger } from '../logger.ts';
import type { DeliveryStore } from '../store/delivery-store.port.ts';
import type { SubscriptionStore } from '../store/subscription-store.port.ts';
import type { DeliveryService } from './delivery.ts';
import type { PostPresenter } from './post-content.ts';

/** The most papers in one subscription post; the rest are counted and linked to a search. */
export const SUBSCRIPTION_POST_CAP = 5;

/** The widest search a subscription runs to find which new papers match it. */
const MATCH_SEARCH_LIMIT = 5000;

/**
 * After each refresh: every subscription's topic runs against the papers the refresh brought in;
 * matches the channel has not been shown are posted there in one batched, capped message per refresh.
 */
export class SubscriptionPosts {
  constructor(
    private readonly deps: {
      clock: Clock;
      log: Logger;
      search: PaperSearch;
      subscriptions: SubscriptionStore;
      deliveries: DeliveryStore;
      delivery: DeliveryService;
      present: PostPresenter;
    },
  ) {}

  /** Posts the new papers matching each subscription. `refreshId` makes the posts of one refresh exactly once. */
  async notify(newPapers: readonly Paper[], refreshId: string): Promise<number> {
    if (newPapers.length === 0) return 0;
    const fresh = new Map(newPapers.map((paper) => [paper.id, paper]));
    let posted = 0;
    for (const subscription of await this.deps.subscriptions.all()) {
      const matches = this.deps.search
        .search({
          text: subscription.topic,
          ...(subscription.minUpvotes !== undefined ? { minUpvotes: subscription.minUpvotes } : {}),
          limit: MATCH_SEARCH_LIMIT,
        })
        .papers.map((hit) => hit.paper)
        .filter((paper) => fresh.has(paper.id));
      if (matches.length === 0) continue;
      const shown = await this.deps.deliveries.alreadyShown(subscription.channel, matches.map((paper) => paper.id));
      const unseen = matches.filter((paper) => !shown.has(paper.id));
      if (unseen.length === 0) continue;
      const papers = unseen.slice(0, SUBSCRIPTION_POST_CAP);
      const outcome = await this.deps.delivery.deliver({
        key: `subscription:${subscription.channel}:${subscription.id}:${refreshId}`,
        channel: subscription.channel,
        kind: 'subscription',
        // Only the papers in the post count as shown; the rest are counted in it, with a search to see them.
        paperIds: papers.map((paper) => paper.id),
        message: this.deps.present({ kind: 'subscription', subscription, papers, more: unseen.length - papers.length }),
      });
      if (outcome === 'sent') posted++;
      this.deps.log.info({ channel: subscription.channel, subscription: subscription.id, papers: papers.length, outcome }, 'subscription post');
    }
    return posted;
  }
}
