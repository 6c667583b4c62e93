import type { Database } from 'better-sqlite3';
import type { Installation, InstallationStore } from '../installation-store.port.ts';
import { toInstallation, type InstallationRow } from '../rows.ts';

/** Installations in `installations`, one row per platform and workspace; each method is one statement. */
export class SqliteInstallationStore implements InstallationStore {
  private readonly upsert;
  private readonly selectOne;
  private readonly markUninstalled;
  private readonly selectUninstalled;
  private readonly countRows;
  private readonly deleteRow;

  constructor(db: Database) {
    const upsert = db.prepare<[string, string, string, string]>(`
      INSERT INTO installations (platform, workspace, credentials, installed_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (platform, workspace) DO UPDATE SET
        credentials = excluded.credentials,
        installed_at = CASE WHEN installations.uninstalled_at IS NULL THEN installations.installed_at ELSE excluded.installed_at END,
        uninstalled_at = NULL`);
    const wasUninstalled = db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM installations WHERE platform = ? AND workspace = ? AND uninstalled_at IS NOT NULL',
    );
    // One transaction: whether it had been uninstalled is read and changed together.
    this.upsert = db.transaction((platform: string, workspace: string, credentials: string, at: string): boolean => {
      const reinstalled = wasUninstalled.get(platform, workspace) !== undefined;
      upsert.run(platform, workspace, credentials, at);
      return reinstalled;
    });
    this.selectOne = db.prepare<[string, string], InstallationRow>('SELECT * FROM installations WHERE platform = ? AND workspace = ?');
    this.markUninstalled = db.prepare<[string, string, string]>(
      'UPDATE installations SET credentials = NULL, uninstalled_at = ? WHERE platform = ? AND workspace = ? AND uninstalled_at IS NULL',
    );
    this.selectUninstalled = db.prepare<[string], InstallationRow>(
      'SELECT * FROM installations WHERE uninstalled_at IS NOT NULL AND uninstalled_at <= ? ORDER BY uninstalled_at, platform, workspace',
    );
    this.countRows = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM installations WHERE platform = ? AND uninstalled_at IS NULL');
    this.deleteRow = db.prepare<[string, string]>('DELETE FROM installations WHERE platform = ? AND workspace = ?');
  }

  async install(platform: string, workspace: string, credentials: string, at: Date): Promise<{ reinstalled: boolean }> {
    return { reinstalled: this.upsert.immediate(platform, workspace, credentials, at.toISOString()) };
  }

  async get(platform: string, workspace: string): Promise<Installation | undefined> {
    const row = this.selectOne.get(platform, workspace);
    return row && toInstallation(row);
  }

  async uninstall(platform: string, workspace: string, at: Date): Promise<boolean> {
    return this.markUninstalled.run(at.toISOString(), platform, workspace).changes > 0;
  }

  async uninstalledBefore(before: Date): Promise<Installation[]> {
    return this.selectUninstalled.all(before.toISOString()).map(toInstallation);
  }

  async countInstalled(platform: string): Promise<number> {
    return this.countRows.get(platform)?.n ?? 0;
  }

  async forget(platform: string, workspace: string): Promise<void> {
    this.deleteRow.run(platform, workspace);
  }
}
