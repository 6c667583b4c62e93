/*
 * Plays Slack's side of HTTP mode: signed slash commands, interactions and Events API callbacks posted to a
 * Bolt receiver, with exactly the Content-Types Bolt compares against. Builders produce realistic payloads
 * that also serve as Socket Mode envelope payloads.
 */
import { createHmac, randomUUID } from 'node:crypto';

/** The form fields of a slash command request (bolt-js `SlashCommand`). */
export interface SlashCommandFields {
  token: string;
  team_id: string;
  team_domain: string;
  enterprise_id?: string;
  enterprise_name?: string;
  channel_id: string;
  channel_name: string;
  user_id: string;
  user_name: string;
  command: string;
  text: string;
  api_app_id: string;
  is_enterprise_install: string;
  response_url: string;
  trigger_id: string;
}

/** Identities the driver and builders fill in when a call does not say. */
export interface SlackDriverDefaults {
  teamId: string;
  teamDomain: string;
  channelId: string;
  channelName: string;
  userId: string;
  userName: string;
  command: string;
  apiAppId: string;
  /** The bot's user id, for `authorizations` and mentions. */
  botUserId: string;
  /**
   * Makes the `response_url` of commands that do not give one, e.g. `() => fake.responseUrl()`. Without it
   * the URL points at a closed local port, so a stray `respond()` fails loudly.
   */
  responseUrl?: () => string;
}

/** The identities used unless overridden; they match `startFakeSlack()`'s defaults (`T0001`, `UBOT`). */
export const DRIVER_DEFAULTS: Readonly<SlackDriverDefaults> = {
  teamId: 'T0001',
  teamDomain: 'paperboy-test',
  channelId: 'C0001',
  channelName: 'ml-papers',
  userId: 'U0001',
  userName: 'ada',
  command: '/papers',
  apiAppId: 'A0001',
  botUserId: 'UBOT',
};

/** Options for negative tests and retries. */
export interface SignedRequestOptions {
  /** Unix seconds to sign and send instead of now (e.g. an old one). */
  timestamp?: number;
  /** Shorthand for a timestamp six minutes old, past Bolt's five-minute window. */
  stale?: boolean;
  /** Sent as `X-Slack-Signature` instead of the real one (a forged signature). */
  signature?: string;
  /** Sent instead of the right Content-Type (the body and signature stay the same). */
  contentType?: string;
  /** `X-Slack-Retry-Num`, as Slack sets on redelivered events. */
  retryNum?: number;
  /** `X-Slack-Retry-Reason`, e.g. `http_timeout`. */
  retryReason?: string;
}

/** What the bot answered. */
export interface DriverResponse {
  status: number;
  /** The raw response body. */
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  headers: Record<string, string>;
}

/** An Events API `event_callback` body. */
export interface EventCallbackBody {
  token: string;
  team_id: string;
  api_app_id: string;
  event: Record<string, unknown>;
  type: 'event_callback';
  event_id: string;
  event_time: number;
  authorizations: Array<{ enterprise_id: string | null; team_id: string; user_id: string; is_bot: boolean; is_enterprise_install: boolean }>;
  is_ext_shared_channel: boolean;
  event_context: string;
  [key: string]: unknown;
}

/** Drives a Bolt HTTP receiver the way Slack does. */
export interface SlackDriver {
  /** The endpoint requests go to. */
  readonly url: string;
  /** A form-encoded slash command; unspecified fields come from the defaults. */
  command(fields: Partial<SlashCommandFields> & { text: string }, options?: SignedRequestOptions): Promise<DriverResponse>;
  /** A form-encoded interaction: one field, `payload=<JSON>` (see {@link blockActionsPayload}). */
  action(payload: object, options?: SignedRequestOptions): Promise<DriverResponse>;
  /** A JSON `event_callback` wrapping `innerEvent`; `extra` overrides envelope fields. */
  event(innerEvent: Record<string, unknown>, extra?: Partial<EventCallbackBody>, options?: SignedRequestOptions): Promise<DriverResponse>;
  /** The signed JSON `url_verification` request. */
  urlVerification(challenge: string, options?: SignedRequestOptions): Promise<DriverResponse>;
  /** Signs and posts a body as is. */
  post(body: string, contentType: 'application/json' | 'application/x-www-form-urlencoded', options?: SignedRequestOptions): Promise<DriverResponse>;
}

