import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { MemoryLogger, silentLogger } from '../../src/logger.ts';
import { DatabaseTooNewError, type Migration } from '../../src/store/migration.ts';
import { applyMigrations, MIGRATIONS } from '../../src/store/sqlite/migrations.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';
import { at, describeStoreContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'paperboy-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshFile = (name = 'test'): string => join(dir, `${name}-${++files}.db`);

describeStoreContract('sqlite (file)', () => openSqliteStores(freshFile('contract')));
describeStoreContract('sqlite (:memory:)', () => openSqliteStores(':memory:'));

function rawRows<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], T>(sql).all();
  } finally {
    db.close();
  }
}

describe('sqlite store: files, migrations and other connections', () => {
  it('creates the parent directory, uses WAL, and records migrations once', async () => {
    const file = join(dir, 'nested', 'deeper', 'paperboy.db');
    const log = new MemoryLogger();
    const first = openSqliteStores(file, { log, clock: new ManualClock('2025-01-24T12:00:00Z') });
    await first.close();
    await first.close();
    expect(existsSync(file)).toBe(true);
    const applied = log.records.filter((r) => r.message === 'Applied database migration');
    expect(applied.map((r) => r.fields.version)).toEqual(MIGRATIONS.map((m) => m.version));

    const second = openSqliteStores(file, { log, clock: new ManualClock('2026-01-01T00:00:00Z') });
    await second.close();
    expect(log.records.filter((r) => r.message === 'Applied database migration')).toHaveLength(applied.length);
    expect(rawRows(file, 'SELECT version, name, applied_at FROM schema_migrations ORDER BY version')).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: '2025-01-24T12:00:00.000Z' })),
    );
    expect(rawRows(file, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('keeps everything across a close and a reopen', async () => {
    const file = freshFile();
    const first = openSqliteStores(file);
    await first.channels.setDaily('slack:C1', { time: '08:30', timeZone: 'UTC', weekdaysOnly: false, top: 3 }, 'slack:U1', at());
    await first.channels.disable('slack:C2', 'channel_not_found', at());
    const { subscription } = await first.subscriptions.add({ channel: 'slack:C1', topic: 'agents', createdBy: 'slack:U1', createdAt: at().toISOString() });
    await first.deliveries.claim({ key: 'k1', channel: 'slack:C1', kind: 'daily', paperIds: ['p1'], message: '{}' }, at());
    await first.deliveries.setStatus('k1', 'sending', at(1));
    await first.saved.save({ channel: 'slack:C1', paperId: 'p1', savedBy: 'slack:U1', savedAt: at().toISOString() });
    await first.sources.put({ source: 'hf-daily', consecutiveFailures: 1, lastError: 'timeout' });
    await first.snapshots.append([{ paperId: 'p1', observedAt: at().toISOString(), upvotes: 4 }]);
    await first.discussions.open({ channel: 'slack:C1', paperId: 'p1', thread: 't1', openedBy: 'slack:U1', createdAt: at().toISOString(), replyCount: 0, lastActivityAt: at().toISOString() });
    await first.close();

    const again = openSqliteStores(file);
    expect((await again.channels.listDaily()).map((s) => s.channel)).toEqual(['slack:C1']);
    expect((await again.channels.listDisabled()).map((s) => s.channel)).toEqual(['slack:C2']);
    expect(await again.subscriptions.all()).toEqual([subscription]);
    expect(await again.deliveries.unfinished()).toMatchObject([{ key: 'k1', status: 'sending', attempts: 1 }]);
    expect(await again.deliveries.alreadyShown('slack:C1', ['p1'])).toEqual(new Set(['p1']));
    expect(await again.saved.list('slack:C1')).toHaveLength(1);
    expect(await again.sources.get('hf-daily')).toEqual({ source: 'hf-daily', consecutiveFailures: 1, lastError: 'timeout' });
    expect(await again.snapshots.since(at(-1))).toHaveLength(1);
    expect(await again.discussions.byThread('t1')).toMatchObject({ paperId: 'p1' });
    await again.close();
  });

  it('lets a second connection (another process) see writes and refuses it a key the first claimed', async () => {
    const file = freshFile();
    const a = openSqliteStores(file);
    const b = openSqliteStores(file);
    try {
      const post = { key: 'daily:slack:C1:2025-01-24', channel: 'slack:C1', kind: 'daily' as const, paperIds: ['p1', 'p2'], message: '{}' };
      expect(await a.deliveries.claim(post, at())).toBe(true);
      expect(await b.deliveries.claim(post, at(1))).toBe(false);
      expect(await b.deliveries.get(post.key)).toMatchObject({ status: 'claimed', createdAt: at().toISOString() });
      expect(await b.deliveries.alreadyShown('slack:C1', ['p1', 'p2', 'p3'])).toEqual(new Set(['p1', 'p2']));

      await a.channels.setDaily('slack:C1', { time: '09:00', timeZone: 'UTC', weekdaysOnly: true, top: 5 }, 'slack:U1', at());
      expect((await b.channels.get('slack:C1'))?.daily?.time).toBe('09:00');

      const mine = await a.subscriptions.add({ channel: 'slack:C1', topic: 'RAG', createdBy: 'slack:U1', createdAt: at().toISOString() });
      const theirs = await b.subscriptions.add({ channel: 'slack:C1', topic: 'rag', createdBy: 'slack:U2', createdAt: at().toISOString() });
      expect(theirs).toEqual({ subscription: mine.subscription, created: false });

      await b.deliveries.setStatus(post.key, 'sent', at(2));
      expect((await a.deliveries.get(post.key))?.status).toBe('sent');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses to open a database migrated by a newer Paperboy, and leaves it alone', async () => {
    const file = freshFile();
    await openSqliteStores(file).close();
    const future = MIGRATIONS.length + 1;
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', '2030-01-01T00:00:00.000Z')").run(future);
    raw.close();

    expect(() => openSqliteStores(file)).toThrow(DatabaseTooNewError);
    expect(() => openSqliteStores(file)).toThrow(new RegExp(`schema version ${future} \\(from_the_future\\).*only knows up to version ${MIGRATIONS.length}.*newer Paperboy`));
    expect(rawRows<{ version: number }>(file, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(
      [...MIGRATIONS.map((m) => ({ version: m.version })), { version: future }],
    );
  });

  it('reads a full text whose stored JSON no longer validates as absent, so it is fetched again', async () => {
    const file = freshFile();
    const stores = openSqliteStores(file);
    await stores.fullTexts.put({ paperId: '2501.00001', url: 'u', fetchedAt: at().toISOString(), status: 'found', text: { sections: [], passages: [], truncated: false } });
    const raw = new Database(file);
    raw.prepare(`UPDATE full_texts SET text = '{"sections": "not a list"}'`).run();
    expect(() => raw.prepare("INSERT INTO full_texts VALUES ('2501.00002', 'u', 't', 'found', NULL)").run()).toThrow(/CHECK/);
    expect(() => raw.prepare("INSERT INTO full_texts VALUES ('2501.00003', 'u', 't', 'gone', NULL)").run()).toThrow(/CHECK/);
    raw.close();
    expect(await stores.fullTexts.get('2501.00001')).toBeUndefined();
    await stores.close();
  });

  it('applies a later migration on the next open, and rolls back one that fails', () => {
    const db = new Database(':memory:');
    const options = { now: () => at(), log: silentLogger };
    const base: Migration[] = [{ version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' }];
    expect(applyMigrations(db, { ...options, migrations: base })).toEqual([1]);
    expect(applyMigrations(db, { ...options, migrations: base })).toEqual([]);

    const broken: Migration[] = [
      ...base,
      { version: 2, name: 'two', sql: 'CREATE TABLE b (x INTEGER)' },
      { version: 3, name: 'three', sql: 'CREATE TABLE c (x INTEGER); INSERT INTO nowhere VALUES (1)' },
    ];
    expect(() => applyMigrations(db, { ...options, migrations: broken })).toThrow(/nowhere/);
    const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['a', 'b', 'schema_migrations']);
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([1, 2]);

    expect(() => applyMigrations(db, { ...options, migrations: [{ ...base[0]!, name: 'renamed' }, broken[1]!] })).toThrow(/records migration 1 as one/);
    expect(() => applyMigrations(db, { ...options, migrations: [{ ...base[0]!, version: 2 }] })).toThrow(/expected 1/);
    db.close();
  });

  it('brings a database of the first schema up to date, keeping its deliveries and the papers they showed', async () => {
    const file = freshFile();
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    applyMigrations(raw, { now: () => at(), log: silentLogger, migrations: MIGRATIONS.slice(0, 1) });
    raw.prepare("INSERT INTO deliveries (key, channel, kind, status, paper_ids, message, attempts, last_error, created_at, updated_at) VALUES ('k1', 'slack:C1', 'daily', 'sending', '[\"p1\"]', '{}', 1, 'HTTP 503', 't0', 't1')").run();
    raw.prepare("INSERT INTO shown_papers VALUES ('slack:C1', 'p1', 'k1', 't0')").run();
    raw.close();

    const stores = openSqliteStores(file);
    try {
      expect(await stores.deliveries.get('k1')).toStrictEqual({
        key: 'k1', channel: 'slack:C1', kind: 'daily', status: 'sending', paperIds: ['p1'], message: '{}', attempts: 1, lastError: 'HTTP 503', createdAt: 't0', updatedAt: 't1',
      });
      expect(await stores.deliveries.alreadyShown('slack:C1', ['p1'])).toEqual(new Set(['p1']));
      await stores.deliveries.markSent('k1', '1.000100', at(1));
    } finally {
      await stores.close();
    }
    const check = new Database(file, { readonly: true });
    expect(check.pragma('foreign_key_check')).toEqual([]);
    check.close();
  });

  it('keeps the keys and checks in the schema itself', () => {
    const db = new Database(':memory:');
    applyMigrations(db, { now: () => at(), log: silentLogger });
    db.pragma('foreign_keys = ON');
    const insertDelivery = db.prepare(
      "INSERT INTO deliveries (key, channel, kind, status, paper_ids, message, created_at, updated_at) VALUES (?, 'c', 'daily', ?, ?, '{}', 't', 't')",
    );
    expect(() => insertDelivery.run('k1', 'lost', '[]')).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO deliveries (key, channel, kind, status, paper_ids, message, created_at, updated_at) VALUES ('k0', 'c', 'shout', 'claimed', '[]', '{}', 't', 't')").run()).toThrow(/CHECK/);
    expect(() => insertDelivery.run('k1', 'claimed', 'not json')).toThrow(/CHECK/);
    insertDelivery.run('k1', 'claimed', '[]');
    expect(() => insertDelivery.run('k1', 'claimed', '[]')).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO shown_papers VALUES ('c', 'p', 'no-such-delivery', 't')").run()).toThrow(/FOREIGN KEY/);
    const insertSub = db.prepare("INSERT INTO subscriptions (channel, topic, topic_key, created_by, created_at) VALUES ('c', ?, ?, 'u', 't')");
    insertSub.run('RAG', 'rag');
    expect(() => insertSub.run('rag', 'rag')).toThrow(/UNIQUE/);
    const insertDiscussion = db.prepare("INSERT INTO discussions (channel, paper_id, thread, opened_by, created_at, last_activity_at) VALUES ('c', ?, ?, 'u', 't', 't')");
    insertDiscussion.run('p1', 't1');
    expect(() => insertDiscussion.run('p2', 't1')).toThrow(/UNIQUE/);
    db.close();
  });
});
