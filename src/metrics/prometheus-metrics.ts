/*
 * The Prometheus registry behind `/metrics`: the bot's counters (see `metrics.port.ts`), gauges read when
 * scraped (corpus size, age of each source's last successful refresh) and Node's own process metrics,
 * event-loop lag among them. The only module that imports prom-client.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import type { BotMetrics, CommandOutcome, DeliveryState } from './metrics.port.ts';

/** Command latency buckets, in seconds: from a quick lookup to Slack's and Discord's 3 s deadline and past it. */
export const COMMAND_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the registry reads when scraped, and what keeps its labels few. */
export interface PrometheusMetricsOptions {
  clock: Clock;
  /** The registered command names; any other name is counted as `unknown`, so typos cannot add series. */
  commands: readonly string[];
  /** The configured sources, counted from zero. */
  sources: readonly string[];
  /** Papers in the corpus now. */
  corpusSize: () => number;
  /** When a source last refreshed successfully (undefined: never), as the database says. */
  lastSourceSuccess: (source: string) => Promise<Date | undefined>;
}

/** The metrics as Prometheus exposes them. */
export interface PrometheusMetrics extends BotMetrics {
  /** The `Content-Type` of {@link render}'s text. */
  readonly contentType: string;
  /** Every metric in Prometheus's text format. */
  render(): Promise<string>;
}

const OUTCOMES: readonly CommandOutcome[] = ['ok', 'user-error', 'failed'];

/** A registry of its own (never prom-client's global one), so several can live in one process. */
export function createPrometheusMetrics(options: PrometheusMetricsOptions): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const known = new Set(options.commands);
  const commandName = (name: string): string => (known.has(name) ? name : 'unknown');

  const commands = new Counter({ name: 'paperboy_commands_total', help: 'Commands run, by name and outcome.', labelNames: ['command', 'outcome'], registers });
  const commandSeconds = new Histogram({
    name: 'paperboy_command_duration_seconds', help: 'Time from a command reaching the dispatcher to its reply.',
    labelNames: ['command'], buckets: COMMAND_SECONDS_BUCKETS, registers,
  });
  const deliveries = new Counter({ name: 'paperboy_deliveries_total', help: 'Scheduled posts by what became of each attempt: sent, channel-gone, retrying, abandoned.', labelNames: ['platform', 'state'], registers });
  const rateLimited = new Counter({ name: 'paperboy_rate_limited_total', help: 'Answers 429 (rate limited) from a chat platform.', labelNames: ['platform'], registers });
  const refreshes = new Counter({ name: 'paperboy_source_refreshes_total', help: 'Paper source refreshes, by source and result.', labelNames: ['source', 'result'], registers });
  new Gauge({
    name: 'paperboy_source_last_success_age_seconds', help: 'Seconds since each source last refreshed successfully (absent: never).',
    labelNames: ['source'], registers,
    async collect() {
      this.reset();
      const now = options.clock.now().getTime();
      for (const source of options.sources) {
        const at = await options.lastSourceSuccess(source);
        if (at) this.set({ source }, Math.max(0, (now - at.getTime()) / 1000));
      }
    },
  });
  new Gauge({ name: 'paperboy_corpus_papers', help: 'Papers in the corpus.', registers, collect() { this.set(options.corpusSize()); } });

  // Every series a dashboard may ask for exists from the start, at zero.
  for (const name of [...known, 'unknown']) for (const outcome of OUTCOMES) commands.inc({ command: name, outcome }, 0);
  for (const source of options.sources) for (const result of ['ok', 'failed']) refreshes.inc({ source, result }, 0);

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    commandStarted() {
      const started = performance.now();
      return (command, outcome) => {
        const name = commandName(command);
        commands.inc({ command: name, outcome });
        commandSeconds.observe({ command: name }, (performance.now() - started) / 1000);
      };
    },
    delivery: (platform: string, state: DeliveryState) => { deliveries.inc({ platform, state }); },
    rateLimited: (platform) => { rateLimited.inc({ platform }); },
    sourceRefreshed: (source, result) => { refreshes.inc({ source, result }); },
  };
}
