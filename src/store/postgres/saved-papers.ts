import type { Pool } from 'pg';
import { toSavedPaper, type SavedPaperRow } from '../rows.ts';
import type { SavedPaper, SavedPaperStore } from '../saved-paper-store.port.ts';

/** Reading lists in `saved_papers`, one row per (channel, paper): a second save is a no-op returning false. */
export class PostgresSavedPaperStore implements SavedPaperStore {
  constructor(private readonly pool: Pool) {}

  async save(entry: SavedPaper): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO saved_papers (channel, paper_id, saved_by, saved_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [entry.channel, entry.paperId, entry.savedBy, entry.savedAt],
    );
    return result.rowCount === 1;
  }

  async remove(channel: string, paperId: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM saved_papers WHERE channel = $1 AND paper_id = $2', [channel, paperId]);
    return result.rowCount === 1;
  }

  async list(channel: string): Promise<SavedPaper[]> {
    const { rows } = await this.pool.query<SavedPaperRow>('SELECT * FROM saved_papers WHERE channel = $1 ORDER BY saved_at, seq', [channel]);
    return rows.map(toSavedPaper);
  }
}
