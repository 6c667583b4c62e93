/* Slack as a ChatPlatform: neutral messages posted through the Web API, Slack errors mapped to the core's. */
import type { webApi } from '@slack/bolt';
import type { OutgoingMessage } from '../../src/chat/message.ts';
import type { Capabilities, ChatPlatform } from '../../src/chat/platform.port.ts';
import type { ChannelRef, PostedRef, ThreadRef } from '../../src/chat/refs.ts';
import { ChannelGoneError, RateLimitedError, TransientPlatformError } from '../../src/delivery/platform-errors.ts';
import { renderSlackMessages } from './render.ts';

/** Slack errors that mean the bot can no longer post in the channel. */
export const CHANNEL_GONE_ERRORS: ReadonlySet<string> = new Set([
  'channel_not_found', 'not_in_channel', 'is_archived', 'account_inactive', 'team_access_not_granted', 'restricted_action',
]);

/** The platform name in refs (`slack:C123`). */
export const SLACK = 'slack';

/** Turns a Web API failure into the core's vocabulary (rate limited, transient, channel gone). */
export function mapSlackError(error: unknown): unknown {
  const e = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number };
  if (e?.code === 'slack_webapi_rate_limited_error') return new RateLimitedError((e.retryAfter ?? 1) * 1000, { cause: error });
  if (e?.code === 'slack_webapi_platform_error') {
    const reason = e.data?.error ?? 'unknown_error';
    if (CHANNEL_GONE_ERRORS.has(reason)) return new ChannelGoneError(reason, { cause: error });
    if (reason === 'ratelimited') return new RateLimitedError(1000, { cause: error });
    return error;
  }
  if (e?.code === 'slack_webapi_http_error' || e?.code === 'slack_webapi_request_error') {
    return new TransientPlatformError(String((error as Error).message), { ...(e.statusCode ? { status: e.statusCode } : {}), cause: error });
  }
  return error;
}

/**
 * The Slack ChatPlatform. `client` should reject rate-limited calls (`rejectRateLimitedCalls: true`) so
 * the core's paced sender, not the client, waits out a 429 and keeps the post.
 */
export function createSlackPlatform(client: webApi.WebClient): ChatPlatform {
  const capabilities: Capabilities = { threads: true, ephemeral: true, buttons: true, editing: true };

  async function send(channel: string, message: OutgoingMessage, threadTs?: string): Promise<string> {
    let first: string | undefined;
    for (const part of renderSlackMessages(message)) {
      try {
        const result = await client.chat.postMessage({
          channel,
          text: part.text,
          blocks: part.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
        first ??= result.ts;
      } catch (error) {
        throw mapSlackError(error);
      }
    }
    return first ?? '';
  }

  return {
    name: SLACK,
    capabilities,
    async post(channel: ChannelRef, message: OutgoingMessage): Promise<PostedRef> {
      return { ...channel, messageId: await send(channel.channelId, message) };
    },
    async reply(thread: ThreadRef, message: OutgoingMessage): Promise<PostedRef> {
      return { platform: thread.platform, channelId: thread.channelId, messageId: await send(thread.channelId, message, thread.threadId) };
    },
    async update(posted: PostedRef, message: OutgoingMessage): Promise<void> {
      const [part] = renderSlackMessages(message);
      try {
        await client.chat.update({ channel: posted.channelId, ts: posted.messageId, text: part?.text ?? message.fallbackText, blocks: part?.blocks ?? [] });
      } catch (error) {
        throw mapSlackError(error);
      }
    },
    async startThread(posted: PostedRef): Promise<ThreadRef> {
      // A Slack thread is the replies to a message: its timestamp is the thread's id.
      return { platform: posted.platform, channelId: posted.channelId, threadId: posted.messageId };
    },
  };
}
