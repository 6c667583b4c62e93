import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createPaper } from '../../src/corpus/paper.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { startCheckpointer } from '../../src/store/sqlite/worker-threads.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const papers = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => createPaper({ arxivId: `2601.${String(from + i).padStart(5, '0')}`, title: `Paper ${from + i}`, abstract: 'words '.repeat(200), source: 'import' }));

const walBytes = (file: string): number => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;

describe('SQLite checkpoints from a worker thread', () => {
  it('the bot\'s connection never checkpoints inside a commit, and closing loses nothing', async () => {
    const file = join(dir, 'bot.db');
    const log = new MemoryLogger();
    const stores = openSqliteStores(file, { log, backgroundCheckpoints: true });
    for (let i = 0; i < 20; i++) await stores.papers.upsert(papers(i * 100, 100));
    // SQLite's automatic checkpoint would have kept the log near 4 MB (1,000 pages).
    expect(walBytes(file)).toBeGreaterThan(4 * 2 ** 20);
    await stores.close();
    expect(log.records.filter((r) => r.level === 'warn' || r.level === 'error')).toEqual([]);
    const reopened = openSqliteStores(file);
    expect(await reopened.papers.count()).toBe(2000);
    await reopened.close();
  });

  it('a checkpoint on the worker lets the next writes start the log over instead of growing it', async () => {
    const file = join(dir, 'worker.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (x TEXT)');
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    const write = (rows: number) => db.transaction(() => { for (let i = 0; i < rows; i++) insert.run('x'.repeat(1000)); })();
    const checkpointer = startCheckpointer(file, new MemoryLogger(), 3_600_000);
    try {
      write(5000);
      const grown = walBytes(file);
      write(5000);
      expect(walBytes(file)).toBeGreaterThan(grown * 1.5); // no checkpoint yet: the log keeps growing
      const twice = walBytes(file);
      await checkpointer.checkpoint();
      write(5000);
      expect(walBytes(file)).toBe(twice); // the log was moved into the file: written again from its start
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });
});
