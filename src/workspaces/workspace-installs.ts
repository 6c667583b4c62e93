/*
 * Workspaces that install and uninstall the bot through their platform's OAuth flow (Slack). An uninstall (or
 * revoked tokens) forgets the credentials and stops every scheduled post of the workspace's channels, keeping their
 * settings; a reinstall within {@link SETTINGS_KEPT_MS} turns them back on as they were; after that they are purged.
 * Platform-neutral: the adapter says what happened, this decides what it means for the stored settings.
 */
import { workspaceChannelPrefix } from '../chat/refs.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import type { ScheduledJob } from '../scheduler/job-loop.ts';
import type { Stores } from '../store/store.ts';

/** How long an uninstalled workspace's channel settings and subscriptions are kept for a reinstall. */
export const SETTINGS_KEPT_MS = 30 * 24 * 60 * 60_000;

/** The reason recorded on a channel whose workspace uninstalled the bot (a reinstall clears exactly these). */
export const UNINSTALLED_REASON = 'app_uninstalled';

/** Later than any uninstall (a four-digit year, so its ISO text sorts after every real instant's). */
const END_OF_TIME = new Date('9999-12-31T23:59:59.999Z');

/** What {@link WorkspaceInstalls} needs. */
export interface WorkspaceInstallsDeps {
  stores: Pick<Stores, 'installations' | 'channels' | 'subscriptions'>;
  clock: Clock;
  log: Logger;
}

/** Installs, uninstalls and the purge of long-uninstalled workspaces (a scheduled job). */
export class WorkspaceInstalls implements ScheduledJob {
  readonly name = 'purge of uninstalled workspaces';

  constructor(private readonly deps: WorkspaceInstallsDeps) {}

  /** The credentials of an installed workspace (a secret), or undefined when it is not installed. */
  async credentials(platform: string, workspace: string): Promise<string | undefined> {
    return (await this.deps.stores.installations.get(platform, workspace))?.credentials;
  }

  /** How many workspaces of `platform` have the bot installed, for `status`. */
  countInstalled(platform: string): Promise<number> {
    return this.deps.stores.installations.countInstalled(platform);
  }

  /** Records an install; a reinstall turns the workspace's scheduled posts back on. Returns the channels restored. */
  async installed(platform: string, workspace: string, credentials: string): Promise<{ restored: number }> {
    const { stores, clock, log } = this.deps;
    const { reinstalled } = await stores.installations.install(platform, workspace, credentials, clock.now());
    if (!reinstalled) {
      log.info({ platform, workspace }, 'installed in a workspace');
      return { restored: 0 };
    }
    const prefix = workspaceChannelPrefix(platform, workspace);
    const paused = (await stores.channels.listDisabled()).filter((c) => c.channel.startsWith(prefix) && c.disabled?.reason === UNINSTALLED_REASON);
    for (const channel of paused) await stores.channels.enable(channel.channel);
    log.info({ platform, workspace, restored: paused.length }, 'reinstalled in a workspace; its settings are restored');
    return { restored: paused.length };
  }

  /**
   * The workspace uninstalled the bot (or revoked its token): forgets the credentials and stops the scheduled posts
   * of its channels, keeping their settings. Returns the channels stopped.
   */
  async uninstalled(platform: string, workspace: string): Promise<{ stopped: number }> {
    const { stores, clock, log } = this.deps;
    const now = clock.now();
    await stores.installations.uninstall(platform, workspace, now);
    const prefix = workspaceChannelPrefix(platform, workspace);
    const channels = new Set((await stores.channels.listDaily()).map((c) => c.channel).filter((c) => c.startsWith(prefix)));
    for (const subscription of await stores.subscriptions.all()) if (subscription.channel.startsWith(prefix)) channels.add(subscription.channel);
    let stopped = 0;
    for (const channel of channels) {
      if ((await stores.channels.get(channel))?.disabled) continue;
      await stores.channels.disable(channel, UNINSTALLED_REASON, now);
      stopped += 1;
    }
    log.info({ platform, workspace, stopped }, `uninstalled from a workspace; its settings are kept ${SETTINGS_KEPT_MS / 86_400_000} days`);
    return { stopped };
  }

  /** When the oldest uninstalled workspace is due to be purged (strictly after `after`), if any is waiting. */
  async nextRun(after: Date): Promise<Date | undefined> {
    const [oldest] = await this.deps.stores.installations.uninstalledBefore(END_OF_TIME);
    if (oldest?.uninstalledAt === undefined) return undefined;
    return new Date(Math.max(Date.parse(oldest.uninstalledAt) + SETTINGS_KEPT_MS, after.getTime() + 1));
  }

  /** Purges the settings and subscriptions of every workspace uninstalled {@link SETTINGS_KEPT_MS} ago. */
  async run(at: Date): Promise<void> {
    const { stores, log } = this.deps;
    for (const gone of await stores.installations.uninstalledBefore(new Date(at.getTime() - SETTINGS_KEPT_MS))) {
      const prefix = workspaceChannelPrefix(gone.platform, gone.workspace);
      const settings = (await stores.channels.listDisabled()).filter((c) => c.channel.startsWith(prefix));
      for (const channel of settings) await stores.channels.forget(channel.channel);
      const subscriptions = (await stores.subscriptions.all()).filter((s) => s.channel.startsWith(prefix));
      for (const subscription of subscriptions) await stores.subscriptions.remove(subscription.channel, subscription.id);
      await stores.installations.forget(gone.platform, gone.workspace);
      log.info({ platform: gone.platform, workspace: gone.workspace, channels: settings.length, subscriptions: subscriptions.length }, 'purged the settings of a workspace uninstalled long ago');
    }
  }
}
