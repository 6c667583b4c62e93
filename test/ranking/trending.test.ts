import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/synthetic-corpus.ts';
import { ManualClock } from '../../src/clock.ts';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { createPaper, referenceTime } from '../../src/corpus/paper.ts';
import { SignalHistory } from '../../src/corpus/signal-history.ts';
import { silentLogger } from '../../src/logger.ts';
import { explainTrending, factsOfPaper, rankTrending, TRENDING_WINDOWS, trendingScore, type TrendingWindow } from '../../src/ranking/trending.ts';
import { createMemoryStores } from '../../src/store/memory/memory-store.ts';
import { addPapers, hfDailyPapers, testLibrary } from '../helpers/library.ts';

describe('trending on the bundled corpus (no signals)', () => {
  it('keeps the page order in every window and says so', async () => {
    const lib = await testLibrary();
    for (const window of ['today', 'week', 'month'] as const) {
      const entries = await lib.library.trending({ window, limit: 74 });
      expect(entries).toHaveLength(74);
      expect(entries.map((e) => e.paper.bundledRank)).toEqual(entries.map((_, i) => i + 1));
    }
    const [first] = await lib.library.trending({ window: 'week', limit: 1 });
    expect(explainTrending(first!.inputs)).toBe('#1 on the trending page');
  });

  it('narrows to a topic', async () => {
    const lib = await testLibrary();
    const entries = await lib.library.trending({ window: 'week', topic: 'optimal transport' });
    expect(entries.length).toBeGreaterThan(3);
    expect(entries.length).toBeLessThan(74);
    for (const e of entries) expect(`${e.paper.title} ${e.paper.abstract}`.toLowerCase()).toMatch(/transport/);
    // Still in page order.
    const ranks = entries.map((e) => e.paper.bundledRank!);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
  });
});

