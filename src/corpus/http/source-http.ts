import type { Clock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';

/** How to reach one source and how politely to treat it. */
export interface SourceHttpOptions {
  /** Short source name used in logs and errors, e.g. `hf` or `arxiv`. */
  source: string;
  /** Scheme, host and optional path prefix that request paths are appended to, e.g. `https://huggingface.co`. */
  baseUrl: string;
  /** Per-attempt deadline for the whole response, body included. Default 10 000 ms. */
  timeoutMs?: number;
  /** Minimum gap between the starts of two requests of this client (arXiv: 3000). Default 0. */
  minIntervalMs?: number;
  /** Attempts per request, the first included. Default 3. */
  maxAttempts?: number;
  /** Backoff before the first retry; it doubles on each further retry. Default 1000 ms. */
  backoffBaseMs?: number;
  /** Upper bound of a computed backoff. Default 30 000 ms. */
  maxBackoffMs?: number;
  /** Upper bound of a wait the server asks for (`Retry-After`, `RateLimit`). Default 120 000 ms. */
  maxServerWaitMs?: number;
  /** `User-Agent` naming the bot and a contact. */
  userAgent: string;
  /** Extra request headers, e.g. `authorization` with an HF token. Never logged. */
  headers?: Record<string, string>;
  /** All waiting (pace, backoff, server-requested waits) goes through this clock. */
  clock: Clock;
  /** Gets one warn line per retry (source, path, status, reason, attempt, waitMs; never headers). */
  log: Logger;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** The fetch implementation. Default the global `fetch`. */
  fetch?: typeof fetch;
}

/** Per-request options of {@link SourceHttpClient.getText}. */
export interface GetTextOptions {
  /** Returns false for a 2xx body that is truncated or empty; such a response is retried. */
  isComplete?: (body: string) => boolean;
}

/** A successful (2xx) response, body read in full. */
export interface TextResponse {
  status: number;
  body: string;
  headers: Headers;
}

/** What {@link SourceFetchError} carries besides the message. */
export interface SourceFetchErrorInit {
  source: string;
  /** The requested path and query (never headers). */
  path: string;
  /** How many attempts were made. */
  attempts: number;
  /** HTTP status of the last attempt, when it got a response. */
  status?: number | undefined;
  /** Why the last attempt failed, in words (timeout, network error, incomplete body, HTTP status). */
  reason: string;
  /** A short excerpt of the last error body, when there was one. */
  detail?: string | undefined;
  /** The underlying error (network failure, timeout), when there was one. */
  cause?: unknown;
}

/** A request to a source failed for good: a non-retryable status, or every attempt used up. */
export class SourceFetchError extends Error {
  override readonly name = 'SourceFetchError';
  readonly source: string;
  readonly path: string;
  readonly attempts: number;
  readonly status: number | undefined;
  readonly reason: string;

  constructor(init: SourceFetchErrorInit) {
    const tries = `${init.attempts} attempt${init.attempts === 1 ? '' : 's'}`;
    const detail = init.detail ? `: ${init.detail}` : '';
    super(`${init.source}: GET ${init.path} failed after ${tries} (${init.reason})${detail}`, { cause: init.cause });
    this.source = init.source;
    this.path = init.path;
    this.attempts = init.attempts;
    this.status = init.status;
    this.reason = init.reason;
  }
}

/**
 * The wait, in milliseconds, a response asks for before the next request: `Retry-After` (delta
 * seconds or an HTTP date, relative to `now`), else Hugging Face's `RateLimit: "api";r=0;t=<seconds>`
 * when a policy has no requests left. `undefined` when neither says anything usable.
 */
export function parseRetryAfter(headers: Headers, now: Date): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  const rateLimit = headers.get('ratelimit');
  if (!rateLimit) return undefined;
  let wait: number | undefined;
  for (const policy of rateLimit.split(',')) {
    const remaining = /(?:^|;)\s*r=(\d+)/.exec(policy)?.[1];
    const reset = /(?:^|;)\s*t=(\d+)/.exec(policy)?.[1];
    if (remaining === '0' && reset !== undefined) wait = Math.max(wait ?? 0, Number(reset) * 1000);
  }
  return wait;
}

/** One attempt's failure that may be retried. */
interface RetryableFailure {
  status?: number;
  reason: string;
  serverWaitMs?: number;
  cause?: unknown;
}

/**
 * The HTTP client of one source. Requests are serialized (one in flight per client) and their
 * starts are spaced by `minIntervalMs` of clock time. 429, 5xx, network errors, timeouts and
 * incomplete bodies are retried with jittered exponential backoff, or after the wait the server asks
 * for; any other non-2xx status fails at once. Failures surface as {@link SourceFetchError}.
 */
export class SourceHttpClient {
  private readonly opts: Required<Omit<SourceHttpOptions, 'headers' | 'userAgent'>>;
  private readonly requestHeaders: Record<string, string>;
  private queue: Promise<unknown> = Promise.resolve();
  private lastStartMs: number | undefined;
  private notBeforeMs = Number.NEGATIVE_INFINITY;