/** `v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">`, Slack's request signature. */
export function signSlackRequest(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

let tsCounter = 0;
/** A fresh Slack-style timestamp (`<seconds>.5xxxxx`), never equal to one the fake issues (`….000100`). */
export function nextUserTs(): string {
  tsCounter = (tsCounter + 1) % 500_000;
  return `${nowSeconds()}.${500_000 + tsCounter}`;
}

const triggerId = (): string => `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${randomUUID().replace(/-/g, '').slice(0, 32)}`;
const eventId = (): string => `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
const CLOSED_PORT_RESPONSE_URL = 'http://127.0.0.1:1/response/unset';

function withDefaults(defaults?: Partial<SlackDriverDefaults>): SlackDriverDefaults {
  return { ...DRIVER_DEFAULTS, ...defaults };
}

/** The full fields of a slash command (also the Socket Mode `slash_commands` payload). */
export function slashCommandPayload(
  fields: Partial<SlashCommandFields> & { text: string },
  defaults?: Partial<SlackDriverDefaults>,
): SlashCommandFields {
  const d = withDefaults(defaults);
  return {
    token: 'fake-verification-token',
    team_id: d.teamId,
    team_domain: d.teamDomain,
    channel_id: d.channelId,
    channel_name: d.channelName,
    user_id: d.userId,
    user_name: d.userName,
    command: d.command,
    api_app_id: d.apiAppId,
    is_enterprise_install: 'false',
    response_url: d.responseUrl?.() ?? CLOSED_PORT_RESPONSE_URL,
    trigger_id: triggerId(),
    ...fields,
  };
}

/** An `event_callback` body around `innerEvent` (also the Socket Mode `events_api` payload). */
export function eventCallbackBody(
  innerEvent: Record<string, unknown>,
  extra: Partial<EventCallbackBody> = {},
  defaults?: Partial<SlackDriverDefaults>,
): EventCallbackBody {
  const d = withDefaults(defaults);
  return {
    token: 'fake-verification-token',
    team_id: d.teamId,
    api_app_id: d.apiAppId,
    event: innerEvent,
    type: 'event_callback',
    event_id: eventId(),
    event_time: nowSeconds(),
    authorizations: [{ enterprise_id: null, team_id: d.teamId, user_id: d.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomUUID()}`,
    ...extra,
  };
}

/** Arguments of {@link blockActionsPayload}. */
export interface BlockActionsOptions {
  actionId: string;
  userId: string;
  channelId: string;
  /** The message holding the button. */
  messageTs: string;
  responseUrl: string;
  /** The button's `value` (omitted, as Slack does, when the button has none). */
  value?: string;
  blockId?: string;
  /** The button label. */
  label?: string;
  userName?: string;
  teamId?: string;
  channelName?: string;
  /** The clicked message's content, as Slack echoes it (`message.text`/`message.blocks`). */
  message?: { text?: string; blocks?: unknown[]; user?: string; thread_ts?: string };
  /** A button on an ephemeral message: Slack sends no `message`, and `container.is_ephemeral` is true. */
  ephemeral?: boolean;
  apiAppId?: string;
}

