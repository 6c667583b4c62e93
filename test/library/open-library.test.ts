import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../bench/synthetic-corpus.ts';
import { ManualClock } from '../../src/clock.ts';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { createPaper, PaperSchema } from '../../src/corpus/paper.ts';
import { readIndexFile, writeIndexFile, writeIndexFileInBackground } from '../../src/index/index-file.ts';
import { PaperIndex, type IndexableDoc, type IndexSnapshot } from '../../src/index/paper-index.ts';
import { SEGMENT_POSTINGS } from '../../src/index/posting-segments.ts';
import { LIBRARY_FILES, openPaperLibrary } from '../../src/library/open-library.ts';
import { toIndexDoc, type PaperLibrary } from '../../src/library/paper-library.ts';
import { MemoryLogger, silentLogger } from '../../src/logger.ts';
import { createMemoryStores } from '../../src/store/memory/memory-store.ts';
import { openSqliteStores } from '../../src/store/sqlite/sqlite-store.ts';
import type { Stores } from '../../src/store/store.ts';
import { runSteps } from '../../src/util/steps.ts';
import { hfDailyPapers } from '../helpers/library.ts';

const queries = ['optimal transport', 'sparsty constrained', 'test-time adaptation entropy', 'diffus', 'reasoning llm', 'transformer', 'qwxzv'];

const dirs: string[] = [];
const opened: Stores[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-library-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const stores of opened.splice(0)) await stores.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function answers(library: PaperLibrary): Promise<unknown[]> {
  return Promise.all(queries.map(async (text) => {
    const page = await library.search({ text, limit: 10 });
    return [page.total, page.unmatchedWords, page.papers.map((r) => [r.paper.id, r.score.toFixed(6)])];
  }));
}

function sqlite(path: string): Stores {
  const stores = openSqliteStores(path);
  opened.push(stores);
  return stores;
}

