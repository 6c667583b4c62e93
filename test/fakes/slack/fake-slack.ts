/*
 * A fake Slack on 127.0.0.1 for driving the real Bolt app and WebClient: the Web API (`POST /api/:method`),
 * the response_url sink (`POST /response/:id`) and the Socket Mode WebSocket (`/socket`) on one HTTP server.
 * Messages are checked against Block Kit limits the way Slack answers (`invalid_blocks`, `msg_too_long`,
 * `msg_blocks_too_long`), and every live mention token that reaches a stored message is listed in
 * `injections`. Workspaces can install the app: `oauth.v2.access` trades a code from {@link FakeSlack.addInstall} for
 * that workspace's bot token, which `auth.test` then names, and {@link FakeSlack.revokeToken} refuses a token from then on.
 */
import { listenOnLoopback } from '../loopback.ts';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../../../src/clock.ts';
import { StateWaiters } from '../state-waiters.ts';
import { UnansweredRequests, type HttpFault } from '../http-faults.ts';

/** Block Kit and message limits the fake enforces (docs.slack.dev Block Kit reference). */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  accessibilityLabel: 75,
  /** `action_id` and `block_id`. */
  id: 255,
  overflowOptions: 5,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  imageAltText: 2000,
  /** `markdown` blocks, summed over the message. */
  markdownTotal: 12_000,
  /** Every `text` string in the blocks, summed: above this Slack answers `msg_blocks_too_long` (bolt-js #2509). */
  blocksTextTotal: 13_000,
  /** Top-level `text`: above this the fake answers `msg_too_long`. */
  messageText: 40_000,
  /** Posts one response URL accepts. */
  responseUrlUses: 5,
} as const;

/** Options of {@link startFakeSlack}. */
export interface FakeSlackOptions {
  /** Default `T0001`. */
  teamId?: string;
  /** The bot's user id, returned by `auth.test` and stamped on stored messages. Default `UBOT`. */
  botUserId?: string;
  /** The bot id, returned by `auth.test`. Default `B1`. */
  botId?: string;
  /** Check Block Kit limits and response URL uses (default true). */
  enforceLimits?: boolean;
  /**
   * What `users.info` says about users. A user missing here but shaped like a user id (`U…`/`W…`) is an
   * ordinary member; anything else is `user_not_found`.
   */
  users?: Record<string, FakeSlackUser>;
  /** Stamps `at` on records and seeds message timestamps (real time by default). */
  clock?: Clock;
  /**
   * Called with each post to a response URL that the fake accepted: a load generator times thousands of
   * answers this way, where a `waitFor` per request would cost it time proportional to the number in flight.
   */
  onResponse?: (response: RecordedResponse) => void;
}

/** A workspace that installs the app through OAuth, as {@link FakeSlack.addInstall} sets it up. */
export interface FakeInstall {
  teamId: string;
  /** Set for a workspace of an Enterprise Grid organisation; with `isEnterpriseInstall`, an org-wide install. */
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
  /** The bot token the install grants (`xoxb-…`). */
  botToken: string;
  /** Default `UBOT`. */
  botUserId?: string;
}

/** A user as configured for `users.info`. */
export interface FakeSlackUser {
  name?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  is_bot?: boolean;
}

/** One Web API call the fake received, with how it was answered. */
export interface RecordedCall {
  method: string;
  /** The parsed arguments (`blocks`, `attachments` and `metadata` JSON-parsed), including `token` if sent. */
  args: Record<string, unknown>;
  /** The token from `Authorization: Bearer …`, else from the `token` argument. */
  bearer: string | undefined;
  /** Arrival time in ms since the epoch, from the fake's clock. */
  at: number;
  /** HTTP status answered. */
  status: number;
  /** The `error` answered with `ok:false`, if any. */
  error?: string;
}

/** A message as the fake stores it (posted by the bot, or seeded with `addMessage`). */
export interface StoredMessage {
  type: 'message';
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: unknown[];
  /** Who posted it: the bot user for API posts. */
  user?: string;
  bot_id?: string;
  attachments?: unknown[];
  metadata?: unknown;
  /** Set for `chat.postEphemeral`: the only user who sees it. Ephemeral messages never show up in `conversations.replies`. */
  ephemeral_user?: string;
  /** Set once `chat.update` changed the message. */
  edited?: { user: string; ts: string };
  /** Files shared with the message (files.completeUploadExternal). */
  files?: { id: string; name: string; title?: string }[];
}

/** A file uploaded through files.uploadV2 (getUploadURLExternal, the upload, completeUploadExternal). */
export interface StoredFile {
  id: string;
  name: string;
  title?: string;
  /** The uploaded bytes as text (empty until uploaded). */
  text: string;
  uploaded: boolean;
  /** The channel it was shared to when completed, if any. */
  channel?: string;
}

/** A JSON body the bot posted to a response URL and the fake accepted. */
export interface RecordedResponse {
  /** The `<id>` of `/response/<id>`. */
  id: string;
  body: Record<string, unknown>;
  at: number;
}

/** A post to a response URL that the fake refused. */
export interface RejectedResponse {
  id: string;
  body: unknown;
  at: number;
  status: number;
  error: string;
}

/**
 * A mention token found in an accepted message. `format` says where: `text` (top-level text, which
 * notifies), `mrkdwn` (rendered as a mention), `plain_text` (shown literally by Slack, so harmless),
 * `attachment`, or `option` for `link_names`/`parse: 'full'`, which turn typed names into mentions.
 */
export interface Injection {
  /** The API method, or `response_url`. */
  source: string;
  /** The token, e.g. `<!channel>`, `<@U123>`, or `link_names=true`. */
  token: string;
  /** JSON pointer into the arguments, e.g. `/blocks/2/text/text`. */
  path: string;
  format: 'text' | 'mrkdwn' | 'plain_text' | 'attachment' | 'option';
}

