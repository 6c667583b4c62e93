/*
 * Slack for many workspaces: Bolt's OAuth installation store backed by the database (through the core's
 * WorkspaceInstalls), and the Web API client of each workspace for what the bot posts on its own. A workspace is
 * keyed by its team id, or by its enterprise id for an org-wide install; its channels are named `T…/C…` (or
 * `E…/C…`) in refs, so every post finds its workspace's token. With a single bot token none of this runs: channel
 * ids stay bare and the one client serves all.
 */
import { webApi, type Installation, type InstallationStore } from '@slack/bolt';
import { splitWorkspaceChannelId, workspaceChannelId } from '../../src/chat/refs.ts';
import { ChannelGoneError } from '../../src/delivery/platform-errors.ts';
import type { WorkspaceInstalls } from '../../src/workspaces/workspace-installs.ts';
import { SLACK } from './platform.ts';

/** The channel error of a post to a workspace that uninstalled the bot (its channel is then disabled). */
export const UNINSTALLED_ERROR = 'app_uninstalled';

/** Which workspace a request came from, as Bolt's context says it. */
export interface WorkspaceSource {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}

/** The installation key of a request's workspace: the enterprise for an org-wide install, else the team. */
export function workspaceKey(source: WorkspaceSource): string | undefined {
  return source.isEnterpriseInstall ? source.enterpriseId : source.teamId;
}

/** The installation key of an installation Bolt made. */
function installationKey(installation: Installation): string {
  const key = installation.isEnterpriseInstall ? installation.enterprise?.id : installation.team?.id;
  if (!key) throw new Error('Slack sent an installation without a team or enterprise id');
  return key;
}

/**
 * Where posts go and with which client: the workspace's own in OAuth mode, the one bot token's otherwise.
 * `channelIn` names a channel of a request's workspace the way refs store it.
 */
export interface SlackClients {
  /** The client for a channel id as refs hold it, and Slack's own id of the channel. */
  forChannel(channelId: string): Promise<{ client: webApi.WebClient; channel: string }>;
  /** The channel id refs use for Slack's channel `channel` of the workspace a request came from. */
  channelIn(source: WorkspaceSource, channel: string): string;
}

/** The paced sender's budget of a channel: its workspace (Slack limits each on its own); one for a single token. */
export function workspaceBudget(channel: { channelId: string }): string {
  return splitWorkspaceChannelId(channel.channelId).workspace ?? '';
}

/** One bot token for everything (the single-workspace setup). */
export function singleWorkspaceClients(client: webApi.WebClient): SlackClients {
  return {
    forChannel: async (channel) => ({ client, channel }),
    channelIn: (_source, channel) => channel,
  };
}

/**
 * A workspace's client per installation. The token is read from the database for every post (one indexed read), so
 * an uninstall or a reinstall handled by another replica counts at once; the client is kept while the token is the same.
 */
export class InstalledWorkspaces implements SlackClients {
  private readonly clients = new Map<string, { token: string; client: webApi.WebClient }>();

  constructor(
    private readonly installs: WorkspaceInstalls,
    private readonly clientOptions: webApi.WebClientOptions,
  ) {}

  /** Bolt's installation store: installations are kept in the database, an install restores old settings. */
  readonly store: InstallationStore = {
    storeInstallation: async (installation) => {
      await this.installs.installed(SLACK, installationKey(installation), JSON.stringify(installation));
    },
    fetchInstallation: async (query) => {
      const key = workspaceKey(query);
      const installation = await this.installation(key);
      if (!installation) throw new Error(`the app is not installed in ${key ?? 'this workspace'}`);
      return installation;
    },
    deleteInstallation: async (query) => {
      const key = workspaceKey(query);
      if (key) await this.uninstalled(key);
    },
  };

  /** The workspace uninstalled the app or revoked its bot token: its posts stop, its settings are kept. */
  async uninstalled(workspace: string): Promise<void> {
    await this.installs.uninstalled(SLACK, workspace);
  }

  async forChannel(channelId: string): Promise<{ client: webApi.WebClient; channel: string }> {
    const { workspace, channelId: channel } = splitWorkspaceChannelId(channelId);
    if (!workspace) throw new ChannelGoneError('not_in_a_workspace');
    const token = (await this.installation(workspace))?.bot?.token;
    if (!token) {
      this.clients.delete(workspace);
      throw new ChannelGoneError(UNINSTALLED_ERROR);
    }
    const cached = this.clients.get(workspace);
    if (cached?.token === token) return { client: cached.client, channel };
    const client = new webApi.WebClient(token, this.clientOptions);
    this.clients.set(workspace, { token, client });
    return { client, channel };
  }

  channelIn(source: WorkspaceSource, channel: string): string {
    const key = workspaceKey(source);
    return key ? workspaceChannelId(key, channel) : channel;
  }

  private async installation(workspace: string | undefined): Promise<Installation | undefined> {
    if (!workspace) return undefined;
    const credentials = await this.installs.credentials(SLACK, workspace);
    return credentials === undefined ? undefined : (JSON.parse(credentials) as Installation);
  }
}
