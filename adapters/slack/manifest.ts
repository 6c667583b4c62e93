/* The Slack app manifest, generated from the command registry so the app's slash command never drifts. */
import type { AnyCommandSpec } from '../../commands/framework/command-spec.ts';

/** The install page of a distributed app: an "Add to Slack" button that starts Slack's OAuth flow. */
export const INSTALL_PATH = '/slack/install';
/** Where Slack sends the browser back after an install (the manifest's redirect URL). */
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';

/** Bot scopes the adapter uses, each for a reason. */
export const SLACK_BOT_SCOPES = [
  'commands', // the /papers slash command
  'chat:write', // answers, cards, threads, scheduled posts
  'chat:write.public', // daily posts to public channels the bot was not invited to
  'app_mentions:read', // questions to @paperboy in paper threads
  'channels:history', // replies in paper threads of public channels (reply counts); looking a post up before resending it
  'groups:history', // the same in private channels the bot is in
  'files:write', // an answer too long for two messages (a huge BibTeX, a reading list) goes to the channel as a file
  'users:read', // whether a user is a workspace admin or owner (who may change channel settings)
] as const;

/** Events the adapter listens to. */
export const SLACK_BOT_EVENTS = ['app_mention', 'message.channels', 'message.groups'] as const;

/** Events a distributed app listens to besides: a workspace removing it (its posts stop, settings are kept). */
export const SLACK_INSTALL_EVENTS = ['app_uninstalled', 'tokens_revoked'] as const;

/** What varies between installs. */
export interface ManifestOptions {
  name: string;
  command: string;
  /** Socket Mode (no public URL), or the public HTTPS URL Slack posts to (`…/slack/events`). */
  socketMode: boolean;
  requestUrl?: string;
  /**
   * Installable in any number of workspaces (and org-wide in an Enterprise Grid): the OAuth redirect URL next to
   * `requestUrl`, the uninstall events, and org deployment. HTTP only.
   */
  distributed?: boolean;
}

/** The manifest as Slack's "Create an app from a manifest" takes it (JSON). */
export function slackManifest(registry: readonly AnyCommandSpec[], options: ManifestOptions): Record<string, unknown> {
  const url = options.socketMode ? {} : { url: options.requestUrl ?? 'https://your-host.example/slack/events' };
  const distributed = options.distributed === true && url.url !== undefined;
  const redirect = distributed ? { redirect_urls: [new URL(OAUTH_REDIRECT_PATH, url.url).href] } : {};
  return {
    display_information: {
      name: options.name,
      description: 'Trending machine-learning papers in your channels',
      long_description:
        'Look papers up, get a daily post of what is trending, discuss a paper in a thread where the bot answers from the paper, and subscribe a channel to topics. Commands: ' +
        registry.map((spec) => spec.name).join(', ') + '.',
    },
    features: {
      bot_user: { display_name: options.name.toLowerCase(), always_online: true },
      slash_commands: [
        {
          command: options.command,
          description: 'Trending ML papers: search, show, trending, discuss, daily, subscribe…',
          usage_hint: registry.map((spec) => spec.name).join(' | ').slice(0, 1000),
          should_escape: false,
          ...url,
        },
      ],
    },
    oauth_config: { ...redirect, scopes: { bot: [...SLACK_BOT_SCOPES] } },
    settings: {
      event_subscriptions: {
        ...(options.socketMode ? {} : { request_url: url.url }),
        bot_events: [...SLACK_BOT_EVENTS, ...(distributed ? SLACK_INSTALL_EVENTS : [])],
      },
      interactivity: { is_enabled: true, ...(options.socketMode ? {} : { request_url: url.url }) },
      org_deploy_enabled: distributed,
      socket_mode_enabled: options.socketMode,
      token_rotation_enabled: false,
    },
  };
}
