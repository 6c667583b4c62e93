import type { Pool } from 'pg';
import type { SavedPaper, SavedPaperStore } from '../saved-paper-store.port.ts';

interface Row {
  channel: string;
  paper_id: string;
  saved_by: string;
  saved_at: Date;
}

const toSaved = (row: Row): SavedPaper => ({
  channel: row.channel,
  paperId: row.paper_id,
  savedBy: row.saved_by,
  savedAt: row.saved_at.toISOString(),
});

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
    const { rows } = await this.pool.query<Row>('SELECT * FROM saved_papers WHERE channel = $1 ORDER BY saved_at, seq', [channel]);
    return rows.map(toSaved);
  }
}
