/*
 * A fake Discord on 127.0.0.1 for driving the real discord.js 14 `Client`: the REST API (`/api/v10/…`) and
 * the gateway WebSocket on one HTTP server. Point the client at it with
 * `new Client({ intents, rest: { api: fake.apiBase, retries: 0, timeout: 2000 } })`; `GET /gateway/bot`
 * hands out the fake's `ws://` URL, so login, READY, GUILD_CREATE and every later dispatch come from here.
 *
 * What it models, as discord-api-docs and the discord.js 14.28 / @discordjs/rest 2.6 / @discordjs/ws 1.2
 * sources describe it:
 * - REST: bot-token auth, message/thread/interaction/webhook/command routes, Discord's payload limits
 *   (400 `50035 Invalid Form Body` with nested `errors`, `50006` for empty messages), rate-limit headers
 *   and a per-bucket limit, scripted failures (`failNext`), deleted channels (`10003`) and lost access (`50001`).
 * - Shards (`shardCount`): IDENTIFY must name a shard `[id, count]` of that count; each session sees only the guilds
 *   with `(guild_id >> 22) % count === id`, and a guild's dispatches (interactions, messages) go to its shard alone.
 * - Gateway: HELLO, heartbeat ACKs, IDENTIFY (token and privileged intents checked), READY with unavailable
 *   guild stubs followed by one GUILD_CREATE per guild, RESUME (missed dispatches replayed), `op:0` with an
 *   increasing `s` on every dispatch, and intent filtering (`MESSAGE_CREATE` needs GuildMessages; message
 *   content is blanked without MessageContent unless the bot is mentioned). The bot's own posts come back as
 *   MESSAGE_CREATE/UPDATE/DELETE too, as on Discord, so `messageCreate` fires for them.
 * - Test drivers: interactions (command, autocomplete, button, select), user messages, thread archiving,
 *   dropped connections, and `pings()`, which says who a stored message would really notify.
 *
 * Every id is a snowflake of 17–19 digits: @discordjs/rest only recognises those as major parameters.
 */
import { listenOnLoopback } from '../loopback.ts';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { StateWaiters } from '../state-waiters.ts';
import { UnansweredRequests, type HttpFault } from '../http-faults.ts';

// ---------------------------------------------------------------------------------------------------
// Constants

/** Message, embed and component limits the fake enforces (discord-api-docs `message.mdx`, `components/reference.mdx`). */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  /** Characters summed over every embed of a message (title, description, field names/values, footer, author). */
  embedTotal: 6000,
  actionRows: 5,
  rowButtons: 5,
  customId: 100,
  buttonLabel: 80,
  buttonUrl: 512,
  selectOptions: 25,
  selectOptionText: 100,
  selectPlaceholder: 150,
  /** Components in a Components V2 message (`flags & 1<<15`), nested ones included. */
  componentsV2Total: 40,
  allowedMentionIds: 100,
  nonce: 25,
  threadName: 100,
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  modalTitle: 45,
  modalRows: 5,
} as const;

/** Application command limits checked on `PUT …/commands` (discord-api-docs `application-commands.mdx`). */
export const COMMAND_LIMITS = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  /** Chat-input commands per scope (global, or one guild). */
  chatInputCommands: 100,
  /** User and message context-menu commands per scope, each. */
  contextMenuCommands: 15,
  /** Name, description and option names/descriptions/choices of one command, summed. */
  totalChars: 8000,
} as const;

/** The values `auto_archive_duration` may take, in minutes. */
export const THREAD_AUTO_ARCHIVE_DURATIONS: readonly number[] = [60, 1440, 4320, 10080];

/** Gateway intent bits the fake looks at. */
export const INTENTS = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

/** Intents a bot must switch on in the developer portal; without `allowedPrivilegedIntents` IDENTIFY closes with 4014. */
export const PRIVILEGED_INTENTS = INTENTS.GuildMembers | INTENTS.GuildPresences | INTENTS.MessageContent;

/** Permission bits used by the fake (a subset of discord-api-types `PermissionFlagsBits`). */
export const PERMISSIONS = {
  CreateInstantInvite: 1n << 0n,
  ManageChannels: 1n << 4n,
  AddReactions: 1n << 6n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  ManageMessages: 1n << 13n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  MentionEveryone: 1n << 17n,
  UseExternalEmojis: 1n << 18n,
  ChangeNickname: 1n << 26n,
  UseApplicationCommands: 1n << 31n,
  ManageThreads: 1n << 34n,
  CreatePublicThreads: 1n << 35n,
  CreatePrivateThreads: 1n << 36n,
  UseExternalStickers: 1n << 37n,
  SendMessagesInThreads: 1n << 38n,
} as const;

/**
 * What an ordinary member (and the bot, through `@everyone`) may do: every text permission, but not
 * ManageChannels, ManageMessages or ManageThreads. Used for `member.permissions`, `app_permissions` and the
 * `@everyone` role, as a decimal string like Discord sends.
 */
export const DEFAULT_MEMBER_PERMISSIONS: string = [
  PERMISSIONS.CreateInstantInvite,
  PERMISSIONS.AddReactions,
  PERMISSIONS.ViewChannel,
  PERMISSIONS.SendMessages,
  PERMISSIONS.EmbedLinks,
  PERMISSIONS.AttachFiles,
  PERMISSIONS.ReadMessageHistory,
  PERMISSIONS.MentionEveryone,
  PERMISSIONS.UseExternalEmojis,
  PERMISSIONS.ChangeNickname,
  PERMISSIONS.UseApplicationCommands,
  PERMISSIONS.CreatePublicThreads,
  PERMISSIONS.CreatePrivateThreads,
  PERMISSIONS.UseExternalStickers,
  PERMISSIONS.SendMessagesInThreads,
]
  .reduce((all, bit) => all | bit, 0n)
  .toString();

/** JSON error codes the fake answers with (discord-api-docs `topics/opcodes-and-status-codes.mdx`). */
export const DISCORD_ERROR_CODES = {
  General: 0,
  UnknownApplication: 10002,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMessage: 10008,
  UnknownUser: 10013,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  CannotEditOtherUsersMessage: 50005,
  EmptyMessage: 50006,
  NonTextChannel: 50008,
  MissingAccess: 50001,
  MissingPermissions: 50013,
  InvalidChannelType: 50024,
  InvalidWebhookToken: 50027,
  InvalidFormBody: 50035,
  ThreadArchived: 50083,
  InvalidJson: 50109,
  InteractionAlreadyAcknowledged: 40060,
  ThreadAlreadyCreated: 160004,
} as const;

/** Message flag bits the fake reads. */
export const MESSAGE_FLAGS = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
  IsComponentsV2: 1 << 15,
} as const;

/** Interaction callback types (`InteractionResponseType`). */
export const CALLBACK_TYPES = {
  Pong: 1,
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredMessageUpdate: 6,
  UpdateMessage: 7,
  ApplicationCommandAutocompleteResult: 8,
  Modal: 9,
} as const;

const DEFAULT_APP_ID = '900000000000000001';
const DEFAULT_GUILD_ID = '800000000000000001';
const DEFAULT_CHANNEL_ID = '800000000000000002';
const DEFAULT_GUILD_OWNER_ID = '700000000000000099';
const DEFAULT_USER = { id: '700000000000000001', username: 'alice' } as const;
const DEFAULT_TOKEN = 'test.bot.token';
const DEFAULT_RATE_LIMIT = { limit: 50, windowMs: 1000 } as const;
const HEARTBEAT_INTERVAL_MS = 45_000;
/** Interactions must get their first callback within 3 s; their token works for 15 min. */
const INTERACTION_DEADLINE_MS = 3000;
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const DEFAULT_WAIT_MS = 5000;
/** discord.js builds `${api}/v10${route}`. */
const API_PREFIX = '/api/v10';
const BODY_LIMIT = 25 * 1024 * 1024;
/** Dispatches kept per session for replay on RESUME. */
const REPLAY_HISTORY = 500;
const DISCORD_EPOCH = 1_420_070_400_000n;
/** Lower bound for snowflake timestamps, so ids keep 17+ digits even with an odd test clock. */
const MIN_SNOWFLAKE_MS = 1_451_606_400_000; // 2016-01-01
const TEXT_CHANNEL_TYPES = new Set([0, 2, 5, 10, 11, 12, 13]);
const GATEWAY_ONLY_GUILD_FIELDS = ['channels', 'threads', 'members', 'voice_states', 'presences', 'stage_instances', 'guild_scheduled_events', 'soundboard_sounds', 'joined_at', 'large', 'unavailable', 'member_count'] as const;
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
/** Option types that may carry `autocomplete: true`: STRING, INTEGER, NUMBER. */
const AUTOCOMPLETE_OPTION_TYPES = new Set([3, 4, 10]);
const COMMAND_NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
/** Mention tokens in content; any digits count as an id (Discord only resolves real snowflakes, the fake is lenient). */
const MENTION_TOKEN = /@everyone|@here|<@!?(\d+)>|<@&(\d+)>/g;

// ---------------------------------------------------------------------------------------------------
// Public types

/** A guild the fake serves, with its channels. */
export interface FakeGuildConfig {
  id: string;
  name?: string;
  /** Channel `type` defaults to 0 (GUILD_TEXT). */
  channels: { id: string; name?: string; type?: number }[];
}

/** Options of {@link startFakeDiscord}. */
export interface FakeDiscordOptions {
  /** The application id (default an 18-digit id). */
  appId?: string;
  /** The bot user (default: id = the application id, as for every bot made since 2019; username `paperboy`). */
  botUser?: { id: string; username: string };
  /** The accepted bot token (default `test.bot.token`); anything else is 401 on REST and close 4004 on IDENTIFY. */
  token?: string;
  /** Default: one guild with one text channel. */
  guilds?: FakeGuildConfig[];
  /** Milliseconds since the epoch for timestamps, snowflakes, `at` and interaction deadlines (default `Date.now`). */
  clock?: () => number;
  /** Privileged intent bits switched on "in the developer portal" (default 0: requesting MessageContent closes with 4014). */
  allowedPrivilegedIntents?: number;
  /** Gateway shards the bot must connect with (default 1); `GET /gateway/bot` recommends this many. */
  shardCount?: number;
  /**
   * Requests per rate-limit bucket (route + major parameter) and window, advertised in `X-RateLimit-*` headers
   * and enforced with a 429 (default 50 per 1000 ms, real time: discord.js paces by the wall clock).
   */
  rateLimit?: { limit: number; windowMs: number };
  /** How long (by `clock`) an interaction accepts its first callback; later → 404 `10062` (default 3000, `Infinity` disables). */
  interactionDeadlineMs?: number;
  /** HELLO's `heartbeat_interval` (default 45000). Lower it to exercise heartbeats. */
  heartbeatIntervalMs?: number;
  /**
   * Called with each REST request as soon as it is answered: a load generator times thousands of answers
   * this way, where a `waitFor` per request would cost it time proportional to the number in flight.
   */
  onRequest?: (request: RecordedRequest) => void;
  /**
   * How long (by `clock`) an enforced nonce returns the message first made with it (default 120000: Discord says "a
   * few minutes"). Discord does not keep nonces: fetched messages never carry one.
   */
  nonceWindowMs?: number;
}

/** One REST request the fake received. */
export interface RecordedRequest {
  method: string;
  /** The path after `/api/v10`, URL-decoded (`/webhooks/…/messages/@original`). */
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body (`payload_json` for multipart), or undefined. */
  body: unknown;
  /** The files of a multipart body (`files[n]` parts), as sent. */
  files?: { field: string; filename: string; text: string }[];
  /** The `Authorization` header, e.g. `Bot test.bot.token`; undefined for interaction callbacks and webhooks. */
  auth: string | undefined;
  /** Arrival time from the fake's clock. */
  at: number;
  /** HTTP status answered (0 while the request is being handled). */
  status: number;
  /** Discord's JSON error `code` when the answer was an error. */
  errorCode?: number;
}

/** An `allowed_mentions` object as sent by the bot. */
export interface FakeAllowedMentions {
  parse?: string[];
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

/** A user as the fake renders it. */
export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: string;
  avatar: string | null;
  bot?: boolean;
}

/** A message the bot created, in its current state (edits apply in place). */
export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id: string | undefined;
  /** 0 for channel posts and component responses, 20 (CHAT_INPUT_COMMAND) for command replies and follow-ups. */
  type: number;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: unknown[];
  /** As sent; undefined when the bot sent none (then Discord parses every mention: see {@link FakeDiscord.pings}). */
  allowed_mentions: FakeAllowedMentions | undefined;
  message_reference?: { message_id: string; channel_id?: string; guild_id?: string; fail_if_not_exists?: boolean; type?: number };
  author: FakeUser;
  /** `channel`: POST /channels/:id/messages; `webhook`: follow-up; `interaction`: callback type 4/5/7 or an @original edit. */
  via: 'channel' | 'webhook' | 'interaction';
  flags: number;
  tts: boolean;
  timestamp: string;
  edited_timestamp: string | null;
  /** For interaction and webhook messages: the interaction whose token made it. */
  interactionId?: string;
}

/** An interaction callback the fake accepted. */
export interface FakeCallback {
  interactionId: string;
  token: string;
  /** 4 reply, 5 defer, 6 defer update, 7 update, 8 autocomplete result, 9 modal. */
  type: number;
  data: unknown;
  at: number;
}

/** A thread channel. */
export interface FakeThread {
  id: string;
  parent_id: string;
  guild_id: string;
  /** 10 announcement, 11 public, 12 private. */
  type: number;
  name: string;
  archived: boolean;
  locked: boolean;
  auto_archive_duration: number;
  owner_id: string;
  archive_timestamp: string;
  create_timestamp: string;
}

/** A chat-input option as the driver sends it. */
export interface FakeCommandOption {
  name: string;
  /** 3 STRING, 4 INTEGER, 5 BOOLEAN, 6 USER, 7 CHANNEL, 8 ROLE, 9 MENTIONABLE, 10 NUMBER. */
  type: number;
  value: string | number | boolean;
  /** Autocomplete only: the option being typed. */
  focused?: boolean;
}

/** Who triggers an interaction, and where. */
export interface FakeInteractionContext {
  /** Default `{ id: '700000000000000001', username: 'alice' }`. */
  user?: { id: string; username?: string };
  /** The member's permission bitfield as a decimal string (default {@link DEFAULT_MEMBER_PERMISSIONS}). */
  permissions?: string;
  /** Default the first channel. A thread id works too. */
  channelId?: string;
  /** Default the channel's guild. */
  guildId?: string;
  /** Default `en-US`. */
  locale?: string;
}

