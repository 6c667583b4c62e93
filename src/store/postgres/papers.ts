import pg, { type Pool, type PoolClient } from 'pg';
import type { Logger } from '../../logger.ts';
import { planUpsert } from '../../corpus/merge.ts';
import { titleKey, type Paper } from '../../corpus/paper.ts';
import { snapshotOf } from '../../corpus/signal-history.ts';
import type { PaperChange, PaperStore, PaperUpsertReport } from '../paper-store.port.ts';
import { fromPaperRow, PAPER_COLUMNS, toPaperRow, type PaperRow } from '../paper-row.ts';
import { snapshotRow, type SnapshotRow } from '../rows.ts';
import { insertSnapshots } from './source-state.ts';

/** The channel papers' commits are announced on; the payload is the schema written, so schemas on one server stay apart. */
export const PAPER_CHANGES_CHANNEL = 'paperboy_papers';

/** After a lost listening connection, wait this long before opening another (polling covers the gap). */
const RELISTEN_MS = 5_000;

interface StoredRow extends PaperRow {
  seq: number;
  created_seq: number;
  text_seq: number;
  replaced_by: string | null;
}

/** Columns of `papers` that hold JSON (`jsonb`): written as JSON values, read back as JSON text. */
const JSON_COLUMNS = new Set<keyof PaperRow>(['keywords', 'authors', 'categories', 'links', 'sources']);
const COLUMNS = [...PAPER_COLUMNS, 'seq', 'created_seq', 'text_seq', 'replaced_by'] as const;
const UPDATES = COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ');

/** A row as a JSON object for `jsonb_populate_recordset`: JSON columns as JSON values, not as text. */
function recordOf(row: StoredRow): Record<string, unknown> {
  const record: Record<string, unknown> = { ...row };
  for (const column of JSON_COLUMNS) record[column] = JSON.parse(row[column] as string);
  return record;
}

/**
 * Papers in `papers`, as in the SQLite store (same rows, same merge through `planUpsert`, tombstones for
 * a title-only paper that got its arXiv id).
 *
 * `upsert` is one transaction that first locks the single row of `paper_sequence`: writers (replicas,
 * an import) take turns, and each takes its sequence numbers from the last one committed, so sequence
 * order is commit order and a reader polling `seq > N` never skips a row. Inside, it reads every row the
 * batch can touch in one query (by id and by title key), merges in memory in batch order, then writes
 * the rows in one statement and the signal snapshots in another: a few round trips per batch whatever
 * its size.
 */
export class PostgresPaperStore implements PaperStore {
  constructor(
    private readonly pool: Pool,
    /** How `watchChanges` opens its own connection (the pool's settings), and where it logs losing it. */
    private readonly listening?: { client: () => pg.Client; log: Logger },
  ) {}

