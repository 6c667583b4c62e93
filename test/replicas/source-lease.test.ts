/*
 * Replicas and one source schedule: each scheduled run of a source is fetched by one replica only (the one
 * that takes the source's lease; the others find the run done), and when the replica holding the lease dies
 * mid-refresh, another one does the run once the lease lapses. Three bots on one database (memory here; the
 * lease statements are in the contract suite on every engine), each with its own job loop on one manual clock.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { ParseOutcome } from '../../src/corpus/paper.ts';
import { SOURCE_REFRESH_LEASE_MS, type PaperSource } from '../../src/scheduler/source-refresh.ts';
import { createMemoryStores } from '../../src/store/memory/memory-store.ts';
import { testBot } from '../helpers/bot.ts';
import { hfDailyPapers, testLibrary } from '../helpers/library.ts';

/** A source whose fetches are counted, at the time each was made. */
function countedSource(clock: ManualClock): PaperSource & { fetchedAt: string[] } {
  const fetchedAt: string[] = [];
  return {
    name: 'hf-daily',
    schedule: '15 * * * *',
    fetchedAt,
    async fetch(): Promise<ParseOutcome> {
      fetchedAt.push(clock.now().toISOString().slice(11, 16));
      return { papers: hfDailyPapers(clock.now()), rejected: [] };
    },
  };
}

async function threeReplicas(clock: ManualClock, source: PaperSource) {
  const stores = createMemoryStores();
  return Promise.all(['replica-1', 'replica-2', 'replica-3'].map(async (id) => {
    const library = await testLibrary({ stores, clock });
    return testBot({ library, sources: [source], replica: { id, leaseMs: 30_000 } });
  }));
}

/** Runs every replica's schedule up to each instant in turn, as replicas running side by side. */
async function runSideBySide(replicas: Awaited<ReturnType<typeof threeReplicas>>, until: readonly string[]): Promise<void> {
  for (const instant of until) {
    for (const replica of replicas) await replica.jobs.runUntil(new Date(instant));
  }
}

describe('replicas: one source schedule', () => {
  it('fetches the source once per scheduled run, whichever replica gets there first', async () => {
    const clock = new ManualClock('2025-01-24T10:00:00Z');
    const source = countedSource(clock);
    const replicas = await threeReplicas(clock, source);
    await runSideBySide(replicas, ['2025-01-24T10:01:00Z', '2025-01-24T10:16:00Z', '2025-01-24T10:50:00Z', '2025-01-24T11:16:00Z', '2025-01-24T12:30:00Z']);
    // The first fetch at start, then 10:15, 11:15, 12:15: once each.
    expect(source.fetchedAt).toEqual(['10:00', '10:15', '11:15', '12:15']);
    expect(await replicas[0]!.stores.leases.all()).toEqual([]);
    // Every replica's index has the papers one of them fetched.
    for (const replica of replicas) {
      await replica.sync.sync();
      expect((await replica.exec('search humanity last exam')).reply.fallbackText).toContain("Humanity's Last Exam");
    }
  });

  it('does the run of a replica that died holding the lease once the lease lapses, once', async () => {
    const clock = new ManualClock('2025-01-24T10:00:00Z');
    const source = countedSource(clock);
    const replicas = await threeReplicas(clock, source);
    await runSideBySide(replicas, ['2025-01-24T10:01:00Z']);
    // A fourth replica takes the lease for the 10:15 run and dies without fetching or releasing it.
    clock.advance(14 * 60_000);
    await replicas[0]!.stores.leases.acquire('source refresh:hf-daily', 'replica-dead', SOURCE_REFRESH_LEASE_MS, clock.now());
    await runSideBySide(replicas, ['2025-01-24T10:16:00Z']);
    expect(source.fetchedAt).toEqual(['10:00']);
    await runSideBySide(replicas, ['2025-01-24T10:20:00Z', '2025-01-24T10:40:00Z']);
    // The lease, taken at 10:15, lapsed at 10:20: one replica made the 10:15 run then.
    expect(source.fetchedAt).toEqual(['10:00', '10:20']);
  });
});
