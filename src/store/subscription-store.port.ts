import type { MentionTarget } from '../chat/message.ts';

/** Who a subscription's posts mention (opt-in, chosen by the channel). */
export type Mention = MentionTarget;

/** A channel's subscription to a topic: new papers matching `topic` are posted there. */
export interface Subscription {
  id: number;
  channel: string;
  topic: string;
  minUpvotes?: number;
  mention?: Mention;
  createdBy: string;
  createdAt: string;
}

/** What a new subscription needs. */
export type NewSubscription = Omit<Subscription, 'id'>;

/** Topic subscriptions, kept in the database. */
export interface SubscriptionStore {
  /** Adds one; a channel subscribing to the same topic again gets the existing one back. */
  add(subscription: NewSubscription): Promise<{ subscription: Subscription; created: boolean }>;
  /** Removes a channel's subscription by id or by topic (case-insensitive); returns it if there was one. */
  remove(channel: string, idOrTopic: number | string): Promise<Subscription | undefined>;
  list(channel: string): Promise<Subscription[]>;
  all(): Promise<Subscription[]>;
}
