/*
 * Slack as a ChatPlatform: neutral messages posted through the Web API, Slack errors mapped to the core's. A post
 * made with an idempotency key carries it in its message metadata, so after an attempt that may have landed (a
 * timeout, a reset connection, a 5xx) the post is looked up in the channel's (or thread's) recent history before
 * anything is posted again.
 */
import type { webApi } from '@slack/bolt';
import type { OutgoingMessage } from '../../src/chat/message.ts';
import type { Capabilities, ChatPlatform, PostOptions } from '../../src/chat/platform.port.ts';
import type { ChannelRef, PostedRef, ThreadRef } from '../../src/chat/refs.ts';
import { ChannelGoneError, RateLimitedError, TransientPlatformError } from '../../src/delivery/platform-errors.ts';
import type { SlackClients } from './installations.ts';
import { renderSlackMessages } from './render.ts';

/** Slack errors that mean the bot can no longer post in the channel. */
export const CHANNEL_GONE_ERRORS: ReadonlySet<string> = new Set([
  'channel_not_found', 'not_in_channel', 'is_archived', 'account_inactive', 'team_access_not_granted', 'restricted_action',
]);

/** `ok:false` errors that mean Slack failed on its side: the post may have been made. */
export const SLACK_SERVER_ERRORS: ReadonlySet<string> = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** The platform name in refs (`slack:C123`). */
export const SLACK = 'slack';

/** The message metadata event type of a delivery's posts; its payload is `{ key, part }`. */
export const DELIVERY_EVENT_TYPE = 'paperboy_delivery';

/** Slack's clock and ours may differ: a look-up starts this much before the instant it was given. */
export const LOOKUP_SKEW_MS = 5 * 60_000;
/** Messages per page of a look-up (Slack allows up to 999 for history). */
const LOOKUP_PAGE = 200;
/** Pages a look-up reads at most before giving up (and failing, to be tried again). */
const LOOKUP_MAX_PAGES = 50;

/** The error code of a failed network request (undici puts it on the cause). */
function networkCode(error: unknown): string | undefined {
  const original = (error as { original?: { code?: string; cause?: { code?: string } } }).original;
  return original?.code ?? original?.cause?.code;
}

/** What Slack can do: threads, and pings of a member (U…/W… id) or a user group (S… id). */
export const SLACK_CAPABILITIES: Capabilities = {
  threads: true,
  mentions: {
    platform: 'Slack',
    user: /^[UW][A-Z0-9]{2,20}$/,
    role: /^S[A-Z0-9]{2,20}$/,
    byName: false,
    findIds: "A member's id is under ⋮ → Copy member ID in their profile (U…); a user group's is S… (mention:role:S…).",
  },
};