/** A realistic `block_actions` payload for one button click. */
export function blockActionsPayload(options: BlockActionsOptions): Record<string, unknown> {
  const d = withDefaults({
    ...(options.teamId ? { teamId: options.teamId } : {}),
    ...(options.apiAppId ? { apiAppId: options.apiAppId } : {}),
  });
  const userName = options.userName ?? d.userName;
  const blockId = options.blockId ?? `b-${options.actionId}`.slice(0, 255);
  return {
    type: 'block_actions',
    user: { id: options.userId, username: userName, name: userName, team_id: d.teamId },
    api_app_id: d.apiAppId,
    token: 'fake-verification-token',
    container: { type: 'message', message_ts: options.messageTs, channel_id: options.channelId, is_ephemeral: options.ephemeral ?? false },
    trigger_id: triggerId(),
    team: { id: d.teamId, domain: d.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channelId, name: options.channelName ?? d.channelName },
    ...(options.ephemeral
      ? {}
      : {
          message: {
            type: 'message',
            user: options.message?.user ?? d.botUserId,
            ts: options.messageTs,
            text: options.message?.text ?? '',
            blocks: options.message?.blocks ?? [],
            ...(options.message?.thread_ts ? { thread_ts: options.message.thread_ts } : {}),
          },
        }),
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [
      {
        action_id: options.actionId,
        block_id: blockId,
        text: { type: 'plain_text', text: options.label ?? 'Button', emoji: true },
        ...(options.value !== undefined ? { value: options.value } : {}),
        type: 'button',
        action_ts: `${nowSeconds()}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
      },
    ],
  };
}

/** Arguments of {@link mentionEvent}. */
export interface MentionEventOptions {
  user: string;
  channel: string;
  /** What the user wrote after the mention; the event's text is `<@BOT> ${text}`. */
  text: string;
  ts?: string;
  /** Set when the mention is a reply in a thread. */
  threadTs?: string;
  botUserId?: string;
  teamId?: string;
}

/** An `app_mention` event (the inner event; wrap it with `driver.event` or {@link eventCallbackBody}). */
export function mentionEvent(options: MentionEventOptions): Record<string, unknown> {
  const botUserId = options.botUserId ?? DRIVER_DEFAULTS.botUserId;
  const ts = options.ts ?? nextUserTs();
  return {
    type: 'app_mention',
    user: options.user,
    text: `<@${botUserId}> ${options.text}`,
    ts,
    client_msg_id: randomUUID(),
    team: options.teamId ?? DRIVER_DEFAULTS.teamId,
    blocks: [
      {
        type: 'rich_text',
        block_id: randomUUID().slice(0, 5),
        elements: [{ type: 'rich_text_section', elements: [{ type: 'user', user_id: botUserId }, { type: 'text', text: ` ${options.text}` }] }],
      },
    ],
    channel: options.channel,
    event_ts: ts,
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  };
}

/** Arguments of {@link threadMessageEvent}. */
export interface ThreadMessageEventOptions {
  user: string;
  channel: string;
  text: string;
  /** The thread's parent message ts. */
  threadTs: string;
  ts?: string;
  /** Who posted the parent (the bot, by default). */
  parentUserId?: string;
  channelType?: 'channel' | 'group' | 'im' | 'mpim';
  teamId?: string;
}

/** A plain `message` event posted as a reply in a thread. */
export function threadMessageEvent(options: ThreadMessageEventOptions): Record<string, unknown> {
  const ts = options.ts ?? nextUserTs();
  return {
    type: 'message',
    user: options.user,
    text: options.text,
    ts,
    thread_ts: options.threadTs,
    parent_user_id: options.parentUserId ?? DRIVER_DEFAULTS.botUserId,
    client_msg_id: randomUUID(),
    team: options.teamId ?? DRIVER_DEFAULTS.teamId,
    blocks: [
      {
        type: 'rich_text',
        block_id: randomUUID().slice(0, 5),
        elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: options.text }] }],
      },
    ],
    channel: options.channel,
    event_ts: ts,
    channel_type: options.channelType ?? 'channel',
  };
}

/**
 * A driver for a Bolt HTTP receiver. `botUrl` is the endpoint (`http://127.0.0.1:PORT/slack/events`); a
 * bare origin gets Bolt's default `/slack/events`. Requests are signed with the real clock, because Bolt
 * checks timestamps against `Date.now()`, not against any injected clock.
 */
export function slackDriver(botUrl: string, signingSecret: string, defaults?: Partial<SlackDriverDefaults>): SlackDriver {
  const parsed = new URL(botUrl);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/slack/events';
  const url = parsed.toString();
  const d = withDefaults(defaults);

  async function post(
    body: string,
    contentType: 'application/json' | 'application/x-www-form-urlencoded',
    options: SignedRequestOptions = {},
  ): Promise<DriverResponse> {
    const timestamp = options.timestamp ?? (options.stale ? nowSeconds() - 6 * 60 : nowSeconds());
    const headers: Record<string, string> = {
      'content-type': options.contentType ?? contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? signSlackRequest(signingSecret, timestamp, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (options.retryNum !== undefined) headers['x-slack-retry-num'] = String(options.retryNum);
    if (options.retryReason !== undefined) headers['x-slack-retry-reason'] = options.retryReason;
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, body: text, json, headers: Object.fromEntries(response.headers.entries()) };
  }

  const form = (fields: Record<string, string | undefined>): string =>
    new URLSearchParams(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();

  return {
    url,
    command: (fields, options) => post(form({ ...slashCommandPayload(fields, d) }), 'application/x-www-form-urlencoded', options),
    action: (payload, options) => post(form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', options),
    event: (innerEvent, extra, options) => post(JSON.stringify(eventCallbackBody(innerEvent, extra, d)), 'application/json', options),
    urlVerification: (challenge, options) =>
      post(JSON.stringify({ token: 'fake-verification-token', challenge, type: 'url_verification' }), 'application/json', options),
    post,
  };
}