/** Input of {@link FakeDiscord.interaction}`.command` and `.autocomplete`. */
export interface FakeCommandInput extends FakeInteractionContext {
  /** Default `papers`. */
  name?: string;
  subcommandGroup?: string;
  subcommand?: string;
  options?: FakeCommandOption[];
  /** `data.resolved`; built from known users/channels for USER/CHANNEL options when omitted. */
  resolved?: unknown;
}

/** Input of {@link FakeDiscord.interaction}`.button`. */
export interface FakeButtonInput extends FakeInteractionContext {
  customId: string;
  /** The message carrying the button: a stored message, or else a plausible bot message is made up. */
  messageId?: string;
}

/** Input of {@link FakeDiscord.interaction}`.select` (a string select). */
export interface FakeSelectInput extends FakeButtonInput {
  values: string[];
}

/** An interaction the fake dispatched. */
export interface FakeInteractionRef {
  id: string;
  token: string;
}

/** Input of {@link FakeDiscord.userMessage}. */
export interface FakeUserMessageInput {
  channelId: string;
  content: string;
  /** Default `{ id: '700000000000000001', username: 'alice' }`. */
  author?: { id: string; username?: string };
  /** Mention the bot: `<@botId> ` is prepended unless the content already has it. Implied when it does. */
  mentionsBot?: boolean;
  /** Reply to this message id (a message in the same channel). */
  replyTo?: string;
}

/** A scripted REST failure for {@link FakeDiscord.failNext}. */
export type FakeFailure =
  /** 429 with `Retry-After` (seconds, sent as given), `X-RateLimit-Global` when global, and `X-RateLimit-Scope`. */
  | { status: 429; retryAfter: number; global?: boolean; scope?: 'user' | 'shared' | 'global' }
  /**
   * Any status with a JSON `{code, message}` body (5xx become HTTPError in discord.js). With `afterEffect` the
   * request first takes effect (the message is created) and only the answer is lost, as when Discord times out
   * or fails after doing the work.
   */
  | { status: number; code?: number; message?: string; afterEffect?: boolean }
  /** The connection is cut without an answer; with `afterEffect`, after the request took effect. */
  | { reset: true; afterEffect?: boolean }
  /** No answer until the client gives up (or the fake closes); with `afterEffect`, after the request took effect. */
  | { hang: true; afterEffect?: boolean };

/** A 400 the fake answered, with the error lines (`embeds[0].title: Must be 256 or fewer in length.`). */
export interface FakeValidationError {
  /** The request path. */
  path: string;
  /** Discord's error code (50035, 50006, 50083, 40060, …). */
  code: number;
  errors: string[];
}

/** Everything the fake recorded, as seen by {@link FakeDiscord.waitFor} predicates. */
export interface FakeDiscordState {
  /** Every REST request, in arrival order (paths outside `/api/v10` too, recorded whole and answered 404). */
  readonly requests: readonly RecordedRequest[];
  /** Bot messages (channel posts, interaction responses, follow-ups, and made-up component messages once edited); deleted ones leave. */
  readonly messages: readonly FakeMessage[];
  readonly callbacks: readonly FakeCallback[];
  readonly threads: readonly FakeThread[];
  /** Every `PUT …/commands` body the fake accepted, in order. */
  readonly commands: readonly { guildId?: string; body: unknown[] }[];
  /** Every 400 the fake answered itself (limit violations, 50006, 40060, 50083, …); scripted failures are not listed. */
  readonly validationErrors: readonly FakeValidationError[];
  /** Successful IDENTIFYs (READY sent). */
  readonly identifies: number;
  /** The intents bitfield of each successful IDENTIFY, in order. */
  readonly identifiedIntents: readonly number[];
  /** Successful RESUMEs (RESUMED sent). */
  readonly resumes: number;
  /** Heartbeats answered with op 11. */
  readonly heartbeats: number;
  /** Gateway connections with a live session. */
  readonly connections: number;
  /** Each interaction dispatched, with the shards whose sessions received it (its guild's shard alone). */
  readonly deliveredInteractions: readonly { token: string; shards: number[] }[];
  /** Why the fake closed or refused gateway connections (bad token, intents, query). */
  readonly gatewayErrors: readonly string[];
}

/** A running fake Discord. */
export interface FakeDiscord extends FakeDiscordState {
  /** `http://127.0.0.1:PORT/api`, for `rest.api` (discord.js adds `/v10`). */
  readonly apiBase: string;
  /** `ws://127.0.0.1:PORT`, what `GET /gateway/bot` answers. */
  readonly gatewayUrl: string;
  readonly appId: string;
  readonly botUser: { id: string; username: string };
  readonly token: string;
  /** The gateway shard holding a guild: `(guild_id >> 22) % shardCount`. */
  shardOf(guildId: string): number;
  /** The first guild and its first channel. */
  readonly guildId: string;
  readonly channelId: string;
  /** Sends a raw dispatch (op 0, next `s`) to every session, unfiltered; sessions that dropped get it on RESUME. */
  dispatch(t: string, d: unknown): void;
  /** Dispatches INTERACTION_CREATE payloads and returns the interaction's id and token. Throws without a gateway session. */
  readonly interaction: {
    command(input?: FakeCommandInput): FakeInteractionRef;
    autocomplete(input: FakeCommandInput): FakeInteractionRef;
    button(input: FakeButtonInput): FakeInteractionRef;
    select(input: FakeSelectInput): FakeInteractionRef;
  };
  /**
   * Dispatches MESSAGE_CREATE from a user to sessions with the GuildMessages intent. Without MessageContent
   * the content (and embeds/components/attachments) arrive empty unless the message mentions the bot.
   */
  userMessage(input: FakeUserMessageInput): { id: string };
  /** Archives (and optionally locks) a thread and dispatches THREAD_UPDATE. */
  archiveThread(id: string, opts?: { locked?: boolean }): void;
  /** Later requests on the channel answer 404 `10003`; dispatches CHANNEL_DELETE/THREAD_DELETE unless `dispatch: false`. */
  deleteChannel(id: string, opts?: { dispatch?: boolean }): void;
  /** Later requests on the channel (and its threads) answer 403 `50001 Missing Access`; its events stop. */
  denyAccess(channelId: string): void;
  /** The next request matching `match` (method optional, regex on the decoded path) fails like this. Queued in order. */
  failNext(match: { method?: string; path: RegExp }, failure: FakeFailure): void;
  /** Resolves with the first request (already answered) matching `pred`. */
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Resolves with the first callback for this interaction token or id. */
  waitForCallback(tokenOrInteractionId: string, timeoutMs?: number): Promise<FakeCallback>;
  /** Resolves with the first stored bot message matching `pred`. */
  waitForMessage(pred: (m: FakeMessage) => boolean, timeoutMs?: number): Promise<FakeMessage>;
  /**
   * Resolves with the predicate's first truthy result, checked now, after every change and every 20 ms;
   * rejects after `timeoutMs` real milliseconds (default 5000) with a summary.
   */
  waitFor<T>(predicate: (state: FakeDiscordState) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /**
   * Cuts every gateway connection abnormally (socket terminated, or closed with `code`), so discord.js resumes
   * after ~500 ms. With `invalidateSession` the RESUME gets `op 9 d:false` and the client re-IDENTIFYs,
   * which discord.js throttles to one per 5 s (+ up to 1.5 s jitter).
   */
  dropGateway(opts?: { code?: number; invalidateSession?: boolean }): void;
  /** Sends op 7 RECONNECT to every connection (discord.js closes with 4200 and resumes). */
  requestReconnect(): void;
  /**
   * Who Discord would notify for this message: `everyone`, `here`, `user:<id>`, `role:<id>`, from the content
   * only (never embeds), filtered by `allowed_mentions` (omitted → everything for channel posts, users only for
   * webhooks and interaction responses; `{parse: []}` → only ids listed in `users`/`roles`). A reply pings the
   * replied-to author when `allowed_mentions` is omitted or has `replied_user: true`.
   */
  pings(message: FakeMessage): string[];
  /** Terminates sockets, rejects pending waits and closes the server. Destroy the client first. */
  close(): Promise<void>;
}

/** Starts a fake Discord on 127.0.0.1 with an OS-picked port. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const fake = new FakeDiscordServer(options);
  await fake.listen();
  return fake;
}

// ---------------------------------------------------------------------------------------------------
// Helpers

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Characters as Discord counts them: code points. */
const charCount = (value: string): number => [...value].length;

/** Discord accepts any integer string up to 64 bits where a snowflake is expected. */
const isSnowflake = (value: unknown): value is string => typeof value === 'string' && /^\d{1,20}$/.test(value);

/** Monotonic snowflakes from a clock. */
class Snowflakes {
  private last = 0n;

  constructor(private readonly clock: () => number) {}

  next(): string {
    const ms = BigInt(Math.max(Math.floor(this.clock()), MIN_SNOWFLAKE_MS));
    const base = (ms - DISCORD_EPOCH) << 22n;
    this.last = base > this.last ? base : this.last + 1n;
    return this.last.toString();
  }
}

/** A Discord JSON error to answer with. */
class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Json,
    readonly lines: string[] = [message],
  ) {
    super(message);
  }
}

const unknownChannel = (): RestError => new RestError(404, DISCORD_ERROR_CODES.UnknownChannel, 'Unknown Channel');
const unknownMessage = (): RestError => new RestError(404, DISCORD_ERROR_CODES.UnknownMessage, 'Unknown Message');
const missingAccess = (): RestError => new RestError(403, DISCORD_ERROR_CODES.MissingAccess, 'Missing Access');
const missingPermissions = (): RestError => new RestError(403, DISCORD_ERROR_CODES.MissingPermissions, 'Missing Permissions');
const emptyMessage = (): RestError => new RestError(400, DISCORD_ERROR_CODES.EmptyMessage, 'Cannot send an empty message');

type PathPart = string | number;

/** Collects form errors the way Discord nests them under `errors` in a 50035 answer. */
class FormErrors {
  private readonly entries: { path: PathPart[]; code: string; message: string }[] = [];

