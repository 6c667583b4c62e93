import type { Database } from 'better-sqlite3';
import type { Discussion, DiscussionStore } from '../discussion-store.port.ts';
import { discussionRow, toDiscussion, type DiscussionRow } from '../rows.ts';

/**
 * Discussion threads in `discussions`, one per (channel, paper) and one per thread. `open` inserts with
 * `ON CONFLICT (channel, paper_id) DO NOTHING` and reads the winner back in one immediate transaction; a
 * thread already used by another (channel, paper) is a UNIQUE violation and throws. `recordReply` on a
 * thread that is not a discussion does nothing; `lastActivityAt` never moves backwards.
 */
export class SqliteDiscussionStore implements DiscussionStore {
  private readonly insert;
  private readonly selectOne;
  private readonly selectThread;
  private readonly reply;
  private readonly selectChannel;
  private readonly openTx;
  private readonly updateThread;
  private readonly deleteOne;

  constructor(db: Database) {
    this.insert = db.prepare<DiscussionRow>(`
      INSERT INTO discussions (channel, paper_id, thread, opened_by, created_at, reply_count, last_activity_at)
      VALUES (@channel, @paper_id, @thread, @opened_by, @created_at, @reply_count, @last_activity_at)
      ON CONFLICT (channel, paper_id) DO NOTHING`);
    this.selectOne = db.prepare<[string, string], DiscussionRow>('SELECT * FROM discussions WHERE channel = ? AND paper_id = ?');
    this.selectThread = db.prepare<[string], DiscussionRow>('SELECT * FROM discussions WHERE thread = ?');
    this.reply = db.prepare<[string, string]>(`
      UPDATE discussions SET reply_count = reply_count + 1, last_activity_at = max(last_activity_at, ?)
      WHERE thread = ?`);
    this.selectChannel = db.prepare<[string], DiscussionRow>(
      'SELECT * FROM discussions WHERE channel = ? ORDER BY last_activity_at DESC, rowid DESC',
    );
    this.updateThread = db.prepare<[string, string, string]>('UPDATE discussions SET thread = ? WHERE channel = ? AND paper_id = ?');
    this.deleteOne = db.prepare<[string, string]>('DELETE FROM discussions WHERE channel = ? AND paper_id = ?');
    this.openTx = db.transaction((row: DiscussionRow): { discussion: Discussion; created: boolean } => {
      if (this.insert.run(row).changes > 0) return { discussion: toDiscussion(row), created: true };
      return { discussion: toDiscussion(this.selectOne.get(row.channel, row.paper_id)!), created: false };
    });
  }

  async open(discussion: Discussion): Promise<{ discussion: Discussion; created: boolean }> {
    return this.openTx.immediate(discussionRow(discussion));
  }

  async get(channel: string, paperId: string): Promise<Discussion | undefined> {
    const row = this.selectOne.get(channel, paperId);
    return row && toDiscussion(row);
  }

  async setThread(channel: string, paperId: string, thread: string): Promise<void> {
    this.updateThread.run(thread, channel, paperId);
  }

  async remove(channel: string, paperId: string): Promise<void> {
    this.deleteOne.run(channel, paperId);
  }

  async byThread(thread: string): Promise<Discussion | undefined> {
    const row = this.selectThread.get(thread);
    return row && toDiscussion(row);
  }

  async recordReply(thread: string, at: Date): Promise<void> {
    this.reply.run(at.toISOString(), thread);
  }

  async list(channel: string): Promise<Discussion[]> {
    return this.selectChannel.all(channel).map(toDiscussion);
  }
}
