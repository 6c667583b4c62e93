import type { Database } from 'better-sqlite3';
import type { FullTextRecord, FullTextStore } from '../full-text-store.port.ts';
import { fullTextRow, toFullTextRecord, type FullTextRow } from '../rows.ts';

/**
 * Full texts in `full_texts`, the parsed text as JSON. A row whose JSON no longer validates (written by
 * another build, or damaged) reads as absent, so the paper is fetched again rather than misread.
 */
export class SqliteFullTextStore implements FullTextStore {
  private readonly selectOne;
  private readonly upsert;

  constructor(db: Database) {
    this.selectOne = db.prepare<[string], FullTextRow>('SELECT paper_id, url, fetched_at, status, text FROM full_texts WHERE paper_id = ?');
    this.upsert = db.prepare<FullTextRow>(`
      INSERT INTO full_texts (paper_id, url, fetched_at, status, text) VALUES (@paper_id, @url, @fetched_at, @status, @text)
      ON CONFLICT (paper_id) DO UPDATE SET url = excluded.url, fetched_at = excluded.fetched_at, status = excluded.status, text = excluded.text`);
  }

  async get(paperId: string): Promise<FullTextRecord | undefined> {
    const row = this.selectOne.get(paperId);
    return row && toFullTextRecord(row);
  }

  async put(record: FullTextRecord): Promise<void> {
    this.upsert.run(fullTextRow(record));
  }
}
