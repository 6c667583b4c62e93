import type { Database } from 'better-sqlite3';
import { toSavedPaper, type SavedPaperRow } from '../rows.ts';
import type { SavedPaper, SavedPaperStore } from '../saved-paper-store.port.ts';

/** Reading lists in `saved_papers`, one row per (channel, paper): a second save is a no-op returning false. */
export class SqliteSavedPaperStore implements SavedPaperStore {
  private readonly insert;
  private readonly delete;
  private readonly selectChannel;

  constructor(db: Database) {
    this.insert = db.prepare<[string, string, string, string]>(
      'INSERT INTO saved_papers (channel, paper_id, saved_by, saved_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.delete = db.prepare<[string, string]>('DELETE FROM saved_papers WHERE channel = ? AND paper_id = ?');
    this.selectChannel = db.prepare<[string], SavedPaperRow>(
      'SELECT * FROM saved_papers WHERE channel = ? ORDER BY saved_at, rowid',
    );
  }

  async save(entry: SavedPaper): Promise<boolean> {
    return this.insert.run(entry.channel, entry.paperId, entry.savedBy, entry.savedAt).changes > 0;
  }

  async remove(channel: string, paperId: string): Promise<boolean> {
    return this.delete.run(channel, paperId).changes > 0;
  }

  async list(channel: string): Promise<SavedPaper[]> {
    return this.selectChannel.all(channel).map(toSavedPaper);
  }
}
