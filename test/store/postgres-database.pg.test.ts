import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createPaper } from '../../src/corpus/paper.ts';
import { MemoryLogger, silentLogger } from '../../src/logger.ts';
import { DatabaseTooNewError, type Migration } from '../../src/store/migration.ts';
import { DatabaseConnectionError } from '../../src/store/postgres/connection-error.ts';
import { applyPostgresMigrations, MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { openPostgresStores } from '../../src/store/postgres/postgres-store.ts';
import type { Stores } from '../../src/store/store.ts';
import { dropRunSchemas, freshSchema, queryTestDatabase, testDatabaseUrl } from './postgres-test-database.ts';
import { at } from './store-contract.ts';

const url = testDatabaseUrl!;
afterAll(dropRunSchemas);

const applied = (log: MemoryLogger): unknown[] =>
  log.records.filter((r) => r.message === 'Applied database migration').map((r) => r.fields.version);

const tablesOf = async (schema: string): Promise<string[]> =>
  (await queryTestDatabase<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1', [schema])).map(
    (r) => r.name,
  );

/** Opens `count` sets of stores on one schema at once, each with its own pool (as replicas would). */
async function openMany(schema: string, count: number, log = (): MemoryLogger => new MemoryLogger()): Promise<{ all: Stores[]; logs: MemoryLogger[] }> {
  const logs = Array.from({ length: count }, log);
  const all = await Promise.all(logs.map((l) => openPostgresStores(url, { schema, log: l, clock: new ManualClock('2025-01-24T12:00:00Z') })));
  return { all, logs };
}

const closeAll = (all: Stores[]): Promise<void[]> => Promise.all(all.map((s) => s.close()));

describe('postgres store: migrations', () => {
  it('creates its schema, records every migration once with the clock’s time, and applies nothing on the next open', async () => {
    const schema = freshSchema();
    const log = new MemoryLogger();
    const first = await openPostgresStores(url, { schema, log, clock: new ManualClock('2025-01-24T12:00:00Z') });
    await first.close();
    await first.close();
    expect(applied(log)).toEqual(MIGRATIONS.map((m) => m.version));
    const second = await openPostgresStores(url, { schema, log, clock: new ManualClock('2026-01-01T00:00:00Z') });
    await second.close();
    expect(applied(log)).toHaveLength(MIGRATIONS.length);
    const recorded = await queryTestDatabase(`SELECT version, name, applied_at FROM "${schema}".schema_migrations ORDER BY version`);
    expect(recorded).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: new Date('2025-01-24T12:00:00Z') })));
  });

  it('migrates once when several processes open a new database at the same moment', async () => {
    const schema = freshSchema();
    const { all, logs } = await openMany(schema, 4);
    await closeAll(all);
    // Every version was applied by exactly one of them; the others waited and found it recorded.
    expect(logs.flatMap(applied).sort()).toEqual(MIGRATIONS.map((m) => m.version));
    const versions = await queryTestDatabase<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(versions.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('migrates once when three processes start on a new database together', async () => {
    const schema = freshSchema();
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const children = [1, 2, 3].map(() =>
      spawn(process.execPath, ['--import', 'tsx', 'test/store/fixtures/postgres-opener.ts', url, schema], { cwd: root }),
    );
    const timer = setTimeout(() => children.forEach((child) => child.kill('SIGKILL')), 20_000);
    let ready = 0;
    const outcomes = children.map(
      (child) =>
        new Promise<{ code: number | null; applied: number[]; stderr: string }>((resolve) => {
          let stdout = '';
          let stderr = '';
          child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            stdout += chunk;
            if (chunk.includes('ready') && ++ready === children.length) for (const c of children) c.stdin.write('go\n');
          });
          child.on('close', (code) => resolve({ code, applied: JSON.parse(stdout.split('\n')[1] || 'null') as number[], stderr }));
        }),
    );
    const done = await Promise.all(outcomes);
    clearTimeout(timer);
    expect(done.map((d) => [d.code, d.stderr])).toEqual(children.map(() => [0, '']));
    expect(done.flatMap((d) => d.applied).sort()).toEqual(MIGRATIONS.map((m) => m.version));
  }, 30_000);

  it('makes a second migrator wait for a slow migration under way, then apply nothing', async () => {
    const schema = freshSchema();
    const slow: Migration[] = [{ version: 1, name: 'slow', sql: 'CREATE TABLE a (x integer); SELECT pg_sleep(0.5)' }];
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    try {
      const logs = [new MemoryLogger(), new MemoryLogger()];
      const start = (i: 0 | 1) => applyPostgresMigrations(pools[i]!, { migrations: slow, schema, now: () => at(), log: logs[i]!, database: 'test' });
      const first = start(0);
      await expect.poll(() => queryTestDatabase(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]).then((r) => r.length)).toBe(1);
      const results = await Promise.all([first, start(1)]);
      expect(results).toEqual([[1], []]);
      expect(logs[1]!.records.map((r) => r.message)).toEqual(['Waiting for another process to finish migrating the database']);
      expect(await tablesOf(schema)).toEqual(['a', 'schema_migrations']);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('rolls back a failing migration, keeps the ones before it, and lets the next process migrate', async () => {
    const schema = freshSchema();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const options = { schema, now: () => at(), log: silentLogger, database: 'test' };
      const base: Migration[] = [{ version: 1, name: 'one', sql: 'CREATE TABLE a (x integer)' }];
      expect(await applyPostgresMigrations(pool, { ...options, migrations: base })).toEqual([1]);
      const broken: Migration[] = [
        ...base,
        { version: 2, name: 'two', sql: 'CREATE TABLE b (x integer)' },
        { version: 3, name: 'three', sql: 'CREATE TABLE c (x integer); INSERT INTO nowhere VALUES (1)' },
      ];
      await expect(applyPostgresMigrations(pool, { ...options, migrations: broken })).rejects.toThrow(/nowhere/);
      expect(await tablesOf(schema)).toEqual(['a', 'b', 'schema_migrations']);
      // The lock went with the failed attempt: another process migrates at once.
      const other = new pg.Pool({ connectionString: url });
      try {
        expect(await applyPostgresMigrations(other, { ...options, migrations: broken.slice(0, 2) })).toEqual([]);
        await expect(applyPostgresMigrations(other, { ...options, migrations: [{ ...base[0]!, name: 'renamed' }, broken[1]!] })).rejects.toThrow(
          /records migration 1 as one, but this Paperboy calls it renamed/,
        );
      } finally {
        await other.end();
      }
      await expect(applyPostgresMigrations(pool, { ...options, migrations: [{ ...base[0]!, version: 2 }] })).rejects.toThrow(/expected 1/);
    } finally {
      await pool.end();
    }
  });

  it('refuses to open a database migrated by a newer Paperboy, and leaves it alone', async () => {
    const schema = freshSchema();
    await (await openPostgresStores(url, { schema })).close();
    const future = MIGRATIONS.length + 1;
    await queryTestDatabase(`INSERT INTO "${schema}".schema_migrations VALUES ($1, 'from_the_future', now())`, [future]);
    const opening = openPostgresStores(url, { schema });
    await expect(opening).rejects.toThrow(DatabaseTooNewError);
    await expect(opening).rejects.toThrow(
      new RegExp(`schema version ${future} \\(from_the_future\\).*only knows up to version ${MIGRATIONS.length}.*newer Paperboy`),
    );
    const versions = await queryTestDatabase<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(versions.map((r) => r.version)).toEqual([...MIGRATIONS.map((m) => m.version), future]);
  });

  it('refuses a schema name it would have to quote', async () => {
    await expect(openPostgresStores(url, { schema: 'Robert"); DROP TABLE x; --' })).rejects.toThrow(/schema name/);
  });
});

