import type { Clock } from '../clock.ts';
import type { HealthConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { BotMetrics } from '../metrics/metrics.port.ts';
import { startHealthServer, type Readiness } from './health-server.ts';

/** What the metrics read when scraped. */
export interface ObservabilityDeps {
  clock: Clock;
  log: Logger;
  readiness: Readiness;
  /** The registered command names (other names are counted as `unknown`). */
  commands: readonly string[];
  /** The configured paper sources. */
  sources: readonly string[];
  corpusSize: () => number;
  lastSourceSuccess: (source: string) => Promise<Date | undefined>;
}

/** The running health server and the metrics it serves. */
export interface Observability {
  metrics: BotMetrics;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts `/healthz`, `/readyz` and `/metrics` on HEALTH_PORT. prom-client is loaded only here, so a bot
 * without HEALTH_PORT never pays for it.
 */
export async function startObservability(config: HealthConfig, deps: ObservabilityDeps): Promise<Observability> {
  const { createPrometheusMetrics } = await import('../metrics/prometheus-metrics.ts');
  const metrics = createPrometheusMetrics(deps);
  const server = await startHealthServer({ port: config.port, host: config.host, readiness: deps.readiness, metrics, log: deps.log });
  return { metrics, port: server.port, close: () => server.close() };
}
