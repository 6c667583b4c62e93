/* Connection faults a fake platform plays instead of answering: a reset after the request arrived, or a hang. */
import type { ServerResponse } from 'node:http';

/** A fault instead of an answer: cut the connection, or leave the request hanging. */
export type HttpFault = 'reset' | 'hang';

/** The requests a fake left without an answer, cut when it closes. */
export class UnansweredRequests {
  private readonly hanging = new Set<ServerResponse>();

  /** Plays `fault` on `res`; false when there is none (the caller answers). */
  play(res: ServerResponse, fault: HttpFault | undefined): boolean {
    if (fault === 'reset') {
      res.socket?.destroy();
      return true;
    }
    if (fault === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return true;
    }
    return false;
  }

  /** Cuts every request still hanging. */
  cutAll(): void {
    for (const res of this.hanging) res.socket?.destroy();
    this.hanging.clear();
  }
}
