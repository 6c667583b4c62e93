/*
 * Starting on Slack tells the truth. A refused token ends the start at once with what to fix: which setting, and
 * the scope or kind of token it needs. A Slack that does not answer (5xx, a refused connection, a timeout) is said
 * on stderr after the first failure and tried again with backoff, and the start gives up, with the reason, after a
 * bounded time.
 */
import type { Clock } from '../../src/clock.ts';
import { SLACK_SERVER_ERRORS } from './platform.ts';

/** Which token a call uses, for the messages. */
export type SlackToken = 'bot' | 'app';

/** Thrown when Slack refuses to start: the message says what to fix. */
export class SlackStartError extends Error {
  override readonly name = 'SlackStartError';
}

const SETTING: Record<SlackToken, string> = { bot: 'SLACK_BOT_TOKEN', app: 'SLACK_APP_TOKEN' };
const WHERE: Record<SlackToken, string> = {
  bot: 'Copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions into .env (reinstall the app if it was revoked)',
  app: 'Generate an app-level token with the connections:write scope in Basic Information → App-Level Tokens, and put it (xapp-…) into .env',
};

/** What each refusal means, in words. */
const REFUSALS: Record<string, string> = {
  invalid_auth: 'is not a valid token (mistyped, revoked or regenerated)',
  not_authed: 'was not sent',
  token_revoked: 'was revoked',
  token_expired: 'has expired',
  account_inactive: 'belongs to a deleted app or a deactivated workspace',
  team_disabled: 'belongs to a disabled workspace',
  user_removed_from_team: 'belongs to an app removed from the workspace',
  no_permission: 'lacks a permission the call needs',
  ekm_access_denied: 'was refused by the workspace administrators',
};

/** The message for a refused token: the setting, what Slack said, and what to do. */
export function refusalMessage(token: SlackToken, error: string, needed?: string): string {
  let meaning = REFUSALS[error];
  if (error === 'not_allowed_token_type') meaning = token === 'app' ? 'is not an app-level token (it should start with xapp-)' : 'is not a bot token (it should start with xoxb-)';
  if (error === 'missing_scope') meaning = `lacks the scope ${needed ?? (token === 'app' ? 'connections:write' : 'the call needs')}`;
  return `Slack refused ${SETTING[token]} (${error}): the token ${meaning ?? 'was refused'}. ${WHERE[token]}.`;
}

/** How one call failed: refused by Slack (no retry helps), or Slack was not reachable or failing (retry). */
export function classifySlackFailure(error: unknown): { refused: string; needed?: string } | { transient: string } {
  const e = error as { code?: string; data?: { error?: string; needed?: string }; statusCode?: number; message?: string; retryAfter?: number };
  if (e?.code === 'slack_webapi_platform_error') {
    const reason = e.data?.error ?? 'unknown_error';
    if (SLACK_SERVER_ERRORS.has(reason) || reason === 'ratelimited') return { transient: reason };
    return { refused: reason, ...(e.data?.needed ? { needed: e.data.needed } : {}) };
  }
  if (e?.code === 'slack_webapi_http_error') return { transient: `HTTP ${e.statusCode ?? '?'}` };
  if (e?.code === 'slack_webapi_rate_limited_error') return { transient: `rate limited for ${e.retryAfter ?? '?'} s` };
  return { transient: e?.message ?? String(error) };
}

/** What a bounded start needs. */
export interface StartPolicy {
  clock: Clock;
  /** Give up after this long (`SLACK_START_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Says something to the person starting the bot (stderr). */
  notice: (line: string) => void;
  /** Aborted when the bot is stopped while it is still starting: the start ends at once. */
  signal?: AbortSignal;
}

/** The first wait after a failure; it doubles, up to {@link MAX_START_BACKOFF_MS}. */
export const START_BACKOFF_MS = 1000;
export const MAX_START_BACKOFF_MS = 10_000;

/**
 * Makes `call` (a Web API call with `token`) until Slack answers it: a refusal throws a {@link SlackStartError} at
 * once; a failure to answer is noticed once and tried again with backoff until `policy.timeoutMs` has passed.
 */
export async function untilSlackAnswers<T>(method: string, token: SlackToken, call: () => Promise<T>, policy: StartPolicy): Promise<T> {
  const deadline = policy.clock.now().getTime() + policy.timeoutMs;
  let wait = START_BACKOFF_MS;
  let noticed = false;
  for (;;) {
    if (policy.signal?.aborted) throw new SlackStartError('The Slack start was cancelled.');
    let failure: { refused: string; needed?: string } | { transient: string };
    try {
      return await call();
    } catch (error) {
      failure = classifySlackFailure(error);
    }
    if ('refused' in failure) throw new SlackStartError(refusalMessage(token, failure.refused, failure.needed));
    const left = deadline - policy.clock.now().getTime();
    if (left <= 0) {
      throw new SlackStartError(`Could not connect to Slack: ${method} kept failing for ${Math.round(policy.timeoutMs / 1000)} s (last: ${failure.transient}). Check the network, or Slack's status page; SLACK_START_TIMEOUT_MS sets how long the start tries.`);
    }
    if (!noticed) {
      policy.notice(`Slack did not answer ${method} (${failure.transient}); trying again for up to ${Math.round(left / 1000)} s…`);
      noticed = true;
    }
    await policy.clock.sleep(Math.min(wait, left), policy.signal);
    wait = Math.min(wait * 2, MAX_START_BACKOFF_MS);
  }
}