  constructor(options: SourceHttpOptions) {
    this.opts = {
      source: options.source,
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      timeoutMs: options.timeoutMs ?? 10_000,
      minIntervalMs: options.minIntervalMs ?? 0,
      maxAttempts: Math.max(1, options.maxAttempts ?? 3),
      backoffBaseMs: options.backoffBaseMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      maxServerWaitMs: options.maxServerWaitMs ?? 120_000,
      clock: options.clock,
      log: options.log,
      random: options.random ?? Math.random,
      fetch: options.fetch ?? globalThis.fetch,
    };
    this.requestHeaders = { ...options.headers, 'user-agent': options.userAgent };
  }

  /**
   * GETs `pathWithQuery` (appended to `baseUrl`; an absolute `http(s)://` URL is used as is and gets
   * the same headers) and returns the 2xx response with its body. Waits its turn behind this
   * client's other requests. Throws {@link SourceFetchError} when it cannot get a complete 2xx body.
   */
  getText(pathWithQuery: string, opts: GetTextOptions = {}): Promise<TextResponse> {
    const run = this.queue.then(() => this.fetchWithRetries(pathWithQuery, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async fetchWithRetries(path: string, opts: GetTextOptions): Promise<TextResponse> {
    const url = /^https?:\/\//.test(path) ? path : `${this.opts.baseUrl}${path}`;
    for (let attempt = 1; ; attempt++) {
      await this.waitTurn();
      const outcome = await this.attempt(url, path, attempt, opts);
      if ('body' in outcome) return outcome;
      if (attempt >= this.opts.maxAttempts) {
        throw new SourceFetchError({ source: this.opts.source, path, attempts: attempt, ...outcome });
      }
      this.scheduleRetry(path, attempt, outcome);
    }
  }

  /** Sleeps until both the pace gap and any server- or backoff-imposed wait have passed. */
  private async waitTurn(): Promise<void> {
    const waitMs = Math.max(this.paceAtMs(), this.notBeforeMs) - this.opts.clock.now().getTime();
    if (waitMs > 0) await this.opts.clock.sleep(waitMs);
    this.lastStartMs = this.opts.clock.now().getTime();
  }

  /** The earliest clock time the pace allows the next request to start. */
  private paceAtMs(): number {
    return this.lastStartMs === undefined ? Number.NEGATIVE_INFINITY : this.lastStartMs + this.opts.minIntervalMs;
  }

  private async attempt(
    url: string,
    path: string,
    attempt: number,
    opts: GetTextOptions,
  ): Promise<TextResponse | RetryableFailure> {
    let response: Response;
    let body: string;
    try {
      response = await this.opts.fetch(url, {
        headers: this.requestHeaders,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      return { reason: describeFetchFailure(error, this.opts.timeoutMs), cause: error };
    }
    const serverWaitMs = parseRetryAfter(response.headers, this.opts.clock.now());
    const { status } = response;
    if (response.ok) {
      if (serverWaitMs !== undefined) this.deferNext(serverWaitMs);
      if (opts.isComplete && !opts.isComplete(body)) return { status, reason: 'incomplete body' };
      return { status, body, headers: response.headers };
    }
    const failure = { status, reason: `HTTP ${status}`, ...(serverWaitMs === undefined ? {} : { serverWaitMs }) };
    if (status === 429 || status >= 500) return failure;
    throw new SourceFetchError({ source: this.opts.source, path, attempts: attempt, ...failure, detail: excerpt(body) });
  }

  /**
   * Holds the next request back `requestedMs` from now, capped at `maxServerWaitMs` (a backoff, or a
   * server's wait, e.g. a success saying `r=0`). Returns the wait it set.
   */
  private deferNext(requestedMs: number): number {
    const waitMs = Math.min(requestedMs, this.opts.maxServerWaitMs);
    this.notBeforeMs = this.opts.clock.now().getTime() + waitMs;
    return waitMs;
  }

  private scheduleRetry(path: string, attempt: number, failure: RetryableFailure): void {
    const { serverWaitMs } = failure;
    const allowedMs = this.deferNext(serverWaitMs ?? this.backoffMs(attempt));
    const waitMs = Math.max(allowedMs, this.paceAtMs() - this.opts.clock.now().getTime());
    this.opts.log.warn(
      {
        source: this.opts.source,
        path,
        status: failure.status,
        reason: failure.reason,
        attempt,
        waitMs,
        ...(serverWaitMs === undefined ? {} : { serverWaitMs, capped: serverWaitMs > allowedMs }),
      },
      'source request failed; retrying',
    );
  }

  /** Equal-jitter exponential backoff: between half and all of `base · 2^(attempt-1)`, capped. */
  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.opts.maxBackoffMs, this.opts.backoffBaseMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (ceiling / 2) * this.opts.random());
  }
}

function describeFetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const code = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return `network error: ${typeof code === 'string' ? code : message}`;
}

function excerpt(body: string): string | undefined {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text === '') return undefined;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
