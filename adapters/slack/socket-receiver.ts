/*
 * Slack's Socket Mode, with nothing inside the Slack library able to stop the process. A frame that is not what Slack
 * sends (no payload, a null payload, an event with no event, a bare `null`) is logged with the frame and
 * acknowledged, never handed on; an envelope Slack sends again (a late acknowledgement, a reconnect) is recognised
 * by its event id or envelope id, in the database, and acknowledged without being handled twice; an acknowledgement
 * that cannot be sent (the socket is closing) is logged, never thrown into the handler. A reconnect that Slack
 * refuses (the app token was revoked) stops this adapter and says so; one that fails for a while is tried again.
 */
import { SocketModeClient, type SocketModeOptions } from '@slack/socket-mode';
import type { App, Logger as SlackLogger, webApi } from '@slack/bolt';
import type { Clock } from '../../src/clock.ts';
import type { Logger } from '../../src/logger.ts';
import type { InboundEventStore } from '../../src/store/inbound-event-store.port.ts';
import { withRequest } from '../request-context.ts';
import { checkSlackBody, EVENT_MEMORY_MS, InboundMemory } from './inbound-guard.ts';
import { classifySlackFailure, refusalMessage } from './start.ts';

/** Envelope types whose payload a handler reads. */
const ENVELOPES = new Set(['events_api', 'slash_commands', 'interactive']);
/** The longest piece of a frame written to the log. */
const FRAME_LOG_CHARS = 500;
/** The first wait before trying a failed reconnect again; it doubles up to a minute. */
const RECONNECT_BACKOFF_MS = 2000;
const MAX_RECONNECT_BACKOFF_MS = 60_000;

/** What is wrong with a frame, if anything, and the envelope to acknowledge it by. */
function checkFrame(frame: unknown): { problem: string; envelopeId?: string } | undefined {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return { problem: `a frame that is ${frame === null ? 'null' : Array.isArray(frame) ? 'an array' : typeof frame}` };
  const record = frame as Record<string, unknown>;
  if (typeof record.type !== 'string') return { problem: 'a frame with no type' };
  if (record.type === 'hello' || record.type === 'disconnect') return undefined;
  const envelopeId = typeof record.envelope_id === 'string' && record.envelope_id !== '' ? record.envelope_id : undefined;
  if (!envelopeId) return { problem: `a ${record.type} frame with no envelope_id` };
  if (!ENVELOPES.has(record.type)) return { problem: `an envelope of unknown type ${record.type}`, envelopeId };
  const checked = checkSlackBody(record.payload);
  return checked.ok ? undefined : { problem: `a ${record.type} envelope with ${checked.problem}`, envelopeId };
}

/** What the guarded client reports. */
interface ClientHooks {
  log: Logger;
  /** Slack refused a reconnect: the adapter cannot go on. */
  onRefused: (message: string) => void;
}

/**
 * Slack's Socket Mode client with its frame handling guarded and its reconnects' failures handled: the library's
 * own start is used as is for the first connection (its errors are the adapter's start's to report).
 */
class GuardedSocketModeClient extends SocketModeClient {
  private connectedOnce = false;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryWait = RECONNECT_BACKOFF_MS;

  constructor(
    options: SocketModeOptions,
    private readonly hooks: ClientHooks,
  ) {
    super(options);
  }

  /** Sends an acknowledgement; the library's `send` is private, so this reaches it by name. */
  private acknowledge(envelopeId: string): Promise<void> {
    return (this as unknown as { send(id: string, body?: object): Promise<void> }).send(envelopeId, {});
  }

  protected override async onWebSocketMessage(data: string | ArrayBuffer, isBinary: boolean): Promise<void> {
    const text = isBinary ? '' : typeof data === 'string' ? data : new TextDecoder().decode(data);
    try {
      if (!isBinary) {
        let frame: unknown;
        try {
          frame = JSON.parse(text);
        } catch {
          this.hooks.log.warn({ frame: text.slice(0, FRAME_LOG_CHARS) }, 'slack socket frame is not JSON; ignored');
          return;
        }
        const bad = checkFrame(frame);
        if (bad) {
          this.hooks.log.warn({ problem: bad.problem, frame: text.slice(0, FRAME_LOG_CHARS) }, 'slack socket frame refused');
          // Acknowledged, so Slack does not send it again; it is never handled.
          if (bad.envelopeId) await this.acknowledge(bad.envelopeId).catch(() => undefined);
          return;
        }
      }
      await super.onWebSocketMessage(data, isBinary);
    } catch (error) {
      this.hooks.log.error({ error: String(error), frame: text.slice(0, FRAME_LOG_CHARS) }, 'slack socket frame failed');
    }
  }

