/*
 * The Slack adapter: a Bolt app (HTTP with signed requests, or Socket Mode) that turns `/papers`
 * commands, button clicks, mentions and thread messages into the bot's inbound calls, and answers with
 * rendered Block Kit. Handlers acknowledge at once, then answer, so Slack's 3-second limit always holds.
 * Both receivers are guarded (see http-receiver.ts and socket-receiver.ts), and the start is bounded and says
 * what Slack refused (start.ts).
 */
// Named imports: the default export is the App class itself under some loaders (vitest), a namespace under others.
import { App, LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { BotInbound, InboundContext } from '../../commands/framework/inbound.ts';
import type { ChatPlatform } from '../../src/chat/platform.port.ts';
import type { Clock } from '../../src/clock.ts';
import type { SlackConfig } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import { webApi } from '@slack/bolt';
import { withinDeadline } from '../../src/util/deadline.ts';
import type { InboundEventStore } from '../../src/store/inbound-event-store.port.ts';
import { GuardedHttpReceiver } from './http-receiver.ts';
import { GuardedSocketModeReceiver } from './socket-receiver.ts';
import { SlackStartError, untilSlackAnswers, type StartPolicy } from './start.ts';
import { SlackManagers } from './permissions.ts';
import { SLACK_BOT_SCOPES } from './manifest.ts';
import { createSlackPlatform, SLACK } from './platform.ts';
import { InstalledWorkspaces, singleWorkspaceClients, workspaceKey, type SlackClients, type WorkspaceSource } from './installations.ts';
import type { WorkspaceInstalls } from '../../src/workspaces/workspace-installs.ts';
import { createAnswerer } from './answers.ts';
import { baseActionId } from './render.ts';

/** How long a slash command may work before it is acknowledged empty (Slack allows 3 s in all). */
export const ACK_DEADLINE_MS = 2000;

/** A running Slack adapter. */
export interface SlackAdapter {
  platform: ChatPlatform;
  /** Starts listening; resolves with the HTTP port in HTTP mode. */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
  /** Listening (HTTP mode) or holding an open WebSocket to Slack (Socket Mode) right now. */
  connected(): boolean;
}

/** Bolt's logger interface, backed by ours (so Slack's logs are structured and never carry tokens). */
function boltLogger(log: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  return {
    debug: (...args) => log.debug({ slack: true }, line(args)),
    info: (...args) => log.info({ slack: true }, line(args)),
    warn: (...args) => log.warn({ slack: true }, line(args)),
    error: (...args) => log.error({ slack: true }, line(args)),
    setLevel: (next) => { level = next; },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** `<@UBOT> what is this?` → `what is this?` */
function withoutMention(text: string, botUserId: string | undefined): string {
  return text.replace(botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /<@[A-Z0-9]+(\|[^>]*)?>/, '').trim();
}

/**
 * Slack's tokens in command text, as commands read them: a user or user group as the value of `mention:`
 * becomes `mention:user:U123` / `mention:role:S123`; anywhere else a token is the name it shows (`@ada`),
 * so `search <@U123|ada>` searches words, not an option.
 */
export function neutralMentions(text: string): string {
  return text
    .replace(/\bmention:<@([A-Z0-9]+)(?:\|[^>]*)?>/g, 'mention:user:$1')
    .replace(/\bmention:<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/g, 'mention:role:$1')
    .replace(/<@([A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, name?: string) => `@${name || id}`)
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, handle?: string) => (handle ? (handle.startsWith('@') ? handle : `@${handle}`) : `@${id}`))
    .replace(/<#([A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, name?: string) => `#${name || id}`);
}

/** What the Slack adapter is wired to. */
export interface SlackAdapterDeps {
  inbound: BotInbound;
  clock: Clock;
  log: Logger;
  /** Inbound requests already handled (event retries, replays), shared with other processes through the database. */
  inboundEvents: InboundEventStore;
  /** Tells the person running the bot something they must know (stderr): a slow start, a stopped adapter. */
  notice?: (line: string) => void;
  /** Installs in many workspaces (needed with `config.oauth`): where installations are kept. */
  installs?: WorkspaceInstalls;
  /** Socket Mode: the client's ping timeout, also the unit of its reconnect delay (tests shorten it; default 5 s). */
  socketPingTimeoutMs?: number;
}

/** Creates the Bolt app and wires it to the bot. */
export function createSlackAdapter(config: SlackConfig, deps: SlackAdapterDeps): SlackAdapter {
  const log = deps.log.child({ platform: SLACK });
  const boltLog = boltLogger(log);
  const notice = deps.notice ?? (() => undefined);
  const clientOptions = {
    slackApiUrl: config.apiUrl,
    // No hidden retries: the WebClient's own (10 in about 30 minutes, on 5xx and network errors) would repeat a
    // chat.postMessage that Slack may have made already, and it would wait out 429s inside a call. The paced
    // sender decides instead: a 429 is waited out, a failure that may have landed is looked up before any resend.
    // Reads (users.info, history) fail fast too and are simply asked again later.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    // A hung call is aborted, so no request is still in flight when the sender looks the post up.
    timeout: config.requestTimeoutMs,
  };
  let stopped = false;
  const starting = new AbortController();
  if (config.oauth && !deps.installs) throw new Error('Slack installs in many workspaces need the installation store (deps.installs)');
  const installed = config.oauth && deps.installs ? new InstalledWorkspaces(deps.installs, clientOptions) : undefined;
  // Both modes run behind a guard: replays, redeliveries and malformed bodies or frames never reach a handler.
  const receiver = config.mode === 'http'
    ? new GuardedHttpReceiver({
        signingSecret: config.signingSecret ?? '',
        processBeforeResponse: config.processBeforeResponse ?? false,
        inbound: deps.inboundEvents,
        log,
        boltLogger: boltLog,
        ...(config.oauth && installed
          ? { oauth: { ...config.oauth, installationStore: installed.store, scopes: [...SLACK_BOT_SCOPES], clientOptions: { slackApiUrl: config.apiUrl } } }
          : {}),
      })
    : new GuardedSocketModeReceiver({
        appToken: config.appToken ?? '',
        clientOptions,
        inbound: deps.inboundEvents,
        clock: deps.clock,
        log,
        boltLogger: boltLog,
        ...(deps.socketPingTimeoutMs !== undefined ? { clientPingTimeoutMs: deps.socketPingTimeoutMs } : {}),
        onRefused: (message) => {
          // The app token was revoked while reconnecting: this adapter stops; the rest of the bot goes on.
          log.error({ reason: message }, 'slack refused the app token on a reconnect; the Slack adapter has stopped');
          notice(`${message} The Slack adapter has stopped; the other platforms keep running.`);
          stopped = true;
          running = false;
          void receiver.stop().catch(() => undefined);
        },
      });
  const app = new App({
    // Many workspaces: no token here; Bolt authorizes each request from the installation store.
    ...(config.botToken ? { token: config.botToken } : {}),
    receiver,
    ...(config.botId && config.botUserId ? { botId: config.botId, botUserId: config.botUserId } : {}),
    // Bolt checks the token in start() below, where a refused token becomes a clear error rather than an
    // unhandled rejection from the constructor.
    deferInitialization: true,
    // With the bot's ids configured, Bolt needs no auth.test at start (SLACK_BOT_ID / SLACK_BOT_USER_ID).
    tokenVerificationEnabled: !(config.botId && config.botUserId),
    // Bolt's conversation store (per-conversation state with timers) is unused here and costs CPU per event.
    convoStore: false,
    logger: boltLog,
    clientOptions,
  });
  const clients: SlackClients = installed ?? singleWorkspaceClients(app.client);
  const platform = createSlackPlatform(clients);
  const managers = new SlackManagers(config.managers, log);
  let botUserId = config.botUserId;
  let running = false;

  /** The request's workspace and its client (authorized with that workspace's token), as Bolt's context says. */
  interface Request { context: WorkspaceSource & { botUserId?: string }; client: webApi.WebClient }

  // Whether someone is an admin is asked of Slack only for a command that needs a channel manager (cached).
  const where = async (request: Request, userId: string, userName: string | undefined, channelId: string): Promise<InboundContext> => ({
    actor: { platform: SLACK, userId, displayName: userName ?? userId, canManageChannel: managers.isListed(userId) },
    channel: { platform: SLACK, channelId: clients.channelIn(request.context, channelId) },
    receivedAt: deps.clock.now(),
    confirmManager: () => managers.canManage(userId, request.client, workspaceKey(request.context)),
  });

  const answer = createAnswerer(log);

  app.command(config.command, async ({ command, ack, respond, context, client }) => {
    const work = where({ context, client }, command.user_id, command.user_name, command.channel_id).then((inContext) =>
      deps.inbound.command(neutralMentions(command.text ?? ''), inContext),
    );
    const route = { respond, channelId: command.channel_id, client };
    if (config.mode === 'socket') {
      // Socket Mode: acknowledged at once, answered through the response URL. An acknowledgement can be lost with
      // a closing socket (Slack then sends the envelope again, which is recognised and not run twice); an answer
      // sent on its own is not lost with it.
      await ack();
      await answer(await work, route);
      return;
    }
    // HTTP: answer in the acknowledgement itself when the work is done in time (no extra request, the fastest
    // reply); otherwise acknowledge empty before Slack's 3 s and answer through the response URL.
    const quick = await withinDeadline(work, ACK_DEADLINE_MS);
    if (!quick) {
      await ack();
      await answer(await work, route);
      return;
    }
    await answer(quick, { ...route, ack });
  });

  app.action(/^(?!link:).+/, async ({ action, body, ack, respond, context, client }) => {
    await ack();
    if (action.type !== 'button' || !('action_id' in action)) return;
    const channelId = body.channel?.id ?? (body as { container?: { channel_id?: string } }).container?.channel_id;
    if (!channelId) return;
    const inContext = await where({ context, client }, body.user.id, (body.user as { username?: string }).username, channelId);
    const result = await deps.inbound.press(baseActionId(action.action_id), inContext);
    await answer(result, { respond, channelId, client });
  });

  // Link buttons open a URL; Slack still sends an action, which needs only an acknowledgement.
  app.action(/^link:/, async ({ ack }) => { await ack(); });

  app.event('app_mention', async ({ event, context, client }) => {
    if (!event.user) return;
    const inContext = await where({ context, client }, event.user, undefined, event.channel);
    const threadTs = event.thread_ts ?? event.ts;
    // The bot posts the answer itself, once per mention (keyed by its ts), through the paced sender.
    await deps.inbound.threadMessage({
      thread: { ...inContext.channel, threadId: threadTs },
      actor: inContext.actor,
      text: withoutMention(event.text, context.botUserId ?? botUserId),
      at: inContext.receivedAt,
      addressedToBot: true,
      messageId: event.ts,
    });
  });

  // Messages in threads count as replies of a paper's discussion (mentions are answered above); one that
  // starts with `ask` is a question too, answered in the thread.
  app.message(async ({ message, context }) => {
    const m = message as { subtype?: string; thread_ts?: string; ts: string; user?: string; text?: string; channel: string };
    if (m.subtype || !m.thread_ts || m.thread_ts === m.ts || !m.user) return;
    const bot = context.botUserId ?? botUserId;
    if (bot && m.text?.includes(`<@${bot}`)) return;
    // A question among them (`ask …`) is answered in the thread by the bot itself, once per message.
    await deps.inbound.threadMessage({
      thread: { platform: SLACK, channelId: clients.channelIn(context, m.channel), threadId: m.thread_ts },
      actor: { platform: SLACK, userId: m.user, displayName: m.user, canManageChannel: false },
      text: m.text ?? '',
      at: deps.clock.now(),
      addressedToBot: false,
      messageId: m.ts,
    });
  });

  if (installed) {
    // A workspace that removes the app, or revokes its bot token, is uninstalled: its posts stop, its settings wait.
    app.event('app_uninstalled', async ({ context }) => {
      const key = workspaceKey(context);
      if (key) await installed.uninstalled(key);
    });
    app.event('tokens_revoked', async ({ event, context }) => {
      const key = workspaceKey(context);
      if (key && (event.tokens.bot?.length ?? 0) > 0) await installed.uninstalled(key);
    });
  }

  app.error(async (error) => {
    log.error({ error: error.message, code: (error as { code?: string }).code }, 'slack handler failed');
  });

  const policy: StartPolicy = { clock: deps.clock, timeoutMs: config.startTimeoutMs, notice, signal: starting.signal };

  return {
    platform,
    async start() {
      // The bot token first (unless its ids are configured, which skips the call): a refusal says which setting to
      // fix, an unreachable Slack is said and tried again.
      // Many workspaces: each installation carries its own bot ids; there is no one token to check.
      if (!botUserId && !installed) botUserId = (await untilSlackAnswers('auth.test', 'bot', () => app.client.auth.test(), policy)).user_id;
      await app.init();
      if (config.mode === 'socket') {
        // The app token, the same way, before the Socket Mode client (whose own retries would be silent).
        const appClient = new webApi.WebClient(undefined, { ...clientOptions, headers: { Authorization: `Bearer ${config.appToken ?? ''}` } });
        await untilSlackAnswers('apps.connections.open', 'app', () => appClient.apps.connections.open({}), policy);
        try {
          await withinBound(app.start(), config.startTimeoutMs, 'the Socket Mode connection did not open');
        } catch (error) {
          await app.stop().catch(() => undefined);
          throw error instanceof SlackStartError ? error : new SlackStartError(`Could not connect to Slack: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        log.info({ mode: 'socket' }, 'slack adapter connected');
        running = true;
        return {};
      }
      const server = (await app.start({ port: config.port, host: config.host })) as { address(): unknown };
      const address = server.address() as { port: number } | null;
      log.info({ mode: 'http', port: address?.port }, 'slack adapter listening');
      running = true;
      return address ? { port: address.port } : {};
    },
    async stop() {
      running = false;
      starting.abort();
      if (stopped) return;
      stopped = true;
      await app.stop().catch((error: unknown) => log.debug({ error: String(error) }, 'slack adapter was not running'));
    },
    connected() {
      if (!running || config.mode === 'http') return running;
      // Bolt keeps its Socket Mode receiver private; its client's WebSocket says whether Slack is reachable now.
      const receiver = (app as unknown as { receiver?: { client?: { websocket?: { isActive(): boolean } } } }).receiver;
      return receiver?.client?.websocket?.isActive() ?? false;
    },
  };
}

/** `work`, or a {@link SlackStartError} if it has not finished within `ms` (real time: the connection is real). */
async function withinBound<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new SlackStartError(`Could not connect to Slack: ${what} within ${Math.round(ms / 1000)} s.`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
