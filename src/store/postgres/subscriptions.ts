import type { Pool } from 'pg';
import type { NewSubscription, Subscription, SubscriptionStore } from '../subscription-store.port.ts';
import { toSubscription, type SubscriptionRow } from '../rows.ts';
import { topicKey } from '../topic-key.ts';

/** The largest id an `integer` identity column hands out. */
const MAX_ID = 2_147_483_647;

/**
 * Subscriptions in `subscriptions`, unique per (channel, {@link topicKey}). `add` inserts with
 * `ON CONFLICT DO NOTHING`; when another writer got there first it reads the winner in a second statement
 * (which, unlike the first, sees rows committed after it began), and tries again should that row be gone
 * meanwhile. Ids come from an identity column and are never reused.
 */
export class PostgresSubscriptionStore implements SubscriptionStore {
  constructor(private readonly pool: Pool) {}

  /** Adds a subscription; throws a RangeError when the topic is blank. */
  async add(subscription: NewSubscription): Promise<{ subscription: Subscription; created: boolean }> {
    const key = topicKey(subscription.topic);
    if (key === '') throw new RangeError('A subscription needs a topic');
    for (;;) {
      const inserted = await this.pool.query<SubscriptionRow>(
        `INSERT INTO subscriptions (channel, topic, topic_key, min_upvotes, mention_kind, mention_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (channel, topic_key) DO NOTHING
         RETURNING *`,
        [
          subscription.channel,
          subscription.topic.trim(),
          key,
          subscription.minUpvotes ?? null,
          subscription.mention?.kind ?? null,
          subscription.mention?.id ?? null,
          subscription.createdBy,
          subscription.createdAt,
        ],
      );
      if (inserted.rows[0]) return { subscription: toSubscription(inserted.rows[0]), created: true };
      const existing = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE channel = $1 AND topic_key = $2', [
        subscription.channel,
        key,
      ]);
      if (existing.rows[0]) return { subscription: toSubscription(existing.rows[0]), created: false };
    }
  }

  async remove(channel: string, idOrTopic: number | string): Promise<Subscription | undefined> {
    if (typeof idOrTopic === 'number' && !(Number.isInteger(idOrTopic) && idOrTopic >= 1 && idOrTopic <= MAX_ID)) return undefined;
    const { rows } =
      typeof idOrTopic === 'number'
        ? await this.pool.query<SubscriptionRow>('DELETE FROM subscriptions WHERE channel = $1 AND id = $2 RETURNING *', [channel, idOrTopic])
        : await this.pool.query<SubscriptionRow>('DELETE FROM subscriptions WHERE channel = $1 AND topic_key = $2 RETURNING *', [
            channel,
            topicKey(idOrTopic),
          ]);
    return rows[0] && toSubscription(rows[0]);
  }

  async list(channel: string): Promise<Subscription[]> {
    const { rows } = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE channel = $1 ORDER BY id', [channel]);
    return rows.map(toSubscription);
  }

  async all(): Promise<Subscription[]> {
    const { rows } = await this.pool.query<SubscriptionRow>('SELECT * FROM subscriptions ORDER BY id');
    return rows.map(toSubscription);
  }
}