/** Turns a Web API failure into the core's vocabulary (rate limited, transient, channel gone). */
export function mapSlackError(error: unknown): unknown {
  const e = error as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number; message?: string };
  if (e?.code === 'slack_webapi_rate_limited_error') return new RateLimitedError((e.retryAfter ?? 1) * 1000, { cause: error });
  if (e?.code === 'slack_webapi_platform_error') {
    const reason = e.data?.error ?? 'unknown_error';
    if (CHANNEL_GONE_ERRORS.has(reason)) return new ChannelGoneError(reason, { cause: error });
    if (reason === 'ratelimited') return new RateLimitedError(1000, { cause: error });
    // Slack answered: it made nothing, unless the error is its own failure.
    return new TransientPlatformError(`Slack refused the call: ${reason}`, { mayHaveLanded: SLACK_SERVER_ERRORS.has(reason), cause: error });
  }
  if (e?.code === 'slack_webapi_http_error') {
    const status = e.statusCode ?? 0;
    return new TransientPlatformError(String(e.message), { status, mayHaveLanded: status >= 500 || status === 0, cause: error });
  }
  if (e?.code === 'slack_webapi_request_error') {
    // A refused connection never reached Slack; a timeout or a connection cut after sending may have.
    return new TransientPlatformError(String(e.message), { mayHaveLanded: networkCode(error) !== 'ECONNREFUSED', cause: error });
  }
  return error;
}

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** `<seconds>.<microseconds>` for an instant, as Slack's `oldest` takes it. */
function slackTs(ms: number): string {
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

/**
 * The Slack ChatPlatform. Each channel's client (its workspace's, or the one bot token's) must reject rate-limited
 * calls (`rejectRateLimitedCalls: true`) and never retry on its own (`retryConfig: { retries: 0 }`), with a request
 * timeout: the core's paced sender waits out a 429, and decides whether a failed post is looked up or sent again, so
 * a post is never made twice.
 */
export function createSlackPlatform(clients: SlackClients): ChatPlatform {

  /** The parts of delivery `key` already in the channel (or thread) since `since`: part number → ts. */
  async function findParts(client: webApi.WebClient, channel: string, threadTs: string | undefined, key: string, since: Date): Promise<Map<number, string>> {
    const found = new Map<number, string>();
    const oldest = slackTs(Math.max(0, since.getTime() - LOOKUP_SKEW_MS));
    let cursor: string | undefined;
    for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
      const args = { channel, oldest, include_all_metadata: true, limit: LOOKUP_PAGE, ...(cursor ? { cursor } : {}) };
      let result: { messages?: HistoryMessage[]; response_metadata?: { next_cursor?: string } };
      try {
        result = threadTs ? await client.conversations.replies({ ...args, ts: threadTs }) : await client.conversations.history(args);
      } catch (error) {
        throw mapSlackError(error);
      }
      for (const message of result.messages ?? []) {
        const payload = message.metadata?.event_type === DELIVERY_EVENT_TYPE ? message.metadata.event_payload : undefined;
        if (payload?.key === key && typeof payload.part === 'number' && message.ts) found.set(payload.part, message.ts);
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) return found;
    }
    throw new TransientPlatformError(`looking up ${key}: more than ${LOOKUP_MAX_PAGES * LOOKUP_PAGE} messages since ${since.toISOString()}`);
  }

  async function send(channelId: string, message: OutgoingMessage, threadTs: string | undefined, options: PostOptions = {}): Promise<string> {
    const { client, channel } = await clients.forChannel(channelId);
    const key = options.idempotencyKey;
    const made = key !== undefined && options.mayExistSince ? await findParts(client, channel, threadTs, key, options.mayExistSince) : new Map<number, string>();
    let first = made.get(0);
    for (const [part, rendered] of renderSlackMessages(message).entries()) {
      if (made.has(part)) continue;
      try {
        const result = await client.chat.postMessage({
          channel,
          text: rendered.text,
          blocks: rendered.blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(key !== undefined ? { metadata: { event_type: DELIVERY_EVENT_TYPE, event_payload: { key, part } } } : {}),
        });
        if (part === 0) first = result.ts;
      } catch (error) {
        throw mapSlackError(error);
      }
    }
    return first ?? '';
  }

  return {
    name: SLACK,
    capabilities: SLACK_CAPABILITIES,
    async post(channel: ChannelRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef> {
      return { ...channel, messageId: await send(channel.channelId, message, undefined, options) };
    },
    async reply(thread: ThreadRef, message: OutgoingMessage, options?: PostOptions): Promise<PostedRef> {
      return { platform: thread.platform, channelId: thread.channelId, messageId: await send(thread.channelId, message, thread.threadId, options) };
    },
    async update(posted: PostedRef, message: OutgoingMessage): Promise<void> {
      const [part] = renderSlackMessages(message);
      const { client, channel } = await clients.forChannel(posted.channelId);
      try {
        await client.chat.update({ channel, ts: posted.messageId, text: part?.text ?? message.fallbackText, blocks: part?.blocks ?? [] });
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
