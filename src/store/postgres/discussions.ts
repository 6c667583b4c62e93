import type { Pool } from 'pg';
import type { Discussion, DiscussionStore } from '../discussion-store.port.ts';
import { discussionRow, toDiscussion, type DiscussionRow } from '../rows.ts';

/**
 * Discussion threads in `discussions`, one per (channel, paper) and one per thread. `open` inserts with
 * `ON CONFLICT (channel, paper_id) DO NOTHING` and otherwise reads the winner (trying again should it be
 * removed meanwhile); a thread already used by another (channel, paper) violates UNIQUE and throws.
 * `recordReply` on a thread that is not a discussion does nothing; `lastActivityAt` never moves backwards.
 */
export class PostgresDiscussionStore implements DiscussionStore {
  constructor(private readonly pool: Pool) {}

  async open(discussion: Discussion): Promise<{ discussion: Discussion; created: boolean }> {
    const row = discussionRow(discussion);
    for (;;) {
      const inserted = await this.pool.query<DiscussionRow>(
        `INSERT INTO discussions (channel, paper_id, thread, opened_by, created_at, reply_count, last_activity_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (channel, paper_id) DO NOTHING
         RETURNING *`,
        [row.channel, row.paper_id, row.thread, row.opened_by, row.created_at, row.reply_count, row.last_activity_at],
      );
      if (inserted.rows[0]) return { discussion: toDiscussion(inserted.rows[0]), created: true };
      const existing = await this.get(discussion.channel, discussion.paperId);
      if (existing) return { discussion: existing, created: false };
    }
  }

  async get(channel: string, paperId: string): Promise<Discussion | undefined> {
    const { rows } = await this.pool.query<DiscussionRow>('SELECT * FROM discussions WHERE channel = $1 AND paper_id = $2', [channel, paperId]);
    return rows[0] && toDiscussion(rows[0]);
  }

  async setThread(channel: string, paperId: string, thread: string): Promise<void> {
    await this.pool.query('UPDATE discussions SET thread = $3 WHERE channel = $1 AND paper_id = $2', [channel, paperId, thread]);
  }

  async remove(channel: string, paperId: string): Promise<void> {
    await this.pool.query('DELETE FROM discussions WHERE channel = $1 AND paper_id = $2', [channel, paperId]);
  }

  async byThread(thread: string): Promise<Discussion | undefined> {
    const { rows } = await this.pool.query<DiscussionRow>('SELECT * FROM discussions WHERE thread = $1', [thread]);
    return rows[0] && toDiscussion(rows[0]);
  }

  async recordReply(thread: string, at: Date): Promise<void> {
    await this.pool.query(
      'UPDATE discussions SET reply_count = reply_count + 1, last_activity_at = GREATEST(last_activity_at, $2) WHERE thread = $1',
      [thread, at],
    );
  }

  async list(channel: string): Promise<Discussion[]> {
    const { rows } = await this.pool.query<DiscussionRow>(
      'SELECT * FROM discussions WHERE channel = $1 ORDER BY last_activity_at DESC, seq DESC',
      [channel],
    );
    return rows.map(toDiscussion);
  }
}