  async upsert(papers: readonly Paper[]): Promise<PaperUpsertReport> {
    if (papers.length === 0) return { added: [], updated: [], unchanged: 0 };
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      await client.query('BEGIN');
      const report = await this.upsertIn(client, papers);
      // Delivered to listeners at commit (and not at all on rollback): other replicas catch up at once.
      if (report.added.length + report.updated.length > 0) await client.query('SELECT pg_notify($1, current_schema())', [PAPER_CHANGES_CHANNEL]);
      await client.query('COMMIT');
      return report;
    } catch (error) {
      failed = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(failed);
    }
  }

  private async upsertIn(client: PoolClient, papers: readonly Paper[]): Promise<PaperUpsertReport> {
    let seq = (await client.query<{ seq: number }>('SELECT seq FROM paper_sequence FOR UPDATE')).rows[0]!.seq;
    const known = new Map<string, StoredRow>();
    const fetched = await client.query<StoredRow>(
      'SELECT * FROM papers WHERE replaced_by IS NULL AND (id = ANY($1::text[]) OR title_key = ANY($2::text[]))',
      [[...new Set(papers.map((p) => p.id))], [...new Set(papers.map((p) => titleKey(p.title)))]],
    );
    for (const row of fetched.rows) known.set(row.id, row);
    /** The live paper a title leads to: the first to enter the corpus, as the SQLite store picks. */
    const byTitle = (key: string): StoredRow | undefined => {
      let first: StoredRow | undefined;
      for (const row of known.values()) {
        if (row.replaced_by === null && row.title_key === key && (!first || row.created_seq < first.created_seq)) first = row;
      }
      return first;
    };
    const written = new Map<string, StoredRow>();
    const write = (row: StoredRow): void => {
      known.set(row.id, row);
      written.set(row.id, row);
    };
    let snapshots: SnapshotRow[] = [];
    const flushSnapshots = async (): Promise<void> => {
      if (snapshots.length === 0) return;
      await insertSnapshots(client, snapshots);
      snapshots = [];
    };
    const record = (paper: Paper): void => {
      const snapshot = snapshotOf(paper);
      if (snapshot) snapshots.push(snapshotRow(snapshot));
    };

    const report: PaperUpsertReport = { added: [], updated: [], unchanged: 0 };
    for (const incoming of papers) {
      const live = known.get(incoming.id);
      const stored = (live?.replaced_by === null ? live : undefined) ?? byTitle(titleKey(incoming.title));
      const plan = planUpsert(stored && fromPaperRow(stored), incoming);
      if (plan.kind === 'unchanged') {
        report.unchanged++;
        record({ ...incoming, id: plan.paper.id });
        continue;
      }
      seq++;
      if (plan.kind === 'add') {
        write({ ...toPaperRow(plan.paper), seq, created_seq: seq, text_seq: seq, replaced_by: null });
        report.added.push(plan.paper);
      } else {
        if (plan.previousId) {
          write({ ...stored!, replaced_by: plan.paper.id, seq, abstract: '', ai_summary: null, keywords: '[]', authors: '[]' });
          // Snapshots so far go in first, then the old id's move to the new one, as they would one by one.
          await flushSnapshots();
          await client.query(
            `UPDATE signal_snapshots s SET paper_id = $1 WHERE paper_id = $2
               AND NOT EXISTS (SELECT 1 FROM signal_snapshots t WHERE t.paper_id = $1 AND t.observed_at = s.observed_at)`,
            [plan.paper.id, plan.previousId],
          );
          seq++;
        }
        write({
          ...toPaperRow(plan.paper),
          seq,
          created_seq: stored!.created_seq,
          text_seq: plan.textChanged ? seq : stored!.text_seq,
          replaced_by: null,
        });
        report.updated.push({ paper: plan.paper, textChanged: plan.textChanged, ...(plan.previousId ? { previousId: plan.previousId } : {}) });
      }
      record(plan.paper.id === incoming.id ? incoming : { ...incoming, id: plan.paper.id });
    }

    if (written.size > 0) {
      await client.query(
        `INSERT INTO papers (${COLUMNS.join(', ')})
         SELECT ${COLUMNS.join(', ')} FROM jsonb_populate_recordset(NULL::papers, $1::jsonb)
         ON CONFLICT (id) DO UPDATE SET ${UPDATES}`,
        [JSON.stringify([...written.values()].map(recordOf))],
      );
      await client.query('UPDATE paper_sequence SET seq = $1', [seq]);
    }
    await flushSnapshots();
    return report;
  }

  async get(id: string): Promise<Paper | undefined> {
    const { rows } = await this.pool.query<StoredRow>('SELECT * FROM papers WHERE id = $1 AND replaced_by IS NULL', [id]);
    return rows[0] && fromPaperRow(rows[0]);
  }

  async getMany(ids: readonly string[]): Promise<Paper[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<StoredRow>('SELECT * FROM papers WHERE id = ANY($1::text[]) AND replaced_by IS NULL', [ids]);
    const found = new Map(rows.map((row) => [row.id, fromPaperRow(row)]));
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async changesSince(afterSeq: number, limit: number): Promise<PaperChange[]> {
    const { rows } = await this.pool.query<StoredRow>('SELECT * FROM papers WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
    return rows.map(
      (row): PaperChange =>
        row.replaced_by !== null
          ? { seq: row.seq, id: row.id, replacedBy: row.replaced_by }
          : { seq: row.seq, id: row.id, paper: fromPaperRow(row), createdSeq: row.created_seq, textSeq: row.text_seq },
    );
  }

  async lastSeq(): Promise<number> {
    return (await this.pool.query<{ seq: number }>('SELECT seq FROM paper_sequence')).rows[0]!.seq;
  }

  async addedBetween(afterSeq: number, upToSeq: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      'SELECT id FROM papers WHERE created_seq > $1 AND created_seq <= $2 AND replaced_by IS NULL ORDER BY created_seq',
      [afterSeq, upToSeq],
    );
    return rows.map((row) => row.id);
  }

  async count(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM papers WHERE replaced_by IS NULL')).rows[0]!.n;
  }

  async list(afterId: string | undefined, limit: number): Promise<Paper[]> {
    const { rows } =
      afterId === undefined
        ? await this.pool.query<StoredRow>('SELECT * FROM papers WHERE replaced_by IS NULL ORDER BY id LIMIT $1', [limit])
        : await this.pool.query<StoredRow>('SELECT * FROM papers WHERE id > $1 AND replaced_by IS NULL ORDER BY id LIMIT $2', [afterId, limit]);
    return rows.map(fromPaperRow);
  }

  async cursor(name: string): Promise<number | undefined> {
    return (await this.pool.query<{ seq: number }>('SELECT seq FROM paper_cursors WHERE name = $1', [name])).rows[0]?.seq;
  }

  async moveCursor(name: string, from: number | undefined, to: number): Promise<boolean> {
    const result =
      from === undefined
        ? await this.pool.query('INSERT INTO paper_cursors (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, to])
        : await this.pool.query('UPDATE paper_cursors SET seq = $3 WHERE name = $1 AND seq = $2', [name, from, to]);
    return result.rowCount === 1;
  }

  async libraryId(): Promise<string> {
    return (await this.pool.query<{ value: string }>("SELECT value FROM library_meta WHERE key = 'library_id'")).rows[0]!.value;
  }

  /**
   * LISTENs on a connection of its own (not the pool's: a pooled connection is shared and handed back) and
   * calls `listener` for each commit announced in this store's schema. A lost connection is logged and
   * reopened after {@link RELISTEN_MS}.
   */
  async watchChanges(listener: () => void): Promise<() => Promise<void>> {
    const listening = this.listening;
    if (!listening) return async () => undefined;
    let stopped = false;
    let current: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const open = async (): Promise<void> => {
      const client = listening.client();
      current = client;
      const reopen = (error?: Error): void => {
        if (stopped || current !== client) return;
        current = undefined;
        client.end().catch(() => undefined);
        listening.log.warn({ err: error?.message }, 'lost the connection that listens for new papers; polling until it is back');
        retry = setTimeout(() => void open(), RELISTEN_MS);
      };
      client.on('error', reopen);
      client.on('end', () => reopen());
      try {
        await client.connect();
        const schema = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]!.schema;
        client.on('notification', (message) => {
          if (message.channel === PAPER_CHANGES_CHANNEL && message.payload === schema) listener();
        });
        await client.query(`LISTEN ${PAPER_CHANGES_CHANNEL}`);
      } catch (error) {
        reopen(error as Error);
      }
    };
    await open();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await current?.end().catch(() => undefined);
    };
  }
}