describe('opening the papers of a data directory', () => {
  it('builds the index on first start, then loads it and applies only the changes made since', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock();
    const stores = sqlite(join(dataDir, 'paperboy.db'));
    const log = new MemoryLogger();
    const first = await openPaperLibrary({ stores, dataDir, log, clock });
    expect(first.stats().papers).toBe(74);
    expect(log.records.map((r) => r.message)).toContain('search index built from the database');
    await first.save(join(dataDir, LIBRARY_FILES.index));

    // Papers written to the database after the save (an import, a refresh): the next start applies just those.
    await stores.papers.upsert(hfDailyPapers(clock.now()));
    const log2 = new MemoryLogger();
    const second = await openPaperLibrary({ stores, dataDir, log: log2, clock });
    expect(log2.records.map((r) => r.message)).toContain('search index loaded');
    expect(log2.records.find((r) => r.message === 'search index caught up with the database')?.fields.changes).toBe(8);
    expect(second.stats().papers).toBe(82);
    await first.catchUp();
    expect(await answers(second)).toEqual(await answers(first));
  });

  it('does not use an index made from another database, or one newer than the database (a restored backup)', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock();
    const stores = createMemoryStores();
    await stores.papers.upsert(hfDailyPapers(clock.now()));
    const library = await openPaperLibrary({ stores, dataDir, log: silentLogger, clock });
    await library.save(join(dataDir, LIBRARY_FILES.index));

    const other = new MemoryLogger();
    await openPaperLibrary({ stores: createMemoryStores(), dataDir, log: other, clock });
    expect(other.records.find((r) => r.message === 'search index built from the database')?.fields.previousIndex).toBe('from another database');

    // The database is restored from a backup taken before the index was last saved.
    const backupDir = tempDir();
    const live = join(backupDir, 'paperboy.db');
    const backup = join(backupDir, 'backup.db');
    const first = openSqliteStores(live);
    await openPaperLibrary({ stores: first, dataDir: backupDir, log: silentLogger, clock });
    await first.close();
    cpSync(live, backup);
    const second = sqlite(live);
    await second.papers.upsert(hfDailyPapers(clock.now()));
    await (await openPaperLibrary({ stores: second, dataDir: backupDir, log: silentLogger, clock })).save(join(backupDir, LIBRARY_FILES.index));
    await second.close();
    cpSync(backup, live);
    const restored = new MemoryLogger();
    const fromBackup = await openPaperLibrary({ stores: sqlite(live), dataDir: backupDir, log: restored, clock });
    expect(restored.records.find((r) => r.message === 'search index built from the database')?.fields.previousIndex).toBe('newer than the database');
    expect(fromBackup.stats().papers).toBe(74);
  });

  it('saves a large index while the event loop keeps running, and the next start loads what it saved', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock();
    const stores = createMemoryStores();
    await stores.papers.upsert(generateCorpus({ size: 4000, seed: 7, basis: loadBundledPapers(silentLogger), now: clock.now() }));
    const library = await openPaperLibrary({ stores, dataDir, log: silentLogger, clock });
    let ticks = 0;
    let saving = true;
    const tick = (): void => {
      if (!saving) return;
      ticks++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await library.save(join(dataDir, LIBRARY_FILES.index));
    saving = false;
    // A save that held the event loop would let no tick run before it finished.
    expect(ticks).toBeGreaterThan(5);
    const log = new MemoryLogger();
    const reopened = await openPaperLibrary({ stores, dataDir, log, clock });
    expect(log.records.map((r) => r.message)).toContain('search index loaded');
    expect(reopened.stats()).toEqual(library.stats());
    expect(await answers(reopened)).toEqual(await answers(library));
  });

  it('refuses a damaged index file and a missing one', () => {
    const path = join(tempDir(), 'index.bin');
    expect(readIndexFile(path)).toBe('missing');
    writeFileSync(path, 'not an index');
    expect(readIndexFile(path)).toBe('corrupt');
  });

  it('refuses an index file cut short, or whose term offsets go backwards, rather than reading postings wrongly', () => {
    const path = join(tempDir(), 'index.bin');
    writeIndexFile(path, PaperIndex.build(loadBundledPapers(silentLogger).map(toIndexDoc)).snapshot(), { libraryId: 'test', seq: 1 });
    const whole = readFileSync(path);
    expect(typeof readIndexFile(path)).toBe('object');
    writeFileSync(path, whole.subarray(0, whole.length - 100));
    expect(readIndexFile(path)).toBe('corrupt');
    // The section table says where the offsets are: make one term's start lie past the next one's.
    const magic = 'PAPERBOY-INDEX-5\n';
    const headerLength = whole.readUInt32LE(magic.length);
    const header = JSON.parse(whole.toString('utf8', magic.length + 4, magic.length + 4 + headerLength)) as { sections: { name: string; offset: number }[] };
    const base = Math.ceil((magic.length + 4 + headerLength) / 8) * 8;
    const offsets = base + header.sections.find((section) => section.name === 'offsets')!.offset;
    const damaged = Buffer.from(whole);
    damaged.writeInt32LE(damaged.readInt32LE(offsets + 4 * 11) + 1, offsets + 4 * 10);
    writeFileSync(path, damaged);
    expect(readIndexFile(path)).toBe('corrupt');
  });

  it('moves the corpus file of the previous release into the database: same papers, same answers, settings kept', async () => {
    const dataDir = tempDir();
    cpSync(new URL('../fixtures/release-0.1-data', import.meta.url), dataDir, { recursive: true });
    const expected = JSON.parse(readFileSync(join(dataDir, 'expected-search.json'), 'utf8')) as { papers: number; results: Record<string, string[]> };
    const legacy = readFileSync(join(dataDir, LIBRARY_FILES.legacyCorpus), 'utf8').trim().split('\n').map((line) => PaperSchema.parse(JSON.parse(line)));
    const stores = sqlite(join(dataDir, 'paperboy.db'));
    const log = new MemoryLogger();
    const library = await openPaperLibrary({ stores, dataDir, log, clock: new ManualClock(), onProgress: () => undefined });
    expect(log.records.find((r) => r.message.startsWith('moved the saved corpus into the database'))?.fields).toMatchObject({ papers: legacy.length, rejected: 0 });
    expect(existsSync(join(dataDir, LIBRARY_FILES.legacyCorpus))).toBe(false);
    expect(existsSync(join(dataDir, `${LIBRARY_FILES.legacyCorpus}.migrated`))).toBe(true);
    expect(await stores.papers.count()).toBe(expected.papers);
    // Every paper is kept as it was, but for the bundled papers this release corrected (their abstracts had
    // lost their TeX backslashes: f_theta is now f_θ), which come back as this release bundles them.
    const bundledNow = new Map(loadBundledPapers(silentLogger).map((p) => [p.id, p]));
    for (const paper of legacy) {
      const stored = await stores.papers.get(paper.id);
      const current = bundledNow.get(paper.id);
      if (current && current.abstract !== paper.abstract) expect(stored).toStrictEqual({ ...paper, abstract: current.abstract, abstractDisplay: current.abstractDisplay });
      else expect(stored).toStrictEqual(paper);
    }
    for (const [query, ids] of Object.entries(expected.results)) {
      expect((await library.search({ text: query, limit: 10 })).papers.map((r) => r.paper.id), query).toEqual(ids);
    }
    expect((await stores.channels.listDaily()).map((c) => c.daily)).toEqual([{ time: '09:00', timeZone: 'Europe/Berlin', weekdaysOnly: false, top: 5 }]);
    expect((await stores.subscriptions.all()).map((s) => s.topic)).toEqual(['diffusion models']);
    expect((await stores.saved.list('shell:terminal')).map((s) => s.paperId)).toEqual(['pb-1208928484']);

    // A second start finds nothing to move and loads its own index.
    const again = new MemoryLogger();
    await openPaperLibrary({ stores, dataDir, log: again, clock: new ManualClock() });
    expect(again.records.some((r) => r.message.startsWith('moved the saved corpus'))).toBe(false);
  });
});

