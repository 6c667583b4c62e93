/*
 * What every Slack request must be before Bolt sees it, in both HTTP and Socket Mode: a body of a shape the bot
 * handles (anything else is refused, never handed to a listener), and handled once (a retried event, a redelivered
 * envelope or a replayed request is recognised in the database and acknowledged without running again).
 */
import { z } from 'zod';
import type { InboundEventStore } from '../../src/store/inbound-event-store.port.ts';
import type { RequestSummary } from '../request-context.ts';

/** How long an event id is remembered: Slack retries a delivery for up to an hour. */
export const EVENT_MEMORY_MS = 60 * 60_000;

const id = z.string().min(1).max(255);
const command = z.object({ command: id, user_id: id, channel_id: id, text: z.string().optional(), response_url: z.string().optional() });
const eventCallback = z.object({ type: z.literal('event_callback'), event_id: id, event: z.object({ type: id }).passthrough() });
const blockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id }).passthrough(),
  actions: z.array(z.object({ action_id: id }).passthrough()).min(1),
});
const urlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string() });
const typed = z.object({ type: id });

/** A body Bolt may be given, and what it is. */
export type CheckedBody =
  | { ok: true; summary: RequestSummary; /** Remembered to handle it once (events only: commands and clicks are not retried). */ eventId?: string }
  | { ok: false; problem: string };

/** Checks a parsed request body (HTTP) or envelope payload (Socket Mode). Never throws. */
export function checkSlackBody(body: unknown): CheckedBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problem: `the body is ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}, not an object` };
  const record = body as Record<string, unknown>;
  if ('command' in record) {
    const parsed = command.safeParse(record);
    return parsed.success ? { ok: true, summary: { platform: 'slack', kind: 'command', name: parsed.data.command } } : { ok: false, problem: `a malformed slash command (${parsed.error.issues[0]?.path.join('.')})` };
  }
  const kind = typed.safeParse(record);
  if (!kind.success) return { ok: false, problem: 'a body with no command and no type' };
  const schema = kind.data.type === 'event_callback' ? eventCallback : kind.data.type === 'block_actions' ? blockActions : kind.data.type === 'url_verification' ? urlVerification : typed;
  const parsed = schema.safeParse(record);
  if (!parsed.success) return { ok: false, problem: `a malformed ${kind.data.type} (${parsed.error.issues[0]?.path.join('.') || 'body'})` };
  if (kind.data.type === 'event_callback') {
    const event = parsed.data as z.infer<typeof eventCallback>;
    return { ok: true, summary: { platform: 'slack', kind: 'event', id: event.event_id, name: event.event.type }, eventId: event.event_id };
  }
  return { ok: true, summary: { platform: 'slack', kind: kind.data.type } };
}

/** How often expired records are cleared from the store. */
export const PRUNE_EVERY_MS = 60 * 60_000;

/**
 * The inbound event store as the receivers use it: a key remembered for a while, and expired keys cleared about
 * once an hour, on the way (so the table holds about an hour of traffic).
 */
export class InboundMemory {
  private prunedAt = -Infinity;

  constructor(
    private readonly store: InboundEventStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** True the first time `key` is seen within `keepMs` of `now`. */
  async firstSeen(key: string, now: Date, keepMs: number): Promise<boolean> {
    if (now.getTime() - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now.getTime();
      this.store.prune(now).catch(this.onError);
    }
    return this.store.firstSeen(key, now, new Date(now.getTime() + keepMs));
  }

  /** True the first time an event id is seen within {@link EVENT_MEMORY_MS}; false for Slack's retries of it. */
  firstSightOfEvent(eventId: string, now: Date): Promise<boolean> {
    return this.firstSeen(`slack:event:${eventId}`, now, EVENT_MEMORY_MS);
  }
}