/** A scripted failure for {@link FakeSlack.failNext}. */
export type ScriptedFailure =
  /** HTTP 429 with `Retry-After: <retryAfter>` (seconds). */
  | { status: 429; retryAfter: number }
  /**
   * Any other HTTP status (e.g. 500), with an optional body. With `afterEffect` the call first takes effect (the
   * message is stored) and only then fails, as when Slack errs after doing the work.
   */
  | { status: number; body?: string; afterEffect?: boolean }
  /** HTTP 200 `{ok:false, error}`: a platform error such as `channel_not_found`, `not_in_channel`, `is_archived`. */
  | { error: string }
  /** The connection is cut without an answer; with `afterEffect`, after the call took effect. */
  | { reset: true; afterEffect?: boolean }
  /** No answer until the client gives up (or the fake closes); with `afterEffect`, after the call took effect. */
  | { hang: true; afterEffect?: boolean };

/** The Socket Mode envelope types Slack sends. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** A Socket Mode envelope the fake sent. */
export interface SocketEnvelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** A Socket Mode acknowledgement the fake received. */
export interface SocketAck {
  envelope_id: string;
  payload: Record<string, unknown>;
}

/** Options of {@link FakeSlack.sendEnvelope}. */
export interface SendEnvelopeOptions {
  /** Real milliseconds to wait for the ack before rejecting (default 5000). */
  timeoutMs?: number;
  /** The envelope id (default a fresh one): the same id again is Slack sending the envelope again. */
  envelopeId?: string;
  /** Send `{type:'disconnect', reason}` right after the envelope, on the same connection. */
  thenDisconnect?: string;
  retryAttempt?: number;
  retryReason?: string;
}

/** Everything the fake recorded, as seen by {@link FakeSlack.waitFor} predicates. */
export interface FakeSlackState {
  calls: readonly RecordedCall[];
  messages: readonly StoredMessage[];
  files: readonly StoredFile[];
  responses: readonly RecordedResponse[];
  rejectedResponses: readonly RejectedResponse[];
  envelopes: readonly SocketEnvelope[];
  acks: readonly SocketAck[];
  injections: readonly Injection[];
  /** Open Socket Mode connections. */
  connections: number;
}

/** A running fake Slack. */
export interface FakeSlack extends FakeSlackState {
  /** `http://127.0.0.1:PORT/api/`, for `clientOptions.slackApiUrl`. */
  readonly apiUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** The Socket Mode URL `apps.connections.open` hands out. */
  readonly socketUrl: string;
  /** The next calls of `method` fail like this, one failure per call, in order. `response_url` scripts the response sink. */
  failNext(method: string, ...failures: ScriptedFailure[]): void;
  /**
   * The next calls of `method` whose arguments satisfy `where` (e.g. one channel) fail like this, one failure per
   * matching call, in order; other calls are unaffected.
   */
  failWhere(method: string, where: (args: Record<string, unknown>) => boolean, ...failures: ScriptedFailure[]): void;
  /** `oauth.v2.access` with `code` grants this install (once). */
  addInstall(code: string, install: FakeInstall): void;
  /** Calls with `token` are refused with `token_revoked` from now on (the workspace uninstalled the app). */
  revokeToken(token: string): void;
  /** A fresh response URL: `${baseUrl}/response/<uuid>`. */
  responseUrl(): string;
  /** Stores a message as if a user had posted it (e.g. a thread's parent), for `conversations.replies`. */
  addMessage(message: { channel: string; text: string; user: string; ts?: string; thread_ts?: string; blocks?: unknown[] }): StoredMessage;
  /**
   * Sends a Socket Mode envelope to the newest connection and resolves with the client's ack frame. The
   * ack comes when the listener calls `ack()` (events are acked by Bolt first), so the listener may still
   * be running: use `waitFor` for its effects.
   */
  sendEnvelope(type: EnvelopeType, payload: unknown, options?: SendEnvelopeOptions): Promise<SocketAck>;
  /** Sends `{type:'disconnect', reason}` to every connection (Slack's way to make clients reconnect). */
  requestReconnect(reason?: string): void;
  /** Sends a raw text frame to the newest Socket Mode connection (anything, also what Slack never sends). */
  sendFrame(text: string): void;
  /**
   * Resolves with the predicate's first truthy result, checked now, on every change the fake records and
   * every 20 ms; rejects after `timeoutMs` real milliseconds (default 5000) with a summary of the records.
   */
  waitFor<T>(predicate: (state: FakeSlackState) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Terminates sockets, rejects pending waits and closes the server. */
  close(): Promise<void>;
}

/** Starts a fake Slack on 127.0.0.1 with an OS-picked port. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const fake = new FakeSlackServer(options);
  await fake.listen();
  return fake;
}

const MENTION = /<!(?:channel|here|everyone)(?:\|[^>]*)?>|<@[^>]+>|<#[^>]+>|<!subteam\^[^>]+>/g;
const BODY_LIMIT = 5 * 1024 * 1024;
const JSON_ARGS = ['blocks', 'attachments', 'metadata'] as const;
const KNOWN_BLOCKS = new Set([
  'section', 'header', 'context', 'actions', 'divider', 'image', 'markdown', 'rich_text', 'input', 'file', 'video',
  'context_actions', 'table', 'call',
]);

interface Reply {
  status: number;
  type: string;
  body: string;
  headers?: Record<string, string>;
  /** Instead of answering: cut the connection, or leave the request hanging. */
  abort?: HttpFault;
}

const json = (value: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  type: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
  ...(headers ? { headers } : {}),
});
const text = (status: number, body: string): Reply => ({ status, type: 'text/plain; charset=utf-8', body });
const platformError = (error: string, extra: Record<string, unknown> = {}): Reply => json({ ok: false, error, ...extra });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new HttpError(413, 'request_too_large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const truthy = (value: unknown): boolean => value === true || value === 'true' || value === '1' || value === 1;

/** Parses a Web API body: form (JSON strings inside) or JSON. Throws an API error name on failure. */
function parseArgs(contentType: string | undefined, body: string): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let args: Record<string, unknown>;
  if (type === 'application/json') {
    try {
      const parsed: unknown = body === '' ? {} : JSON.parse(body);
      if (!isRecord(parsed)) throw new Error('not an object');
      args = parsed;
    } catch {
      throw new ApiError('invalid_json');
    }
  } else if (type === 'application/x-www-form-urlencoded' || (type === '' && body === '')) {
    args = Object.fromEntries(new URLSearchParams(body));
  } else {
    throw new ApiError('invalid_form_data');
  }
  for (const key of JSON_ARGS) {
    const value = args[key];
    if (typeof value !== 'string') continue;
    try {
      args[key] = JSON.parse(value);
    } catch {
      throw new ApiError(key === 'blocks' ? 'invalid_blocks_format' : `invalid_${key}`);
    }
  }
  return args;
}

class ApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}

/** Checks blocks the way Slack's Block Kit validation does, collecting `message [json-pointer:/…]` lines. */
class BlockChecker {
  readonly problems: string[] = [];
  private markdown = 0;
  private readonly blockIds = new Set<string>();

  constructor(private readonly root: string) {}

  private fail(pointer: string, message: string): void {
    this.problems.push(`${message} [json-pointer:${this.root}${pointer}]`);
  }

  private string(value: unknown, pointer: string, max: number, required = false): void {
    if (value === undefined && !required) return;
    if (typeof value !== 'string') return this.fail(pointer, 'must be a string');
    if (value.length === 0) return this.fail(pointer, 'must be more than 0 characters');
    if (value.length > max) this.fail(pointer, `must be less than ${max + 1} characters`);
  }

  private textObject(value: unknown, pointer: string, max: number, allowed: readonly string[], required = true): void {
    if (value === undefined && !required) return;
    if (!isRecord(value)) return this.fail(pointer, 'must provide an object');
    if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
      return this.fail(`${pointer}/type`, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
    }
    this.string(value.text, `${pointer}/text`, max, true);
  }

  private array(value: unknown, pointer: string, min: number, max: number): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.fail(pointer, 'must provide an array');
      return undefined;
    }
    if (value.length < min) this.fail(pointer, `must provide at least ${min} items`);
    if (value.length > max) this.fail(pointer, `must be no more than ${max} items`);
    return value;
  }

  private options(value: unknown, pointer: string, min: number, max: number): void {
    const options = this.array(value, pointer, min, max) ?? [];
    options.forEach((option, i) => {
      const at = `${pointer}/${i}`;
      if (!isRecord(option)) return this.fail(at, 'must provide an object');
      this.textObject(option.text, `${at}/text`, SLACK_LIMITS.optionText, ['plain_text', 'mrkdwn']);
      this.string(option.value, `${at}/value`, SLACK_LIMITS.optionValue, true);
    });
  }

  private element(value: unknown, pointer: string, actionIds: Set<string>): void {
    if (!isRecord(value)) return this.fail(pointer, 'must provide an object');
    if (typeof value.type !== 'string') return this.fail(`${pointer}/type`, 'must be a string');
    if (value.action_id !== undefined) {
      this.string(value.action_id, `${pointer}/action_id`, SLACK_LIMITS.id);
      if (typeof value.action_id === 'string') {
        if (actionIds.has(value.action_id)) this.fail(`${pointer}/action_id`, `duplicate action_id "${value.action_id}" in the block`);
        actionIds.add(value.action_id);
      }
    }
    switch (value.type) {
      case 'button':
        this.textObject(value.text, `${pointer}/text`, SLACK_LIMITS.buttonText, ['plain_text']);
        this.string(value.value, `${pointer}/value`, SLACK_LIMITS.buttonValue);
        this.string(value.url, `${pointer}/url`, SLACK_LIMITS.url);
        this.string(value.accessibility_label, `${pointer}/accessibility_label`, SLACK_LIMITS.accessibilityLabel);
        if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
          this.fail(`${pointer}/style`, 'must be one of "primary", "danger"');
        }
        return;
      case 'overflow':
        return this.options(value.options, `${pointer}/options`, 1, SLACK_LIMITS.overflowOptions);
      case 'static_select':
      case 'multi_static_select':
        this.textObject(value.placeholder, `${pointer}/placeholder`, SLACK_LIMITS.placeholder, ['plain_text'], false);
        if (value.option_groups === undefined) this.options(value.options, `${pointer}/options`, 1, SLACK_LIMITS.selectOptions);
        return;
      case 'image':
        if (value.image_url === undefined && value.slack_file === undefined) this.fail(pointer, 'must provide image_url or slack_file');
        this.string(value.image_url, `${pointer}/image_url`, SLACK_LIMITS.url);
        this.string(value.alt_text, `${pointer}/alt_text`, SLACK_LIMITS.imageAltText, true);
        return;
      default:
        return;
    }
  }

  private block(value: unknown, pointer: string): void {
    if (!isRecord(value)) return this.fail(pointer, 'must provide an object');
    if (typeof value.type !== 'string' || !KNOWN_BLOCKS.has(value.type)) {
      return this.fail(`${pointer}/type`, `unknown block type ${JSON.stringify(value.type)}`);
    }
    if (value.block_id !== undefined) {
      this.string(value.block_id, `${pointer}/block_id`, SLACK_LIMITS.id);
      if (typeof value.block_id === 'string') {
        if (this.blockIds.has(value.block_id)) this.fail(`${pointer}/block_id`, `duplicate block_id "${value.block_id}"`);
        this.blockIds.add(value.block_id);
      }
    }
    const actionIds = new Set<string>();
    switch (value.type) {
      case 'section': {
        if (value.text === undefined && value.fields === undefined) this.fail(pointer, 'must provide text or fields');
        this.textObject(value.text, `${pointer}/text`, SLACK_LIMITS.sectionText, ['plain_text', 'mrkdwn'], false);
        if (value.fields !== undefined) {
          const fields = this.array(value.fields, `${pointer}/fields`, 1, SLACK_LIMITS.sectionFields) ?? [];
          fields.forEach((field, i) => this.textObject(field, `${pointer}/fields/${i}`, SLACK_LIMITS.fieldText, ['plain_text', 'mrkdwn']));
        }
        if (value.accessory !== undefined) this.element(value.accessory, `${pointer}/accessory`, actionIds);
        return;
      }
      case 'header':
        return this.textObject(value.text, `${pointer}/text`, SLACK_LIMITS.headerText, ['plain_text']);
      case 'context': {
        const elements = this.array(value.elements, `${pointer}/elements`, 1, SLACK_LIMITS.contextElements) ?? [];
        elements.forEach((element, i) => {
          const at = `${pointer}/elements/${i}`;
          if (isRecord(element) && element.type === 'image') this.element(element, at, actionIds);
          else this.textObject(element, at, SLACK_LIMITS.sectionText, ['plain_text', 'mrkdwn']);
        });
        return;
      }
      case 'actions': {
        const elements = this.array(value.elements, `${pointer}/elements`, 1, SLACK_LIMITS.actionsElements) ?? [];
        elements.forEach((element, i) => this.element(element, `${pointer}/elements/${i}`, actionIds));
        return;
      }
      case 'image':
        return this.element(value, pointer, actionIds);
      case 'markdown':
        this.string(value.text, `${pointer}/text`, SLACK_LIMITS.markdownTotal, true);
        if (typeof value.text === 'string') this.markdown += value.text.length;
        return;
      default:
        return;
    }
  }

  /** Checks a message's blocks; answers an API error name, or undefined when Slack would accept them. */
  check(blocks: unknown): string | undefined {
    if (!Array.isArray(blocks)) {
      this.fail('', 'must provide an array');
      return 'invalid_blocks';
    }
    if (blocks.length > SLACK_LIMITS.blocksPerMessage) this.fail('', `must be no more than ${SLACK_LIMITS.blocksPerMessage} items`);
    blocks.forEach((block, i) => this.block(block, `/${i}`));
    if (this.markdown > SLACK_LIMITS.markdownTotal) {
      this.fail('', `markdown blocks must be no more than ${SLACK_LIMITS.markdownTotal} characters in total`);
    }
    if (this.problems.length > 0) return 'invalid_blocks';
    if (textLength(blocks) > SLACK_LIMITS.blocksTextTotal) return 'msg_blocks_too_long';
    return undefined;
  }
}

