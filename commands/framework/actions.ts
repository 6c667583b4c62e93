import { randomBytes } from 'node:crypto';
import { UserError } from '../../src/chat/errors.ts';

/** Button ids must fit Discord's 100-character custom ids with room for an adapter prefix. */
export const MAX_ACTION_ID_CHARS = 80;

/**
 * Where button state too long for an id is kept. In memory: such a button (More on a long search) is
 * forgotten at a restart, and pressing it then says it expired and what to run instead.
 */
export interface ActionStore {
  put(payload: string): string;
  get(key: string): string | undefined;
}

/** Keeps the newest `capacity` payloads in memory (oldest forgotten first). */
export class MemoryActionStore implements ActionStore {
  private readonly entries = new Map<string, string>();
  constructor(private readonly capacity = 10_000) {}
  put(payload: string): string {
    const key = randomBytes(6).toString('base64url');
    this.entries.set(key, payload);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return key;
  }
  get(key: string): string | undefined {
    return this.entries.get(key);
  }
}

/** A pressed button means: run this command with these arguments, as the person who pressed it. */
export interface ButtonAction {
  command: string;
  args: string;
}

/**
 * Turns a command invocation into a short opaque button id and back. Short invocations are carried in
 * the id itself (`r:related 2501.12948`), so they survive restarts; long ones are stored server-side and
 * the id holds a key (`s:Zx81…`).
 */
export class ActionCodec {
  constructor(private readonly store: ActionStore = new MemoryActionStore()) {}

  encode(action: ButtonAction): string {
    const payload = `${action.command} ${action.args}`.trim();
    const inline = `r:${payload}`;
    return inline.length <= MAX_ACTION_ID_CHARS ? inline : `s:${this.store.put(payload)}`;
  }

  /** Throws a `UserError` when the id is stale (server-side state forgotten) or not ours. */
  decode(actionId: string): ButtonAction {
    let payload: string | undefined;
    if (actionId.startsWith('r:')) payload = actionId.slice(2);
    else if (actionId.startsWith('s:')) payload = this.store.get(actionId.slice(2));
    if (payload === undefined) {
      throw new UserError('expired-action', 'That button has expired. Run the command again, e.g. /papers search diffusion');
    }
    const space = payload.indexOf(' ');
    return space === -1 ? { command: payload, args: '' } : { command: payload.slice(0, space), args: payload.slice(space + 1) };
  }
}
