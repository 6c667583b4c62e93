import type { Database } from 'better-sqlite3';
import { planUpsert } from '../../corpus/merge.ts';
import { titleKey, type Paper } from '../../corpus/paper.ts';
import { snapshotOf } from '../../corpus/signal-history.ts';
import type { PaperChange, PaperStore, PaperUpsertReport } from '../paper-store.port.ts';
import { fromPaperRow, PAPER_COLUMNS, toPaperRow, type PaperRow } from '../paper-row.ts';
import { canonicalInstant } from '../rows.ts';

interface StoredRow extends PaperRow {
  seq: number;
  created_seq: number;
  text_seq: number;
  replaced_by: string | null;
}

/** The most ids one `IN (json_each(?))` lookup carries. */
const IDS_PER_LOOKUP = 500;

/**
 * Papers in the `papers` table. `upsert` is one `BEGIN IMMEDIATE` transaction, so writers (the bot, an
 * import running beside it) take turns and each sequence number is taken inside the transaction that
 * commits it: sequence order is commit order, and a reader polling `seq > N` never skips a row.
 *
 * A title-only paper that gets its arXiv id keeps its row as a tombstone (`replaced_by`, text emptied,
 * sequence bumped), so followers of the change feed drop the old id; the paper lives on under the new id,
 * keeping its `created_seq` (it is not a new paper).
 */
export class SqlitePaperStore implements PaperStore {
  private readonly byId;
  private readonly byTitle;
  private readonly upsertRow;
  private readonly tombstone;
  private readonly moveSnapshots;
  private readonly insertSnapshot;
  private readonly maxSeq;
  private readonly selectChanges;
  private readonly selectAdded;
  private readonly countLive;
  private readonly selectPage;
  private readonly selectFirstPage;
  private readonly selectMany;
  private readonly selectCursor;
  private readonly insertCursor;
  private readonly updateCursor;
  private readonly selectLibraryId;
  private readonly upsertTx;

