import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../src/store/database-url.ts';

describe('parseDatabaseUrl', () => {
  it('reads SQLite paths, relative, absolute and in memory', () => {
    expect(parseDatabaseUrl('sqlite:./data/paperboy.db')).toEqual({ kind: 'sqlite', path: './data/paperboy.db' });
    expect(parseDatabaseUrl('sqlite:data/paperboy.db')).toEqual({ kind: 'sqlite', path: 'data/paperboy.db' });
    expect(parseDatabaseUrl('sqlite:/var/lib/paperboy/bot.db')).toEqual({ kind: 'sqlite', path: '/var/lib/paperboy/bot.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseDatabaseUrl('  SQLite:./x.db \n')).toEqual({ kind: 'sqlite', path: './x.db' });
  });

  it('keeps postgres URLs as given', () => {
    expect(parseDatabaseUrl('postgres://bot@db.internal/paperboy')).toEqual({
      kind: 'postgres',
      url: 'postgres://bot@db.internal/paperboy',
    });
    expect(parseDatabaseUrl('postgresql://bot:secret@localhost:5432/paperboy?sslmode=require')).toEqual({
      kind: 'postgres',
      url: 'postgresql://bot:secret@localhost:5432/paperboy?sslmode=require',
    });
  });

  it('says what to write for anything else, without repeating secrets', () => {
    const message = /DATABASE_URL must look like sqlite:\.\/data\/paperboy\.db or postgres:\/\/user@host\/db/;
    expect(() => parseDatabaseUrl('./data/paperboy.db')).toThrow(message);
    expect(() => parseDatabaseUrl('mysql://root:hunter2@localhost/db')).toThrow(message);
    expect(() => parseDatabaseUrl('mysql://root:hunter2@localhost/db')).not.toThrow(/hunter2/);
    expect(() => parseDatabaseUrl('postgres:/missing-slashes')).toThrow(message);
    expect(() => parseDatabaseUrl('')).toThrow(/empty/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/names no file/);
    expect(() => parseDatabaseUrl('sqlite:///abs/path.db')).toThrow(/sqlite:\/abs\/path\.db/);
    expect(() => parseDatabaseUrl('postgres://user:hunter2@[bad')).toThrow(/not a valid postgres URL/);
    expect(() => parseDatabaseUrl('postgres://user:hunter2@[bad')).not.toThrow(/hunter2/);
  });
});
