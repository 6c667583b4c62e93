/*
 * The operator's endpoints on HEALTH_PORT, for a process manager, a container's HEALTHCHECK, a load
 * balancer or Prometheus:
 *   GET /healthz   200 while the process runs and its event loop answers
 *   GET /readyz    200 when every readiness check passes, else 503 with one reason a line
 *   GET /metrics   Prometheus's text format
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';

/** One condition of readiness: resolves with nothing when it holds, or with what is wrong. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<string | undefined> | string | undefined;
}

/** A check slower than this counts as failed: a probe must answer within its own timeout. */
export const READINESS_CHECK_TIMEOUT_MS = 2000;

/**
 * The conditions of readiness, which the composition root adds as the parts come up (the database, the
 * search index, each chat platform). Until the first is added the process is not ready: it is starting.
 */
export class Readiness {
  private readonly checks: ReadinessCheck[] = [];

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Runs every check at once; the problems, each prefixed with its check's name (empty: ready). */
  async problems(timeoutMs = READINESS_CHECK_TIMEOUT_MS): Promise<string[]> {
    if (this.checks.length === 0) return ['starting'];
    const results = await Promise.all(this.checks.map((c) => withTimeout(c, timeoutMs)));
    return results.flatMap((problem, i) => (problem === undefined ? [] : [`${this.checks[i]!.name}: ${problem}`]));
  }
}

async function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs); });
  try {
    return await Promise.race([Promise.resolve().then(() => check.check()), late]);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** What the server answers from. */
export interface HealthServerOptions {
  port: number;
  host: string;
  readiness: Readiness;
  metrics: { contentType: string; render(): Promise<string> };
  log: Logger;
}

/** A listening health server. */
export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Starts listening; resolves once it does (with the port, when 0 asked for a free one). */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const log = options.log.child({ part: 'health' });
  const send = (response: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void => {
    response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
    response.end(response.req.method === 'HEAD' ? undefined : body);
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return send(response, 405, 'Use GET.\n');
    }
    if (path === '/healthz') return send(response, 200, 'ok\n');
    if (path === '/readyz') {
      const problems = await options.readiness.problems();
      return problems.length === 0 ? send(response, 200, 'ready\n') : send(response, 503, `not ready\n${problems.join('\n')}\n`);
    }
    if (path === '/metrics') return send(response, 200, await options.metrics.render(), options.metrics.contentType);
    return send(response, 404, 'Not found. Try /healthz, /readyz or /metrics.\n');
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error({ path: request.url, error: String(error) }, 'health endpoint failed');
      if (!response.headersSent) send(response, 500, 'internal error\n');
      else response.destroy();
    });
  });
  // Probes open a connection per request; none should keep the process from stopping.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host: options.host }, 'health and metrics endpoints listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
