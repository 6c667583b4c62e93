/*
 * Replicas and subscriptions: two replicas whose indexes stand at different places in the change feed match
 * new papers at the same moment (both heard the same announcement); one matches, under the lease, so the two
 * never both read "not shown yet" before either claims, and the channel gets each new paper once.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { createPaper, type Paper } from '../../src/corpus/paper.ts';
import { createMemoryStores } from '../../src/store/memory/memory-store.ts';
import { headingsOf, testBot } from '../helpers/bot.ts';
import { testLibrary } from '../helpers/library.ts';

const wombat = (part: number): Paper =>
  createPaper({ arxivId: `2501.3000${part}`, title: `Wombat Networks Part ${part}`, abstract: 'Wombat networks. We study them.', source: 'hf-daily', signals: { upvotes: 3, observedAt: '2025-01-24T12:00:00Z' } });

describe('replicas: subscriptions', () => {
  it('post each new matching paper once when two replicas at different places in the feed match at once', async () => {
    const clock = new ManualClock();
    const stores = createMemoryStores();
    const [a, b] = await Promise.all(['replica-a', 'replica-b'].map(async (id) => testBot({ library: await testLibrary({ stores, clock }), replica: { id, leaseMs: 30_000 } })));
    await a!.exec('subscribe wombat');
    await stores.papers.upsert([wombat(1), wombat(2)]);
    await a!.library.catchUp();
    await stores.papers.upsert([wombat(3), wombat(4)]);
    await b!.library.catchUp();
    // One matches (the other finds the lease held): two views of the feed never race to post overlapping ranges.
    const made = await Promise.all([a!.subscriptionPosts.matchNew(), b!.subscriptionPosts.matchNew()]);
    expect(made.sort()).toEqual([0, 1]);
    // Whatever the one that matched had not reached is matched at the next sync.
    await a!.sync.sync();
    await b!.sync.sync();
    const posted = [...a!.platform.postsTo('C1'), ...b!.platform.postsTo('C1')].flatMap((post) => headingsOf(post.message));
    expect(posted.sort()).toEqual([1, 2, 3, 4].map((part) => `Wombat Networks Part ${part}`));
    expect(await stores.leases.all()).toEqual([]);
  });
});
