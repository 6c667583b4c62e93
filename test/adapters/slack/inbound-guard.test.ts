import { describe, expect, it } from 'vitest';
import { InboundMemory, PRUNE_EVERY_MS } from '../../../adapters/slack/inbound-guard.ts';
import { openSqliteStores } from '../../../src/store/sqlite/sqlite-store.ts';

describe('the memory of Slack requests already handled', () => {
  it('remembers a key for its window and clears expired keys about once an hour, on the way', async () => {
    const stores = openSqliteStores(':memory:');
    const prunes: Date[] = [];
    const store = { firstSeen: stores.inbound.firstSeen.bind(stores.inbound), prune: (at: Date) => (prunes.push(at), stores.inbound.prune(at)) };
    const memory = new InboundMemory(store, () => undefined);
    const t0 = new Date('2025-01-24T12:00:00Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);
    expect(await memory.firstSightOfEvent('Ev1', t0)).toBe(true);
    expect(await memory.firstSightOfEvent('Ev1', later(59 * 60_000))).toBe(false);
    expect(await memory.firstSeen('slack:signature:v0=abc', later(1000), 5 * 60_000)).toBe(true);
    expect(await memory.firstSeen('slack:signature:v0=abc', later(2000), 5 * 60_000)).toBe(false);
    expect(prunes).toEqual([t0]);
    // An hour on: the event id has expired (it may be handled again), and the next call clears old records.
    expect(await memory.firstSightOfEvent('Ev1', later(PRUNE_EVERY_MS + 1))).toBe(true);
    expect(prunes).toEqual([t0, later(PRUNE_EVERY_MS + 1)]);
    await stores.close();
  });
});
