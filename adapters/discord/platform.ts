/*
 * Discord as a ChatPlatform: neutral messages posted through discord.js's REST client, Discord errors mapped to
 * the core's. A message post's 429 comes back to the paced sender (the REST client is told to reject it), which
 * pauses that channel alone. A post with an idempotency key carries a nonce Discord enforces, so a retry within
 * Discord's nonce window returns the first message; after an attempt that may have landed, the bot's recent
 * messages in the channel are looked at first (a fetched message does not carry its nonce, so they are matched
 * on what they show), and only the parts not found are posted.
 */
import { createHash } from 'node:crypto';
import {
  DiscordAPIError,
  HTTPError,
  RateLimitError,
  RESTJSONErrorCodes,
  Routes,
  ThreadAutoArchiveDuration,
  type APIChannel,
  type APIMessage,
  type REST,
} from 'discord.js';
import type { OutgoingMessage } from '../../src/chat/message.ts';
import { singleLine, truncate } from '../../src/chat/text.ts';
import type { Capabilities, ChatPlatform, PostOptions } from '../../src/chat/platform.port.ts';
import type { ChannelRef, PostedRef, ThreadRef } from '../../src/chat/refs.ts';
import { ChannelGoneError, RateLimitedError, TransientPlatformError } from '../../src/delivery/platform-errors.ts';
import type { Logger } from '../../src/logger.ts';
import { renderDiscordMessages, type DiscordMessage } from './render.ts';

/** The platform name in refs (`discord:123…`). */
export const DISCORD = 'discord';

/** A Discord id (a snowflake): 17 to 20 digits (ids grow with time; 2^64 has 20). */
const SNOWFLAKE = /^[1-9]\d{16,19}$/;

/** What Discord can do: threads, and pings of a member or a role by its id. */
export const DISCORD_CAPABILITIES: Capabilities = {
  threads: true,
  mentions: {
    platform: 'Discord',
    user: SNOWFLAKE,
    role: SNOWFLAKE,
    byName: false,
    findIds: 'Pick the user or role in the mention field of /papers subscribe, or copy its id with Developer Mode on.',
  },
};

/** A thread's name: 1–100 characters. */
export const MAX_THREAD_NAME = 100;

/** Discord errors that mean the bot can no longer post in the channel. */
export const CHANNEL_GONE_CODES: ReadonlySet<number> = new Set([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel,
]);

/** A message nonce: at most 25 characters, the same for the same delivery and part on every attempt. */
export const MAX_NONCE = 25;

/** Discord's clock and ours may differ: a look-up starts this much before the instant it was given. */
export const LOOKUP_SKEW_MS = 5 * 60_000;
/** Messages per page of a look-up (Discord's most). */
const LOOKUP_PAGE = 100;
/** Pages a look-up reads at most before giving up (and failing, to be tried again). */
const LOOKUP_MAX_PAGES = 50;
/** The first second of 2015, where Discord's snowflake clock starts. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/** The smallest snowflake of an instant: `after` it lists the messages made from then on. */
function snowflakeAt(ms: number): string {
  return String((BigInt(Math.max(Number(DISCORD_EPOCH), Math.floor(ms))) - DISCORD_EPOCH) << 22n);
}

/**
 * What a message shows, as Discord hands it back (whitespace trimmed), to tell a post of ours among the channel's
 * messages: the text, each embed's title, description, fields and footer, and the buttons' ids and links.
 */
export function messageFingerprint(message: { content?: string; embeds?: readonly unknown[]; components?: readonly unknown[] }): string {
  type Embed = { title?: string; description?: string; footer?: { text?: string }; fields?: { name?: string; value?: string }[] };
  type Row = { components?: { custom_id?: string; url?: string; label?: string }[] };
  const trim = (text: string | undefined): string => (text ?? '').trim();
  return JSON.stringify([
    trim(message.content),
    ((message.embeds ?? []) as Embed[]).map((e) => [trim(e.title), trim(e.description), trim(e.footer?.text), (e.fields ?? []).map((f) => [trim(f.name), trim(f.value)])]),
    ((message.components ?? []) as Row[]).map((row) => (row.components ?? []).map((c) => [c.custom_id ?? c.url ?? '', trim(c.label)])),
  ]);
}