describe('postgres store: several processes on one database', () => {
  it('keeps everything across a close and a reopen', async () => {
    const schema = freshSchema();
    const first = await openPostgresStores(url, { schema });
    await first.channels.setDaily('slack:C1', { time: '08:30', timeZone: 'UTC', weekdaysOnly: false, top: 3 }, 'slack:U1', at());
    const { subscription } = await first.subscriptions.add({ channel: 'slack:C1', topic: 'agents', createdBy: 'slack:U1', createdAt: at().toISOString() });
    await first.deliveries.claim({ key: 'k1', channel: 'slack:C1', kind: 'daily', paperIds: ['p1'], message: '{}' }, at());
    await first.deliveries.setStatus('k1', 'sending', at(1));
    await first.leases.acquire('sweep', 'replica-a', 60_000, at());
    await first.close();

    const again = await openPostgresStores(url, { schema });
    expect((await again.channels.listDaily()).map((s) => s.channel)).toEqual(['slack:C1']);
    expect(await again.subscriptions.all()).toEqual([subscription]);
    expect(await again.deliveries.unfinished()).toMatchObject([{ key: 'k1', status: 'sending', attempts: 1 }]);
    expect(await again.leases.holder('sweep')).toMatchObject({ holder: 'replica-a', token: 1 });
    await again.close();
  });

  it('lets exactly one of several processes claim each delivery key when they race', async () => {
    const { all } = await openMany(freshSchema(), 3);
    try {
      const keys = Array.from({ length: 60 }, (_, i) => `daily:test:C1:${i}`);
      // Each process tries every key, all at once (its pool runs several claims in parallel).
      const won = await Promise.all(
        all.map(async (stores) => {
          const results = await Promise.all(
            keys.map((key) => stores.deliveries.claim({ key, channel: 'test:C1', kind: 'daily', paperIds: [key, 'shared'], message: '{}' }, at())),
          );
          return keys.filter((_, i) => results[i]);
        }),
      );
      expect(won.flat().sort()).toEqual([...keys].sort());
      expect(await all[0]!.deliveries.alreadyShown('test:C1', ['shared', ...keys])).toEqual(new Set(['shared', ...keys]));
      expect(await all[1]!.deliveries.recent('test:C1', 1000)).toHaveLength(keys.length);
    } finally {
      await closeAll(all);
    }
  });

  it('gives one subscription, one discussion, one save and one lease when processes ask at the same moment', async () => {
    const { all } = await openMany(freshSchema(), 3);
    try {
      const subscriptions = await Promise.all(
        all.map((s, i) => s.subscriptions.add({ channel: 'slack:C1', topic: ['RAG', 'rag ', ' Rag'][i]!, createdBy: `slack:U${i}`, createdAt: at().toISOString() })),
      );
      expect(subscriptions.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(subscriptions.map((r) => r.subscription.id)).size).toBe(1);

      const discussion = { channel: 'slack:C1', paperId: 'p1', openedBy: 'slack:U1', createdAt: at().toISOString(), replyCount: 0, lastActivityAt: at().toISOString() };
      const opened = await Promise.all(all.map((s, i) => s.discussions.open({ ...discussion, thread: `slack:C1/${i}` })));
      expect(opened.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(opened.map((r) => r.discussion.thread)).size).toBe(1);

      const saved = await Promise.all(all.map((s, i) => s.saved.save({ channel: 'slack:C1', paperId: 'p1', savedBy: `slack:U${i}`, savedAt: at().toISOString() })));
      expect(saved.filter(Boolean)).toHaveLength(1);

      await all[0]!.leases.acquire('refresh:hf-daily', 'replica-dead', 30_000, at(0));
      const taken = await Promise.all(all.map((s, i) => s.leases.acquire('refresh:hf-daily', `replica-${i}`, 30_000, at(1))));
      const winners = taken.filter((lease) => lease !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.token).toBe(2);
      expect(await all[2]!.leases.holder('refresh:hf-daily')).toEqual(winners[0]);
    } finally {
      await closeAll(all);
    }
  });
});

