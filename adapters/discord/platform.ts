/*
 * Discord as a ChatPlatform: neutral messages posted through discord.js's REST client (whose per-route
 * queue waits out rate limits and retries a 429 by itself), Discord errors mapped to the core's. A post
 * with an idempotency key carries a nonce Discord enforces, so a retried delivery is never made twice.
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
import { truncate, type OutgoingMessage } from '../../src/chat/message.ts';
import type { Capabilities, ChatPlatform, PostOptions } from '../../src/chat/platform.port.ts';
import type { ChannelRef, PostedRef, ThreadRef } from '../../src/chat/refs.ts';
import { ChannelGoneError, RateLimitedError, TransientPlatformError } from '../../src/delivery/platform-errors.ts';
import type { Logger } from '../../src/logger.ts';
import { renderDiscordMessages, type DiscordMessage } from './render.ts';

/** The platform name in refs (`discord:123…`). */
export const DISCORD = 'discord';

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

/** The nonce of part `index` of the delivery `key` (Discord makes a message once per nonce for a few minutes). */
export function messageNonce(key: string, index: number): string {
  return createHash('sha256').update(`${key}#${index}`).digest('base64url').slice(0, MAX_NONCE);
}

/** A rendered message as a REST body; empty content is left out (Discord refuses `''` with nothing else). */
function requestBody(message: DiscordMessage): Omit<DiscordMessage, 'content'> & { content?: string } {
  const { content, ...rest } = message;
  return content === '' ? rest : { content, ...rest };
}

/** Turns a REST failure into the core's vocabulary (rate limited, transient, channel gone). */
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
  if (error instanceof HTTPError) return new TransientPlatformError(error.message, { status: error.status, cause: error });
  // Timeouts and refused connections from undici.
  if (error instanceof Error && /abort|timeout|ECONN|socket|fetch failed/i.test(`${error.name} ${error.message}`)) {
    return new TransientPlatformError(error.message, { cause: error });
  }
  return error;
}

/** Creates the Discord ChatPlatform on a REST client that has the bot token. */
export function createDiscordPlatform(rest: REST, log: Logger): ChatPlatform {
  const capabilities: Capabilities = { threads: true, ephemeral: true, buttons: true, editing: true };

  async function send(channelId: string, message: OutgoingMessage, options: PostOptions = {}): Promise<string> {
    let first: string | undefined;
    for (const [index, part] of renderDiscordMessages(message).entries()) {
      const once = options.idempotencyKey === undefined ? {} : { nonce: messageNonce(options.idempotencyKey, index), enforce_nonce: true };
      try {
        const posted = (await rest.post(Routes.channelMessages(channelId), { body: { ...requestBody(part), ...once } })) as APIMessage;
        first ??= posted.id;
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
    capabilities,
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
          body: { name: truncate(title, MAX_THREAD_NAME) || 'Discussion', auto_archive_duration: ThreadAutoArchiveDuration.OneWeek },
        })) as APIChannel;
        return { platform: posted.platform, channelId: posted.channelId, threadId: thread.id };
      } catch (error) {
        throw mapDiscordError(error);
      }
    },
    reopenThread,
  };
}
