import type { Pool } from 'pg';
import type { Installation, InstallationStore } from '../installation-store.port.ts';
import { toInstallation, type InstallationRow } from '../rows.ts';

/** Installations in `installations`, one row per platform and workspace; each method is one statement. */
export class PostgresInstallationStore implements InstallationStore {
  constructor(private readonly pool: Pool) {}

  async install(platform: string, workspace: string, credentials: string, at: Date): Promise<{ reinstalled: boolean }> {
    // The old row is read in the same statement, from its snapshot (before the upsert). Two installs at once may
    // both see it uninstalled: restoring the settings twice does no harm.
    const { rows } = await this.pool.query<{ reinstalled: boolean }>(
      `WITH old AS (SELECT uninstalled_at FROM installations WHERE platform = $1 AND workspace = $2)
       INSERT INTO installations AS i (platform, workspace, credentials, installed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (platform, workspace) DO UPDATE SET
         credentials = excluded.credentials,
         installed_at = CASE WHEN i.uninstalled_at IS NULL THEN i.installed_at ELSE excluded.installed_at END,
         uninstalled_at = NULL
       RETURNING (SELECT uninstalled_at IS NOT NULL FROM old) AS reinstalled`,
      [platform, workspace, credentials, at],
    );
    return { reinstalled: rows[0]?.reinstalled === true };
  }

  async get(platform: string, workspace: string): Promise<Installation | undefined> {
    const { rows } = await this.pool.query<InstallationRow>('SELECT * FROM installations WHERE platform = $1 AND workspace = $2', [platform, workspace]);
    return rows[0] && toInstallation(rows[0]);
  }

  async uninstall(platform: string, workspace: string, at: Date): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE installations SET credentials = NULL, uninstalled_at = $3 WHERE platform = $1 AND workspace = $2 AND uninstalled_at IS NULL',
      [platform, workspace, at],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async uninstalledBefore(before: Date): Promise<Installation[]> {
    const { rows } = await this.pool.query<InstallationRow>(
      'SELECT * FROM installations WHERE uninstalled_at IS NOT NULL AND uninstalled_at <= $1 ORDER BY uninstalled_at, platform, workspace',
      [before],
    );
    return rows.map(toInstallation);
  }

  async countInstalled(platform: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM installations WHERE platform = $1 AND uninstalled_at IS NULL', [platform]);
    return rows[0]?.n ?? 0;
  }

  async forget(platform: string, workspace: string): Promise<void> {
    await this.pool.query('DELETE FROM installations WHERE platform = $1 AND workspace = $2', [platform, workspace]);
  }
}
