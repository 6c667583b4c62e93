import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests may use (`.ci/run` sets it); without it the PostgreSQL tests are not run. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

/**
 * Schemas of this test file's run: each test gets its own, named after the run so that runs on one server
 * (two checkouts, CI jobs, a developer) never see each other's tables. {@link dropRunSchemas} drops them.
 */
const run = `paperboy_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
let schemas = 0;

/** A schema name no other test or run uses (not created yet: the store creates it). */
export function freshSchema(): string {
  return `${run}_${++schemas}`;
}

/** Runs `sql` on the test server on a connection of its own. */
export async function queryTestDatabase<T extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Drops every schema this run created. */
export async function dropRunSchemas(): Promise<void> {
  if (!testDatabaseUrl) return;
  const rows = await queryTestDatabase<{ name: string }>(
    "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE $1 || '\\_%'",
    [run],
  );
  if (rows.length > 0) await queryTestDatabase(`DROP SCHEMA ${rows.map((r) => `"${r.name}"`).join(', ')} CASCADE`);
}