/** Snapshots hold the same terms, postings and columns (compared as bytes: deep equality of millions of numbers is slow). */
function expectSameSnapshot(actual: IndexSnapshot, expected: IndexSnapshot): void {
  for (const key of Object.keys(expected) as (keyof IndexSnapshot)[]) {
    const [a, b] = [actual[key], expected[key]];
    if (Array.isArray(a) && Array.isArray(b)) expect(a.join('\n'), key).toBe(b.join('\n'));
    else expect(Buffer.from((a as Int32Array).buffer, (a as Int32Array).byteOffset, (a as Int32Array).byteLength).equals(Buffer.from((b as Int32Array).buffer, (b as Int32Array).byteOffset, (b as Int32Array).byteLength)), key).toBe(true);
  }
}

describe('the index under change', () => {
  it('a compaction rewrites the index segment by segment while papers keep arriving, and loses nothing', async () => {
    const now = new Date('2025-01-24T12:00:00Z');
    const corpus = generateCorpus({ size: 12_000, seed: 11, basis: loadBundledPapers(silentLogger), now }).map(toIndexDoc);
    const index = PaperIndex.build(corpus.slice(0, 10_000));
    const twin = PaperIndex.build(corpus.slice(0, 10_000));
    const segmentsOf = (target: PaperIndex): number => (target as unknown as { segments: unknown[] }).segments.length;
    expect(segmentsOf(index)).toBeGreaterThan(1);
    const [early, late] = [corpus.slice(10_000, 11_000), corpus.slice(11_000)];
    for (const target of [index, twin]) {
      for (const doc of early) target.upsert(doc);
      for (const doc of corpus.slice(0, 300)) target.remove(doc.id);
    }
    let done = false;
    const compaction = index.compactYielding().then(() => { done = true; });
    let pauses = 0;
    // A paper lands in every pause: some in segments already rewritten, some in segments still to come.
    while (!done) {
      if (pauses < late.length) index.upsert(late[pauses]!);
      pauses++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await compaction;
    expect(pauses).toBeGreaterThan(segmentsOf(index));
    for (const doc of late.slice(0, pauses)) twin.upsert(doc);
    twin.compact();
    for (const text of [...queries, 'graph neural', 'diffusion']) {
      expect(index.search({ text, limit: 20 }), text).toEqual(twin.search({ text, limit: 20 }));
    }
    expectSameSnapshot(index.snapshot(), twin.snapshot());
    // A second compaction with nothing new rewrites every segment in place.
    const arrays = (target: PaperIndex) => (target as unknown as { segments: { docs: Int32Array }[] }).segments.map((s) => s.docs);
    const before = arrays(index);
    index.compact();
    expect(before.every((docs, s) => arrays(index)[s] === docs)).toBe(true);
    expectSameSnapshot(index.snapshot(), twin.snapshot());
  });

  it('a segment that outgrows twice its size is cut in two by a compaction, and nothing it holds changes', () => {
    // 600 words in every paper: 1,000 papers make about 600k postings (three segments of about 262k), and
    // 1,000 more double every segment, past twice its size.
    const words = Array.from({ length: 600 }, (_, w) => `term${w}`);
    const paper = (n: number): IndexableDoc => ({ id: `p${n}`, title: `paper ${n}`, keywords: [], abstract: words.filter((_, w) => (w + n) % 7 !== 0).join(' '), authors: [] });
    const first = Array.from({ length: 1000 }, (_, n) => paper(n));
    const second = Array.from({ length: 1200 }, (_, n) => paper(1000 + n));
    const index = PaperIndex.build(first);
    const twin = PaperIndex.build(first);
    const segments = (target: PaperIndex): { offsets: Int32Array }[] => (target as unknown as { segments: { offsets: Int32Array }[] }).segments;
    const before = segments(index).length;
    for (const doc of second) for (const target of [index, twin]) target.upsert(doc);
    index.compact();
    const sizes = segments(index).map((s) => s.offsets[s.offsets.length - 1]!);
    expect(sizes.length).toBeGreaterThan(before);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * SEGMENT_POSTINGS);
    // The same papers left in the delta (not compacted) answer the same and write the same file.
    for (const text of ['term7 term300', 'term599', 'paper 1500', 'term1 term2 term3']) {
      expect(index.search({ text, limit: 10 }), text).toEqual(twin.search({ text, limit: 10 }));
    }
    expectSameSnapshot(index.snapshot(), twin.snapshot());
  });

  it('writes the file a compaction would, without compacting: the index keeps answering from its delta', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-streamed-'));
    try {
      const bundled = loadBundledPapers(silentLogger).map(toIndexDoc);
      const index = PaperIndex.build(bundled);
      const twin = PaperIndex.build(bundled);
      const added = hfDailyPapers(new Date('2025-01-24T12:00:00Z')).map(toIndexDoc);
      for (const target of [index, twin]) {
        for (const doc of added) target.upsert(doc);
        target.remove(bundled[3]!.id);
        target.upsert({ ...bundled[5]!, abstract: `${bundled[5]!.abstract} with a rewritten ending about quokkas` });
      }
      const pending = index.pendingPostings;
      const stamp = { libraryId: 'test', seq: 7 };
      // Pieces of 97 postings: every column crosses many piece boundaries, mid-term.
      writeIndexFile(join(dir, 'streamed.bin'), runSteps(index.streamedSnapshotSteps(97)), stamp);
      twin.compact();
      writeIndexFile(join(dir, 'compacted.bin'), twin.snapshot(), stamp);
      expect(readFileSync(join(dir, 'streamed.bin')).equals(readFileSync(join(dir, 'compacted.bin')))).toBe(true);
      expect(index.pendingPostings).toBe(pending);
      const loaded = readIndexFile(join(dir, 'streamed.bin'));
      if (typeof loaded === 'string') throw new Error(loaded);
      const reloaded = PaperIndex.fromSnapshot(loaded.snapshot);
      for (const text of [...queries, 'quokkas']) {
        expect(index.search({ text, limit: 10 }).hits.map((h) => h.id), text).toEqual(twin.search({ text, limit: 10 }).hits.map((h) => h.id));
        expect(reloaded.search({ text, limit: 10 }), text).toEqual(twin.search({ text, limit: 10 }));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the same bytes in the background as at once, term lists of any length included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-streamed-'));
    try {
      const snapshot = PaperIndex.build(loadBundledPapers(silentLogger).map(toIndexDoc)).snapshot();
      // Terms beyond the sorted ones are allowed (see Vocabulary): enough of them to be encoded over several turns.
      const long = { ...snapshot, terms: [...snapshot.terms, ...Array.from({ length: 120_001 }, (_, i) => `térm${i}`)] };
      const stamp = { libraryId: 'test', seq: 3 };
      writeIndexFile(join(dir, 'at-once.bin'), long, stamp);
      await writeIndexFileInBackground(join(dir, 'background.bin'), long, stamp);
      expect(readFileSync(join(dir, 'background.bin')).equals(readFileSync(join(dir, 'at-once.bin')))).toBe(true);
      const read = readIndexFile(join(dir, 'background.bin'));
      if (typeof read === 'string') throw new Error(read);
      expect(read.snapshot.terms).toEqual(long.terms);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a save the index changes under fails without touching the saved file, and the next save succeeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paperboy-streamed-'));
    try {
      const index = PaperIndex.build(loadBundledPapers(silentLogger).map(toIndexDoc));
      const path = join(dir, LIBRARY_FILES.index);
      writeIndexFile(path, index.snapshot(), { libraryId: 'test', seq: 1 });
      const before = readFileSync(path);
      const [late] = hfDailyPapers(new Date('2025-01-24T12:00:00Z')).map(toIndexDoc);
      const streamed = runSteps(index.streamedSnapshotSteps(50));
      const pieces = streamed.postingPieces('postingDocs')[Symbol.iterator]();
      pieces.next();
      index.upsert(late!);
      expect(() => pieces.next()).toThrow('the index changed while it was being written');
      const stale = runSteps(index.streamedSnapshotSteps(50));
      index.remove(late!.id);
      await expect(writeIndexFileInBackground(path, stale, { libraryId: 'test', seq: 2 })).rejects.toThrow('the index changed');
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(readdirSync(dir)).toEqual([LIBRARY_FILES.index]);
      await writeIndexFileInBackground(path, runSteps(index.streamedSnapshotSteps(50)), { libraryId: 'test', seq: 3 });
      const saved = readIndexFile(path);
      if (typeof saved === 'string') throw new Error(saved);
      expect(saved.stamp.seq).toBe(3);
      expect(PaperIndex.fromSnapshot(saved.snapshot).has(late!.id)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-indexes a paper whose text changed, and only its numbers when only they changed', async () => {
    const clock = new ManualClock();
    const stores = createMemoryStores();
    const library = await openPaperLibrary({ stores, log: silentLogger, clock });
    const paper = createPaper({ arxivId: '2601.00001', title: 'Quokka Networks', abstract: 'We study marsupial heuristics.', source: 'hf-daily', signals: { upvotes: 1, observedAt: clock.now() } });
    await stores.papers.upsert([paper]);
    await library.catchUp();
    expect((await library.search({ text: 'quokka', minUpvotes: 5 })).total).toBe(0);
    await stores.papers.upsert([{ ...paper, signals: { upvotes: 9, observedAt: new Date(clock.now().getTime() + 1000).toISOString() } }]);
    expect(await library.catchUp()).toMatchObject({ applied: 1, rebuilt: false });
    expect((await library.search({ text: 'quokka', minUpvotes: 5 })).total).toBe(1);
    expect((await library.get('2601.00001'))?.signals?.upvotes).toBe(9);
  });
});