describe('postgres store: papers written by several processes at once', () => {
  it('numbers every change in commit order, so a reader polling "after N" sees every paper', async () => {
    const { all } = await openMany(freshSchema(), 4);
    const [reader, ...writers] = all;
    try {
      const batches = 15;
      const perBatch = 4;
      let writing = true;
      const seen = new Set<string>();
      let after = 0;
      let polls = 0;
      // The reader follows the feed as a replica would, while three writers commit batches in any order.
      const following = (async () => {
        for (;;) {
          const done = !writing;
          const changes = await reader!.papers.changesSince(after, 1000);
          polls++;
          for (const change of changes) {
            expect(change.seq).toBeGreaterThan(after);
            after = change.seq;
            seen.add(change.id);
          }
          if (done && changes.length === 0) return;
        }
      })();
      const allWritten = Promise.all(
        writers.map(async (stores, w) => {
          for (let b = 0; b < batches; b++) {
            const papers = Array.from({ length: perBatch }, (_, i) => {
              const n = String((w * batches + b) * perBatch + i).padStart(5, '0');
              return createPaper({ arxivId: `2401.${n}`, title: `Paper ${w}.${b}.${i}`, abstract: 'a', source: 'import' });
            });
            await stores.papers.upsert(papers);
          }
        }),
      );
      await allWritten.finally(() => {
        writing = false;
        return following.catch(() => undefined);
      });
      await following;
      const total = writers.length * batches * perBatch;
      expect(seen.size).toBe(total);
      expect(await reader!.papers.count()).toBe(total);
      expect(await reader!.papers.lastSeq()).toBe(total);
      expect(polls).toBeGreaterThan(1);
    } finally {
      await closeAll(all);
    }
  });
});

