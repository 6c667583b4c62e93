import type { Database } from 'better-sqlite3';
import type { NewSubscription, Subscription, SubscriptionStore } from '../subscription-store.port.ts';
import { toSubscription, type SubscriptionRow } from '../rows.ts';
import { topicKey } from '../topic-key.ts';

interface InsertParams {
  channel: string;
  topic: string;
  key: string;
  minUpvotes: number | null;
  mentionKind: string | null;
  mentionId: string | null;
  createdBy: string;
  createdAt: string;
}

/**
 * Subscriptions in the `subscriptions` table, unique per (channel, {@link topicKey}). `add` inserts with
 * `ON CONFLICT DO NOTHING` and reads the winner back in the same immediate transaction, so two processes
 * adding the same topic get one row. Ids come from AUTOINCREMENT and are never reused.
 */
export class SqliteSubscriptionStore implements SubscriptionStore {
  private readonly insert;
  private readonly selectByKey;
  private readonly deleteById;
  private readonly deleteByKey;
  private readonly selectChannel;
  private readonly selectAll;
  private readonly addTx;

  constructor(db: Database) {
    this.insert = db.prepare<InsertParams, SubscriptionRow>(`
      INSERT INTO subscriptions (channel, topic, topic_key, min_upvotes, mention_kind, mention_id, created_by, created_at)
      VALUES (@channel, @topic, @key, @minUpvotes, @mentionKind, @mentionId, @createdBy, @createdAt)
      ON CONFLICT (channel, topic_key) DO NOTHING
      RETURNING *`);
    this.selectByKey = db.prepare<[string, string], SubscriptionRow>('SELECT * FROM subscriptions WHERE channel = ? AND topic_key = ?');
    this.deleteById = db.prepare<[string, number], SubscriptionRow>('DELETE FROM subscriptions WHERE channel = ? AND id = ? RETURNING *');
    this.deleteByKey = db.prepare<[string, string], SubscriptionRow>(
      'DELETE FROM subscriptions WHERE channel = ? AND topic_key = ? RETURNING *',
    );
    this.selectChannel = db.prepare<[string], SubscriptionRow>('SELECT * FROM subscriptions WHERE channel = ? ORDER BY id');
    this.selectAll = db.prepare<[], SubscriptionRow>('SELECT * FROM subscriptions ORDER BY id');
    this.addTx = db.transaction((params: InsertParams): { subscription: Subscription; created: boolean } => {
      const inserted = this.insert.get(params);
      if (inserted) return { subscription: toSubscription(inserted), created: true };
      return { subscription: toSubscription(this.selectByKey.get(params.channel, params.key)!), created: false };
    });
  }

  /** Adds a subscription; throws a RangeError when the topic is blank. */
  async add(subscription: NewSubscription): Promise<{ subscription: Subscription; created: boolean }> {
    const key = topicKey(subscription.topic);
    if (key === '') throw new RangeError('A subscription needs a topic');
    return this.addTx.immediate({
      channel: subscription.channel,
      topic: subscription.topic.trim(),
      key,
      minUpvotes: subscription.minUpvotes ?? null,
      mentionKind: subscription.mention?.kind ?? null,
      mentionId: subscription.mention?.id ?? null,
      createdBy: subscription.createdBy,
      createdAt: subscription.createdAt,
    });
  }

  async remove(channel: string, idOrTopic: number | string): Promise<Subscription | undefined> {
    const row =
      typeof idOrTopic === 'number'
        ? this.deleteById.get(channel, idOrTopic)
        : this.deleteByKey.get(channel, topicKey(idOrTopic));
    return row && toSubscription(row);
  }

  async list(channel: string): Promise<Subscription[]> {
    return this.selectChannel.all(channel).map(toSubscription);
  }

  async all(): Promise<Subscription[]> {
    return this.selectAll.all().map(toSubscription);
  }
}