/** The nonce of part `index` of the delivery `key` (Discord makes a message once per nonce for a few minutes). */
export function messageNonce(key: string, index: number): string {
  return createHash('sha256').update(`${key}#${index}`).digest('base64url').slice(0, MAX_NONCE);
}

/** A rendered message as a REST body; empty content is left out (Discord refuses `''` with nothing else). */
function requestBody(message: DiscordMessage): Omit<DiscordMessage, 'content'> & { content?: string } {
  const { content, ...rest } = message;
  return content === '' ? rest : { content, ...rest };
}

/** The error code of a failed network request (undici sets it on the error or its cause). */
function networkCode(error: Error): string | undefined {
  const e = error as Error & { code?: string; cause?: { code?: string } };
  return e.code ?? e.cause?.code;
}

/**
 * Turns a REST failure into the core's vocabulary (rate limited, transient, channel gone). A 5xx, a timeout or a
 * broken connection may have made the post; a refused connection or a 4xx did not.
 */
export function mapDiscordError(error: unknown): unknown {
  if (error instanceof RateLimitError) {
    return new RateLimitedError(error.retryAfter, { global: error.global, cause: error });
  }
  if (error instanceof DiscordAPIError) {
    if (typeof error.code === 'number' && CHANNEL_GONE_CODES.has(error.code)) {
      return new ChannelGoneError(error.message, { cause: error });
    }
    if (error.status >= 500) return new TransientPlatformError(error.message, { status: error.status, cause: error });
    return error;
  }
  if (error instanceof HTTPError) return new TransientPlatformError(error.message, { status: error.status, mayHaveLanded: error.status >= 500, cause: error });
  // Timeouts and broken or refused connections from undici.
  if (error instanceof Error && /abort|timeout|ECONN|socket|fetch failed|other side closed|UND_ERR/i.test(`${error.name} ${error.message} ${networkCode(error) ?? ''}`)) {
    return new TransientPlatformError(error.message, { mayHaveLanded: networkCode(error) !== 'ECONNREFUSED', cause: error });
  }
  return error;
}

/**
 * Rejects (instead of queueing) a rate limit on one channel's messages, so the paced sender pauses only that
 * channel. A global limit is left to discord.js, which waits it out for every request alike (its own count of 50 a
 * second included): handing that back would make every channel retry at once into it again.
 */
export function rejectMessageRateLimits(data: { route: string; global: boolean }): boolean {
  return !data.global && data.route === '/channels/:id/messages';
}

/**
 * Creates the Discord ChatPlatform on a REST client that has the bot token (and rejects message rate limits with
 * {@link rejectMessageRateLimits}). `botUserId` tells the bot's own messages in a look-up.
 */
