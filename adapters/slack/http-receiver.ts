/*
 * Slack's HTTP mode behind a guard: every request to `/slack/events` is checked here before Bolt's own receiver
 * sees it. Its signature must be right and its timestamp within five minutes of now in either direction (Bolt
 * checks only staleness); the same signed request again is acknowledged and not handled (a replay); an event Slack
 * retries (same `event_id`) is handled once; a body of any other shape than the bot handles gets a 400. The rest is
 * Bolt's HTTPReceiver, unchanged, run with the request as context for the process-level guard.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPReceiver, type App, type InstallationStore, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';
import type { InboundEventStore } from '../../src/store/inbound-event-store.port.ts';
import { withRequest } from '../request-context.ts';
import { checkSlackBody, InboundMemory } from './inbound-guard.ts';
import { INSTALL_PATH, OAUTH_REDIRECT_PATH } from './manifest.ts';

/** How far a request's timestamp may be from now, either way (Slack's own rule for its signatures). */
export const SIGNATURE_WINDOW_S = 5 * 60;
/** Bolt's body limit. */
const BODY_LIMIT = 4 * 1024 * 1024;
const ENDPOINT = '/slack/events';

/** What the guarded receiver needs. */
export interface GuardedReceiverOptions {
  signingSecret: string;
  processBeforeResponse: boolean;
  inbound: InboundEventStore;
  log: Logger;
  boltLogger: SlackLogger;
  /**
   * Installs in many workspaces: Bolt's OAuth flow serves the install page (`/slack/install`, an "Add to Slack"
   * button) and the redirect (`/slack/oauth_redirect`), and keeps installations in `installationStore`.
   */
  oauth?: {
    clientId: string;
    clientSecret: string;
    stateSecret: string;
    installationStore: InstallationStore;
    scopes: string[];
    /** For `oauth.v2.access` and `auth.test` during an install (`slackApiUrl`). */
    clientOptions: { slackApiUrl: string };
  };
  /** Real time in ms: Slack signs with the real clock (default `Date.now`). */
  now?: () => number;
}

class RequestRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The raw body, or a 413 past Bolt's limit. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new RequestRefused(413, 'the body is over 4 MB');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a body the way Bolt does (exact form content type: fields, or the JSON in `payload`; else JSON). */
function parseBody(contentType: string | undefined, raw: string): unknown {
  if (contentType === 'application/x-www-form-urlencoded') {
    const fields = parseQuery(raw);
    return typeof fields.payload === 'string' ? JSON.parse(fields.payload) : { ...fields };
  }
  return JSON.parse(raw);
}

/** A Bolt receiver: Bolt's HTTPReceiver with the guard in front. */
export class GuardedHttpReceiver {
  private readonly inner: HTTPReceiver;
  private readonly now: () => number;
  private readonly memory: InboundMemory;
  private server: Server | undefined;

  constructor(private readonly options: GuardedReceiverOptions) {
    const oauth = options.oauth;
    this.inner = new HTTPReceiver({
      signingSecret: options.signingSecret,
      processBeforeResponse: options.processBeforeResponse,
      logger: options.boltLogger,
      ...(oauth
        ? {
            clientId: oauth.clientId,
            clientSecret: oauth.clientSecret,
            stateSecret: oauth.stateSecret,
            installationStore: oauth.installationStore,
            scopes: oauth.scopes,
            installerOptions: { installPath: INSTALL_PATH, redirectUriPath: OAUTH_REDIRECT_PATH, directInstall: false, clientOptions: oauth.clientOptions, authorizationUrl: new URL('../oauth/v2/authorize', oauth.clientOptions.slackApiUrl).href },
          }
        : {}),
    });
    this.now = options.now ?? Date.now;
    this.memory = new InboundMemory(options.inbound, (error) => options.log.warn({ error: String(error) }, 'could not prune seen slack requests'));
  }

  init(app: App): void {
    this.inner.init(app);
  }

  /** Bolt's OAuth installer (many workspaces), which authorizes each request from the installation store. */
  get installer(): HTTPReceiver['installer'] {
    return this.inner.installer;
  }

  /** Listens on `port` and `host`; resolves with the server (its address has the port picked). */
  start({ port, host }: { port: number; host?: string }): Promise<Server> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.log.error({ error: String(error) }, 'slack request failed before it was handled');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (this.options.oauth && req.method === 'GET' && (path === INSTALL_PATH || path === OAUTH_REDIRECT_PATH)) {
      // The install page and the redirect: a browser's requests, checked by Bolt's installer (the state cookie).
      withRequest({ platform: 'slack', kind: 'install', name: path }, () => this.inner.requestListener(req, res));
      return;
    }
    if (path !== ENDPOINT || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    try {
      const raw = await readBody(req);
      const text = raw.toString('utf8');
      const contentType = req.headers['content-type'];
      // Slack's SSL check is the one unsigned request; it carries nothing to handle.
      if (contentType === 'application/x-www-form-urlencoded' && parseQuery(text).ssl_check === '1') {
        res.writeHead(200).end();
        return;
      }
      const { signature, timestamp } = this.verify(req, text);
      let body: unknown;
      try {
        body = parseBody(contentType, text);
      } catch {
        throw new RequestRefused(400, 'the body is not JSON or a form');
      }
      const checked = checkSlackBody(body);
      if (!checked.ok) throw new RequestRefused(400, checked.problem);
      const now = new Date(this.now());
      // The same signature is the same request: a second one is a replay, whoever sends it.
      const keepMs = (timestamp + SIGNATURE_WINDOW_S + 60) * 1000 - now.getTime();
      if (!(await this.memory.firstSeen(`slack:signature:${signature}`, now, keepMs))) {
        this.options.log.warn({ ...checked.summary }, 'slack request replayed; acknowledged, not handled again');
        res.writeHead(200).end();
        return;
      }
      if (checked.eventId !== undefined && !(await this.memory.firstSightOfEvent(checked.eventId, now))) {
        const retry = req.headers['x-slack-retry-num'];
        this.options.log.info({ ...checked.summary, retry }, 'slack event retried; acknowledged, already handled');
        res.writeHead(200).end();
        return;
      }
      // Bolt reads the body buffered here (it checks the signature again, against its own clock).
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
      withRequest(checked.summary, () => this.inner.requestListener(req, res));
    } catch (error) {
      if (!(error instanceof RequestRefused)) throw error;
      this.options.log.warn({ status: error.status, reason: error.message }, 'slack request refused');
      if (!res.headersSent) res.writeHead(error.status).end();
    }
  }

  /** Checks the signature and the timestamp (within the window either way); returns both. */
  private verify(req: IncomingMessage, body: string): { signature: string; timestamp: number } {
    const signature = req.headers['x-slack-signature'];
    const stamp = req.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || typeof stamp !== 'string' || !/^\d{1,12}$/.test(stamp)) throw new RequestRefused(401, 'no signature or timestamp');
    const timestamp = Number(stamp);
    const skew = Math.abs(this.now() / 1000 - timestamp);
    if (skew > SIGNATURE_WINDOW_S) throw new RequestRefused(401, `the timestamp is ${Math.round(skew)} s from now`);
    const expected = `v0=${createHmac('sha256', this.options.signingSecret).update(`v0:${stamp}:${body}`).digest('hex')}`;
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw new RequestRefused(401, 'the signature is wrong');
    return { signature, timestamp };
  }
}