describe('postgres store: the schema keeps its keys and checks', () => {
  it('refuses rows the stores would never write', async () => {
    const schema = freshSchema();
    await (await openPostgresStores(url, { schema })).close();
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      const insertDelivery = (key: string, status: string, paperIds: string) =>
        client.query(
          "INSERT INTO deliveries (key, channel, kind, status, paper_ids, message, created_at, updated_at) VALUES ($1, 'c', 'daily', $2, $3, '{}', now(), now())",
          [key, status, paperIds],
        );
      await expect(insertDelivery('k1', 'lost', '[]')).rejects.toThrow(/check constraint/);
      await expect(insertDelivery('k1', 'claimed', '{"not": "an array"}')).rejects.toThrow(/check constraint/);
      await insertDelivery('k1', 'claimed', '[]');
      await expect(insertDelivery('k1', 'claimed', '[]')).rejects.toThrow(/duplicate key/);
      await expect(client.query("INSERT INTO shown_papers VALUES ('c', 'p', 'no-such-delivery', now())")).rejects.toThrow(/foreign key/);
      await expect(client.query("INSERT INTO leases (name, holder, token, acquired_at) VALUES ('x', 'a', 1, now())")).rejects.toThrow(
        /check constraint/,
      );
      // Lists sorted by these come out in byte order (as on SQLite) even on a database whose default collation is not C.
      const collations = await client.query<{ column: string; collation: string | null }>(
        `SELECT table_name || '.' || column_name AS column, collation_name AS collation FROM information_schema.columns
         WHERE table_schema = $1 AND column_name IN ('channel', 'source', 'paper_id', 'name', 'replica_id')
           AND table_name IN ('channel_settings', 'source_state', 'signal_snapshots', 'leases', 'replica_heartbeats') ORDER BY 1`,
        [schema],
      );
      expect(collations.rows).toEqual(
        ['channel_settings.channel', 'leases.name', 'replica_heartbeats.replica_id', 'signal_snapshots.paper_id', 'source_state.source'].map(
          (column) => ({ column, collation: 'C' }),
        ),
      );
    } finally {
      await client.end();
    }
  });
});

describe('postgres store: a server that refuses', () => {
  const variant = (change: (u: URL) => void): string => {
    const u = new URL(url);
    change(u);
    return u.toString();
  };

  it('names DATABASE_URL and the user it refused, without the password', async () => {
    const refused = variant((u) => {
      u.username = 'paperboy_no_such_role';
      u.password = 's3cret-pw';
    });
    const opening = openPostgresStores(refused);
    await expect(opening).rejects.toThrow(DatabaseConnectionError);
    await expect(opening).rejects.toThrow(/^DATABASE_URL: cannot connect to the PostgreSQL server at [^:]+:\d+: the server refused the connection: role "paperboy_no_such_role" does not exist\. To fix it: fix the user in DATABASE_URL/);
    await expect(opening).rejects.not.toThrow(/s3cret-pw/);
  });

  it('says to create a database that does not exist', async () => {
    await expect(openPostgresStores(variant((u) => (u.pathname = '/paperboy_no_such_database')))).rejects.toThrow(
      /database "paperboy_no_such_database" does not exist\. To fix it: create the database, or fix its name in DATABASE_URL\./,
    );
  });
});
