import type { Pool } from 'pg';
import type { FullTextRecord, FullTextStore } from '../full-text-store.port.ts';
import { fullTextRow, toFullTextRecord, type FullTextRow } from '../rows.ts';

/**
 * Full texts in `full_texts`, the parsed text as JSON, as in the SQLite store: a row whose JSON no longer
 * validates reads as absent, so the paper is fetched again rather than misread.
 */
export class PostgresFullTextStore implements FullTextStore {
  constructor(private readonly pool: Pool) {}

  async get(paperId: string): Promise<FullTextRecord | undefined> {
    const { rows } = await this.pool.query<FullTextRow>('SELECT paper_id, url, fetched_at, status, text FROM full_texts WHERE paper_id = $1', [
      paperId,
    ]);
    return rows[0] && toFullTextRecord(rows[0]);
  }

  async put(record: FullTextRecord): Promise<void> {
    const row = fullTextRow(record);
    await this.pool.query(
      `INSERT INTO full_texts (paper_id, url, fetched_at, status, text) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (paper_id) DO UPDATE SET url = excluded.url, fetched_at = excluded.fetched_at, status = excluded.status, text = excluded.text`,
      [row.paper_id, row.url, row.fetched_at, row.status, row.text],
    );
  }
}