describe('trending with signals', () => {
  it('ranks by attention with a time decay; undated bundled papers rank only while no paper has a date', async () => {
    const lib = await testLibrary({ withSources: true, now: '2025-01-24T12:00:00Z' });
    const week = await lib.library.trending({ window: 'week' });
    expect(week[0]!.paper.id).toBe('2501.12948');
    const scores = week.map((e) => e.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(week.map((e) => e.paper.id)).toHaveLength(8);
    expect(week.some((e) => e.paper.sources.includes('bundled'))).toBe(false);
    // Months later nothing dated is in the window: the list is empty, not the undated bundled papers.
    const later = await (await testLibrary({ withSources: true, now: '2025-06-01T00:00:00Z' })).library.trending({ window: 'today' });
    expect(later).toHaveLength(0);
    // With no dated paper at all, every window is the bundled page's order.
    const bundledOnly = (await testLibrary({ now: '2025-06-01T00:00:00Z' })).library;
    for (const window of ['today', 'week', 'month'] as const) {
      const list = await bundledOnly.trending({ window });
      expect(list).toHaveLength(74);
      expect(list.map((e) => e.paper.bundledRank)).toEqual(Array.from({ length: 74 }, (_, i) => i + 1));
    }
  });

  it('limits each window by age: today holds only papers featured in the last day', async () => {
    const lib = await testLibrary({ withSources: true, now: '2025-01-24T12:00:00Z' });
    const today = await lib.library.trending({ window: 'today' });
    expect(today.map((e) => e.paper.featuredOn)).toEqual(['2025-01-24', '2025-01-24', '2025-01-24']);
    expect(await lib.library.trending({ window: 'week' })).toHaveLength(8);
  });

  it('raises a paper that is gaining upvotes fast (velocity from signal snapshots)', async () => {
    const lib = await testLibrary({ withSources: true, now: '2025-01-24T12:00:00Z' });
    const before = (await lib.library.trending({ window: 'week' })).map((e) => e.paper.id);
    // A day later, Chain-of-Retrieval (7 upvotes) has gained 150; nothing else moved.
    lib.clock.advance(24 * 3_600_000);
    const refreshed = hfDailyPapers(lib.clock.now()).map((p) =>
      p.id === '2501.14342' ? { ...p, signals: { ...p.signals!, upvotes: 157 } } : p,
    );
    await addPapers(lib, refreshed);
    const after = await lib.library.trending({ window: 'week' });
    const entry = after.find((e) => e.paper.id === '2501.14342')!;
    expect(entry.inputs.upvotesGained).toBe(150);
    expect(entry.inputs.gainedOverHours).toBe(24);
    expect(after.findIndex((e) => e.paper.id === '2501.14342')).toBeLessThan(before.indexOf('2501.14342'));
    expect(explainTrending(entry.inputs)).toBe('▲ 157 (+150 in 24 h) · 💬 0 · 1 day old');
  });
});

describe('trending on a large corpus', () => {
  it('ranks from the papers of the window alone, exactly as ranking every paper would, also after papers change', async () => {
    const clock = new ManualClock('2026-11-01T12:00:00Z');
    const papers = generateCorpus({ size: 3000, seed: 3, basis: loadBundledPapers(silentLogger), now: clock.now() });
    const stores = createMemoryStores();
    await stores.papers.upsert(papers);
    const lib = await testLibrary({ clock, stores });
    const everyPaper = async (window: TrendingWindow) => {
      const all = await stores.papers.list(undefined, 100_000);
      const history = new SignalHistory(await stores.snapshots.since(new Date(0)));
      const velocity = (id: string, now: Date, ms: number) => history.upvotesGained(id, now, ms);
      return rankTrending(all.map(factsOfPaper), { window, now: clock.now(), velocity }).map((e) => e.facts.id);
    };
    for (const window of TRENDING_WINDOWS) expect((await lib.library.trending({ window })).map((e) => e.paper.id)).toEqual(await everyPaper(window));
    // A paper from last year is featured today, and a new one arrives: both must show up.
    const old = papers.find((p) => p.featuredOn === undefined && (referenceTime(p) ?? Infinity) < clock.now().getTime() - 200 * 86_400_000)!;
    await addPapers(lib, [{ ...old, featuredOn: '2026-11-01', signals: { upvotes: 999, observedAt: '2026-11-01T11:00:00Z' } }]);
    expect((await lib.library.trending({ window: 'today' })).map((e) => e.paper.id)).toContain(old.id);
    await addPapers(lib, [
      createPaper({ arxivId: '2610.99999', title: 'A brand new paper', abstract: 'Fresh.', featuredOn: '2026-11-01', signals: { upvotes: 5, observedAt: '2026-11-01T11:00:00Z' }, source: 'hf-daily' }),
    ]);
    for (const window of TRENDING_WINDOWS) {
      const ranked = (await lib.library.trending({ window })).map((e) => e.paper.id);
      expect(ranked).toEqual(await everyPaper(window));
      expect(ranked).toContain(old.id);
      expect(ranked).toContain('2610.99999');
    }
  });
});

describe('the score and its explanation', () => {
  it('shows every input in one line', async () => {
    expect(explainTrending({ upvotes: 142, upvotesGained: 38, gainedOverHours: 24, comments: 9, githubStars: 1234, ageHours: 50 }))
      .toBe('▲ 142 (+38 in 24 h) · 💬 9 · ★ 1.2k · 2 days old');
    expect(explainTrending({ upvotes: 3, ageHours: 5 })).toBe('▲ 3 · 5 h old');
    expect(explainTrending({ githubStars: 91240 })).toBe('★ 91k');
  });

  it('halves attention every half-life, more slowly for longer windows', async () => {
    const fresh = trendingScore({ upvotes: 100, ageHours: 0 }, 'week');
    expect(fresh).toBe(100);
    expect(trendingScore({ upvotes: 100, ageHours: 72 }, 'week')).toBeCloseTo(50);
    expect(trendingScore({ upvotes: 100, ageHours: 24 }, 'today')).toBeCloseTo(50);
    expect(trendingScore({ upvotes: 100, ageHours: 240 }, 'month')).toBeCloseTo(50);
  });

  it('counts comments, recent upvotes and stars', async () => {
    const base = trendingScore({ upvotes: 10, ageHours: 0 }, 'week');
    expect(trendingScore({ upvotes: 10, comments: 2, ageHours: 0 }, 'week')).toBe(base + 6);
    expect(trendingScore({ upvotes: 10, upvotesGained: 5, ageHours: 0 }, 'week')).toBe(base + 10);
    expect(trendingScore({ upvotes: 10, githubStars: 1023, ageHours: 0 }, 'week')).toBeCloseTo(base + 50);
  });

  it('keeps undated papers in every window and does not decay them', async () => {
    const lib = await testLibrary({ now: '2030-01-01T00:00:00Z' });
    const undated = createPaper({ title: 'An Undated Note on Ranking', abstract: 'Nothing here.', source: 'import' });
    await addPapers(lib, [undated]);
    expect((await lib.library.trending({ window: 'today' })).map((e) => e.paper.id)).toContain(undated.id);
  });
});
