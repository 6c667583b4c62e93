import type { Database } from 'better-sqlite3';
import { PaperTextSchema } from '../../fulltext/paper-text.ts';
import type { FullTextRecord, FullTextStatus, FullTextStore } from '../full-text-store.port.ts';

interface Row {
  paper_id: string;
  url: string;
  fetched_at: string;
  status: FullTextStatus;
  text: string | null;
}

/**
 * Full texts in `full_texts`, the parsed text as JSON. A row whose JSON no longer validates (written by
 * another build, or damaged) reads as absent, so the paper is fetched again rather than misread.
 */
export class SqliteFullTextStore implements FullTextStore {
  private readonly selectOne;
  private readonly upsert;

  constructor(db: Database) {
    this.selectOne = db.prepare<[string], Row>('SELECT paper_id, url, fetched_at, status, text FROM full_texts WHERE paper_id = ?');
    this.upsert = db.prepare<Row>(`
      INSERT INTO full_texts (paper_id, url, fetched_at, status, text) VALUES (@paper_id, @url, @fetched_at, @status, @text)
      ON CONFLICT (paper_id) DO UPDATE SET url = excluded.url, fetched_at = excluded.fetched_at, status = excluded.status, text = excluded.text`);
  }

  async get(paperId: string): Promise<FullTextRecord | undefined> {
    const row = this.selectOne.get(paperId);
    if (!row) return undefined;
    const record: FullTextRecord = { paperId: row.paper_id, url: row.url, fetchedAt: row.fetched_at, status: row.status };
    if (row.text === null) return record;
    let json: unknown;
    try {
      json = JSON.parse(row.text);
    } catch {
      return undefined;
    }
    const parsed = PaperTextSchema.safeParse(json);
    return parsed.success ? { ...record, text: parsed.data } : undefined;
  }

  async put(record: FullTextRecord): Promise<void> {
    this.upsert.run({
      paper_id: record.paperId,
      url: record.url,
      fetched_at: record.fetchedAt,
      status: record.status,
      text: record.text ? JSON.stringify(record.text) : null,
    });
  }
}