/** Sums every string held under a `text` key, at any depth (text objects, button labels, markdown). */
function textLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + textLength(item), 0);
  if (!isRecord(value)) return 0;
  let sum = 0;
  for (const [key, item] of Object.entries(value)) sum += key === 'text' && typeof item === 'string' ? item.length : textLength(item);
  return sum;
}

/** Finds mention tokens in a message's text, blocks and attachments. */
function findInjections(source: string, args: Record<string, unknown>): Injection[] {
  const found: Injection[] = [];
  const scan = (value: string, path: string, format: Injection['format']): void => {
    for (const match of value.matchAll(MENTION)) found.push({ source, token: match[0], path, format });
  };
  const walk = (value: unknown, path: string, format: Injection['format']): void => {
    if (typeof value === 'string') return scan(value, path, format);
    if (Array.isArray(value)) return value.forEach((item, i) => walk(item, `${path}/${i}`, format));
    if (!isRecord(value)) return;
    const here = value.type === 'plain_text' ? 'plain_text' : value.type === 'mrkdwn' ? 'mrkdwn' : format;
    for (const [key, item] of Object.entries(value)) {
      // Ids, values and URLs are never rendered.
      if (['action_id', 'block_id', 'value', 'url', 'image_url', 'type'].includes(key)) continue;
      walk(item, `${path}/${key}`, here);
    }
  };
  if (typeof args.text === 'string') scan(args.text, '/text', 'text');
  walk(args.blocks, '/blocks', 'mrkdwn');
  walk(args.attachments, '/attachments', 'attachment');
  if (truthy(args.link_names)) found.push({ source, token: 'link_names=true', path: '/link_names', format: 'option' });
  if (args.parse === 'full') found.push({ source, token: 'parse=full', path: '/parse', format: 'option' });
  return found;
}

function bearerOf(req: IncomingMessage, args: Record<string, unknown>): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (match?.[1]) return match[1];
  return typeof args.token === 'string' && args.token !== '' ? args.token : undefined;
}

function authError(method: string, token: string | undefined): string | undefined {
  if (!token) return 'not_authed';
  if (method === 'apps.connections.open') return token.startsWith('xapp-') ? undefined : 'not_allowed_token_type';
  if (token.startsWith('xapp-')) return 'not_allowed_token_type';
  return /^xox[bpa]-/.test(token) ? undefined : 'invalid_auth';
}

/** Orders Slack timestamps (`<seconds>.<microseconds>`) by time. */
function compareTs(a: string, b: string): number {
  const parts = (ts: string): [number, number] => {
    const [seconds = '0', fraction = ''] = ts.split('.');
    return [Number(seconds), Number(fraction.padEnd(6, '0').slice(0, 6))];
  };
  const [as, au] = parts(a);
  const [bs, bu] = parts(b);
  return as - bs || au - bu;
}

