/* Who may change a channel's settings on Slack: workspace admins and owners, plus configured user ids. */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';

/** How long a looked-up admin/owner flag is trusted. */
export const MANAGER_CACHE_MS = 10 * 60_000;

/** Decides whether a Slack user may change channel settings. */
export class SlackManagers {
  private readonly cache = new Map<string, { manager: boolean; at: number }>();

  /** `managers`: user ids allowed besides admins and owners; `*` allows everyone. */
  constructor(
    private readonly managers: readonly string[],
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the user is a manager by configuration alone (`*`, or listed): no look-up needed. */
  isListed(userId: string): boolean {
    return this.managers.includes('*') || this.managers.includes(userId);
  }

  /**
   * Listed, or an admin or owner of `workspace` (users.info with `client`, the client of that workspace; cached per
   * workspace and user for {@link MANAGER_CACHE_MS}).
   */
  async canManage(userId: string, client: webApi.WebClient, workspace = ''): Promise<boolean> {
    if (this.isListed(userId)) return true;
    const key = `${workspace}/${userId}`;
    const cached = this.cache.get(key);
    if (cached && this.now() - cached.at < MANAGER_CACHE_MS) return cached.manager;
    try {
      const { user } = await client.users.info({ user: userId });
      const manager = Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
      this.cache.set(key, { manager, at: this.now() });
      return manager;
    } catch (error) {
      // When Slack cannot say, the safe answer is no: settings stay as they are.
      this.log.warn({ user: userId, error: String(error) }, 'could not look up whether a Slack user is an admin');
      return false;
    }
  }
}
