import pg from 'pg';

const { builtins } = pg.types;
const parseTimestamp = pg.types.getTypeParser(builtins.TIMESTAMPTZ);

/**
 * How the PostgreSQL store's pool reads values, so its rows match the SQLite store's (see `rows.ts`):
 * a `timestamptz` as its `toISOString()` string, `jsonb` as its JSON text, a `bigint` as a number (the
 * sequence numbers and counts it holds stay far below 2^53); everything else as node-postgres
 * reads it by default. Set on the pool, not globally, so other users of `pg` in the process are not affected.
 */
export const rowTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === builtins.TIMESTAMPTZ) return (value: string) => (parseTimestamp(value) as Date).toISOString();
    if (oid === builtins.JSONB) return (value: string) => value;
    // Sequence numbers and counts: far below 2^53, so exact as numbers.
    if (oid === builtins.INT8) return Number;
    return format === undefined ? pg.types.getTypeParser(oid) : pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};