  add(path: PathPart[], code: string, message: string): void {
    this.entries.push({ path, code, message });
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** Throws the 400 `50035 Invalid Form Body` Discord answers, if anything was added. */
  throwIfAny(): void {
    if (this.empty) return;
    const errors: Json = {};
    for (const { path, code, message } of this.entries) {
      let node = errors;
      for (const part of path) {
        const key = String(part);
        if (!isRecord(node[key])) node[key] = {};
        node = node[key] as Json;
      }
      const list = (node._errors as unknown[] | undefined) ?? [];
      list.push({ code, message });
      node._errors = list;
    }
    const lines = this.entries.map(({ path, message }) => `${formatPath(path)}: ${message}`);
    throw new RestError(400, DISCORD_ERROR_CODES.InvalidFormBody, 'Invalid Form Body', errors, lines);
  }

  /** Checks an optional string's length; `min` > 0 also rejects empty strings. */
  string(value: unknown, path: PathPart[], max: number, { required = false, min = 0 } = {}): void {
    if (value === undefined || value === null) {
      if (required) this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
      return;
    }
    if (typeof value !== 'string') return this.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    const length = charCount(value);
    if (min > 0 && (length < min || length > max)) {
      return this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    }
    if (length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  /** Checks an optional array's size; answers the array (or undefined). */
  array(value: unknown, path: PathPart[], max: number, { required = false, min = 0 } = {}): unknown[] | undefined {
    if (value === undefined || value === null) {
      if (required) this.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType.');
      return undefined;
    }
    if (value.length < min) this.add(path, 'BASE_TYPE_MIN_LENGTH', `Must be ${min} or more in length.`);
    if (value.length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    return value;
  }

  url(value: unknown, path: PathPart[], schemes: readonly string[]): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') return this.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    let scheme: string;
    try {
      scheme = new URL(value).protocol.replace(/:$/, '');
    } catch {
      return this.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
    }
    if (!schemes.includes(scheme)) {
      this.add(path, 'URL_TYPE_INVALID_SCHEME', `Scheme "${scheme}" is not supported. Scheme must be one of (${schemes.join(', ')}).`);
    }
  }
}

/** `embeds.0.title` → `embeds[0].title`, as discord.js prints it. */
function formatPath(path: PathPart[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

const HTTP_SCHEMES = ['http', 'https'] as const;
const IMAGE_SCHEMES = ['http', 'https', 'attachment'] as const;

/** Checks one embed; answers its character count toward the 6000 total (trimmed, as Discord counts). */
function checkEmbed(embed: unknown, path: PathPart[], errors: FormErrors): number {
  if (!isRecord(embed)) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return 0;
  }
  const L = DISCORD_LIMITS;
  let total = 0;
  const count = (value: unknown): void => {
    if (typeof value === 'string') total += charCount(value.trim());
  };
  errors.string(embed.title, [...path, 'title'], L.embedTitle);
  errors.string(embed.description, [...path, 'description'], L.embedDescription);
  errors.url(embed.url, [...path, 'url'], HTTP_SCHEMES);
  count(embed.title);
  count(embed.description);
  if (embed.color !== undefined && embed.color !== null) {
    if (!Number.isInteger(embed.color) || (embed.color as number) < 0 || (embed.color as number) > 0xffffff) {
      errors.add([...path, 'color'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
    }
  }
  if (embed.timestamp !== undefined && embed.timestamp !== null) {
    if (typeof embed.timestamp !== 'string' || Number.isNaN(Date.parse(embed.timestamp))) {
      errors.add([...path, 'timestamp'], 'DATE_TIME_TYPE_PARSE', 'Could not parse timestamp. Should be ISO8601.');
    }
  }
  const fields = errors.array(embed.fields, [...path, 'fields'], L.embedFields) ?? [];
  fields.forEach((field, i) => {
    const at = [...path, 'fields', i];
    if (!isRecord(field)) return errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    errors.string(field.name, [...at, 'name'], L.fieldName, { required: true, min: 1 });
    errors.string(field.value, [...at, 'value'], L.fieldValue, { required: true, min: 1 });
    count(field.name);
    count(field.value);
  });
  if (embed.footer !== undefined && embed.footer !== null) {
    const footer = isRecord(embed.footer) ? embed.footer : {};
    errors.string(footer.text, [...path, 'footer', 'text'], L.footerText, { required: true, min: 1 });
    errors.url(footer.icon_url, [...path, 'footer', 'icon_url'], IMAGE_SCHEMES);
    count(footer.text);
  }
  if (embed.author !== undefined && embed.author !== null) {
    const author = isRecord(embed.author) ? embed.author : {};
    errors.string(author.name, [...path, 'author', 'name'], L.authorName, { required: true, min: 1 });
    errors.url(author.url, [...path, 'author', 'url'], HTTP_SCHEMES);
    errors.url(author.icon_url, [...path, 'author', 'icon_url'], IMAGE_SCHEMES);
    count(author.name);
  }
  for (const key of ['image', 'thumbnail'] as const) {
    const media = embed[key];
    if (media === undefined || media === null) continue;
    if (!isRecord(media) || media.url === undefined) errors.add([...path, key, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
    else errors.url(media.url, [...path, key, 'url'], IMAGE_SCHEMES);
  }
  return total;
}

/** Checks a button or select wherever it sits; `customIds` spans the whole message. */
function checkInteractive(component: Json, path: PathPart[], errors: FormErrors, customIds: Set<string>): void {
  const L = DISCORD_LIMITS;
  const customId = (required: boolean): void => {
    errors.string(component.custom_id, [...path, 'custom_id'], L.customId, { required, min: 1 });
    if (typeof component.custom_id !== 'string') return;
    if (customIds.has(component.custom_id)) {
      errors.add([...path, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
    }
    customIds.add(component.custom_id);
  };
  if (component.type === 2) {
    const style = component.style;
    if (!Number.isInteger(style) || (style as number) < 1 || (style as number) > 6) {
      errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6}.');
    }
    errors.string(component.label, [...path, 'label'], L.buttonLabel);
    if (style === 5) {
      if (component.custom_id !== undefined) {
        errors.add([...path, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_WITH_URL', 'A custom id and url cannot both be specified');
      }
      if (component.url === undefined) errors.add([...path, 'url'], 'BUTTON_COMPONENT_URL_REQUIRED', 'A url is required');
      else {
        errors.string(component.url, [...path, 'url'], L.buttonUrl);
        errors.url(component.url, [...path, 'url'], ['http', 'https', 'discord']);
      }
    } else if (style === 6) {
      if (component.sku_id === undefined) errors.add([...path, 'sku_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    } else {
      if (component.url !== undefined) errors.add([...path, 'url'], 'BUTTON_COMPONENT_URL_WITH_CUSTOM_ID', 'A url cannot be specified with this style');
      customId(true);
    }
    if (style !== 6 && (component.label === undefined || component.label === '') && component.emoji === undefined) {
      errors.add([...path, 'label'], 'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED', 'A label or emoji is required');
    }
    return;
  }
  // Selects.
  customId(true);
  errors.string(component.placeholder, [...path, 'placeholder'], L.selectPlaceholder);
  if (component.type === 3) {
    const options = errors.array(component.options, [...path, 'options'], L.selectOptions, { required: true, min: 1 }) ?? [];
    options.forEach((option, i) => {
      const at = [...path, 'options', i];
      if (!isRecord(option)) return errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      errors.string(option.label, [...at, 'label'], L.selectOptionText, { required: true, min: 1 });
      errors.string(option.value, [...at, 'value'], L.selectOptionText, { required: true, min: 1 });
      errors.string(option.description, [...at, 'description'], L.selectOptionText);
    });
  }
}

/** Checks legacy components: ≤ 5 action rows, each ≤ 5 buttons or exactly one select. */
function checkLegacyComponents(components: unknown[], errors: FormErrors): void {
  const customIds = new Set<string>();
  if (components.length > DISCORD_LIMITS.actionRows) {
    errors.add(['components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${DISCORD_LIMITS.actionRows} or fewer in length.`);
  }
  components.forEach((row, i) => {
    const at: PathPart[] = ['components', i];
    if (!isRecord(row)) return errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    if (row.type !== 1) return errors.add([...at, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
    const children = errors.array(row.components, [...at, 'components'], DISCORD_LIMITS.rowButtons, { required: true, min: 1 }) ?? [];
    const selects = children.filter((c) => isRecord(c) && SELECT_TYPES.has(c.type as number)).length;
    if (selects > 0 && children.length > 1) {
      errors.add([...at, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
    children.forEach((child, j) => {
      const childAt = [...at, 'components', j];
      if (!isRecord(child)) return errors.add(childAt, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      if (child.type !== 2 && !SELECT_TYPES.has(child.type as number)) {
        return errors.add([...childAt, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).');
      }
      checkInteractive(child, childAt, errors, customIds);
    });
  });
}

/** Checks Components V2 loosely: ≤ 40 components in all, buttons/selects/rows checked wherever they sit. */
function checkComponentsV2(components: unknown[], errors: FormErrors): void {
  const customIds = new Set<string>();
  let total = 0;
  const walk = (value: unknown, path: PathPart[]): void => {
    if (!isRecord(value)) return errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    total++;
    if (value.type === 2 || SELECT_TYPES.has(value.type as number)) checkInteractive(value, path, errors, customIds);
    if (isRecord(value.accessory)) walk(value.accessory, [...path, 'accessory']);
    if (Array.isArray(value.components)) value.components.forEach((child, i) => walk(child, [...path, 'components', i]));
  };
  components.forEach((component, i) => walk(component, ['components', i]));
  if (total > DISCORD_LIMITS.componentsV2Total) {
    errors.add(['components'], 'COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED', `Total number of components must be ${DISCORD_LIMITS.componentsV2Total} or fewer.`);
  }
}

function checkAllowedMentions(value: unknown, errors: FormErrors): void {
  if (value === undefined || value === null) return;
  const path = ['allowed_mentions'];
  if (!isRecord(value)) return errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
  const parse = errors.array(value.parse, [...path, 'parse'], 3) ?? [];
  parse.forEach((kind, i) => {
    if (kind !== 'users' && kind !== 'roles' && kind !== 'everyone') {
      errors.add([...path, 'parse', i], 'BASE_TYPE_CHOICES', 'Value must be one of {"everyone", "roles", "users"}.');
    }
  });
  for (const key of ['users', 'roles'] as const) {
    const ids = errors.array(value[key], [...path, key], DISCORD_LIMITS.allowedMentionIds) ?? [];
    ids.forEach((id, i) => {
      if (!isSnowflake(id)) errors.add([...path, key, i], 'NUMBER_TYPE_COERCE', `Value "${String(id)}" is not snowflake.`);
    });
    if (ids.length > 0 && parse.includes(key)) {
      errors.add(path, 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${key}"] and ${key}: [ids...] are mutually exclusive.`);
    }
  }
}

/**
 * Checks a message payload (create, edit, interaction response, webhook) against Discord's limits, throwing
 * the 50035 answer. `current` is the message being edited: the empty-message check applies to the result.
 */
function checkMessagePayload(body: Json, current?: { content: string; embeds: unknown[]; components: unknown[]; attachments: unknown[]; flags: number }): void {
  const errors = new FormErrors();
  const flags = typeof body.flags === 'number' ? body.flags : (current?.flags ?? 0);
  const v2 = (flags & MESSAGE_FLAGS.IsComponentsV2) !== 0;
  errors.string(body.content, ['content'], DISCORD_LIMITS.content);
  errors.string(body.nonce === undefined || typeof body.nonce === 'number' ? undefined : body.nonce, ['nonce'], DISCORD_LIMITS.nonce);
  const embeds = errors.array(body.embeds, ['embeds'], DISCORD_LIMITS.embeds) ?? [];
  const total = embeds.reduce<number>((sum, embed, i) => sum + checkEmbed(embed, ['embeds', i], errors), 0);
  // Discord sizes the embeds once each one is valid.
  if (errors.empty && total > DISCORD_LIMITS.embedTotal) {
    errors.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${DISCORD_LIMITS.embedTotal}`);
  }
  const components = errors.array(body.components, ['components'], v2 ? DISCORD_LIMITS.componentsV2Total : Infinity) ?? [];
  if (v2) checkComponentsV2(components, errors);
  else checkLegacyComponents(components, errors);
  if (v2 && ((typeof body.content === 'string' && body.content !== '') || embeds.length > 0)) {
    errors.add(['content'], 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', 'The \'content\' and \'embeds\' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2');
  }
  checkAllowedMentions(body.allowed_mentions, errors);
  errors.throwIfAny();
  const pick = <T>(key: string, fallback: T): T => (body[key] === undefined || body[key] === null ? fallback : (body[key] as T));
  const content = pick('content', current?.content ?? '');
  const result = {
    content,
    embeds: pick('embeds', current?.embeds ?? []),
    components: pick('components', current?.components ?? []),
    attachments: pick('attachments', current?.attachments ?? []),
  };
  const hasSticker = Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0;
  if (content.trim() === '' && result.embeds.length === 0 && result.components.length === 0 && result.attachments.length === 0 && !hasSticker && !isRecord(body.poll)) {
    throw emptyMessage();
  }
}

/** Checks one command option (and nested ones); answers its character count. */
function checkCommandOption(option: unknown, path: PathPart[], errors: FormErrors, depth: number): number {
  if (!isRecord(option)) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return 0;
  }
  const L = COMMAND_LIMITS;
  let chars = 0;
  const type = option.type;
  if (!Number.isInteger(type) || (type as number) < 1 || (type as number) > 11) {
    errors.add([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.');
  }
  if (typeof option.name !== 'string' || !COMMAND_NAME.test(option.name) || option.name !== option.name.toLowerCase()) {
    errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  } else chars += charCount(option.name);
  errors.string(option.description, [...path, 'description'], L.description, { required: true, min: 1 });
  if (typeof option.description === 'string') chars += charCount(option.description);
  const choices = errors.array(option.choices, [...path, 'choices'], L.choices) ?? [];
  choices.forEach((choice, i) => {
    const at = [...path, 'choices', i];
    if (!isRecord(choice)) return errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    errors.string(choice.name, [...at, 'name'], L.choiceName, { required: true, min: 1 });
    if (typeof choice.value === 'string') errors.string(choice.value, [...at, 'value'], L.choiceValue, { min: 1 });
    else if (typeof choice.value !== 'number') errors.add([...at, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (typeof choice.name === 'string') chars += charCount(choice.name);
    chars += charCount(String(choice.value ?? ''));
  });
  if (option.autocomplete === true) {
    if (!AUTOCOMPLETE_OPTION_TYPES.has(type as number)) {
      errors.add([...path, 'autocomplete'], 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID_TYPE', 'Autocomplete can only be enabled for STRING, INTEGER and NUMBER options');
    }
    if (choices.length > 0) {
      errors.add([...path, 'autocomplete'], 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES', 'Autocomplete cannot be set when choices are present');
    }
  }
  if (type === 1 || type === 2) {
    if (depth >= (type === 2 ? 1 : 2)) {
      errors.add([...path, 'type'], 'APPLICATION_COMMAND_OPTION_INVALID_NESTING', 'Sub-command and sub-command group options cannot be nested this way');
    }
    const nested = errors.array(option.options, [...path, 'options'], L.options) ?? [];
    nested.forEach((child, i) => {
      const childType = isRecord(child) ? child.type : undefined;
      if (type === 2 && childType !== 1) {
        errors.add([...path, 'options', i, 'type'], 'APPLICATION_COMMAND_OPTION_INVALID_NESTING', 'Sub-command groups may only contain sub-commands');
      }
      if (type === 1 && (childType === 1 || childType === 2)) {
        errors.add([...path, 'options', i, 'type'], 'APPLICATION_COMMAND_OPTION_INVALID_NESTING', 'Sub-commands cannot contain sub-commands');
      }
      chars += checkCommandOption(child, [...path, 'options', i], errors, depth + 1);
    });
    checkOptionOrder(nested, [...path, 'options'], errors);
  } else if (option.options !== undefined) {
    errors.add([...path, 'options'], 'APPLICATION_COMMAND_OPTION_INVALID_NESTING', 'Only sub-commands and groups may have options');
  }
  return chars;
}

/** Required options must come before optional ones. */
function checkOptionOrder(options: unknown[], path: PathPart[], errors: FormErrors): void {
  let seenOptional = false;
  options.forEach((option, i) => {
    if (!isRecord(option) || option.type === 1 || option.type === 2) return;
    if (option.required === true && seenOptional) {
      errors.add([...path, i, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    }
    if (option.required !== true) seenOptional = true;
  });
}

/** Checks a bulk-overwrite body, throwing the 50035 answer. */
function checkCommands(body: unknown): Json[] {
  const errors = new FormErrors();
  if (!Array.isArray(body)) {
    errors.add([], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType.');
    errors.throwIfAny();
    return [];
  }
  const L = COMMAND_LIMITS;
  const names = new Map<string, number>();
  const perType = new Map<number, number>();
  body.forEach((command, i) => {
    if (!isRecord(command)) return errors.add([i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    const type = command.type === undefined ? 1 : command.type;
    if (type !== 1 && type !== 2 && type !== 3 && type !== 4) {
      return errors.add([i, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4}.');
    }
    perType.set(type, (perType.get(type) ?? 0) + 1);
    const name = command.name;
    const chatInput = type === 1;
    let chars = 0;
    if (typeof name !== 'string' || (chatInput && (!COMMAND_NAME.test(name) || name !== name.toLowerCase()))) {
      errors.add([i, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    } else {
      errors.string(name, [i, 'name'], L.name, { min: 1 });
      const key = `${type}:${name}`;
      if (names.has(key)) errors.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
      names.set(key, i);
      chars += charCount(name);
    }
    if (chatInput) {
      errors.string(command.description, [i, 'description'], L.description, { required: true, min: 1 });
      if (typeof command.description === 'string') chars += charCount(command.description);
    } else if (typeof command.description === 'string' && command.description !== '') {
      errors.add([i, 'description'], 'APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION', 'Context menu commands cannot have a description');
    }
    const options = errors.array(command.options, [i, 'options'], L.options) ?? [];
    if (!chatInput && options.length > 0) errors.add([i, 'options'], 'APPLICATION_COMMAND_OPTIONS_INVALID', 'Only chat input commands may have options');
    options.forEach((option, j) => {
      chars += checkCommandOption(option, [i, 'options', j], errors, 0);
    });
    checkOptionOrder(options, [i, 'options'], errors);
    if (chars > L.totalChars) errors.add([i], 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (${L.totalChars})`);
    if (command.default_member_permissions !== undefined && command.default_member_permissions !== null) {
      if (typeof command.default_member_permissions !== 'string' || !/^\d+$/.test(command.default_member_permissions)) {
        errors.add([i, 'default_member_permissions'], 'NUMBER_TYPE_COERCE', 'Value is not a permission bitfield string.');
      }
    }
  });
  if ((perType.get(1) ?? 0) > L.chatInputCommands) errors.add([], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.chatInputCommands} or fewer chat input commands.`);
  for (const type of [2, 3]) {
    if ((perType.get(type) ?? 0) > L.contextMenuCommands) errors.add([], 'BASE_TYPE_MAX_LENGTH', `Must be ${L.contextMenuCommands} or fewer context menu commands of type ${type}.`);
  }
  errors.throwIfAny();
  return body as Json[];
}

/** Checks an autocomplete result (callback type 8). */
function checkChoices(data: unknown): void {
  const errors = new FormErrors();
  const choices = errors.array(isRecord(data) ? data.choices : undefined, ['data', 'choices'], DISCORD_LIMITS.autocompleteChoices, { required: true }) ?? [];
  choices.forEach((choice, i) => {
    const at = ['data', 'choices', i];
    if (!isRecord(choice)) return errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    errors.string(choice.name, [...at, 'name'], DISCORD_LIMITS.choiceName, { required: true, min: 1 });
    if (typeof choice.value === 'string') errors.string(choice.value, [...at, 'value'], DISCORD_LIMITS.choiceValue);
    else if (typeof choice.value !== 'number') errors.add([...at, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
  });
  errors.throwIfAny();
}

/** Checks a modal (callback type 9) loosely. */
function checkModal(data: unknown): void {
  const errors = new FormErrors();
  const modal = isRecord(data) ? data : {};
  errors.string(modal.custom_id, ['data', 'custom_id'], DISCORD_LIMITS.customId, { required: true, min: 1 });
  errors.string(modal.title, ['data', 'title'], DISCORD_LIMITS.modalTitle, { required: true, min: 1 });
  errors.array(modal.components, ['data', 'components'], DISCORD_LIMITS.modalRows, { required: true, min: 1 });
  errors.throwIfAny();
}

/** Everything `pings()` needs from a message. */
interface PingSource {
  content: string;
  allowed_mentions: FakeAllowedMentions | undefined;
  via: string;
  /** The author of the message this one replies to, if any. */
  repliedAuthorId?: string | undefined;
}

/** Who a message notifies: Discord's parse of the content, filtered by `allowed_mentions`. */
function computePings({ content, allowed_mentions: allowed, via, repliedAuthorId }: PingSource): string[] {
  const parse = new Set(allowed ? (allowed.parse ?? []) : via === 'channel' ? ['users', 'roles', 'everyone'] : ['users']);
  const users = new Set(allowed?.users ?? []);
  const roles = new Set(allowed?.roles ?? []);
  const pinged: string[] = [];
  const add = (entry: string): void => {
    if (!pinged.includes(entry)) pinged.push(entry);
  };
  for (const match of content.matchAll(MENTION_TOKEN)) {
    const [token, userId, roleId] = match;
    if (token === '@everyone' || token === '@here') {
      if (parse.has('everyone')) add(token.slice(1));
    } else if (userId !== undefined) {
      if (parse.has('users') || users.has(userId)) add(`user:${userId}`);
    } else if (roleId !== undefined) {
      if (parse.has('roles') || roles.has(roleId)) add(`role:${roleId}`);
    }
  }
  if (repliedAuthorId !== undefined && (allowed === undefined || allowed.replied_user === true)) add(`user:${repliedAuthorId}`);
  return pinged;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new RestError(413, DISCORD_ERROR_CODES.General, 'Request entity too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The file parts of a multipart body: `Content-Disposition: form-data; name="files[0]"; filename="x.bib"`. */
function multipartFiles(contentType: string | undefined, raw: Buffer): { field: string; filename: string; text: string }[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!boundary || !/^multipart\/form-data/i.test(contentType ?? '')) return [];
  return raw
    .toString('utf8')
    .split(`--${boundary}`)
    .flatMap((part) => {
      const head = part.slice(0, part.indexOf('\r\n\r\n'));
      const field = /name="([^"]+)"/i.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (field === undefined || filename === undefined) return [];
      return [{ field, filename, text: part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '') }];
    });
}

/** Parses a JSON body, or the `payload_json` part of a multipart one (discord.js sends files that way). */
function parseBody(contentType: string | undefined, raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let text: string | undefined;
  if (type === 'application/json') text = raw.toString('utf8');
  else if (type === 'multipart/form-data') {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
    const part = boundary
      ? raw
          .toString('utf8')
          .split(`--${boundary}`)
          .find((p) => /name="payload_json"/i.test(p))
      : undefined;
    text = part?.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
    if (text === undefined) return undefined;
  } else return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RestError(400, DISCORD_ERROR_CODES.InvalidJson, 'The request body contains invalid JSON.');
  }
}

/** A short stable hash for `X-RateLimit-Bucket`. */
const bucketHash = (route: string): string => createHash('sha1').update(route).digest('hex').slice(0, 32);

// ---------------------------------------------------------------------------------------------------
// Server

interface Reply {
  status: number;
  /** undefined → no body and no Content-Type (204). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Instead of answering: cut the connection, or leave the request hanging. */
  abort?: HttpFault;
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const noContent = (): Reply => ({ status: 204 });

interface ChannelRecord {
  id: string;
  guild_id: string;
  name: string;
  type: number;
  position: number;
  topic: string | null;
  deleted: boolean;
  denied: boolean;
  /** Set for threads. */
  thread?: FakeThread;
}

interface GuildRecord {
  id: string;
  name: string;
  joinedAt: string;
  /** Channel ids in configuration order (threads excluded). */
  channelIds: string[];
}

/** A message the fake knows: the bot's (public in `messages` once published) or a user's. */
type StoredMessage = Omit<FakeMessage, 'via'> & {
  via: FakeMessage['via'] | 'user';
  /** User messages: the ids in `mentions`. */
  mentionIds?: string[];
  /** The thread started from this message. */
  threadId?: string;
};

interface InteractionRecord {
  id: string;
  token: string;
  /** 2 command, 3 component, 4 autocomplete. */
  type: number;
  createdAt: number;
  channelId: string;
  guildId: string;
  acknowledged: boolean;
  /** The message `@original` refers to. */
  originalMessageId?: string;
  /** Components: the message the component sits on. */
  componentMessageId?: string;
  /** Messages made with this token (original and follow-ups). */
  messageIds: Set<string>;
}

interface GatewayFrame {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

interface GatewaySession {
  id: string;
  /** The shard it identified as (0 without sharding). */
  shard: number;
  seq: number;
  intents: number;
  /** undefined while disconnected but resumable. */
  socket: WebSocket | undefined;
  history: GatewayFrame[];
}

interface Connection {
  session?: GatewaySession;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** Route template for rate-limit buckets, e.g. `POST /channels/:id/messages`. */
  name: string;
  /** Needs `Authorization: Bot <token>`; interaction callbacks and webhooks do not. */
  auth: boolean;
  /** Sends and counts rate-limit headers (not interaction callbacks, which Discord exempts). */
  limited: boolean;
  handle: (ctx: RequestContext, params: string[]) => Reply;
}

interface RequestContext {
  record: RecordedRequest;
  body: unknown;
  query: URLSearchParams;
}

class FakeDiscordServer implements FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  readonly messages: FakeMessage[] = [];
  readonly deliveredInteractions: { token: string; shards: number[] }[] = [];
  readonly callbacks: FakeCallback[] = [];
  /** The first callback of each interaction, by token and by id (waiting on one stays cheap with many in flight). */
  private readonly firstCallbacks = new Map<string, FakeCallback>();
  readonly threads: FakeThread[] = [];
  readonly commands: { guildId?: string; body: unknown[] }[] = [];
  readonly validationErrors: FakeValidationError[] = [];
  readonly gatewayErrors: string[] = [];
  identifies = 0;
  readonly identifiedIntents: number[] = [];
  resumes = 0;
  heartbeats = 0;
  apiBase = '';
  gatewayUrl = '';
  readonly appId: string;
  readonly botUser: { id: string; username: string };
  readonly token: string;
  readonly guildId: string;
  readonly channelId: string;
  readonly interaction: FakeDiscord['interaction'];

  private readonly clock: () => number;
  private readonly ids: Snowflakes;
  private readonly allowedPrivilegedIntents: number;
  private readonly shardCount: number;
  private readonly rateLimit: { limit: number; windowMs: number };
  private readonly interactionDeadlineMs: number;
  private readonly onRequest: ((request: RecordedRequest) => void) | undefined;
  private readonly heartbeatIntervalMs: number;
  private readonly guilds = new Map<string, GuildRecord>();
  private readonly channels = new Map<string, ChannelRecord>();
  private readonly stored = new Map<string, StoredMessage>();
  private readonly published = new Set<string>();
  private readonly users = new Map<string, FakeUser>();
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly interactionsByToken = new Map<string, InteractionRecord>();
  /** Registered command ids by `scope:type:name`, kept across overwrites like Discord does. */
  private readonly commandIds = new Map<string, string>();
  private readonly registered = new Map<string, Json>();
  private readonly failures: { match: { method?: string; path: RegExp }; failure: FakeFailure }[] = [];
  /** `channel:nonce` → the message made with it and when (for `enforce_nonce`). */
  private readonly nonces = new Map<string, { id: string; at: number }>();
  private readonly nonceWindowMs: number;
  private readonly unanswered = new UnansweredRequests();
  private readonly buckets = new Map<string, { count: number; resetAt: number }>();
  private readonly sessions = new Map<string, GatewaySession>();
  private readonly connectionsBySocket = new Map<WebSocket, Connection>();
  private readonly waiters = new StateWaiters<FakeDiscordState>('fake Discord', () => this.summary());
  private readonly routes: Route[];
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private closed = false;

  constructor(options: FakeDiscordOptions) {
    this.clock = options.clock ?? Date.now;
    this.ids = new Snowflakes(this.clock);
    this.appId = options.appId ?? DEFAULT_APP_ID;
    this.botUser = options.botUser ?? { id: this.appId, username: 'paperboy' };
    this.token = options.token ?? DEFAULT_TOKEN;
    this.allowedPrivilegedIntents = options.allowedPrivilegedIntents ?? 0;
    this.shardCount = options.shardCount ?? 1;
    this.rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
    this.interactionDeadlineMs = options.interactionDeadlineMs ?? INTERACTION_DEADLINE_MS;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;
    this.onRequest = options.onRequest;
    this.nonceWindowMs = options.nonceWindowMs ?? 120_000;
    const guilds = options.guilds ?? [{ id: DEFAULT_GUILD_ID, name: 'Paperboy Test', channels: [{ id: DEFAULT_CHANNEL_ID, name: 'papers', type: 0 }] }];
    if (guilds.length === 0 || guilds[0]!.channels.length === 0) throw new Error('fake Discord: the first guild needs at least one channel');
    for (const guild of guilds) this.addGuild(guild);
    this.guildId = guilds[0]!.id;
    this.channelId = guilds[0]!.channels[0]!.id;
    this.users.set(this.botUser.id, { ...this.userObject(this.botUser), bot: true });
    this.interaction = {
      command: (input = {}) => this.commandInteraction(2, input),
      autocomplete: (input) => this.commandInteraction(4, input),
      button: (input) => this.componentInteraction(input, { custom_id: input.customId, component_type: 2 }),
      select: (input) => this.componentInteraction(input, { custom_id: input.customId, component_type: 3, values: input.values }),
    };
    this.routes = this.buildRoutes();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        const status = error instanceof RestError ? error.status : 500;
        this.send(res, ok({ code: 0, message: error instanceof Error ? error.message : String(error) }, status));
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (this.closed) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, req));
    });
  }

  async listen(): Promise<void> {
    const port = await listenOnLoopback(this.server);
    this.apiBase = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}`;
  }

  get connections(): number {
    return [...this.sessions.values()].filter((s) => s.socket?.readyState === 1).length;
  }

  // ---- drivers ------------------------------------------------------------------------------------

  dispatch(t: string, d: unknown): void {
    for (const session of this.sessions.values()) this.dispatchTo(session, t, d);
  }

  userMessage(input: FakeUserMessageInput): { id: string } {
    const channel = this.channels.get(input.channelId);
    if (!channel || channel.deleted) throw new Error(`fake Discord: unknown channel ${input.channelId}`);
    if (!TEXT_CHANNEL_TYPES.has(channel.type)) throw new Error(`fake Discord: channel ${channel.id} (type ${channel.type}) takes no messages`);
    if (channel.thread?.archived) {
      if (channel.thread.locked) throw new Error(`fake Discord: thread ${channel.id} is archived and locked`);
      this.setArchived(channel.thread, false);
    }
    const author = this.rememberUser(input.author ?? DEFAULT_USER);
    let reference: StoredMessage['message_reference'];
    let repliedToBot = false;
    if (input.replyTo !== undefined) {
      const replied = this.stored.get(input.replyTo);
      if (!replied || replied.channel_id !== channel.id) throw new Error(`fake Discord: no message ${input.replyTo} in channel ${channel.id}`);
      reference = { message_id: replied.id, channel_id: channel.id, guild_id: channel.guild_id, type: 0 };
      repliedToBot = replied.author.id === this.botUser.id;
    }
    // A reply to the bot pings it without a token in the content (the client's "@ON" default).
    const botMention = new RegExp(`<@!?${this.botUser.id}>`);
    const hasToken = botMention.test(input.content);
    const mentionsBot = input.mentionsBot ?? (hasToken || repliedToBot);
    const content = mentionsBot && !hasToken && !repliedToBot ? `<@${this.botUser.id}> ${input.content}` : input.content;
    const mentionIds = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]!);
    if (mentionsBot) mentionIds.push(this.botUser.id);
    const uniqueMentionIds = mentionIds.filter((id, i, all) => all.indexOf(id) === i);
    const message: StoredMessage = {
      id: this.ids.next(),
      channel_id: channel.id,
      guild_id: channel.guild_id,
      type: reference ? 19 : 0,
      content,
      embeds: [],
      components: [],
      attachments: [],
      allowed_mentions: undefined,
      ...(reference ? { message_reference: reference } : {}),
      author,
      via: 'user',
      flags: 0,
      tts: false,
      timestamp: this.isoNow(),
      edited_timestamp: null,
      mentionIds: uniqueMentionIds,
    };
    this.stored.set(message.id, message);
    if (!this.isHidden(channel)) {
      for (const session of this.sessionsOf(channel.guild_id)) {
        if (!(session.intents & INTENTS.GuildMessages)) continue;
        const full = (session.intents & INTENTS.MessageContent) !== 0 || mentionsBot;
        const api = this.messageObject(message, { gateway: true });
        this.dispatchTo(session, 'MESSAGE_CREATE', full ? api : { ...api, content: '', embeds: [], components: [], attachments: [] });
      }
    }
    this.changed();
    return { id: message.id };
  }

  archiveThread(id: string, opts: { locked?: boolean } = {}): void {
    const thread = this.channels.get(id)?.thread;
    if (!thread) throw new Error(`fake Discord: ${id} is not a thread`);
    if (opts.locked !== undefined) thread.locked = opts.locked;
    this.setArchived(thread, true);
    this.changed();
  }

  deleteChannel(id: string, opts: { dispatch?: boolean } = {}): void {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`fake Discord: unknown channel ${id}`);
    if (opts.dispatch ?? true) {
      const event = channel.thread ? 'THREAD_DELETE' : 'CHANNEL_DELETE';
      const payload = channel.thread
        ? { id, guild_id: channel.guild_id, parent_id: channel.thread.parent_id, type: channel.type }
        : this.channelObject(channel);
      this.dispatchIntent(INTENTS.Guilds, event, payload, channel);
    }
    channel.deleted = true;
    for (const thread of this.threads) if (thread.parent_id === id) this.channels.get(thread.id)!.deleted = true;
    this.changed();
  }

  denyAccess(channelId: string): void {
    const channel = this.channels.get(channelId);
    if (!channel) throw new Error(`fake Discord: unknown channel ${channelId}`);
    channel.denied = true;
  }

  failNext(match: { method?: string; path: RegExp }, failure: FakeFailure): void {
    this.failures.push({ match, failure });
  }

  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest> {
    return this.waitFor((state) => state.requests.find((r) => r.status !== 0 && pred(r)), timeoutMs);
  }

  waitForCallback(tokenOrInteractionId: string, timeoutMs?: number): Promise<FakeCallback> {
    return this.waitFor(() => this.firstCallbacks.get(tokenOrInteractionId), timeoutMs);
  }

  waitForMessage(pred: (m: FakeMessage) => boolean, timeoutMs?: number): Promise<FakeMessage> {
    return this.waitFor((state) => state.messages.find(pred), timeoutMs);
  }

  waitFor<T>(predicate: (state: FakeDiscordState) => T | undefined | null | false, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return this.waiters.waitFor(this, predicate, timeoutMs);
  }

  dropGateway(opts: { code?: number; invalidateSession?: boolean } = {}): void {
    for (const session of [...this.sessions.values()]) {
      if (opts.invalidateSession) this.sessions.delete(session.id);
      const socket = session.socket;
      if (!socket) continue;
      if (opts.code !== undefined) socket.close(opts.code, 'fake Discord: dropped');
      else socket.terminate();
    }
  }

  requestReconnect(): void {
    for (const session of this.sessions.values()) this.sendFrame(session.socket, { op: 7, d: null, s: null, t: null });
  }

  pings(message: FakeMessage): string[] {
    const repliedId = message.message_reference?.message_id;
    const replied = repliedId !== undefined ? this.stored.get(repliedId) : undefined;
    return computePings({ ...message, repliedAuthorId: replied && replied.author.id !== message.author.id ? replied.author.id : undefined });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('fake Discord closed');
    this.waiters.closeAll(error);
    for (const ws of this.wss.clients) ws.terminate();
    this.sessions.clear();
    this.unanswered.cutAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  // ---- state --------------------------------------------------------------------------------------

  private now(): number {
    return this.clock();
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  private changed(): void {
    this.waiters.changed();
  }

  private summary(): string {
    const requests = this.requests.slice(-15).map((r) => `${r.method} ${r.path} → ${r.status}`);
    return (
      `last requests: [${requests.join(', ')}], messages: ${this.messages.length}, callbacks: ${this.callbacks.length}, ` +
      `threads: ${this.threads.length}, connections: ${this.connections}, identifies: ${this.identifies}, resumes: ${this.resumes}` +
      (this.gatewayErrors.length ? `, gateway errors: [${this.gatewayErrors.join('; ')}]` : '')
    );
  }

  private addGuild(config: FakeGuildConfig): void {
    const guild: GuildRecord = { id: config.id, name: config.name ?? `guild-${config.id.slice(-4)}`, joinedAt: this.isoNow(), channelIds: [] };
    this.guilds.set(guild.id, guild);
    config.channels.forEach((c, position) => {
      this.channels.set(c.id, {
        id: c.id,
        guild_id: guild.id,
        name: c.name ?? `channel-${c.id.slice(-4)}`,
        type: c.type ?? 0,
        position,
        topic: null,
        deleted: false,
        denied: false,
      });
      guild.channelIds.push(c.id);
    });
  }

  private userObject(user: { id: string; username?: string }): FakeUser {
    const username = user.username ?? `user-${user.id.slice(-4)}`;
    return { id: user.id, username, global_name: username, discriminator: '0', avatar: null };
  }

  private rememberUser(user: { id: string; username?: string }): FakeUser {
    const known = this.users.get(user.id);
    if (known && (user.username === undefined || known.username === user.username)) return known;
    const made = this.userObject(user);
    this.users.set(user.id, made);
    return made;
  }

  private botAuthor(): FakeUser {
    return this.users.get(this.botUser.id)!;
  }

  /** A channel the bot cannot see (denied, or in a denied parent): no events, 403 on REST. */
  private isHidden(channel: ChannelRecord): boolean {
    if (channel.denied) return true;
    const parent = channel.thread ? this.channels.get(channel.thread.parent_id) : undefined;
    return parent?.denied ?? false;
  }

  /** The channel for a REST route: 404 10003 when unknown or deleted, 403 50001 when access was denied. */
  private channelFor(id: string): ChannelRecord {
    const channel = this.channels.get(id);
    if (!channel || channel.deleted) throw unknownChannel();
    if (this.isHidden(channel)) throw missingAccess();
    return channel;
  }

  private memberObject(user: FakeUser, guild: GuildRecord, permissions?: string): Json {
    return {
      user,
      nick: null,
      avatar: null,
      banner: null,
      roles: [],
      joined_at: guild.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      pending: false,
      flags: 0,
      communication_disabled_until: null,
      ...(permissions !== undefined ? { permissions } : {}),
    };
  }

  private channelObject(channel: ChannelRecord): Json {
    const thread = channel.thread;
    if (thread) {
      return {
        id: thread.id,
        type: thread.type,
        guild_id: thread.guild_id,
        parent_id: thread.parent_id,
        owner_id: thread.owner_id,
        name: thread.name,
        last_message_id: null,
        rate_limit_per_user: 0,
        flags: 0,
        message_count: 0,
        member_count: 1,
        total_message_sent: 0,
        thread_metadata: {
          archived: thread.archived,
          locked: thread.locked,
          auto_archive_duration: thread.auto_archive_duration,
          archive_timestamp: thread.archive_timestamp,
          create_timestamp: thread.create_timestamp,
          ...(thread.type === 12 ? { invitable: true } : {}),
        },
      };
    }
    return {
      id: channel.id,
      type: channel.type,
      guild_id: channel.guild_id,
      name: channel.name,
      position: channel.position,
      permission_overwrites: [],
      parent_id: null,
      topic: channel.topic,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    };
  }

  private guildObject(guild: GuildRecord): Json {
    const channels = guild.channelIds.map((id) => this.channels.get(id)!).filter((c) => !c.deleted && !this.isHidden(c));
    const threads = this.threads
      .filter((t) => t.guild_id === guild.id && !t.archived)
      .map((t) => this.channels.get(t.id)!)
      .filter((c) => !c.deleted && !this.isHidden(c));
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: DEFAULT_GUILD_OWNER_ID,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: 'en-US',
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      application_id: null,
      features: [],
      roles: [
        {
          id: guild.id,
          name: '@everyone',
          color: 0,
          colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
          hoist: false,
          icon: null,
          unicode_emoji: null,
          position: 0,
          permissions: DEFAULT_MEMBER_PERMISSIONS,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      joined_at: guild.joinedAt,
      large: false,
      unavailable: false,
      member_count: 2,
      voice_states: [],
      members: [this.memberObject(this.botAuthor(), guild)],
      channels: channels.map((c) => this.channelObject(c)),
      threads: threads.map((c) => this.channelObject(c)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  /** The API message object; gateway copies also carry `member`. */
  private messageObject(message: StoredMessage, { gateway = false } = {}): Json {
    const guild = message.guild_id !== undefined ? this.guilds.get(message.guild_id) : undefined;
    const mentionedUsers = (message.via === 'user' ? (message.mentionIds ?? []) : this.pingedUserIds(message)).map((id) => {
      const user = this.users.get(id) ?? this.userObject({ id });
      return guild ? { ...user, member: this.memberObject(user, guild) } : user;
    });
    const pinged = message.via === 'user' ? [] : this.pings(message as FakeMessage);
    const referenced = message.message_reference ? this.stored.get(message.message_reference.message_id) : undefined;
    const thread = message.threadId !== undefined ? this.channels.get(message.threadId) : undefined;
    const fromInteraction = message.via === 'webhook' || message.via === 'interaction';
    return {
      id: message.id,
      channel_id: message.channel_id,
      ...(message.guild_id !== undefined ? { guild_id: message.guild_id } : {}),
      type: message.type,
      content: message.content,
      embeds: message.embeds,
      components: message.components,
      attachments: message.attachments,
      sticker_items: [],
      mentions: mentionedUsers,
      mention_roles: pinged.filter((p) => p.startsWith('role:')).map((p) => p.slice(5)),
      mention_everyone: pinged.includes('everyone') || pinged.includes('here'),
      author: message.author,
      timestamp: message.timestamp,
      edited_timestamp: message.edited_timestamp,
      flags: message.flags,
      tts: message.tts,
      pinned: false,
      ...(message.message_reference ? { message_reference: message.message_reference } : {}),
      ...(referenced ? { referenced_message: this.messageObject({ ...referenced, message_reference: undefined }) } : {}),
      ...(fromInteraction ? { webhook_id: this.appId, application_id: this.appId } : {}),
      ...(thread && !thread.deleted ? { thread: this.channelObject(thread) } : {}),
      ...(gateway && guild ? { member: this.memberObject(message.author, guild) } : {}),
    };
  }

  private pingedUserIds(message: StoredMessage): string[] {
    return this.pings(message as FakeMessage)
      .filter((p) => p.startsWith('user:'))
      .map((p) => p.slice(5));
  }

  private publish(message: StoredMessage): void {
    if (message.via === 'user' || this.published.has(message.id)) return;
    this.published.add(message.id);
    this.messages.push(message as FakeMessage);
  }

  private unpublish(message: StoredMessage): void {
    this.stored.delete(message.id);
    if (!this.published.delete(message.id)) return;
    const index = this.messages.indexOf(message as FakeMessage);
    if (index >= 0) this.messages.splice(index, 1);
  }

  private setArchived(thread: FakeThread, archived: boolean): void {
    thread.archived = archived;
    thread.archive_timestamp = this.isoNow();
    const channel = this.channels.get(thread.id)!;
    this.dispatchIntent(INTENTS.Guilds, 'THREAD_UPDATE', this.channelObject(channel), channel);
  }

  // ---- gateway ------------------------------------------------------------------------------------

  private sendFrame(socket: WebSocket | undefined, frame: unknown): void {
    if (socket?.readyState === 1) socket.send(JSON.stringify(frame));
  }

  private dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    session.seq += 1;
    const frame: GatewayFrame = { op: 0, t, s: session.seq, d };
    session.history.push(frame);
    if (session.history.length > REPLAY_HISTORY) session.history.shift();
    this.sendFrame(session.socket, frame);
  }

  /** Dispatches to sessions holding `intent` (of the channel's shard), unless the bot cannot see `channel`. */
  private dispatchIntent(intent: number, t: string, d: unknown, channel?: ChannelRecord): void {
    if (channel && this.isHidden(channel)) return;
    for (const session of this.sessionsOf(channel?.guild_id)) if (session.intents & intent) this.dispatchTo(session, t, d);
  }

  /** The shard that holds a guild: `(guild_id >> 22) % shard_count`, as Discord routes. */
  shardOf(guildId: string): number {
    return Number((BigInt(guildId) >> 22n) % BigInt(this.shardCount));
  }

  /** The sessions that receive a guild's dispatches (all of them for dispatches of no guild). */
  private sessionsOf(guildId: string | undefined): GatewaySession[] {
    const sessions = [...this.sessions.values()];
    return guildId === undefined ? sessions : sessions.filter((session) => session.shard === this.shardOf(guildId));
  }

  private gatewayError(ws: WebSocket, code: number, reason: string): void {
    this.gatewayErrors.push(`${code} ${reason}`);
    const connection = this.connectionsBySocket.get(ws);
    if (connection?.session) this.sessions.delete(connection.session.id);
    ws.close(code, reason);
    this.changed();
  }

  private onSocket(ws: WebSocket, req: IncomingMessage): void {
    const connection: Connection = {};
    this.connectionsBySocket.set(ws, connection);
    ws.on('error', () => ws.terminate());
    ws.on('close', (code) => {
      this.connectionsBySocket.delete(ws);
      const session = connection.session;
      if (session && session.socket === ws) {
        session.socket = undefined;
        // A clean close (1000/1001) ends the session; anything else (1006, 4200, 4000) can be resumed.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
      this.changed();
    });
    const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
    if (query.get('v') !== '10' || query.get('encoding') !== 'json' || query.has('compress')) {
      this.gatewayError(ws, 4012, `fake Discord serves ?v=10&encoding=json without compress, got "${req.url ?? ''}"`);
      return;
    }
    ws.on('message', (data, isBinary) => this.onFrame(ws, connection, data, isBinary));
    this.sendFrame(ws, { op: 10, d: { heartbeat_interval: this.heartbeatIntervalMs, _trace: ['fake-discord'] }, s: null, t: null });
  }

  private onFrame(ws: WebSocket, connection: Connection, data: RawData, isBinary: boolean): void {
    let frame: unknown;
    try {
      if (isBinary) throw new Error('binary');
      frame = JSON.parse(String(data));
    } catch {
      return this.gatewayError(ws, 4002, 'Error while decoding payload.');
    }
    if (!isRecord(frame) || typeof frame.op !== 'number') return this.gatewayError(ws, 4002, 'Error while decoding payload.');
    const d = isRecord(frame.d) ? frame.d : {};
    switch (frame.op) {
      case 1:
        this.heartbeats += 1;
        this.sendFrame(ws, { op: 11, d: null, s: null, t: null });
        return this.changed();
      case 2:
        return this.identify(ws, connection, d);
      case 6:
        return this.resume(ws, connection, d);
      case 3:
      case 4:
      case 8:
        if (!connection.session) return this.gatewayError(ws, 4003, 'Not authenticated.');
        return;
      default:
        return this.gatewayError(ws, 4001, `Unknown opcode ${frame.op}.`);
    }
  }

  private identify(ws: WebSocket, connection: Connection, d: Json): void {
    if (connection.session) return this.gatewayError(ws, 4005, 'Already authenticated.');
    if (d.token !== this.token) return this.gatewayError(ws, 4004, 'Authentication failed.');
    const shard = d.shard;
    if (shard !== undefined && (!Array.isArray(shard) || !Number.isInteger(shard[0]) || shard[0] < 0 || shard[0] >= shard[1])) {
      return this.gatewayError(ws, 4010, 'Invalid shard.');
    }
    // Discord closes a connection whose shard count is not the one the bot's guilds need.
    if ((shard === undefined ? 1 : shard[1]) !== this.shardCount) return this.gatewayError(ws, 4011, 'Sharding required.');
    const shardId = shard === undefined ? 0 : (shard[0] as number);
    if (typeof d.intents !== 'number' || !Number.isInteger(d.intents) || d.intents < 0) return this.gatewayError(ws, 4013, 'Invalid intent(s).');
    if (d.intents & PRIVILEGED_INTENTS & ~this.allowedPrivilegedIntents) return this.gatewayError(ws, 4014, 'Disallowed intent(s).');
    const session: GatewaySession = { id: randomBytes(16).toString('hex'), shard: shardId, seq: 0, intents: d.intents, socket: ws, history: [] };
    this.sessions.set(session.id, session);
    connection.session = session;
    this.identifies += 1;
    this.identifiedIntents.push(d.intents);
    const guilds = [...this.guilds.values()].filter((guild) => this.shardOf(guild.id) === shardId);
    this.dispatchTo(session, 'READY', {
      v: 10,
      user: { ...this.botAuthor(), bot: true, verified: true, mfa_enabled: false, flags: 0, email: null },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.gatewayUrl,
      shard: [shardId, this.shardCount],
      application: { id: this.appId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      _trace: ['fake-discord'],
    });
    if (session.intents & INTENTS.Guilds) for (const guild of guilds) this.dispatchTo(session, 'GUILD_CREATE', this.guildObject(guild));
    this.changed();
  }

  private resume(ws: WebSocket, connection: Connection, d: Json): void {
    if (connection.session) return this.gatewayError(ws, 4005, 'Already authenticated.');
    if (d.token !== this.token) return this.gatewayError(ws, 4004, 'Authentication failed.');
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session) {
      this.sendFrame(ws, { op: 9, d: false, s: null, t: null });
      return;
    }
    // A newer connection takes the session over.
    if (session.socket && session.socket !== ws) session.socket.terminate();
    session.socket = ws;
    connection.session = session;
    this.resumes += 1;
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    for (const frame of session.history) if (frame.s > seq) this.sendFrame(ws, frame);
    this.dispatchTo(session, 'RESUMED', { _trace: ['fake-discord'] });
    this.changed();
  }

  // ---- interactions -------------------------------------------------------------------------------

  /** Shared INTERACTION_CREATE fields; registers the interaction. */
  private interactionBase(type: number, input: FakeInteractionContext): { record: InteractionRecord; payload: Json; channel: ChannelRecord } {
    if (this.sessions.size === 0) throw new Error('fake Discord: no gateway session to deliver the interaction to (log the client in first)');
    const channel = this.channels.get(input.channelId ?? this.channelId);
    if (!channel || channel.deleted) throw new Error(`fake Discord: unknown channel ${input.channelId ?? this.channelId}`);
    const guildId = input.guildId ?? channel.guild_id;
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`fake Discord: unknown guild ${guildId}`);
    const user = this.rememberUser(input.user ?? DEFAULT_USER);
    const record: InteractionRecord = {
      id: this.ids.next(),
      token: `aW50ZXJhY3Rpb24${randomBytes(48).toString('base64url')}`,
      type,
      createdAt: this.now(),
      channelId: channel.id,
      guildId,
      acknowledged: false,
      messageIds: new Set(),
    };
    this.interactions.set(record.id, record);
    this.interactionsByToken.set(record.token, record);
    const locale = input.locale ?? 'en-US';
    const payload: Json = {
      id: record.id,
      application_id: this.appId,
      type,
      token: record.token,
      version: 1,
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-US', features: [] },
      channel: this.channelObject(channel),
      channel_id: channel.id,
      member: this.memberObject(user, guild, input.permissions ?? DEFAULT_MEMBER_PERMISSIONS),
      app_permissions: DEFAULT_MEMBER_PERMISSIONS,
      locale,
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guildId },
      context: 0,
      attachment_size_limit: 10 * 1024 * 1024,
    };
    return { record, payload, channel };
  }

  /** Interactions need no intent, and arrive even from channels the bot cannot read. */
  private deliverInteraction(payload: Json): void {
    const guildId = typeof payload.guild_id === 'string' ? payload.guild_id : undefined;
    const sessions = this.sessionsOf(guildId);
    for (const session of sessions) this.dispatchTo(session, 'INTERACTION_CREATE', payload);
    this.deliveredInteractions.push({ token: String(payload.token), shards: sessions.map((session) => session.shard) });
    this.changed();
  }

  private commandId(name: string, guildId: string | undefined, type = 1): string {
    for (const scope of [guildId, undefined]) {
      const id = this.commandIds.get(`${scope ?? 'global'}:${type}:${name}`);
      if (id) return id;
    }
    const key = `unregistered:${type}:${name}`;
    const id = this.commandIds.get(key) ?? this.ids.next();
    this.commandIds.set(key, id);
    return id;
  }

  private commandInteraction(type: 2 | 4, input: FakeCommandInput): FakeInteractionRef {
    const options = input.options ?? [];
    if (type === 4 && options.filter((o) => o.focused).length !== 1) {
      throw new Error('fake Discord: an autocomplete interaction needs exactly one option with focused: true');
    }
    const { record, payload } = this.interactionBase(type, input);
    const name = input.name ?? 'papers';
    const leaf = options.map((o) => ({ name: o.name, type: o.type, value: o.value, ...(o.focused ? { focused: true } : {}) }));
    let tree: Json[] = leaf;
    if (input.subcommand !== undefined) tree = [{ name: input.subcommand, type: 1, options: leaf }];
    if (input.subcommandGroup !== undefined) tree = [{ name: input.subcommandGroup, type: 2, options: tree }];
    const guildScoped = this.registered.has(`${record.guildId}:1:${name}`);
    const resolved = input.resolved ?? this.resolveOptions(options, record.guildId);
    payload.data = {
      id: this.commandId(name, record.guildId),
      name,
      type: 1,
      ...(guildScoped ? { guild_id: record.guildId } : {}),
      options: tree,
      ...(resolved !== undefined ? { resolved } : {}),
    };
    this.deliverInteraction(payload);
    return { id: record.id, token: record.token };
  }

  /** `data.resolved` for USER and CHANNEL options whose ids the fake knows. */
  private resolveOptions(options: FakeCommandOption[], guildId: string): Json | undefined {
    const guild = this.guilds.get(guildId)!;
    const users: Json = {};
    const members: Json = {};
    const channels: Json = {};
    for (const option of options) {
      const id = String(option.value);
      if (option.type === 6 || option.type === 9) {
        const user = this.users.get(id) ?? this.userObject({ id });
        users[id] = user;
        const { user: _user, ...member } = this.memberObject(user, guild, DEFAULT_MEMBER_PERMISSIONS);
        members[id] = member;
      }
      if (option.type === 7) {
        const channel = this.channels.get(id);
        if (channel) channels[id] = { ...this.channelObject(channel), permissions: DEFAULT_MEMBER_PERMISSIONS };
      }
    }
    const resolved: Json = {};
    if (Object.keys(users).length) Object.assign(resolved, { users, members });
    if (Object.keys(channels).length) resolved.channels = channels;
    return Object.keys(resolved).length ? resolved : undefined;
  }

  private componentInteraction(input: FakeButtonInput, data: Json): FakeInteractionRef {
    const { record, payload, channel } = this.interactionBase(3, input);
    let message = input.messageId !== undefined ? this.stored.get(input.messageId) : undefined;
    if (input.messageId !== undefined && !message) throw new Error(`fake Discord: unknown message ${input.messageId}`);
    message ??= this.madeUpComponentMessage(channel, input.customId, data.component_type === 3);
    record.componentMessageId = message.id;
    payload.message = this.messageObject(message);
    payload.data = data;
    this.deliverInteraction(payload);
    return { id: record.id, token: record.token };
  }

  /** A bot message carrying the component, for components on messages the fake never saw. Published once edited. */
  private madeUpComponentMessage(channel: ChannelRecord, customId: string, select: boolean): StoredMessage {
    const component = select
      ? { type: 3, custom_id: customId, options: [{ label: 'Option', value: 'option' }] }
      : { type: 2, style: 1, custom_id: customId, label: 'Button' };
    const message: StoredMessage = {
      id: this.ids.next(),
      channel_id: channel.id,
      guild_id: channel.guild_id,
      type: 0,
      content: 'Trending papers',
      embeds: [],
      components: [{ type: 1, components: [component] }],
      attachments: [],
      allowed_mentions: { parse: [] },
      author: this.botAuthor(),
      via: 'channel',
      flags: 0,
      tts: false,
      timestamp: this.isoNow(),
      edited_timestamp: null,
    };
    this.stored.set(message.id, message);
    return message;
  }

  // ---- HTTP ---------------------------------------------------------------------------------------

  private send(res: ServerResponse, reply: Reply): void {
    if (res.headersSent) return;
    if (this.unanswered.play(res, reply.abort)) return;
    if (reply.body === undefined) {
      res.writeHead(reply.status, { ...reply.headers });
      res.end();
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const versioned = url.pathname.startsWith(`${API_PREFIX}/`);
    // Paths outside /api/v10 are recorded whole, and answered 404.
    let path = versioned ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {
      // Keep the raw path.
    }
    const auth = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    const record: RecordedRequest = { method, path, query: Object.fromEntries(url.searchParams), body: undefined, auth, at: this.now(), status: 0 };
    this.requests.push(record);
    let reply: Reply;
    try {
      record.body = parseBody(req.headers['content-type'], raw);
      const files = multipartFiles(req.headers['content-type'], raw);
      if (files.length > 0) record.files = files;
      reply = versioned ? this.route(record, url.searchParams) : ok({ code: 0, message: '404: Not Found' }, 404);
    } catch (error) {
      reply = this.errorReply(record, error);
    }
    record.status = reply.status;
    const answered = reply.body;
    if (reply.status >= 400 && isRecord(answered) && typeof answered.code === 'number') record.errorCode = answered.code;
    this.send(res, reply);
    this.onRequest?.(record);
    this.changed();
  }

  private errorReply(record: RecordedRequest, error: unknown): Reply {
    if (!(error instanceof RestError)) throw error;
    if (error.status === 400) this.validationErrors.push({ path: record.path, code: error.code, errors: error.lines });
    return ok({ code: error.code, message: error.message, ...(error.errors ? { errors: error.errors } : {}) }, error.status);
  }

  private route(record: RecordedRequest, query: URLSearchParams): Reply {
    const scripted = this.takeFailure(record);
    if (scripted && !scripted.afterEffect) return scripted.reply;
    const route = this.routeFor(record);
    if (!route) {
      const known = this.routes.some((r) => r.pattern.test(record.path));
      return known ? ok({ code: 0, message: '405: Method Not Allowed' }, 405) : ok({ code: 0, message: '404: Not Found' }, 404);
    }
    if (route.auth && record.auth !== `Bot ${this.token}`) return ok({ code: 0, message: '401: Unauthorized' }, 401);
    const params = route.pattern.exec(record.path)!.slice(1);
    const bucket = route.limited ? this.takeBucket(route, params) : undefined;
    if (bucket?.limited) return bucket.limited;
    let reply: Reply;
    try {
      reply = route.handle({ record, body: record.body, query }, params);
    } catch (error) {
      reply = this.errorReply(record, error);
    }
    if (scripted) return scripted.reply;
    return bucket ? { ...reply, headers: { ...bucket.headers, ...reply.headers } } : reply;
  }

  private routeFor(record: RecordedRequest): Route | undefined {
    return this.routes.find((r) => r.method === record.method && r.pattern.test(record.path));
  }

  private takeFailure(record: RecordedRequest): { reply: Reply; afterEffect: boolean } | undefined {
    const taken = this.takeFailureReply(record);
    return taken && { reply: taken.reply, afterEffect: 'afterEffect' in taken.failure && taken.failure.afterEffect === true };
  }

  private takeFailureReply(record: RecordedRequest): { reply: Reply; failure: FakeFailure } | undefined {
    const index = this.failures.findIndex(
      ({ match }) => (match.method === undefined || match.method.toUpperCase() === record.method) && match.path.test(record.path),
    );
    if (index < 0) return undefined;
    const { failure } = this.failures.splice(index, 1)[0]!;
    if ('reset' in failure) return { failure, reply: { status: 0, abort: 'reset' } };
    if ('hang' in failure) return { failure, reply: { status: 0, abort: 'hang' } };
    if (failure.status === 429 && 'retryAfter' in failure) {
      const global = failure.global ?? false;
      const headers: Record<string, string> = {
        'retry-after': String(failure.retryAfter),
        'x-ratelimit-scope': failure.scope ?? (global ? 'global' : 'user'),
      };
      if (global) headers['x-ratelimit-global'] = 'true';
      else {
        const resetAfter = failure.retryAfter;
        Object.assign(headers, {
          'x-ratelimit-limit': String(this.rateLimit.limit),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': ((Date.now() + resetAfter * 1000) / 1000).toFixed(3),
          'x-ratelimit-reset-after': resetAfter.toFixed(3),
          'x-ratelimit-bucket': bucketHash(this.routeFor(record)?.name ?? `${record.method} ${record.path}`),
        });
      }
      return { failure, reply: { status: 429, headers, body: { message: 'You are being rate limited.', retry_after: failure.retryAfter, global, code: 0 } } };
    }
    const code = 'code' in failure && failure.code !== undefined ? failure.code : 0;
    const message = 'message' in failure && failure.message !== undefined ? failure.message : `${failure.status}: scripted by fake Discord`;
    return { failure, reply: ok({ code, message }, failure.status) };
  }

  /** Counts a request against its bucket (real time, like discord.js); answers the headers, or a 429 when over. */
  private takeBucket(route: Route, params: string[]): { headers: Record<string, string>; limited?: Reply } {
    const major = route.name.includes(' /webhooks/') ? `${params[0]}/${params[1]}` : (params[0] ?? '');
    const key = `${route.name} ${major}`;
    const now = Date.now();
    let state = this.buckets.get(key);
    if (!state || now >= state.resetAt) {
      state = { count: 0, resetAt: now + this.rateLimit.windowMs };
      this.buckets.set(key, state);
    }
    state.count += 1;
    const resetAfter = (state.resetAt - now) / 1000;
    const headers = {
      'x-ratelimit-limit': String(this.rateLimit.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.rateLimit.limit - state.count)),
      'x-ratelimit-reset': (state.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-bucket': bucketHash(route.name),
    };
    if (state.count <= this.rateLimit.limit) return { headers };
    const limited: Reply = {
      status: 429,
      headers: { ...headers, 'retry-after': resetAfter.toFixed(3), 'x-ratelimit-scope': 'user' },
      body: { message: 'You are being rate limited.', retry_after: resetAfter, global: false, code: 0 },
    };
    return { headers, limited };
  }

  private buildRoutes(): Route[] {
    const S = '(\\d{17,20})';
    const T = '([^/]+)';
    const route = (method: string, path: string, handle: Route['handle'], opts: { auth?: boolean; limited?: boolean } = {}): Route => ({
      method,
      name: `${method} ${path}`,
      pattern: new RegExp(
        `^${path
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/:token/g, T)
          .replace(/:\w+/g, S)}$`,
      ),
      auth: opts.auth ?? true,
      limited: opts.limited ?? true,
      handle,
    });
    const webhook = { auth: false };
    return [
      route('GET', '/gateway/bot', () => this.gatewayBot()),
      route('GET', '/gateway', () => ok({ url: this.gatewayUrl }), { auth: false }),
      route('GET', '/users/@me', () => ok({ ...this.botAuthor(), bot: true, verified: true, mfa_enabled: false, flags: 0 })),
      route('GET', '/users/:id', (_, [id]) => this.getUser(id!)),
      route('GET', '/applications/@me', () => ok(this.applicationObject())),
      route('GET', '/guilds/:id', (_, [id]) => ok(this.guildFor(id!).rest)),
      route('GET', '/guilds/:id/channels', (_, [id]) => ok(this.guildFor(id!).channels)),
      route('GET', '/guilds/:id/members/:user', (_, [id, user]) => this.getMember(id!, user!)),
      route('GET', '/channels/:id', (_, [id]) => ok(this.channelObject(this.channelFor(id!)))),
      route('PATCH', '/channels/:id', (ctx, [id]) => this.patchChannel(ctx, id!)),
      route('GET', '/channels/:id/messages', (ctx, [id]) => this.listMessages(ctx, id!)),
      route('POST', '/channels/:id/messages', (ctx, [id]) => this.postChannelMessage(ctx, id!)),
      route('GET', '/channels/:id/messages/:message', (_, [id, mid]) => ok(this.messageObject(this.messageIn(id!, mid!)))),
      route('PATCH', '/channels/:id/messages/:message', (ctx, [id, mid]) => this.patchChannelMessage(ctx, id!, mid!)),
      route('DELETE', '/channels/:id/messages/:message', (_, [id, mid]) => this.deleteChannelMessage(id!, mid!)),
      route('POST', '/channels/:id/messages/:message/threads', (ctx, [id, mid]) => this.startThread(ctx, id!, mid)),
      route('POST', '/channels/:id/threads', (ctx, [id]) => this.startThread(ctx, id!, undefined)),
      route('POST', '/channels/:id/typing', (_, [id]) => this.typing(id!)),
      route('PUT', '/channels/:id/thread-members/@me', (_, [id]) => this.joinThread(id!)),
      route('DELETE', '/channels/:id/thread-members/@me', (_, [id]) => this.joinThread(id!)),
      route('POST', '/interactions/:id/:token/callback', (ctx, [id, token]) => this.interactionCallback(ctx, id!, token!), { auth: false, limited: false }),
      route('GET', '/webhooks/:app/:token/messages/:message', (ctx, [app, token, mid]) => this.webhookMessage(ctx, app!, token!, mid!), webhook),
      route('PATCH', '/webhooks/:app/:token/messages/:message', (ctx, [app, token, mid]) => this.webhookMessage(ctx, app!, token!, mid!), webhook),
      route('DELETE', '/webhooks/:app/:token/messages/:message', (ctx, [app, token, mid]) => this.webhookMessage(ctx, app!, token!, mid!), webhook),
      route('GET', '/webhooks/:app/:token/messages/@original', (ctx, [app, token]) => this.webhookMessage(ctx, app!, token!, '@original'), webhook),
      route('PATCH', '/webhooks/:app/:token/messages/@original', (ctx, [app, token]) => this.webhookMessage(ctx, app!, token!, '@original'), webhook),
      route('DELETE', '/webhooks/:app/:token/messages/@original', (ctx, [app, token]) => this.webhookMessage(ctx, app!, token!, '@original'), webhook),
      route('POST', '/webhooks/:app/:token', (ctx, [app, token]) => this.followUp(ctx, app!, token!), webhook),
      route('GET', '/applications/:app/commands', (_, [app]) => this.getCommands(app!, undefined)),
      route('PUT', '/applications/:app/commands', (ctx, [app]) => this.putCommands(ctx, app!, undefined)),
      route('GET', '/applications/:app/guilds/:guild/commands', (_, [app, guild]) => this.getCommands(app!, guild)),
      route('PUT', '/applications/:app/guilds/:guild/commands', (ctx, [app, guild]) => this.putCommands(ctx, app!, guild)),
    ];
  }

  // ---- REST handlers ------------------------------------------------------------------------------

  private gatewayBot(): Reply {
    return ok({
      url: this.gatewayUrl,
      shards: this.shardCount,
      session_start_limit: { total: 1000, remaining: Math.max(1, 1000 - this.identifies), reset_after: 86_400_000, max_concurrency: 1 },
    });
  }

  private applicationObject(): Json {
    return {
      id: this.appId,
      name: this.botUser.username,
      icon: null,
      description: '',
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      team: null,
      owner: this.userObject({ id: DEFAULT_GUILD_OWNER_ID, username: 'owner' }),
      bot: { ...this.botAuthor(), bot: true },
      approximate_guild_count: this.guilds.size,
      interactions_endpoint_url: null,
      install_params: { scopes: ['bot', 'applications.commands'], permissions: DEFAULT_MEMBER_PERMISSIONS },
    };
  }

  private getUser(id: string): Reply {
    const user = this.users.get(id);
    if (!user) throw new RestError(404, DISCORD_ERROR_CODES.UnknownUser, 'Unknown User');
    return ok(user);
  }

  private guildFor(id: string): { rest: Json; channels: Json[] } {
    const guild = this.guilds.get(id);
    if (!guild) throw new RestError(404, DISCORD_ERROR_CODES.UnknownGuild, 'Unknown Guild');
    const full = this.guildObject(guild);
    const channels = full.channels as Json[];
    // GUILD_CREATE-only fields are not part of the REST guild object.
    for (const key of GATEWAY_ONLY_GUILD_FIELDS) delete full[key];
    return { rest: full, channels };
  }

  private getMember(guildId: string, userId: string): Reply {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new RestError(404, DISCORD_ERROR_CODES.UnknownGuild, 'Unknown Guild');
    const user = this.users.get(userId);
    if (!user) throw new RestError(404, 10007, 'Unknown Member');
    return ok(this.memberObject(user, guild));
  }

  private patchChannel(ctx: RequestContext, id: string): Reply {
    const channel = this.channelFor(id);
    const body = isRecord(ctx.body) ? ctx.body : {};
    const thread = channel.thread;
    if (!thread) {
      // The bot has no ManageChannels permission.
      throw missingPermissions();
    }
    const errors = new FormErrors();
    if (body.name !== undefined) errors.string(body.name, ['name'], DISCORD_LIMITS.threadName, { min: 1 });
    if (body.auto_archive_duration !== undefined && !THREAD_AUTO_ARCHIVE_DURATIONS.includes(body.auto_archive_duration as number)) {
      errors.add(['auto_archive_duration'], 'BASE_TYPE_CHOICES', 'Value must be one of {60, 1440, 4320, 10080}.');
    }
    errors.throwIfAny();
    if (thread.locked && (body.archived === false || body.locked === false)) throw missingPermissions();
    const other = Object.keys(body).filter((k) => k !== 'archived' && k !== 'locked');
    if (thread.archived && body.archived !== false && other.length > 0) {
      throw new RestError(400, DISCORD_ERROR_CODES.ThreadArchived, 'Thread is archived');
    }
    if (typeof body.name === 'string') thread.name = body.name;
    if (typeof body.auto_archive_duration === 'number') thread.auto_archive_duration = body.auto_archive_duration;
    if (typeof body.locked === 'boolean') thread.locked = body.locked;
    if (typeof body.archived === 'boolean' && body.archived !== thread.archived) {
      thread.archived = body.archived;
      thread.archive_timestamp = this.isoNow();
    }
    channel.name = thread.name;
    const object = this.channelObject(channel);
    this.dispatchIntent(INTENTS.Guilds, 'THREAD_UPDATE', object, channel);
    return ok(object);
  }

  /**
   * `GET /channels/:id/messages`: newest first, at most `limit` (1–100, default 50). With `after`, the oldest `limit`
   * messages after that id (still listed newest first); with `before`, the newest `limit` before it.
   */
  private listMessages(ctx: RequestContext, channelId: string): Reply {
    this.channelFor(channelId);
    const limit = Math.min(100, Math.max(1, Number(ctx.query.get('limit') ?? 50) || 50));
    const after = ctx.query.get('after');
    const before = ctx.query.get('before');
    const all = [...this.stored.values()]
      .filter((m) => m.channel_id === channelId && !(m.flags & MESSAGE_FLAGS.Ephemeral) && (m.via === 'user' || this.published.has(m.id)))
      .filter((m) => (after === null || BigInt(m.id) > BigInt(after)) && (before === null || BigInt(m.id) < BigInt(before)))
      .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const list = after !== null && before === null ? all.slice(-limit) : all.slice(0, limit);
    return ok(list.map((m) => this.messageObject(m)));
  }

  private messageIn(channelId: string, messageId: string): StoredMessage {
    this.channelFor(channelId);
    const message = this.stored.get(messageId);
    if (!message || message.channel_id !== channelId) throw unknownMessage();
    return message;
  }

  /**
   * Throws 50008/50083 for channels that take no posts now; unarchives an archived, unlocked thread.
   * Interaction webhooks post without channel permissions, so `viaInteraction` skips the access check.
   */
  private writableChannel(id: string, { viaInteraction = false } = {}): ChannelRecord {
    const known = this.channels.get(id);
    const channel = viaInteraction && known && !known.deleted ? known : this.channelFor(id);
    if (!TEXT_CHANNEL_TYPES.has(channel.type)) throw new RestError(400, DISCORD_ERROR_CODES.NonTextChannel, 'Cannot send messages in a non-text channel');
    const thread = channel.thread;
    if (thread?.archived) {
      if (thread.locked) throw new RestError(400, DISCORD_ERROR_CODES.ThreadArchived, 'Thread is archived');
      this.setArchived(thread, false);
    }
    return channel;
  }

  /** Builds a bot message from a checked payload. */
  private newBotMessage(channel: ChannelRecord, body: Json, via: FakeMessage['via'], extra: Partial<StoredMessage> = {}): StoredMessage {
    const allowed = isRecord(body.allowed_mentions) ? (body.allowed_mentions as FakeAllowedMentions) : undefined;
    const flagsIn = typeof body.flags === 'number' ? body.flags : 0;
    const keptFlags = MESSAGE_FLAGS.SuppressEmbeds | MESSAGE_FLAGS.SuppressNotifications | MESSAGE_FLAGS.IsComponentsV2 | (via === 'channel' ? 0 : MESSAGE_FLAGS.Ephemeral);
    return {
      id: this.ids.next(),
      channel_id: channel.id,
      guild_id: channel.guild_id,
      type: 0,
      content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? body.embeds.map((e) => (isRecord(e) ? { type: 'rich', ...e } : e)) : [],
      components: Array.isArray(body.components) ? body.components : [],
      attachments: this.attachmentObjects(body.attachments),
      allowed_mentions: allowed,
      author: this.botAuthor(),
      via,
      flags: flagsIn & keptFlags,
      tts: body.tts === true,
      timestamp: this.isoNow(),
      edited_timestamp: null,
      ...extra,
    };
  }

  private attachmentObjects(value: unknown): unknown[] {
    if (!Array.isArray(value)) return [];
    return value.filter(isRecord).map((a) => {
      const id = this.ids.next();
      const filename = typeof a.filename === 'string' ? a.filename : 'file';
      const url = `https://cdn.fake-discord.invalid/attachments/${id}/${filename}`;
      return { id, filename, size: 0, url, proxy_url: url, ...(typeof a.description === 'string' ? { description: a.description } : {}) };
    });
  }

  /** Stores a new bot message, publishes it, and dispatches MESSAGE_CREATE unless ephemeral. */
  private storeBotMessage(message: StoredMessage): void {
    this.stored.set(message.id, message);
    this.publish(message);
    if (message.flags & MESSAGE_FLAGS.Ephemeral) return;
    const channel = this.channels.get(message.channel_id)!;
    this.dispatchIntent(INTENTS.GuildMessages, 'MESSAGE_CREATE', this.messageObject(message, { gateway: true }), channel);
  }

  private postChannelMessage(ctx: RequestContext, channelId: string): Reply {
    const body = isRecord(ctx.body) ? ctx.body : {};
    const channel = this.channelFor(channelId);
    checkMessagePayload(body);
    let reference: FakeMessage['message_reference'];
    if (isRecord(body.message_reference)) {
      const ref = body.message_reference;
      const target = typeof ref.message_id === 'string' ? this.stored.get(ref.message_id) : undefined;
      if (!target && ref.fail_if_not_exists !== false) {
        const errors = new FormErrors();
        errors.add(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
        errors.throwIfAny();
      }
      if (target) reference = { message_id: target.id, channel_id: target.channel_id, guild_id: channel.guild_id, type: 0 };
    }
    this.writableChannel(channelId);
    // With enforce_nonce, a nonce seen recently in the channel returns that message instead of a second one.
    const nonce = typeof body.nonce === 'string' || typeof body.nonce === 'number' ? body.nonce : undefined;
    const nonceKey = body.enforce_nonce === true && nonce !== undefined ? `${channelId}:${nonce}` : undefined;
    const seen = nonceKey === undefined ? undefined : this.nonces.get(nonceKey);
    const earlier = seen && this.now() - seen.at < this.nonceWindowMs ? this.stored.get(seen.id) : undefined;
    if (earlier && this.published.has(earlier.id)) return ok({ ...this.messageObject(earlier), nonce });
    const message = this.newBotMessage(channel, body, 'channel', reference ? { message_reference: reference, type: 19 } : {});
    this.storeBotMessage(message);
    if (nonceKey !== undefined) this.nonces.set(nonceKey, { id: message.id, at: this.now() });
    // The answer (and MESSAGE_CREATE) echo the nonce; the stored message does not keep it.
    return ok(nonce === undefined ? this.messageObject(message) : { ...this.messageObject(message), nonce });
  }

  /** Applies an edit payload to a stored message (validated against the result), and dispatches MESSAGE_UPDATE. */
  private editMessage(message: StoredMessage, body: Json): void {
    checkMessagePayload(body, message);
    if (typeof body.content === 'string') message.content = body.content;
    if (Array.isArray(body.embeds)) message.embeds = body.embeds.map((e) => (isRecord(e) ? { type: 'rich', ...e } : e));
    if (Array.isArray(body.components)) message.components = body.components;
    if (Array.isArray(body.attachments)) message.attachments = this.attachmentObjects(body.attachments);
    if (isRecord(body.allowed_mentions)) message.allowed_mentions = body.allowed_mentions as FakeAllowedMentions;
    if (typeof body.flags === 'number') {
      const editable = MESSAGE_FLAGS.SuppressEmbeds | MESSAGE_FLAGS.IsComponentsV2;
      message.flags = (message.flags & ~editable) | (body.flags & editable);
    }
    const wasLoading = (message.flags & MESSAGE_FLAGS.Loading) !== 0;
    message.flags &= ~MESSAGE_FLAGS.Loading;
    if (!wasLoading) message.edited_timestamp = this.isoNow();
    this.publish(message);
    if (message.flags & MESSAGE_FLAGS.Ephemeral) return;
    const channel = this.channels.get(message.channel_id)!;
    this.dispatchIntent(INTENTS.GuildMessages, 'MESSAGE_UPDATE', this.messageObject(message, { gateway: true }), channel);
  }

  private removeMessage(message: StoredMessage): void {
    this.unpublish(message);
    if (message.flags & MESSAGE_FLAGS.Ephemeral) return;
    const channel = this.channels.get(message.channel_id)!;
    this.dispatchIntent(INTENTS.GuildMessages, 'MESSAGE_DELETE', { id: message.id, channel_id: message.channel_id, guild_id: message.guild_id }, channel);
  }

  private patchChannelMessage(ctx: RequestContext, channelId: string, messageId: string): Reply {
    const message = this.messageIn(channelId, messageId);
    if (message.author.id !== this.botUser.id) {
      throw new RestError(403, DISCORD_ERROR_CODES.CannotEditOtherUsersMessage, 'Cannot edit a message authored by another user');
    }
    const thread = this.channels.get(channelId)?.thread;
    if (thread?.archived) throw new RestError(400, DISCORD_ERROR_CODES.ThreadArchived, 'Thread is archived');
    this.editMessage(message, isRecord(ctx.body) ? ctx.body : {});
    return ok(this.messageObject(message));
  }

  private deleteChannelMessage(channelId: string, messageId: string): Reply {
    const message = this.messageIn(channelId, messageId);
    // Deleting others' messages needs ManageMessages, which the bot lacks.
    if (message.author.id !== this.botUser.id) throw missingPermissions();
    this.removeMessage(message);
    return noContent();
  }

  private startThread(ctx: RequestContext, channelId: string, messageId: string | undefined): Reply {
    const body = isRecord(ctx.body) ? ctx.body : {};
    const parent = this.channelFor(channelId);
    const errors = new FormErrors();
    errors.string(body.name, ['name'], DISCORD_LIMITS.threadName, { required: true, min: 1 });
    const duration = body.auto_archive_duration;
    if (duration !== undefined && duration !== null && !THREAD_AUTO_ARCHIVE_DURATIONS.includes(duration as number)) {
      errors.add(['auto_archive_duration'], 'BASE_TYPE_CHOICES', 'Value must be one of {60, 1440, 4320, 10080}.');
    }
    if (messageId === undefined && body.type !== undefined && body.type !== 10 && body.type !== 11 && body.type !== 12) {
      errors.add(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of {10, 11, 12}.');
    }
    errors.throwIfAny();
    if (parent.type !== 0 && parent.type !== 5) throw new RestError(400, DISCORD_ERROR_CODES.InvalidChannelType, 'Cannot execute action on this channel type');
    let id: string;
    if (messageId !== undefined) {
      const message = this.messageIn(channelId, messageId);
      if (message.threadId !== undefined) throw new RestError(400, DISCORD_ERROR_CODES.ThreadAlreadyCreated, 'A thread has already been created for this message');
      message.threadId = message.id;
      id = message.id;
    } else id = this.ids.next();
    const type = messageId !== undefined ? (parent.type === 5 ? 10 : 11) : ((body.type as number | undefined) ?? 12);
    const now = this.isoNow();
    const thread: FakeThread = {
      id,
      parent_id: parent.id,
      guild_id: parent.guild_id,
      type,
      name: body.name as string,
      archived: false,
      locked: false,
      auto_archive_duration: typeof duration === 'number' ? duration : 1440,
      owner_id: this.botUser.id,
      archive_timestamp: now,
      create_timestamp: now,
    };
    this.threads.push(thread);
    const channel: ChannelRecord = { id, guild_id: parent.guild_id, name: thread.name, type, position: 0, topic: null, deleted: false, denied: false, thread };
    this.channels.set(id, channel);
    const object = this.channelObject(channel);
    this.dispatchIntent(INTENTS.Guilds, 'THREAD_CREATE', { ...object, newly_created: true }, channel);
    return ok(object, 201);
  }

  private typing(id: string): Reply {
    this.channelFor(id);
    return noContent();
  }

  private joinThread(id: string): Reply {
    const channel = this.channelFor(id);
    if (!channel.thread) throw new RestError(400, DISCORD_ERROR_CODES.InvalidChannelType, 'Cannot execute action on this channel type');
    return noContent();
  }

  private interactionCallback(ctx: RequestContext, id: string, token: string): Reply {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token || this.now() - interaction.createdAt > this.interactionDeadlineMs) {
      throw new RestError(404, DISCORD_ERROR_CODES.UnknownInteraction, 'Unknown interaction');
    }
    if (interaction.acknowledged) {
      throw new RestError(400, DISCORD_ERROR_CODES.InteractionAlreadyAcknowledged, 'Interaction has already been acknowledged.');
    }
    const body = isRecord(ctx.body) ? ctx.body : {};
    const type = body.type;
    const data = isRecord(body.data) ? body.data : {};
    const allowed = interaction.type === 2 ? [4, 5, 9] : interaction.type === 3 ? [4, 5, 6, 7, 9] : [8];
    if (typeof type !== 'number' || !allowed.includes(type)) {
      const errors = new FormErrors();
      errors.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', `Interaction response type ${String(type)} is not valid for this interaction`);
      errors.throwIfAny();
    }
    const channel = this.channels.get(interaction.channelId)!;
    const messageType = interaction.type === 2 ? 20 : 0;
    let message: StoredMessage | undefined;
    switch (type) {
      case CALLBACK_TYPES.ChannelMessageWithSource:
        checkMessagePayload(data);
        message = this.newBotMessage(channel, data, 'interaction', { type: messageType, interactionId: interaction.id });
        break;
      case CALLBACK_TYPES.DeferredChannelMessageWithSource: {
        const flags = (typeof data.flags === 'number' ? data.flags : 0) & MESSAGE_FLAGS.Ephemeral;
        message = this.newBotMessage(channel, { flags }, 'interaction', { type: messageType, interactionId: interaction.id });
        message.flags |= MESSAGE_FLAGS.Loading;
        break;
      }
      case CALLBACK_TYPES.DeferredMessageUpdate:
        interaction.originalMessageId = interaction.componentMessageId;
        break;
      case CALLBACK_TYPES.UpdateMessage: {
        const target = this.stored.get(interaction.componentMessageId!);
        if (!target) throw unknownMessage();
        this.editMessage(target, data);
        interaction.originalMessageId = target.id;
        break;
      }
      case CALLBACK_TYPES.ApplicationCommandAutocompleteResult:
        checkChoices(data);
        break;
      case CALLBACK_TYPES.Modal:
        checkModal(data);
        break;
    }
    if (message) {
      this.storeBotMessage(message);
      interaction.originalMessageId = message.id;
      interaction.messageIds.add(message.id);
    }
    interaction.acknowledged = true;
    const callback: FakeCallback = { interactionId: id, token, type: type as number, data: body.data, at: this.now() };
    this.callbacks.push(callback);
    if (!this.firstCallbacks.has(token)) this.firstCallbacks.set(token, callback);
    if (!this.firstCallbacks.has(id)) this.firstCallbacks.set(id, callback);
    if (ctx.query.get('with_response') !== 'true') return noContent();
    const original = interaction.originalMessageId !== undefined ? this.stored.get(interaction.originalMessageId) : undefined;
    return ok({
      interaction: {
        id,
        type: interaction.type,
        response_message_id: original?.id,
        response_message_loading: original ? (original.flags & MESSAGE_FLAGS.Loading) !== 0 : undefined,
        response_message_ephemeral: original ? (original.flags & MESSAGE_FLAGS.Ephemeral) !== 0 : undefined,
      },
      resource: { type, ...(original && (type === 4 || type === 5 || type === 7) ? { message: this.messageObject(original) } : {}) },
    });
  }

  /** The interaction behind a webhook token: 404 10015 when unknown, 401 50027 once the 15-minute token expired. */
  private interactionForWebhook(appId: string, token: string): InteractionRecord {
    const interaction = this.interactionsByToken.get(token);
    if (appId !== this.appId || !interaction) throw new RestError(404, DISCORD_ERROR_CODES.UnknownWebhook, 'Unknown Webhook');
    if (this.now() - interaction.createdAt > INTERACTION_TOKEN_LIFETIME_MS) {
      throw new RestError(401, DISCORD_ERROR_CODES.InvalidWebhookToken, 'Invalid Webhook Token');
    }
    return interaction;
  }

  private webhookMessage(ctx: RequestContext, appId: string, token: string, messageId: string): Reply {
    const interaction = this.interactionForWebhook(appId, token);
    const id = messageId === '@original' ? interaction.originalMessageId : messageId;
    const known = id !== undefined && (id === interaction.originalMessageId || interaction.messageIds.has(id));
    const message = known ? this.stored.get(id) : undefined;
    if (!message) throw unknownMessage();
    switch (ctx.record.method) {
      case 'GET':
        return ok(this.messageObject(message));
      case 'DELETE':
        this.removeMessage(message);
        return noContent();
      default: {
        const body = isRecord(ctx.body) ? ctx.body : {};
        const thread = this.channels.get(message.channel_id)?.thread;
        if (thread?.archived && thread.locked) throw new RestError(400, DISCORD_ERROR_CODES.ThreadArchived, 'Thread is archived');
        this.editMessage(message, body);
        return ok(this.messageObject(message));
      }
    }
  }

  private followUp(ctx: RequestContext, appId: string, token: string): Reply {
    const interaction = this.interactionForWebhook(appId, token);
    const body = isRecord(ctx.body) ? ctx.body : {};
    checkMessagePayload(body);
    const channel = this.writableChannel(interaction.channelId, { viaInteraction: true });
    const message = this.newBotMessage(channel, body, 'webhook', { type: interaction.type === 2 ? 20 : 0, interactionId: interaction.id });
    this.storeBotMessage(message);
    interaction.messageIds.add(message.id);
    return ctx.query.get('wait') === 'true' ? ok(this.messageObject(message)) : noContent();
  }

  private commandScope(appId: string, guildId: string | undefined): string {
    if (appId !== this.appId) throw new RestError(404, DISCORD_ERROR_CODES.UnknownApplication, 'Unknown Application');
    if (guildId !== undefined && !this.guilds.has(guildId)) throw missingAccess();
    return guildId ?? 'global';
  }

  private getCommands(appId: string, guildId: string | undefined): Reply {
    const scope = this.commandScope(appId, guildId);
    return ok([...this.registered.entries()].filter(([key]) => key.startsWith(`${scope}:`)).map(([, command]) => command));
  }

  private putCommands(ctx: RequestContext, appId: string, guildId: string | undefined): Reply {
    const scope = this.commandScope(appId, guildId);
    const body = checkCommands(ctx.body);
    for (const key of [...this.registered.keys()]) if (key.startsWith(`${scope}:`)) this.registered.delete(key);
    const echoed = body.map((command) => {
      const type = (command.type as number | undefined) ?? 1;
      const key = `${scope}:${type}:${String(command.name)}`;
      const id = this.commandIds.get(key) ?? this.ids.next();
      this.commandIds.set(key, id);
      const object: Json = {
        id,
        application_id: this.appId,
        version: this.ids.next(),
        default_member_permissions: command.default_member_permissions ?? null,
        type,
        name: command.name,
        name_localizations: command.name_localizations ?? null,
        description: command.description ?? '',
        description_localizations: command.description_localizations ?? null,
        ...(guildId !== undefined ? { guild_id: guildId } : {}),
        ...(command.options !== undefined ? { options: command.options } : {}),
        contexts: command.contexts ?? null,
        integration_types: command.integration_types ?? [0],
        nsfw: command.nsfw ?? false,
      };
      this.registered.set(key, object);
      return object;
    });
    this.commands.push({ ...(guildId !== undefined ? { guildId } : {}), body: ctx.body as unknown[] });
    return ok(echoed);
  }
}
