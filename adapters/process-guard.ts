/*
 * The process's own safety: an error that nothing caught (an unhandled rejection or an exception thrown from a
 * timer, deep inside a library) is logged with the request whose handling caused it, and the process keeps serving
 * everyone else; and SIGINT/SIGTERM end the process within a bound, whatever is still starting or retrying.
 */
import type { Logger } from '../src/logger.ts';
import { currentRequest } from './request-context.ts';

function describe(error: unknown): { message: string; stack?: string } {
  return error instanceof Error ? { message: `${error.name}: ${error.message}`, ...(error.stack ? { stack: error.stack } : {}) } : { message: String(error) };
}

/** Installs the guard on the process; returns a function that removes it. */
export function guardProcess(log: Logger): () => void {
  const onRejection = (reason: unknown): void => {
    log.error({ request: currentRequest(), error: describe(reason) }, 'unhandled rejection; still serving');
  };
  const onException = (error: unknown): void => {
    log.error({ request: currentRequest(), error: describe(error) }, 'uncaught exception; still serving');
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}

/** How long a shutdown may take, from the signal to the end of the process, whatever is still retrying. */
export const SHUTDOWN_BOUND_MS = 10_000;

/** Resolves with the first SIGINT or SIGTERM's name. */
export function nextSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (name: string) => (): void => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

/**
 * Arms the shutdown bound: if the process is still alive {@link SHUTDOWN_BOUND_MS} from now (a clean stop that hangs,
 * a library's retry timer that keeps the event loop alive), it is ended with `exitCode`, with a log line. The timer
 * itself never keeps the process alive.
 */
export function boundShutdown(log: Logger, exitCode: () => number): void {
  setTimeout(() => {
    log.error({ boundMs: SHUTDOWN_BOUND_MS }, 'shutdown did not finish in time; ending the process');
    process.exit(exitCode());
  }, SHUTDOWN_BOUND_MS).unref();
}
