/*
 * The errors an adapter throws from `ChatPlatform.post`/`reply` when a post did not go through, so the core
 * (the paced sender, the scheduler) can react without knowing which platform it talks to. An adapter maps
 * its SDK's failures onto these three; anything else it lets through is treated like a transient failure.
 */

/**
 * The platform refused the post because a rate limit was hit (HTTP 429). The post was not made and may be
 * sent again after `retryAfterMs`. Never a failure of the message itself: the sender waits and retries
 * without limit.
 *
 * Set `global` when the platform says the limit covers every request of the bot or workspace (Discord's
 * `X-RateLimit-Global`, a workspace-wide limit), so the sender pauses the whole platform rather than the one
 * channel.
 */
export class RateLimitedError extends Error {
  /** How long to wait before the next request, in milliseconds (Slack's `Retry-After` is in seconds). */
  readonly retryAfterMs: number;
  /** True when the limit applies to the whole platform connection, not only this channel. */
  readonly global: boolean;

  constructor(retryAfterMs: number, options: { global?: boolean; message?: string; cause?: unknown } = {}) {
    const global = options.global ?? false;
    super(options.message ?? `rate limited${global ? ' (global)' : ''}; retry after ${retryAfterMs} ms`, { cause: options.cause });
    this.name = 'RateLimitedError';
    this.retryAfterMs = Math.max(0, retryAfterMs);
    this.global = global;
  }
}

/**
 * A failure that says nothing about the message and is likely to pass: HTTP 5xx, a timeout, a reset
 * connection, DNS trouble. The sender retries it with backoff; `retryAfterMs`, when the platform sent one (a 503
 * with `Retry-After`), is the least it waits.
 *
 * `mayHaveLanded` says whether the platform may have made the post all the same: true (the default) when the
 * request may have reached it (a timeout, a connection reset after sending, a 5xx), false only when the request
 * certainly never arrived (the connection was refused). After a failure that may have landed, the sender's next
 * attempt looks the post up first and makes only what is missing, so it is never made twice.
 */
export class TransientPlatformError extends Error {
  /** The least wait before retrying, in milliseconds, when the platform asked for one. */
  readonly retryAfterMs: number | undefined;
  /** The HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** Whether the platform may have made the post despite the failure. */
  readonly mayHaveLanded: boolean;

  constructor(message: string, options: { retryAfterMs?: number; status?: number; mayHaveLanded?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'TransientPlatformError';
    this.retryAfterMs = options.retryAfterMs === undefined ? undefined : Math.max(0, options.retryAfterMs);
    this.status = options.status;
    this.mayHaveLanded = options.mayHaveLanded ?? true;
  }
}

/**
 * The channel cannot receive posts from the bot any more, and retrying will not change that: not found,
 * archived, the bot was removed or lost access. The sender gives up on the message at once; the caller
 * should stop scheduling posts to the channel.
 */
export class ChannelGoneError extends Error {
  /** Why, in the platform's words or a short code: `channel_not_found`, `is_archived`, `not_in_channel`, `Missing Access`. */
  readonly reason: string;

  constructor(reason: string, options: { message?: string; cause?: unknown } = {}) {
    super(options.message ?? `channel gone: ${reason}`, { cause: options.cause });
    this.name = 'ChannelGoneError';
    this.reason = reason;
  }
}

/** Whether a failed attempt may have made the post after all: anything but a definite refusal may have. */
export function mayHaveLanded(error: unknown): boolean {
  if (error instanceof RateLimitedError || error instanceof ChannelGoneError) return false;
  if (error instanceof TransientPlatformError) return error.mayHaveLanded;
  return true;
}