export function createDiscordPlatform(rest: REST, log: Logger, botUserId: () => string | undefined = () => undefined): ChatPlatform {

  /** The parts already posted by the bot in the channel since `since`: part number → message id. */
  async function findParts(channelId: string, parts: readonly DiscordMessage[], since: Date): Promise<Map<number, string>> {
    const found = new Map<number, string>();
    const bot = botUserId();
    if (bot === undefined) return found;
    const wanted = parts.map((part) => messageFingerprint(requestBody(part)));
    let after = snowflakeAt(since.getTime() - LOOKUP_SKEW_MS);
    for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
      let messages: (APIMessage & { interaction_metadata?: unknown })[];
      try {
        messages = (await rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ after, limit: String(LOOKUP_PAGE) }) })) as typeof messages;
      } catch (error) {
        throw mapDiscordError(error);
      }
      // Posts of the bot itself: not interaction answers (also authored by the bot), not webhooks.
      for (const message of messages) {
        if (message.author.id !== bot || message.webhook_id !== undefined || message.interaction_metadata !== undefined) continue;
        const index = wanted.indexOf(messageFingerprint(message));
        if (index >= 0 && !found.has(index)) found.set(index, message.id);
      }
      if (messages.length < LOOKUP_PAGE) return found;
      after = messages.reduce((newest, m) => (BigInt(m.id) > BigInt(newest) ? m.id : newest), after);
    }
    throw new TransientPlatformError(`looking up a post in ${channelId}: more than ${LOOKUP_MAX_PAGES * LOOKUP_PAGE} messages since ${since.toISOString()}`);
  }

  async function send(channelId: string, message: OutgoingMessage, options: PostOptions = {}): Promise<string> {
    const parts = renderDiscordMessages(message);
    const made = options.mayExistSince ? await findParts(channelId, parts, options.mayExistSince) : new Map<number, string>();
    let first = made.get(0);
    for (const [index, part] of parts.entries()) {
      if (made.has(index)) continue;
      const once = options.idempotencyKey === undefined ? {} : { nonce: messageNonce(options.idempotencyKey, index), enforce_nonce: true };
      try {
        const posted = (await rest.post(Routes.channelMessages(channelId), { body: { ...requestBody(part), ...once } })) as APIMessage;
        if (index === 0) first = posted.id;
      } catch (error) {
        const mapped = mapDiscordError(error);
        if (mapped instanceof ChannelGoneError) log.warn({ channel: channelId, reason: mapped.reason }, 'discord channel refused a post');
        throw mapped;
      }
    }
    return first ?? '';
  }

  /** An archived thread is unarchived; a deleted one, or one a moderator locked, is `gone`. */
  async function reopenThread(thread: ThreadRef): Promise<'open' | 'unarchived' | 'gone'> {
    try {
      const channel = (await rest.get(Routes.channel(thread.threadId))) as APIChannel & { thread_metadata?: { archived?: boolean } };
      if (!channel.thread_metadata?.archived) return 'open';
      await rest.patch(Routes.channel(thread.threadId), { body: { archived: false } });
      log.info({ thread: thread.threadId }, 'unarchived a discussion thread');
      return 'unarchived';
    } catch (error) {
      if (error instanceof DiscordAPIError && typeof error.code === 'number' && (CHANNEL_GONE_CODES.has(error.code) || error.code === RESTJSONErrorCodes.ThreadLocked)) {
        log.warn({ thread: thread.threadId, reason: error.message }, 'a discussion thread is gone or locked');
        return 'gone';
      }
      throw mapDiscordError(error);
    }
  }

  return {
    name: DISCORD,
    capabilities: DISCORD_CAPABILITIES,
    async post(channel: ChannelRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef> {
      return { ...channel, messageId: await send(channel.channelId, message, options) };
    },
    async reply(thread: ThreadRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef> {
      try {
        return { platform: thread.platform, channelId: thread.threadId, messageId: await send(thread.threadId, message, options) };
      } catch (error) {
        // Posting unarchives an archived thread, unless a moderator locked it: then reopen it and try once more.
        const archived = error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.InvalidActionOnArchivedThread;
        if (!archived || (await reopenThread(thread)) !== 'unarchived') throw error;
        return { platform: thread.platform, channelId: thread.threadId, messageId: await send(thread.threadId, message, options) };
      }
    },
    async update(posted: PostedRef, message: OutgoingMessage): Promise<void> {
      // An edit replaces one message: only the first part of a message that renders to several.
      const [part] = renderDiscordMessages(message);
      if (!part) return;
      try {
        await rest.patch(Routes.channelMessage(posted.channelId, posted.messageId), { body: requestBody(part) });
      } catch (error) {
        throw mapDiscordError(error);
      }
    },
    async startThread(posted: PostedRef, title: string): Promise<ThreadRef> {
      try {
        const thread = (await rest.post(Routes.threads(posted.channelId, posted.messageId), {
          body: { name: truncate(singleLine(title), MAX_THREAD_NAME) || 'Discussion', auto_archive_duration: ThreadAutoArchiveDuration.OneWeek },
        })) as APIChannel;
        return { platform: posted.platform, channelId: posted.channelId, threadId: thread.id };
      } catch (error) {
        // An earlier attempt opened it already (its answer was lost): a message's thread has the message's id.
        if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) {
          return { platform: posted.platform, channelId: posted.channelId, threadId: posted.messageId };
        }
        throw mapDiscordError(error);
      }
    },
    reopenThread,
  };
}
