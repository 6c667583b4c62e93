/** One schema change. Versions start at 1 and grow by one; a released migration is never edited. */
export interface Migration {
  version: number;
  /** Short snake_case name, recorded with the version. */
  name: string;
  /** Statements run in one transaction (no BEGIN/COMMIT inside). */
  sql: string;
}

/** Thrown when the database was migrated by a newer Paperboy than this one. */
export class DatabaseTooNewError extends Error {
  override readonly name = 'DatabaseTooNewError';
}

/** A migration as recorded in `schema_migrations`. */
export interface AppliedMigration {
  version: number;
  name: string;
}

/** Throws when the migrations are not numbered 1, 2, 3… in order. */
export function checkMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}; expected ${i + 1}`);
  });
}

/**
 * Throws {@link DatabaseTooNewError} when `newest` (the highest recorded migration of the database named
 * `database`) is beyond the `known` migrations of this code.
 */
export function refuseTooNew(newest: AppliedMigration | undefined, known: number, database: string): void {
  if (newest && newest.version > known) {
    throw new DatabaseTooNewError(
      `The database ${database} has schema version ${newest.version} (${newest.name}), but this Paperboy only knows up to ` +
        `version ${known}: it was written by a newer Paperboy. Upgrade Paperboy, or point DATABASE_URL at another database.`,
    );
  }
}

/** Throws when the database recorded a migration's version under another name (a different build made it). */
export function refuseRenamed(recorded: AppliedMigration, migration: Migration, database: string): void {
  if (recorded.name !== migration.name) {
    throw new Error(
      `The database ${database} records migration ${migration.version} as ${recorded.name}, but this Paperboy calls it ` +
        `${migration.name}: the database was made by a different build. Point DATABASE_URL at another database.`,
    );
  }
}
