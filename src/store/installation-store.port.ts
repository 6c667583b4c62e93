/**
 * A workspace the bot was installed in through its platform's OAuth flow (a Slack workspace, or a whole Slack
 * Enterprise organisation for an org-wide install), with what the adapter needs to act there.
 */
export interface Installation {
  /** Matches `ChannelRef.platform` (`slack`). */
  platform: string;
  /** The platform's id of the workspace: a Slack team id (`T…`), or an enterprise id (`E…`) for an org-wide install. */
  workspace: string;
  /**
   * The adapter's own record of the install, as JSON (Slack: Bolt's installation, bot token included). A secret:
   * never logged. Absent while uninstalled.
   */
  credentials?: string;
  installedAt: string;
  /** Set while uninstalled: the credentials are gone; the workspace's settings wait for a reinstall until purged. */
  uninstalledAt?: string;
}

/** Installations, kept in the database, one row per platform and workspace. */
export interface InstallationStore {
  /**
   * Records an install, or a reinstall (new credentials, `uninstalledAt` cleared). `reinstalled` says the
   * workspace had been uninstalled and not yet purged, so its settings can be restored.
   */
  install(platform: string, workspace: string, credentials: string, at: Date): Promise<{ reinstalled: boolean }>;
  /** The installation, installed or uninstalled (not yet purged). */
  get(platform: string, workspace: string): Promise<Installation | undefined>;
  /** Forgets the credentials and marks the workspace uninstalled at `at`; false when it was not installed. */
  uninstall(platform: string, workspace: string, at: Date): Promise<boolean>;
  /** Installations uninstalled at or before `before`, oldest first: their settings are due to be purged. */
  uninstalledBefore(before: Date): Promise<Installation[]>;
  /** How many workspaces of `platform` have the bot installed now. */
  countInstalled(platform: string): Promise<number>;
  /** Deletes the row (once the workspace's settings are purged). */
  forget(platform: string, workspace: string): Promise<void>;
}
