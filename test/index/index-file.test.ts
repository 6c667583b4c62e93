import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { CORPUS_FILES, corpusFingerprint } from '../../src/corpus/corpus-file.ts';
import { readIndexFile, writeIndexFile } from '../../src/index/index-file.ts';
import { PaperIndex } from '../../src/index/paper-index.ts';
import { PaperSearch, toIndexDoc } from '../../src/index/paper-search.ts';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { Corpus } from '../../src/corpus/corpus.ts';
import { generateCorpus } from '../../bench/synthetic-corpus.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { openPaperLibrary, saveLibrary } from '../../src/paper-library.ts';
import { hfDailyPapers, testLibrary } from '../helpers/library.ts';

const queries = ['optimal transport', 'sparsty constrained', 'test-time adaptation entropy', 'diffus', 'reasoning llm', 'transformer', 'qwxzv'];

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-index-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function answers(search: PaperSearch): unknown[] {
  return queries.map((text) => {
    const page = search.search({ text, limit: 10 });
    return [page.total, page.unmatchedWords, page.papers.map((r) => [r.paper.id, r.score.toFixed(6)])];
  });
}

describe('the index file', () => {
  it('gives the same answers after a save and load as before', () => {
    const { search, clock } = testLibrary({ withSources: true });
    const path = join(tempDir(), 'index.bin');
    const fingerprint = corpusFingerprint(search.corpus.papers());
    writeIndexFile(path, search.index.snapshot(), fingerprint);
    const snapshot = readIndexFile(path, fingerprint);
    if (typeof snapshot === 'string') throw new Error(`could not read: ${snapshot}`);
    const loaded = new PaperSearch(search.corpus, PaperIndex.fromSnapshot(snapshot), clock);
    expect(answers(loaded)).toEqual(answers(search));
    const paper = search.corpus.get('2501.12948')!;
    expect(loaded.related(paper).map((p) => p.id)).toEqual(search.related(paper).map((p) => p.id));
    expect(loaded.search({ text: 'llm', minUpvotes: 50, sort: 'newest' }).papers.map((r) => r.paper.id))
      .toEqual(search.search({ text: 'llm', minUpvotes: 50, sort: 'newest' }).papers.map((r) => r.paper.id));
  });

  it('keeps papers added after the build (the delta) through a save', () => {
    const { search, clock } = testLibrary();
    search.ingest(hfDailyPapers(clock.now()));
    const path = join(tempDir(), 'index.bin');
    writeIndexFile(path, search.index.snapshot(), 'f');
    const snapshot = readIndexFile(path, 'f');
    if (typeof snapshot === 'string') throw new Error(snapshot);
    const loaded = new PaperSearch(search.corpus, PaperIndex.fromSnapshot(snapshot), clock);
    expect(loaded.search({ text: "humanity's last exam" }).papers[0]?.paper.id).toBe('2501.14249');
    expect(answers(loaded)).toEqual(answers(search));
  });

  it('refuses a file built from another corpus, a damaged file and a missing one', () => {
    const { search } = testLibrary();
    const path = join(tempDir(), 'index.bin');
    writeIndexFile(path, search.index.snapshot(), 'corpus-a');
    expect(readIndexFile(path, 'corpus-b')).toBe('stale');
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(readIndexFile(path, 'corpus-a')).toBe('corrupt');
    writeFileSync(path, 'not an index');
    expect(readIndexFile(path, 'corpus-a')).toBe('corrupt');
    expect(readIndexFile(join(tempDir(), 'nope.bin'), 'corpus-a')).toBe('missing');
  });
});

describe('opening the library from a data directory', () => {
  it('saves a large library while the event loop keeps running, and the next start loads what it saved', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock();
    const papers = [...loadBundledPapers(new MemoryLogger()), ...generateCorpus({ size: 4000, seed: 7, basis: loadBundledPapers(new MemoryLogger()), now: clock.now() })];
    const search = new PaperSearch(new Corpus(papers), PaperIndex.build(papers.map(toIndexDoc)), clock);
    search.ingest(papers.slice(-50).map((p) => ({ ...p, title: `${p.title} revised`, titleDisplay: `${p.titleDisplay} revised` })));
    let ticks = 0;
    let saving = true;
    const tick = (): void => {
      if (!saving) return;
      ticks++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await saveLibrary(search, dataDir);
    saving = false;
    // A save that held the event loop would let no tick run before it finished.
    expect(ticks).toBeGreaterThan(5);
    const log = new MemoryLogger();
    const reopened = await openPaperLibrary({ dataDir, log, clock });
    expect(log.records.map((r) => r.message)).toContain('search index loaded');
    expect(reopened.corpus.size).toBe(search.corpus.size);
    expect(answers(reopened)).toEqual(answers(search));
  });

  it('a compaction that pauses starts over when the index changes meanwhile, and loses nothing', async () => {
    const { search } = testLibrary();
    const { search: twin } = testLibrary();
    const added = hfDailyPapers(new Date('2025-01-24T12:00:00Z'));
    const compaction = search.index.compactYielding(100);
    search.ingest(added); // lands while the compaction is paused
    const snapshot = await compaction;
    expect(snapshot.docIds).toEqual(expect.arrayContaining(added.map((p) => p.id)));
    // The same as compacting the final state at once.
    twin.ingest(added);
    twin.index.compact();
    expect(answers(search)).toEqual(answers(twin));
    expect(snapshot).toEqual(twin.index.snapshot());
  });

  it('builds the index on first start, loads it on the next, and rebuilds when the corpus changed', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock();
    const log = new MemoryLogger();
    const first = await openPaperLibrary({ dataDir, log, clock });
    expect(first.corpus.size).toBe(74);
    expect(log.records.map((r) => r.message)).toContain('search index built');

    first.ingest(hfDailyPapers(clock.now()));
    await saveLibrary(first, dataDir);

    const log2 = new MemoryLogger();
    const second = await openPaperLibrary({ dataDir, log: log2, clock });
    expect(log2.records.map((r) => r.message)).toContain('search index loaded');
    expect(second.corpus.size).toBe(82);
    expect(answers(second)).toEqual(answers(first));
    expect(second.corpus.snapshotsOf('2501.12948')).toHaveLength(1);

    // Someone edits the saved corpus: the saved index no longer matches and is rebuilt, not trusted.
    const papersPath = join(dataDir, CORPUS_FILES.papers);
    const lines = readFileSync(papersPath, 'utf8').trim().split('\n').slice(0, -1);
    writeFileSync(papersPath, `${lines.join('\n')}\n`);
    const log3 = new MemoryLogger();
    const third = await openPaperLibrary({ dataDir, log: log3, clock });
    expect(log3.records.find((r) => r.message === 'search index built')?.fields.previousIndex).toBe('stale');
    expect(third.corpus.size).toBe(81);
  });
});
