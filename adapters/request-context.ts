/*
 * Which inbound request the code running now serves, so an error nobody caught (an unhandled rejection deep in a
 * library) can still be logged with the request that caused it. Adapters run each request's handling inside
 * {@link withRequest}; the process-level guard in `main.ts` reads {@link currentRequest}.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What is known of a request: never its body or any token, only what identifies it in the logs. */
export interface RequestSummary {
  platform: string;
  /** `command`, `event`, `interaction`, `envelope:events_api`, … */
  kind: string;
  /** The platform's id of it, when it has one (event id, envelope id, interaction id). */
  id?: string;
  /** The command, event or action type. */
  name?: string;
}

const requests = new AsyncLocalStorage<RequestSummary>();

/** Runs `work` as the handling of `request`: anything it starts, however deep, reports that request. */
export function withRequest<T>(request: RequestSummary, work: () => T): T {
  return requests.run(request, work);
}

/** The request whose handling is running now, if any. */
export function currentRequest(): RequestSummary | undefined {
  return requests.getStore();
}
