import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseProblem } from '../../src/store/database-problem.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'paperboy-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database of the current schema with some papers' worth of pages, closed. */
async function populated(name: string): Promise<string> {
  const path = join(dir, name);
  const stores = openSqliteStores(path);
  for (let i = 0; i < 40; i++) {
    await stores.subscriptions.add({ channel: `test:C${i}`, topic: `topic ${i} ${'words '.repeat(200)}`, createdBy: 'test:U1', createdAt: '2025-01-24T12:00:00.000Z' });
  }
  await stores.close();
  // Fold the WAL into the file, so damage to the file is damage to the data.
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return path;
}

/** Overwrites the page in the middle of the file, as a disk fault would. */
function damageMiddlePage(path: string): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0x41), 0, 4096, Math.floor(size / 2 / 4096) * 4096);
  closeSync(fd);
}

function openError(path: string, options = {}): unknown {
  try {
    openSqliteStores(path, options);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the database at start', () => {
  it('refuses a database damaged inside, saying to restore it or move it aside', async () => {
    const path = await populated('damaged.db');
    damageMiddlePage(path);
    const error = openError(path);
    expect(error).toBeInstanceOf(DatabaseProblem);
    expect((error as Error).message).toMatch(new RegExp(`^The database ${path} is damaged \\(.+\\)\\. Restore it from a backup, or move it aside to start with an empty one`));
  });

  it('checks on a worker thread while the start goes on, when asked, and reports the same damage', async () => {
    const path = await populated('damaged-later.db');
    damageMiddlePage(path);
    const stores = openSqliteStores(path, { backgroundCheck: true });
    try {
      const error = await stores.verified().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseProblem);
      expect((error as Error).message).toMatch(/is damaged \(.+\)\. Restore it from a backup, or move it aside/);
    } finally {
      await stores.close();
    }
    const sound = openSqliteStores(await populated('sound-later.db'), { backgroundCheck: true });
    await expect(sound.verified()).resolves.toBeUndefined();
    await sound.close();
  });

  it('stops the bot (main.ts) with the message when the database is damaged inside', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const path = await populated('seed.db');
    damageMiddlePage(path);
    const target = join(dataDir, 'paperboy.db');
    writeFileSync(target, readFileSync(path));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts', '--once', 'status'], {
      cwd: root, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', SOURCES: '', LOG_LEVEL: 'silent' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^The database ${target} is damaged`));
  }, 60_000);

  it('refuses a file that is not a database the same way', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, 'this is not an SQLite database, just text that is long enough to have a header. '.repeat(100));
    expect((openError(path) as Error).message).toMatch(/is damaged \(file is not a database\)\. Restore it from a backup/);
  });

  it('says which program to stop when another one holds the database', async () => {
    const path = await populated('locked.db');
    const holder = new Database(path);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const error = openError(path, { busyTimeoutMs: 100 });
      expect(error).toBeInstanceOf(DatabaseProblem);
      expect((error as Error).message).toBe(
        `The database ${path} is locked by another program (another Paperboy, npm run import, or a sqlite3 shell in a transaction). Stop it or let it finish, then start again.`,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    // Once it is let go, the same database opens.
    expect(openError(path)).toBeUndefined();
  });

  it('says how to make a read-only database writable', async () => {
    const path = await populated('readonly.db');
    chmodSync(path, 0o444);
    chmodSync(dir, 0o755);
    // Root writes anyway: open it as an unprivileged user, in a process of its own.
    const asRoot = process.getuid?.() === 0;
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/store/fixtures/open-stores.ts'), path], {
      cwd: root, encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^DatabaseProblem: The database ${path} cannot be written by this user, and Paperboy writes to it .* or set DATA_DIR to a folder this user can write\\.`));
  });

  it('opens a sound database as before', async () => {
    const path = await populated('sound.db');
    const stores = openSqliteStores(path);
    expect(await stores.subscriptions.list('test:C1')).toHaveLength(1);
    await stores.close();
  });
});