/** The messages within `oldest`/`latest` (exclusive unless `inclusive`), as conversations.history filters them. */
function inWindow(messages: StoredMessage[], args: Record<string, unknown>): StoredMessage[] {
  const oldest = optionalString(String(args.oldest ?? ''));
  const latest = optionalString(String(args.latest ?? ''));
  const inclusive = truthy(args.inclusive);
  return messages.filter((m) => {
    if (oldest !== undefined) {
      const c = compareTs(m.ts, oldest);
      if (c < 0 || (c === 0 && !inclusive)) return false;
    }
    if (latest !== undefined) {
      const c = compareTs(m.ts, latest);
      if (c > 0 || (c === 0 && !inclusive)) return false;
    }
    return true;
  });
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The message object Slack returns: the stored one without its channel and internal fields. */
function messageView(message: StoredMessage): Record<string, unknown> {
  const { channel: _channel, ephemeral_user: _ephemeral, ...rest } = message;
  return structuredClone(rest);
}

class FakeSlackServer implements FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly files: StoredFile[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly rejectedResponses: RejectedResponse[] = [];
  readonly envelopes: SocketEnvelope[] = [];
  readonly acks: SocketAck[] = [];
  readonly injections: Injection[] = [];
  apiUrl = '';
  baseUrl = '';
  socketUrl = '';

  private readonly teamId: string;
  private readonly botUserId: string;
  private readonly botId: string;
  private readonly enforceLimits: boolean;
  private readonly users: Record<string, FakeSlackUser>;
  private readonly clock: Clock | undefined;
  private readonly onResponse: ((response: RecordedResponse) => void) | undefined;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly failures = new Map<string, { where?: (args: Record<string, unknown>) => boolean; failure: ScriptedFailure }[]>();
  private readonly unanswered = new UnansweredRequests();
  private readonly pendingAcks = new Map<string, { resolve: (ack: SocketAck) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private readonly waiters = new StateWaiters<FakeSlackState>('fake Slack', () => this.summary());
  private readonly responseUses = new Map<string, number>();
  private readonly installCodes = new Map<string, FakeInstall>();
  /** Bot tokens granted by installs, to the install. */
  private readonly installTokens = new Map<string, FakeInstall>();
  private readonly revokedTokens = new Set<string>();
  private lastTsSeconds = 0;
  private tsInSecond = 0;
  private closed = false;

  constructor(options: FakeSlackOptions) {
    this.teamId = options.teamId ?? 'T0001';
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'B1';
    this.enforceLimits = options.enforceLimits ?? true;
    this.users = options.users ?? {};
    this.clock = options.clock;
    this.onResponse = options.onResponse;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        this.send(res, text(status, error instanceof Error ? error.message : String(error)));
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path !== '/socket' || this.closed) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  get connections(): number {
    return [...this.sockets].filter((ws) => ws.readyState === ws.OPEN).length;
  }

  async listen(): Promise<void> {
    const port = await listenOnLoopback(this.server);
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.baseUrl}/api/`;
    this.socketUrl = `ws://127.0.0.1:${port}/socket`;
  }

  failNext(method: string, ...failures: ScriptedFailure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures.map((failure) => ({ failure }))]);
  }

  failWhere(method: string, where: (args: Record<string, unknown>) => boolean, ...failures: ScriptedFailure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures.map((failure) => ({ where, failure }))]);
  }

  /** Takes the first scripted failure of `method` that applies to these arguments. */
  private takeFailure(method: string, args: Record<string, unknown>): ScriptedFailure | undefined {
    const queue = this.failures.get(method);
    const index = queue?.findIndex((entry) => !entry.where || entry.where(args)) ?? -1;
    return index < 0 ? undefined : queue!.splice(index, 1)[0]!.failure;
  }

  addInstall(code: string, install: FakeInstall): void {
    this.installCodes.set(code, install);
  }

  revokeToken(token: string): void {
    this.revokedTokens.add(token);
  }

  responseUrl(): string {
    return `${this.baseUrl}/response/${randomUUID()}`;
  }

  addMessage(message: { channel: string; text: string; user: string; ts?: string; thread_ts?: string; blocks?: unknown[] }): StoredMessage {
    const stored: StoredMessage = {
      type: 'message',
      channel: message.channel,
      ts: message.ts ?? this.nextTs(),
      text: message.text,
      blocks: message.blocks ?? [],
      user: message.user,
      ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
    };
    this.messages.push(stored);
    this.changed();
    return stored;
  }

  sendEnvelope(type: EnvelopeType, payload: unknown, options: SendEnvelopeOptions = {}): Promise<SocketAck> {
    const socket = [...this.sockets].reverse().find((ws) => ws.readyState === ws.OPEN);
    if (!socket) return Promise.reject(new Error('fake Slack: no Socket Mode client is connected'));
    const envelope: SocketEnvelope = {
      envelope_id: options.envelopeId ?? randomUUID(),
      type,
      payload,
      // Slack lets commands and interactions answer in the ack; events cannot.
      accepts_response_payload: type !== 'events_api',
      ...(options.retryAttempt !== undefined ? { retry_attempt: options.retryAttempt } : {}),
      ...(options.retryReason !== undefined ? { retry_reason: options.retryReason } : {}),
    };
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelope.envelope_id);
        reject(new Error(`fake Slack: envelope ${envelope.envelope_id} (${type}) was not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingAcks.set(envelope.envelope_id, { resolve, reject, timer });
      this.envelopes.push(envelope);
      this.changed();
      socket.send(JSON.stringify(envelope), (error) => {
        if (!error && options.thenDisconnect !== undefined) {
          socket.send(JSON.stringify({ type: 'disconnect', reason: options.thenDisconnect, debug_info: { host: 'fake-slack' } }));
        }
        if (!error) return;
        clearTimeout(timer);
        this.pendingAcks.delete(envelope.envelope_id);
        reject(error);
      });
    });
  }

  sendFrame(text: string): void {
    const socket = [...this.sockets].reverse().find((ws) => ws.readyState === ws.OPEN);
    if (!socket) throw new Error('fake Slack: no Socket Mode client is connected');
    socket.send(text);
  }

  requestReconnect(reason = 'refresh_requested'): void {
    for (const ws of this.sockets) {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
    }
  }

  waitFor<T>(predicate: (state: FakeSlackState) => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return this.waiters.waitFor(this, predicate, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('fake Slack closed');
    this.waiters.closeAll(error);
    for (const pending of this.pendingAcks.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pendingAcks.clear();
    this.unanswered.cutAll();
    // Finish close handshakes first (Bolt's stop() does not wait for its own), then cut what is left.
    const sockets = [...this.sockets];
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.close(1001, 'fake Slack closing');
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(sockets.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise((resolve) => ws.once('close', resolve))))),
      new Promise((resolve) => {
        grace = setTimeout(resolve, 500);
      }),
    ]);
    clearTimeout(grace);
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
  }

  // ---------------------------------------------------------------------------------------------

  private now(): number {
    return this.clock ? this.clock.now().getTime() : Date.now();
  }

  /** `<seconds>.000100` for the first message of a second, then `.000101`, …: strictly increasing, like Slack's. */
  private nextTs(): string {
    const seconds = Math.floor(this.now() / 1000);
    if (seconds > this.lastTsSeconds) {
      this.lastTsSeconds = seconds;
      this.tsInSecond = 0;
    } else if (this.tsInSecond >= 399_899) {
      this.lastTsSeconds += 1;
      this.tsInSecond = 0;
    } else {
      this.tsInSecond += 1;
    }
    return `${this.lastTsSeconds}.${String(100 + this.tsInSecond).padStart(6, '0')}`;
  }

  private changed(): void {
    this.waiters.changed();
  }

  private summary(): string {
    const methods = this.calls.map((c) => (c.error ? `${c.method}(${c.error})` : c.method));
    return (
      `calls: [${methods.join(', ')}], messages: ${this.messages.length}, responses: ${this.responses.length}, ` +
      `rejected responses: ${this.rejectedResponses.length}, envelopes: ${this.envelopes.length}, acks: ${this.acks.length}, ` +
      `connections: ${this.connections}`
    );
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.headersSent) return;
    if (this.unanswered.play(res, reply.abort)) return;
    res.writeHead(reply.status, { 'content-type': reply.type, ...reply.headers });
    res.end(reply.body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'POST') return this.send(res, text(405, 'method_not_allowed'));
    const body = await readBody(req);
    if (path.startsWith('/api/')) return this.send(res, this.api(decodeURIComponent(path.slice('/api/'.length)), req, body));
    const response = /^\/response\/([^/]+)$/.exec(path);
    if (response) return this.send(res, this.response(response[1]!, req, body));
    const upload = /^\/upload\/([^/]+)$/.exec(path);
    if (upload) return this.send(res, this.upload(upload[1]!, req, body));
    this.send(res, text(404, 'not_found'));
  }

  private scripted(failure: ScriptedFailure): Reply {
    if ('error' in failure) return platformError(failure.error);
    if ('reset' in failure) return { status: 0, type: '', body: '', abort: 'reset' };
    if ('hang' in failure) return { status: 0, type: '', body: '', abort: 'hang' };
    if (failure.status === 429) {
      const retryAfter = 'retryAfter' in failure ? failure.retryAfter : 1;
      return json({ ok: false, error: 'ratelimited' }, 429, { 'retry-after': String(retryAfter) });
    }
    return text(failure.status, 'body' in failure && failure.body !== undefined ? failure.body : `fake Slack: scripted HTTP ${failure.status}`);
  }

  private api(method: string, req: IncomingMessage, body: string): Reply {
    let args: Record<string, unknown> = {};
    let reply: Reply;
    let parseError: string | undefined;
    try {
      args = parseArgs(req.headers['content-type'], body);
    } catch (error) {
      parseError = error instanceof ApiError ? error.error : 'invalid_arguments';
    }
    const call: RecordedCall = { method, args, bearer: bearerOf(req, args), at: this.now(), status: 200 };
    this.calls.push(call);
    const failure = this.takeFailure(method, args);
    const afterEffect = failure !== undefined && 'afterEffect' in failure && failure.afterEffect === true;
    if (failure && !afterEffect) reply = this.scripted(failure);
    else if (parseError) reply = platformError(parseError);
    else {
      const denied = method === 'oauth.v2.access' ? undefined : call.bearer && this.revokedTokens.has(call.bearer) ? 'token_revoked' : authError(method, call.bearer);
      if (denied) reply = platformError(denied);
      else {
        try {
          reply = json({ ok: true, ...this.dispatch(method, args, call.bearer) });
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          reply = platformError(error.error, error.extra);
        }
      }
      // The call took effect; then the answer is lost or an error.
      if (failure) reply = this.scripted(failure);
    }
    call.status = reply.status;
    const answered = reply.type.startsWith('application/json') ? (JSON.parse(reply.body) as { ok?: boolean; error?: string }) : undefined;
    if (answered?.ok === false && answered.error) call.error = answered.error;
    else if (reply.abort) call.error = reply.abort;
    else if (reply.status !== 200) call.error = `http_${reply.status}`;
    this.changed();
    return reply;
  }

  private dispatch(method: string, args: Record<string, unknown>, bearer: string | undefined): Record<string, unknown> {
    switch (method) {
      case 'auth.test': {
        const install = bearer === undefined ? undefined : this.installTokens.get(bearer);
        return {
          url: 'https://fake-slack.invalid/',
          team: 'Paperboy Test',
          user: 'paperboy',
          team_id: install?.teamId ?? this.teamId,
          user_id: install?.botUserId ?? this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: install?.isEnterpriseInstall ?? false,
          ...(install?.enterpriseId ? { enterprise_id: install.enterpriseId } : {}),
        };
      }
      case 'oauth.v2.access':
        return this.oauthAccess(args);
      case 'chat.postMessage':
        return this.postMessage(method, args);
      case 'chat.postEphemeral':
        return this.postEphemeral(method, args);
      case 'chat.update':
        return this.update(method, args);
      case 'conversations.replies':
        return this.replies(args);
      case 'conversations.history':
        return this.history(args);
      case 'users.info':
        return this.userInfo(args);
      case 'apps.connections.open':
        return { url: this.socketUrl };
      case 'files.getUploadURLExternal':
        return this.uploadUrl(args);
      case 'files.completeUploadExternal':
        return this.completeUpload(args);
      default:
        throw new ApiError('unknown_method');
    }
  }

  /** Trades an install's code for its bot token, as Slack does at the end of an install (client id and secret required). */
  private oauthAccess(args: Record<string, unknown>): Record<string, unknown> {
    if (!optionalString(args.client_id) || !optionalString(args.client_secret)) throw new ApiError('invalid_client_id');
    const code = String(args.code ?? '');
    const install = this.installCodes.get(code);
    if (!install) throw new ApiError('invalid_code');
    this.installCodes.delete(code);
    this.installTokens.set(install.botToken, install);
    const org = install.isEnterpriseInstall === true;
    return {
      app_id: 'A0001',
      authed_user: { id: 'U0INSTALLER' },
      scope: 'commands,chat:write',
      token_type: 'bot',
      access_token: install.botToken,
      bot_user_id: install.botUserId ?? this.botUserId,
      team: org ? null : { id: install.teamId, name: `Team ${install.teamId}` },
      enterprise: install.enterpriseId ? { id: install.enterpriseId, name: `Org ${install.enterpriseId}` } : null,
      is_enterprise_install: org,
    };
  }

  /** Throws the error Slack would answer for this text/blocks, if any. */
  private checkContent(textValue: unknown, blocks: unknown, root = '/blocks'): void {
    if (textValue !== undefined && typeof textValue !== 'string') throw new ApiError('invalid_arguments');
    if (blocks !== undefined && !Array.isArray(blocks)) throw new ApiError('invalid_blocks_format');
    if (!this.enforceLimits) return;
    if (typeof textValue === 'string' && textValue.length > SLACK_LIMITS.messageText) throw new ApiError('msg_too_long');
    if (blocks === undefined) return;
    const checker = new BlockChecker(root);
    const error = checker.check(blocks);
    if (error === 'invalid_blocks') {
      throw new ApiError(error, { errors: checker.problems, response_metadata: { messages: checker.problems.map((p) => `[ERROR] ${p}`) } });
    }
    if (error) throw new ApiError(error);
  }

  private content(method: string, args: Record<string, unknown>): { channel: string; text: string; blocks: unknown[] | undefined } {
    const channel = optionalString(args.channel);
    if (!channel) throw new ApiError('channel_not_found');
    const blocks = args.blocks as unknown[] | undefined;
    const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
    if (method !== 'chat.update' && !optionalString(args.text) && !hasBlocks && !Array.isArray(args.attachments)) throw new ApiError('no_text');
    this.checkContent(args.text, blocks);
    return { channel, text: typeof args.text === 'string' ? args.text : '', blocks };
  }

  private store(method: string, args: Record<string, unknown>, message: StoredMessage): void {
    this.messages.push(message);
    this.injections.push(...findInjections(method, args));
  }

  /** A message the bot posts with `method`, stamped with a fresh ts and the bot's identity. */
  private botMessage(method: string, args: Record<string, unknown>, extra: Partial<StoredMessage>): StoredMessage {
    const { channel, text: messageText, blocks } = this.content(method, args);
    const threadTs = optionalString(args.thread_ts);
    return {
      type: 'message',
      channel,
      ts: this.nextTs(),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: messageText,
      blocks: blocks ?? [],
      user: this.botUserId,
      bot_id: this.botId,
      ...extra,
    };
  }

  private postMessage(method: string, args: Record<string, unknown>): Record<string, unknown> {
    if (args.metadata !== undefined && !(isRecord(args.metadata) && typeof args.metadata.event_type === 'string' && /^[\w.]{1,255}$/.test(args.metadata.event_type) && isRecord(args.metadata.event_payload))) {
      throw new ApiError('invalid_metadata_format');
    }
    const message = this.botMessage(method, args, {
      ...(Array.isArray(args.attachments) ? { attachments: args.attachments } : {}),
      ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
    });
    const { channel } = message;
    this.store(method, args, message);
    return { channel, ts: message.ts, message: { ...messageView(message), team: this.teamId } };
  }

  private postEphemeral(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const user = optionalString(args.user);
    if (!user) throw new ApiError('user_not_found');
    const message = this.botMessage(method, args, { ephemeral_user: user });
    this.store(method, args, message);
    // Slack answers ephemeral posts with `message_ts` only.
    return { message_ts: message.ts };
  }

  private update(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const { channel } = this.content(method, args);
    const ts = optionalString(args.ts);
    const message = this.messages.find((m) => m.channel === channel && m.ts === ts && !m.ephemeral_user);
    if (!message) throw new ApiError('message_not_found');
    if (message.user !== this.botUserId) throw new ApiError('cant_update_message');
    if (typeof args.text === 'string') message.text = args.text;
    // Without `blocks` Slack keeps the old ones; `[]` removes them.
    if (Array.isArray(args.blocks)) message.blocks = args.blocks;
    message.edited = { user: this.botUserId, ts: this.nextTs() };
    this.injections.push(...findInjections(method, args));
    return { channel, ts: message.ts, text: message.text, message: messageView(message) };
  }

  private replies(args: Record<string, unknown>): Record<string, unknown> {
    const channel = optionalString(args.channel);
    const ts = optionalString(args.ts);
    if (!channel) throw new ApiError('channel_not_found');
    if (!ts) throw new ApiError('invalid_arguments');
    const thread = this.messages
      .filter((m) => m.channel === channel && !m.ephemeral_user && (m.ts === ts || m.thread_ts === ts))
      .sort((a, b) => compareTs(a.ts, b.ts));
    const [parent, ...replies] = thread;
    if (!parent || parent.ts !== ts) throw new ApiError('thread_not_found');
    // The parent always comes first; the replies within oldest/latest, oldest first, a page at a time.
    return this.page([parent, ...inWindow(replies, args)], args);
  }

  /** A channel's messages (thread parents, not their replies), newest first, within oldest/latest, a page at a time. */
  private history(args: Record<string, unknown>): Record<string, unknown> {
    const channel = optionalString(args.channel);
    if (!channel) throw new ApiError('channel_not_found');
    const top = this.messages
      .filter((m) => m.channel === channel && !m.ephemeral_user && (m.thread_ts === undefined || m.thread_ts === m.ts))
      .sort((a, b) => compareTs(b.ts, a.ts));
    return this.page(inWindow(top, args), args);
  }

  /**
   * One page of `messages` (Slack's cursor pagination: `limit`, default 100, at most 999; `cursor` from the last
   * page's `next_cursor`). Metadata only with `include_all_metadata`.
   */
  private page(messages: StoredMessage[], args: Record<string, unknown>): Record<string, unknown> {
    const limit = Math.min(999, Math.max(1, Number(args.limit ?? 100) || 100));
    const cursor = optionalString(args.cursor);
    let offset = 0;
    if (cursor) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (!decoded) throw new ApiError('invalid_cursor');
      offset = Number(decoded[1]);
    }
    const slice = messages.slice(offset, offset + limit);
    const next = offset + limit < messages.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
    const withMetadata = truthy(args.include_all_metadata);
    return {
      messages: slice.map((m) => {
        const view = messageView(m);
        if (!withMetadata) delete view.metadata;
        return view;
      }),
      has_more: next !== '',
      response_metadata: { next_cursor: next },
    };
  }

  /** Step 1 of files.uploadV2: a URL to send the bytes to. */
  private uploadUrl(args: Record<string, unknown>): Record<string, unknown> {
    const name = optionalString(args.filename);
    const length = Number(args.length);
    if (!name || !Number.isInteger(length) || length < 0) throw new ApiError('invalid_arguments');
    const file: StoredFile = { id: `F${String(this.files.length + 1).padStart(8, '0')}`, name, text: '', uploaded: false };
    this.files.push(file);
    return { upload_url: `${this.baseUrl}/upload/${file.id}`, file_id: file.id };
  }

  /** Step 2: the bytes, as a multipart form (the WebClient sends the file as its only part). */
  private upload(id: string, req: IncomingMessage, body: string): Reply {
    const file = this.files.find((f) => f.id === id);
    if (!file) return text(404, 'not_found');
    const boundary = /boundary="?([^";]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1];
    const part = boundary ? body.split(`--${boundary}`).find((p) => /filename=|name=/i.test(p.slice(0, p.indexOf('\r\n\r\n')))) : undefined;
    file.text = part ? part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '') : body;
    file.uploaded = true;
    this.changed();
    return text(200, `OK - ${Buffer.byteLength(file.text)}`);
  }

  /** Step 3: the uploaded files are shared, to `channel_id` (and `thread_ts`) when given, as one message. */
  private completeUpload(args: Record<string, unknown>): Record<string, unknown> {
    let list: unknown = args.files;
    if (typeof list === 'string') {
      try {
        list = JSON.parse(list);
      } catch {
        throw new ApiError('invalid_arguments');
      }
    }
    if (!Array.isArray(list) || list.length === 0) throw new ApiError('invalid_arguments');
    const files = list.map((entry) => {
      const file = this.files.find((f) => isRecord(entry) && f.id === entry.id);
      if (!file || !file.uploaded) throw new ApiError('file_not_found');
      if (isRecord(entry) && typeof entry.title === 'string') file.title = entry.title;
      return file;
    });
    const channel = optionalString(args.channel_id);
    if (channel) {
      for (const file of files) file.channel = channel;
      const threadTs = optionalString(args.thread_ts);
      this.messages.push({
        type: 'message', channel, ts: this.nextTs(), text: typeof args.initial_comment === 'string' ? args.initial_comment : '', blocks: [],
        user: this.botUserId, bot_id: this.botId, ...(threadTs ? { thread_ts: threadTs } : {}),
        files: files.map((f) => ({ id: f.id, name: f.name, ...(f.title ? { title: f.title } : {}) })),
      });
      if (typeof args.initial_comment === 'string') this.injections.push(...findInjections('files.completeUploadExternal', { text: args.initial_comment }));
    }
    return { files: files.map((f) => ({ id: f.id, name: f.name, title: f.title ?? f.name })) };
  }

  private userInfo(args: Record<string, unknown>): Record<string, unknown> {
    const id = optionalString(args.user);
    if (!id) throw new ApiError('user_not_found');
    const configured = this.users[id];
    if (!configured && id !== this.botUserId && !/^[UW][A-Z0-9]{2,}$/.test(id)) throw new ApiError('user_not_found');
    return {
      user: {
        id,
        team_id: this.teamId,
        name: configured?.name ?? id.toLowerCase(),
        deleted: false,
        is_admin: configured?.is_admin ?? false,
        is_owner: configured?.is_owner ?? false,
        is_primary_owner: configured?.is_primary_owner ?? false,
        is_bot: configured?.is_bot ?? id === this.botUserId,
      },
    };
  }

  private response(id: string, req: IncomingMessage, body: string): Reply {
    const at = this.now();
    const reject = (parsed: unknown, status: number, error: string): Reply => {
      this.rejectedResponses.push({ id, body: parsed, at, status, error });
      this.changed();
      return text(status, error);
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return reject(body, 400, 'invalid_payload');
    }
    const failure = this.takeFailure('response_url', isRecord(parsed) ? parsed : {});
    if (failure) {
      if ('error' in failure) return reject(parsed, 404, failure.error);
      if ('reset' in failure || 'hang' in failure) return this.scripted(failure);
      if (failure.status === 429) return reject(parsed, 429, 'rate_limited');
      return reject(parsed, failure.status, 'body' in failure && failure.body !== undefined ? failure.body : 'scripted_failure');
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/json') return reject(parsed, 400, 'invalid_payload');
    if (!isRecord(parsed)) return reject(parsed, 400, 'invalid_payload');
    const uses = (this.responseUses.get(id) ?? 0) + 1;
    if (this.enforceLimits && uses > SLACK_LIMITS.responseUrlUses) return reject(parsed, 404, 'used_url');
    if (!optionalString(parsed.text) && !(Array.isArray(parsed.blocks) && parsed.blocks.length > 0) && !truthy(parsed.delete_original)) {
      return reject(parsed, 400, 'no_text');
    }
    try {
      this.checkContent(parsed.text, parsed.blocks);
    } catch (error) {
      if (error instanceof ApiError) return reject(parsed, 400, error.error);
      throw error;
    }
    this.responseUses.set(id, uses);
    this.responses.push({ id, body: parsed, at });
    this.onResponse?.(this.responses.at(-1)!);
    this.injections.push(...findInjections('response_url', parsed));
    this.changed();
    return text(200, 'ok');
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: unknown;
      try {
        frame = JSON.parse(String(data));
      } catch {
        return;
      }
      if (!isRecord(frame) || typeof frame.envelope_id !== 'string') return;
      const ack: SocketAck = { envelope_id: frame.envelope_id, payload: isRecord(frame.payload) ? frame.payload : {} };
      this.acks.push(ack);
      const pending = this.pendingAcks.get(ack.envelope_id);
      if (pending) {
        clearTimeout(pending.timer);
        this.pendingAcks.delete(ack.envelope_id);
        pending.resolve(ack);
      }
      this.changed();
    });
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.changed();
    });
    ws.on('error', () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0001' },
      }),
    );
    this.changed();
  }
}
