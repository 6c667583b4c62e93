/** Where the bot keeps its database, as parsed from `DATABASE_URL`. */
export type DatabaseTarget =
  | {
      kind: 'sqlite';
      /** A file path (relative to the working directory, or absolute), or `:memory:`. */
      path: string;
    }
  | {
      kind: 'postgres';
      /** The connection URL, unchanged. */
      url: string;
    };

const EXAMPLES = 'sqlite:./data/paperboy.db or postgres://user@host/db';

/**
 * Parses `DATABASE_URL`:
 * - `sqlite:./data/paperboy.db` (relative to the working directory), `sqlite:/abs/path.db`, `sqlite::memory:`;
 * - `postgres://…` or `postgresql://…` (kept as given, for the PostgreSQL driver).
 *
 * Anything else throws an Error saying what to write. The message never repeats the value beyond its
 * scheme, since a mistyped URL may carry a password.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const value = url.trim();
  if (value === '') throw new Error(`DATABASE_URL is empty: it must look like ${EXAMPLES}`);

  if (/^sqlite:/i.test(value)) {
    const path = value.slice('sqlite:'.length);
    if (path.startsWith('//')) {
      throw new Error(
        'DATABASE_URL must not put // after sqlite: write sqlite:./data/paperboy.db (relative) or sqlite:/abs/path.db (absolute)',
      );
    }
    if (path === '') throw new Error(`DATABASE_URL names no file after sqlite: it must look like ${EXAMPLES}`);
    return { kind: 'sqlite', path };
  }

  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new Error(`DATABASE_URL is not a valid postgres URL: it must look like postgres://user:password@host:5432/db`);
    }
    return { kind: 'postgres', url: value };
  }

  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(value)?.[0];
  const got = scheme ? `it starts with ${scheme}` : 'it has no scheme';
  throw new Error(`DATABASE_URL must look like ${EXAMPLES} (${got})`);
}
