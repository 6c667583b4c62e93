/*
 * The counters the bot's parts report to, without knowing where they go: Prometheus (`/metrics`, see
 * `prometheus-metrics.ts`, the only module that imports prom-client) when HEALTH_PORT is set, nowhere
 * otherwise. Each part asks only for the slice it reports.
 */

/** How a command ended, as the dispatcher returns it. */
export type CommandOutcome = 'ok' | 'user-error' | 'failed';

/**
 * What became of one attempt to post a scheduled message: posted, the channel is gone (never retried),
 * failed and retrying (a 5xx, a timeout; 429s are counted apart), or abandoned because recording it failed.
 */
export type DeliveryState = 'sent' | 'channel-gone' | 'retrying' | 'abandoned';

/** The dispatcher's slice: every command, its outcome and how long it took. */
export interface CommandMetrics {
  /** Call when a command starts; call what it returns when it has its result. */
  commandStarted(): (command: string, outcome: CommandOutcome) => void;
}

/** The paced sender's slice: scheduled posts and the rate limits they met. */
export interface DeliveryMetrics {
  delivery(platform: string, state: DeliveryState): void;
  /** A platform answered 429 (the post waits for Retry-After and is retried). */
  rateLimited(platform: string): void;
}

/** The source refresh's slice. */
export interface SourceMetrics {
  sourceRefreshed(source: string, result: 'ok' | 'failed'): void;
}

/** Every slice. */
export interface BotMetrics extends CommandMetrics, DeliveryMetrics, SourceMetrics {}

/** Counts nothing: the default wherever no metrics are wanted (the terminal, tests, the benchmark). */
export const noMetrics: BotMetrics = Object.freeze({
  commandStarted: () => () => undefined,
  delivery: () => undefined,
  rateLimited: () => undefined,
  sourceRefreshed: () => undefined,
});