  /**
   * The first start is the library's own, its failure the caller's. A later one (the library reconnecting after the
   * socket closed) never throws: a refused token stops the client and is reported; any other failure is tried again.
   */
  override async start(): Promise<webApi.AppsConnectionsOpenResponse> {
    if (!this.connectedOnce) {
      const result = await super.start();
      this.connectedOnce = true;
      return result;
    }
    try {
      const result = await super.start();
      this.retryWait = RECONNECT_BACKOFF_MS;
      return result;
    } catch (error) {
      this.reconnectFailed(error);
      // The library's reconnect does nothing with the result; nothing is connected now.
      return { ok: false };
    }
  }

  override async disconnect(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await super.disconnect();
  }

  private reconnectFailed(error: unknown): void {
    if (this.stopping) return;
    // The same judgement as at start: a refused token stops; Slack failing on its side (5xx, ratelimited) is retried.
    const failure = classifySlackFailure(error);
    if ('refused' in failure) {
      this.hooks.onRefused(refusalMessage('app', failure.refused, failure.needed));
      return;
    }
    const wait = this.retryWait;
    this.retryWait = Math.min(this.retryWait * 2, MAX_RECONNECT_BACKOFF_MS);
    this.hooks.log.warn({ error: String(error), retryInMs: wait }, 'slack socket reconnect failed; trying again');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.start();
    }, wait);
  }
}

/** What the receiver needs. */
export interface SocketReceiverOptions {
  appToken: string;
  /** The Web API options (base URL, no retries, timeout), for `apps.connections.open`. */
  clientOptions: SocketModeOptions['clientOptions'];
  inbound: InboundEventStore;
  clock: Clock;
  log: Logger;
  boltLogger: SlackLogger;
  /** Slack refused a reconnect (the app token was revoked): the adapter stops, with this message. */
  onRefused: (message: string) => void;
  /** How long the client waits for a pong, and the unit of its reconnect delay (tests shorten it; default 5000). */
  clientPingTimeoutMs?: number;
}

/** A Bolt receiver for Socket Mode, guarded as this file's header says. */
export class GuardedSocketModeReceiver {
  readonly client: GuardedSocketModeClient;
  private app: App | undefined;
  private readonly memory: InboundMemory;

  constructor(private readonly options: SocketReceiverOptions) {
    this.memory = new InboundMemory(options.inbound, (error) => options.log.warn({ error: String(error) }, 'could not prune seen slack envelopes'));
    this.client = new GuardedSocketModeClient(
      {
        appToken: options.appToken,
        logger: options.boltLogger,
        clientOptions: options.clientOptions ?? {},
        ...(options.clientPingTimeoutMs !== undefined ? { clientPingTimeout: options.clientPingTimeoutMs } : {}),
      },
      { log: options.log, onRefused: options.onRefused },
    );
    this.client.on('slack_event', (args: SlackEventArgs) => {
      this.handle(args).catch((error: unknown) => options.log.error({ error: String(error), envelope: args.envelope_id }, 'slack envelope failed'));
    });
  }

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<unknown> {
    return this.client.start();
  }

  stop(): Promise<void> {
    return this.client.disconnect();
  }

  private async handle(args: SlackEventArgs): Promise<void> {
    const { log, clock } = this.options;
    let acknowledged = false;
    // An acknowledgement that cannot go out (the socket closing) is not the handler's failure: Slack will send the
    // envelope again, and it is then recognised below.
    const ack = async (response?: Record<string, unknown>): Promise<void> => {
      if (acknowledged) return;
      acknowledged = true;
      try {
        await args.ack(response);
      } catch (error) {
        log.warn({ envelope: args.envelope_id, type: args.type, error: String(error) }, 'could not acknowledge a slack envelope; Slack will send it again');
      }
    };
    const checked = checkSlackBody(args.body);
    if (!checked.ok) {
      log.warn({ envelope: args.envelope_id, problem: checked.problem }, 'slack envelope refused');
      await ack();
      return;
    }
    const now = clock.now();
    const firstSight = checked.eventId !== undefined
      ? this.memory.firstSightOfEvent(checked.eventId, now)
      : this.memory.firstSeen(`slack:envelope:${args.envelope_id}`, now, EVENT_MEMORY_MS);
    if (!(await firstSight)) {
      log.info({ ...checked.summary, envelope: args.envelope_id, retry: args.retry_num, reason: args.retry_reason }, 'slack envelope sent again; acknowledged, already handled');
      await ack();
      return;
    }
    const summary = { ...checked.summary, kind: `envelope:${args.type}`, id: checked.eventId ?? args.envelope_id };
    try {
      await withRequest(summary, () =>
        this.app!.processEvent({ body: args.body as never, ack, retryNum: args.retry_num, retryReason: args.retry_reason, customProperties: {} }),
      );
    } catch (error) {
      log.error({ ...summary, error: String(error) }, 'slack envelope handler failed');
      await ack();
    }
  }
}

/** What the Socket Mode client emits for each envelope. */
interface SlackEventArgs {
  ack: (response?: Record<string, unknown>) => Promise<void>;
  envelope_id: string;
  type: string;
  body: unknown;
  retry_num?: number;
  retry_reason?: string;
}
