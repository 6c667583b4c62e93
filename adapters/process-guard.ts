/*
 * The last line of defence: an error that nothing caught (an unhandled rejection or an exception thrown from a
 * timer, deep inside a library) is logged with the request whose handling caused it, and the process keeps serving
 * everyone else. Handlers catch their own errors; this is for what slips past them.
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
