import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { npmScript } from '../helpers/npm-script.ts';
import { dropRunSchemas, freshSchema, queryTestDatabase, testDatabaseUrl } from './postgres-test-database.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-postgres-start-'));
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await dropRunSchemas();
});

/** `TEST_DATABASE_URL` with its search_path set to `schema`, as a user would put a schema in DATABASE_URL. */
function urlWithSchema(schema: string): string {
  const url = new URL(testDatabaseUrl!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

describe('npm start with DATABASE_URL=postgres://…', () => {
  it('keeps a channel setting in PostgreSQL, where the next process finds it', async () => {
    const schema = freshSchema();
    await queryTestDatabase(`CREATE SCHEMA ${schema}`);
    const env = { DATA_DIR: dataDir, DATABASE_URL: urlWithSchema(schema), SHELL_CHANNEL: 'ml-papers' };

    const on = await npmScript('start', ['--once', 'daily on 08:30 Europe/Berlin top:3'], env);
    expect([on.code, on.stderr]).toEqual([0, '']);
    expect(on.stdout).toContain('Daily post on: every day at 08:30 Europe/Berlin');

    const rows = await queryTestDatabase(`SELECT channel, daily_time, daily_time_zone, daily_top FROM "${schema}".channel_settings`);
    expect(rows).toEqual([{ channel: 'shell:ml-papers', daily_time: '08:30', daily_time_zone: 'Europe/Berlin', daily_top: 3 }]);
    const versions = await queryTestDatabase<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(versions.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));

    const shown = await npmScript('start', ['--once', 'daily'], env);
    expect([shown.code, shown.stderr]).toEqual([0, '']);
    expect(shown.stdout).toContain('every day at 08:30 Europe/Berlin');
  }, 40_000);

  it('imports papers into PostgreSQL, where the bot searches them and the export finds them', async () => {
    const schema = freshSchema();
    await queryTestDatabase(`CREATE SCHEMA ${schema}`);
    const env = { DATA_DIR: mkdtempSync(join(dataDir, 'import-')), DATABASE_URL: urlWithSchema(schema) };
    const file = join(dataDir, 'quokka.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: '2509.01234', title: 'Quokka Transformers for Marsupial Vision', abstract: 'We teach transformers to count quokkas.' })}\n`,
    );
    const imported = await npmScript('import', [file], env);
    expect([imported.code, imported.stderr]).toEqual([0, '']);
    expect(imported.stdout).toContain('Added 1');
    const rows = await queryTestDatabase(`SELECT id, title FROM "${schema}".papers WHERE id = '2509.01234'`);
    expect(rows).toEqual([{ id: '2509.01234', title: 'Quokka Transformers for Marsupial Vision' }]);

    const search = await npmScript('start', ['--once', 'search quokka marsupial'], env);
    expect([search.code, search.stderr]).toEqual([0, '']);
    expect(search.stdout).toContain('Quokka Transformers for Marsupial Vision');

    const exported = await npmScript('export', ['-'], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('"Quokka Transformers for Marsupial Vision"');
  }, 60_000);

  it('says which setting to fix when the search_path names no schema that exists', async () => {
    const run = await npmScript('start', ['--once', 'help'], { DATA_DIR: dataDir, DATABASE_URL: urlWithSchema(`${freshSchema()}_missing`) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Paperboy could not start: DATABASE_URL: the database \S+ on [^ ]+ has no schema to create tables in .*Create the schema, or name an existing one in DATABASE_URL/);
  }, 30_000);
});