  constructor(db: Database) {
    this.byId = db.prepare<[string], StoredRow>('SELECT * FROM papers WHERE id = ? AND replaced_by IS NULL');
    this.byTitle = db.prepare<[string], StoredRow>(
      'SELECT * FROM papers WHERE title_key = ? AND replaced_by IS NULL ORDER BY created_seq LIMIT 1',
    );
    const columns = PAPER_COLUMNS.join(', ');
    const values = PAPER_COLUMNS.map((c) => `@${c}`).join(', ');
    const updates = PAPER_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ');
    this.upsertRow = db.prepare(`
      INSERT INTO papers (${columns}, seq, created_seq, text_seq, replaced_by)
      VALUES (${values}, @seq, @created_seq, @text_seq, NULL)
      ON CONFLICT (id) DO UPDATE SET ${updates}, seq = excluded.seq, created_seq = excluded.created_seq,
        text_seq = excluded.text_seq, replaced_by = NULL`);
    this.tombstone = db.prepare<[string, number, string]>(`
      UPDATE papers SET replaced_by = ?, seq = ?, abstract = '', ai_summary = NULL, keywords = '[]', authors = '[]'
      WHERE id = ?`);
    this.moveSnapshots = db.prepare<[string, string]>(
      'UPDATE OR IGNORE signal_snapshots SET paper_id = ? WHERE paper_id = ?',
    );
    this.insertSnapshot = db.prepare(`
      INSERT OR IGNORE INTO signal_snapshots (paper_id, observed_at, upvotes, comments, github_stars)
      VALUES (@paper_id, @observed_at, @upvotes, @comments, @github_stars)`);
    this.maxSeq = db.prepare<[], { seq: number | null }>('SELECT MAX(seq) AS seq FROM papers');
    this.selectChanges = db.prepare<[number, number], StoredRow>('SELECT * FROM papers WHERE seq > ? ORDER BY seq LIMIT ?');
    this.selectAdded = db.prepare<[number, number], { id: string }>(
      'SELECT id FROM papers WHERE created_seq > ? AND created_seq <= ? AND replaced_by IS NULL ORDER BY created_seq',
    );
    this.countLive = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM papers WHERE replaced_by IS NULL');
    this.selectPage = db.prepare<[string, number], StoredRow>(
      'SELECT * FROM papers WHERE id > ? AND replaced_by IS NULL ORDER BY id LIMIT ?',
    );
    this.selectFirstPage = db.prepare<[number], StoredRow>('SELECT * FROM papers WHERE replaced_by IS NULL ORDER BY id LIMIT ?');
    this.selectMany = db.prepare<[string], StoredRow>(
      'SELECT * FROM papers WHERE id IN (SELECT value FROM json_each(?)) AND replaced_by IS NULL',
    );
    this.selectCursor = db.prepare<[string], { seq: number }>('SELECT seq FROM paper_cursors WHERE name = ?');
    this.insertCursor = db.prepare<[string, number]>('INSERT INTO paper_cursors (name, seq) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    this.updateCursor = db.prepare<[number, string, number]>('UPDATE paper_cursors SET seq = ? WHERE name = ? AND seq = ?');
    this.selectLibraryId = db.prepare<[], { value: string }>("SELECT value FROM library_meta WHERE key = 'library_id'");

    this.upsertTx = db.transaction((papers: readonly Paper[]): PaperUpsertReport => {
      const report: PaperUpsertReport = { added: [], updated: [], unchanged: 0 };
      let seq = this.maxSeq.get()?.seq ?? 0;
      for (const incoming of papers) {
        const stored = this.byId.get(incoming.id) ?? this.byTitle.get(titleKey(incoming.title));
        const plan = planUpsert(stored && fromPaperRow(stored), incoming);
        if (plan.kind === 'unchanged') {
          report.unchanged++;
          this.recordSnapshot({ ...incoming, id: plan.paper.id });
          continue;
        }
        seq++;
        if (plan.kind === 'add') {
          this.upsertRow.run({ ...toPaperRow(plan.paper), seq, created_seq: seq, text_seq: seq });
          report.added.push(plan.paper);
        } else {
          if (plan.previousId) {
            this.tombstone.run(plan.paper.id, seq, plan.previousId);
            this.moveSnapshots.run(plan.paper.id, plan.previousId);
            seq++;
          }
          this.upsertRow.run({
            ...toPaperRow(plan.paper),
            seq,
            created_seq: stored!.created_seq,
            text_seq: plan.textChanged ? seq : stored!.text_seq,
          });
          report.updated.push({ paper: plan.paper, textChanged: plan.textChanged, ...(plan.previousId ? { previousId: plan.previousId } : {}) });
        }
        this.recordSnapshot(plan.paper.id === incoming.id ? incoming : { ...incoming, id: plan.paper.id });
      }
      return report;
    });
  }

  async upsert(papers: readonly Paper[]): Promise<PaperUpsertReport> {
    if (papers.length === 0) return { added: [], updated: [], unchanged: 0 };
    return this.upsertTx.immediate(papers);
  }

  async get(id: string): Promise<Paper | undefined> {
    const row = this.byId.get(id);
    return row && fromPaperRow(row);
  }

  async getMany(ids: readonly string[]): Promise<Paper[]> {
    const found = new Map<string, Paper>();
    for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP) {
      for (const row of this.selectMany.all(JSON.stringify(ids.slice(i, i + IDS_PER_LOOKUP)))) found.set(row.id, fromPaperRow(row));
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  async changesSince(afterSeq: number, limit: number): Promise<PaperChange[]> {
    return this.selectChanges.all(afterSeq, limit).map(
      (row): PaperChange =>
        row.replaced_by !== null
          ? { seq: row.seq, id: row.id, replacedBy: row.replaced_by }
          : { seq: row.seq, id: row.id, paper: fromPaperRow(row), createdSeq: row.created_seq, textSeq: row.text_seq },
    );
  }

  async lastSeq(): Promise<number> {
    return this.maxSeq.get()?.seq ?? 0;
  }

  async addedBetween(afterSeq: number, upToSeq: number): Promise<string[]> {
    return this.selectAdded.all(afterSeq, upToSeq).map((row) => row.id);
  }

  async count(): Promise<number> {
    return this.countLive.get()!.n;
  }

  async list(afterId: string | undefined, limit: number): Promise<Paper[]> {
    const rows = afterId === undefined ? this.selectFirstPage.all(limit) : this.selectPage.all(afterId, limit);
    return rows.map(fromPaperRow);
  }

  async cursor(name: string): Promise<number | undefined> {
    return this.selectCursor.get(name)?.seq;
  }

  async moveCursor(name: string, from: number | undefined, to: number): Promise<boolean> {
    if (from === undefined) return this.insertCursor.run(name, to).changes === 1;
    return this.updateCursor.run(to, name, from).changes === 1;
  }

  /** SQLite cannot tell other processes' commits: they are found by polling the change feed. */
  async watchChanges(): Promise<() => Promise<void>> {
    return async () => undefined;
  }

  async libraryId(): Promise<string> {
    return this.selectLibraryId.get()!.value;
  }

  private recordSnapshot(paper: Paper): void {
    const snapshot = snapshotOf(paper);
    if (!snapshot) return;
    this.insertSnapshot.run({
      paper_id: snapshot.paperId,
      observed_at: canonicalInstant(snapshot.observedAt),
      upvotes: snapshot.upvotes ?? null,
      comments: snapshot.comments ?? null,
      github_stars: snapshot.githubStars ?? null,
    });
  }
}
