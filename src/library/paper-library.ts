import type { Clock } from '../clock.ts';
import { normalizeArxivId } from '../corpus/normalize.ts';
import { titleKey, type Paper } from '../corpus/paper.ts';
import { SignalHistory, snapshotOf } from '../corpus/signal-history.ts';
import { writeIndexFileInBackground, type IndexStamp } from '../index/index-file.ts';
import { PaperIndex, type IndexableDoc, type PaperFacts, type SearchOrder } from '../index/paper-index.ts';
import { IndexBuilder } from '../index/postings.ts';
import { tokenize } from '../index/tokenize.ts';
import { editDistance } from '../util/edit-distance.ts';
import type { Logger } from '../logger.ts';
import {
  factsOfPaper,
  rankTrending,
  trendingInputs,
  trendingScore,
  WINDOW_DAYS,
  type RankedFacts,
  type TrendingEntry,
  type TrendingInputs,
} from '../ranking/trending.ts';
import type { PaperChange, PaperStore } from '../store/paper-store.port.ts';
import { runStepsYielding, TimeSlicer } from '../util/steps.ts';
import type { LibraryStats, PaperQuery, PaperReference, PaperResults, Papers, SearchSort, TrendingOptions } from './papers.ts';

const DAY_MS = 86_400_000;

/** Papers a paper reference looks at: the best matches of its words, read to compare their titles. */
const RESOLVE_CANDIDATES = 50;

/** Papers kept in memory after they were read, for cards shown again soon (the trending list, a thread). */
const PAPER_CACHE_SIZE = 2000;
/** Changes read from the database per query while catching up (250 full rows took 20–45 ms in one block at 100k). */
const CHANGES_PER_READ = 100;
/** Index maintenance gives the event loop back after this much work. */
const SLICE_MS = 10;
/**
 * Catch-up compacts the index when its delta holds more postings than this share of the main postings (and
 * at least {@link COMPACT_MIN_PENDING}): the delta and the postings of re-indexed papers it replaces are what
 * the index holds beyond its compacted size, so memory stays within a few percent of it.
 */
const COMPACT_SHARE = 0.05;
const COMPACT_MIN_PENDING = 100_000;
/** A backlog of more changes than this share of the index (and at least {@link REBUILD_MIN_CHANGES}) is rebuilt, not applied one by one. */
const REBUILD_SHARE = 0.5;
const REBUILD_MIN_CHANGES = 5000;

/** Input shaped like an id (digits.digits, archive/digits) that did not parse as one. */
const LOOKS_LIKE_AN_ID = /^(\d{3,}\.\d+\w*|[a-z-]+(\.[A-Z]{2})?\/\d+\w*)$/;

const HF_OR_ARXIV_URL = /^(https?:\/\/)?((export\.)?arxiv\.org|(www\.)?(huggingface|hf)\.co)\//i;

/** What the index needs of a paper. */
export function toIndexDoc(paper: Paper): IndexableDoc {
  const facts = factsOfPaper(paper);
  return {
    id: paper.id,
    title: paper.titleDisplay,
    keywords: paper.keywords,
    abstract: paper.abstractDisplay,
    authors: paper.authors,
    publishedAt: paper.publishedAt ?? (paper.featuredOn ? `${paper.featuredOn}T00:00:00Z` : undefined),
    referenceAt: facts.referenceMs === undefined ? undefined : new Date(facts.referenceMs).toISOString(),
    upvotes: facts.upvotes,
    comments: facts.comments,
    githubStars: facts.githubStars,
    bundledRank: facts.bundledRank,
  };
}

/** What one catch-up did. */
export interface CatchUpResult {
  /** Changes applied to the index. */
  applied: number;
  /** The highest change sequence the index now includes. */
  seq: number;
  /** Whether the index was rebuilt from the database instead (a large backlog). */
  rebuilt: boolean;
}

/**
 * The papers of one process: the database is the truth, and this keeps what is fast to have at hand and
 * can be rebuilt from it: the search index (with each paper's ranking facts as columns), the upvote history
 * for trending velocity, and a small cache of recently shown papers. Text is read from the database when a
 * card, thread or citation needs it.
 *
 * It follows the database's change feed ({@link PaperLibrary.catchUp}): a source refresh, an import run
 * beside the bot, or another process writing the same database all reach the index the same way. Index
 * maintenance runs in slices of about {@link SLICE_MS} ms, so it never holds up answers to chat platforms.
 */
export class PaperLibrary implements Papers {
  private readonly cache = new Map<string, Paper>();
  private readonly keyTermCache = new Map<string, string[]>();
  private statsCache: { seq: number; index: PaperIndex; stats: LibraryStats } | undefined;
  /** Catch-up, rebuild and save take turns. */
  private maintenance: Promise<unknown> = Promise.resolve();
  private unsavedChanges = 0;

  constructor(
    private readonly store: PaperStore,
    private index: PaperIndex,
    private stamp: IndexStamp,
    private readonly history: SignalHistory,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * An index built from every paper of the database, in slices. Rows changed while it is built are
   * included by the next {@link PaperLibrary.catchUp}.
   */
  static async build(store: PaperStore, history: SignalHistory, clock: Clock, log: Logger, onProgress?: (papers: number) => void): Promise<PaperLibrary> {
    const { index, stamp } = await buildIndex(store, onProgress);
    const library = new PaperLibrary(store, index, stamp, history, clock, log);
    // A new index is not saved yet: all of it is unsaved work.
    library.unsavedChanges = Math.max(1, index.size);
    return library;
  }

  /** The highest change sequence the index includes. */
  get seq(): number {
    return this.stamp.seq;
  }

  /** Changes applied since the index file was last saved. */
  get unsaved(): number {
    return this.unsavedChanges;
  }

  async search(query: PaperQuery): Promise<PaperResults> {
    const exact = exactReference(query.text);
    if (exact !== undefined) {
      const paper = exact ? await this.get(exact) : undefined;
      return { papers: paper ? [{ paper, score: 1 }] : [], total: paper ? 1 : 0, unmatchedWords: [], exactId: true };
    }
    const page = this.index.search({
      text: query.text,
      filters: {
        ...(query.since ? { since: query.since } : {}),
        ...(query.author ? { author: query.author } : {}),
        ...(query.minUpvotes !== undefined ? { minUpvotes: query.minUpvotes } : {}),
      },
      order: this.order(query.sort ?? 'relevance'),
      offset: query.offset ?? 0,
      limit: query.limit ?? 5,
    });
    const papers = new Map((await this.getMany(page.hits.map((hit) => hit.id))).map((paper) => [paper.id, paper]));
    return {
      papers: page.hits.flatMap((hit) => {
        const paper = papers.get(hit.id);
        return paper ? [{ paper, score: hit.score }] : [];
      }),
      total: page.total,
      unmatchedWords: page.unmatchedWords,
      exactId: false,
    };
  }

  /**
   * The one rule for naming a paper: an arXiv id or paper URL is looked up exactly; title words are a
   * confident match when the title is exactly them, or when only one paper has every word in its title (or,
   * failing titles, anywhere); several such papers are a "which one?"; a word no paper has is "not found".
   */
  async resolve(reference: string): Promise<PaperReference> {
    const text = reference.trim();
    const exact = exactReference(text);
    if (exact !== undefined) {
      const paper = exact ? await this.get(exact) : undefined;
      return paper ? { kind: 'found', paper } : { kind: 'not-found', reason: `No paper ${exact || text} in the corpus.`, byId: true };
    }
    const byId = this.index.has(text) ? await this.get(text) : undefined;
    if (byId) return { kind: 'found', paper: byId };
    if (LOOKS_LIKE_AN_ID.test(text)) {
      return { kind: 'not-found', reason: `"${text}" is not an arXiv id: they look like 2501.12948, 2501.12948v2 or hep-th/9711200.` };
    }
    const page = this.index.search({ text, limit: RESOLVE_CANDIDATES });
    if (page.words.length === 0) return { kind: 'not-found', reason: `"${text}" has no words to find a title by.` };
    if (page.unmatchedWords.length > 0) {
      return { kind: 'not-found', reason: `No paper has the word${page.unmatchedWords.length === 1 ? '' : 's'} ${page.unmatchedWords.map((w) => `"${w}"`).join(', ')}.` };
    }
    if ((page.hits[0]?.matchedWords ?? 0) < page.words.length) return { kind: 'not-found', reason: `No paper has all of the words "${text}".` };
    const papers = await this.getMany(page.hits.map((hit) => hit.id));
    const key = titleKey(text);
    const exactTitle = papers.find((paper) => titleKey(paper.title) === key);
    if (exactTitle) return { kind: 'found', paper: exactTitle };
    const inTitles = papers.filter((paper) => titleHasEvery(paper.titleDisplay, page.words));
    if (inTitles.length === 1) return { kind: 'found', paper: inTitles[0]! };
    if (inTitles.length > 1) return { kind: 'ambiguous', candidates: inTitles, total: inTitles.length < papers.length ? inTitles.length : page.total, inTitles: true };
    if (page.total === 1) return { kind: 'found', paper: papers[0]! };
    return { kind: 'ambiguous', candidates: papers, total: page.total, inTitles: false };
  }

  async get(id: string): Promise<Paper | undefined> {
    return (await this.getMany([id]))[0];
  }

  async getMany(ids: readonly string[]): Promise<Paper[]> {
    const missing = ids.filter((id) => !this.cache.has(id));
    if (missing.length > 0) for (const paper of await this.store.getMany(missing)) this.remember(paper);
    return ids.flatMap((id) => {
      const paper = this.cache.get(id);
      if (!paper) return [];
      // Most recently used last: the oldest entries are the ones evicted.
      this.cache.delete(id);
      this.cache.set(id, paper);
      return [paper];
    });
  }

  async related(paper: Paper, limit = 5): Promise<Paper[]> {
    return this.getMany(this.index.related(toIndexDoc(paper), limit).map((hit) => hit.id));
  }

  /**
   * Undated papers (the bundled trending page) rank only while no paper has a date: then every window is
   * the page's order. Once a source brings dated papers, trending is about them, and a window without any
   * is empty rather than filled with papers whose age nobody knows.
   */
  rankTrending(options: TrendingOptions): RankedFacts[] {
    const now = this.clock.now();
    const { dated, undated } = this.index.factsSince(now.getTime() - WINDOW_DAYS[options.window] * DAY_MS);
    const undatedOnly = undated.length === this.index.size;
    let facts: PaperFacts[];
    if (options.topic && options.topic.trim() !== '') {
      facts = this.index.search({ text: options.topic, limit: 1000 }).hits.flatMap((hit) => this.index.facts(hit.id) ?? []);
      if (!undatedOnly) facts = facts.filter((f) => f.referenceMs !== undefined);
    } else {
      // Only papers that entered the conversation within the window can rank in it.
      facts = undatedOnly ? undated : dated;
    }
    return rankTrending(facts, { window: options.window, now, velocity: this.velocity, ...(options.limit ? { limit: options.limit } : {}) });
  }

  async entriesOf(ranked: readonly RankedFacts[]): Promise<TrendingEntry[]> {
    const papers = new Map((await this.getMany(ranked.map((entry) => entry.facts.id))).map((paper) => [paper.id, paper]));
    return ranked.flatMap((entry) => {
      const paper = papers.get(entry.facts.id);
      return paper ? [{ paper, score: entry.score, inputs: entry.inputs }] : [];
    });
  }

  async trending(options: TrendingOptions): Promise<TrendingEntry[]> {
    return this.entriesOf(this.rankTrending(options));
  }

  trendingInputs(paper: Paper): TrendingInputs {
    return trendingInputs(factsOfPaper(paper), this.clock.now(), this.velocity);
  }

  keyTerms(paper: Paper, max = 5): string[] {
    if (paper.keywords.length > 0) return paper.keywords.slice(0, max);
    // The informative words depend on the corpus's word statistics: cached only until the index changes.
    const cacheKey = `${max}:${paper.id}`;
    const cached = this.keyTermCache.get(cacheKey);
    if (cached) return cached;
    // A verb of the title that acts on what follows it (`Solving Inverse Problems`) names no topic.
    const titleVerbs = new Set([...paper.titleDisplay.matchAll(/\b(\p{Lu}\p{Ll}+ing)\s+(?:\p{Lu}|(?:a|an|the)\b)/gu)].map((m) => m[1]!.toLowerCase()));
    const surface = new Map<string, string>();
    for (const word of `${paper.titleDisplay} ${paper.abstractDisplay}`.split(/[^\p{L}\p{N}]+/u)) {
      const folded = word.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
      if (!surface.has(folded)) surface.set(folded, word);
    }
    const chosen: string[] = [];
    const stems = new Set<string>();
    for (const term of this.index.informativeTerms(toIndexDoc(paper), max * 3)) {
      const stem = term.replace(/s$/, '');
      if (term.length < 3 || /^\d+$/.test(term) || stems.has(stem) || titleVerbs.has(term)) continue;
      stems.add(stem);
      chosen.push(surface.get(term) ?? term);
      if (chosen.length === max) break;
    }
    if (this.keyTermCache.size >= PAPER_CACHE_SIZE) this.keyTermCache.delete(this.keyTermCache.keys().next().value!);
    this.keyTermCache.set(cacheKey, chosen);
    return chosen;
  }

  idfOf(term: string): number {
    return this.index.idfOf(term);
  }

  matchAmong(text: string, ids: readonly string[], filters: { minUpvotes?: number } = {}): string[] {
    if (ids.length === 0) return [];
    return this.index
      .search({ text, filters: { ids, ...(filters.minUpvotes !== undefined ? { minUpvotes: filters.minUpvotes } : {}) }, limit: ids.length })
      .hits.map((hit) => hit.id);
  }

  stats(): LibraryStats {
    // A scan of every paper (1–2 ms at 100k) that `search` asks for on every command: kept until the index changes.
    if (this.statsCache?.seq === this.stamp.seq && this.statsCache.index === this.index) return this.statsCache.stats;
    const { undated } = this.index.factsSince(Infinity);
    const stats = {
      papers: this.index.size,
      terms: this.index.termCount,
      undated: undated.length,
      bundled: undated.filter((facts) => facts.bundledRank !== undefined).length,
    };
    this.statsCache = { seq: this.stamp.seq, index: this.index, stats };
    return stats;
  }

  /**
   * Brings the index up to the database: applies every change after {@link PaperLibrary.seq} (new papers,
   * changed text or signals, merged-away ids), in slices, or rebuilds the index when the backlog is large.
   * Calls take turns with each other and with {@link PaperLibrary.save}.
   */
  catchUp(): Promise<CatchUpResult> {
    return this.exclusive(async () => {
      const slicer = new TimeSlicer(SLICE_MS);
      const backlog = (await this.store.lastSeq()) - this.stamp.seq;
      if (backlog > Math.max(REBUILD_MIN_CHANGES, this.index.size * REBUILD_SHARE)) {
        const started = performance.now();
        const built = await buildIndex(this.store);
        this.index = built.index;
        this.stamp = { ...this.stamp, seq: built.stamp.seq };
        this.afterChange(backlog);
        this.log.info({ papers: this.index.size, backlog, ms: Math.round(performance.now() - started) }, 'search index rebuilt for a large backlog of changes');
        const rest = await this.applyChanges(slicer);
        return { applied: backlog + rest, seq: this.stamp.seq, rebuilt: true };
      }
      const applied = await this.applyChanges(slicer);
      return { applied, seq: this.stamp.seq, rebuilt: false };
    });
  }

  /**
   * Saves the index to `path` as a compacted file, stamped with the change sequence it includes, in slices;
   * the index in memory keeps its delta (no compacted copy is made: see `PaperIndex.streamedSnapshotSteps`).
   * The next start loads the file and applies only the changes made after.
   */
  save(path: string): Promise<void> {
    return this.exclusive(async () => {
      const stamp = { ...this.stamp };
      const pending = this.unsavedChanges;
      const snapshot = await runStepsYielding(this.index.streamedSnapshotSteps());
      await writeIndexFileInBackground(path, snapshot, stamp);
      this.unsavedChanges -= pending;
    });
  }

  private async applyChanges(slicer: TimeSlicer): Promise<number> {
    let applied = 0;
    for (;;) {
      const changes = await this.store.changesSince(this.stamp.seq, CHANGES_PER_READ);
      if (changes.length === 0) break;
      for (const change of changes) {
        this.apply(change);
        this.stamp = { ...this.stamp, seq: change.seq };
        applied++;
        await slicer.pause();
      }
      if (this.index.pendingPostings > Math.max(COMPACT_MIN_PENDING, this.index.mainPostings * COMPACT_SHARE)) await this.index.compactYielding();
    }
    if (applied > 0) this.afterChange(applied);
    return applied;
  }

  private apply(change: PaperChange): void {
    this.cache.delete(change.id);
    if ('replacedBy' in change) {
      this.index.remove(change.id);
      this.history.rename(change.id, change.replacedBy);
      return;
    }
    const textChanged = change.textSeq > this.stamp.seq || !this.index.has(change.id);
    this.index.upsert(toIndexDoc(change.paper), textChanged);
    const snapshot = snapshotOf(change.paper);
    if (snapshot) this.history.record(snapshot);
  }

  private afterChange(changes: number): void {
    this.unsavedChanges += changes;
    this.keyTermCache.clear();
    this.history.prune(this.clock.now());
  }

  private remember(paper: Paper): void {
    if (this.cache.size >= PAPER_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(paper.id, paper);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(work, work);
    this.maintenance = run.catch(() => undefined);
    return run;
  }

  private readonly velocity = (id: string, now: Date, windowMs: number) => this.history.upvotesGained(id, now, windowMs);

  private order(sort: SearchSort): SearchOrder {
    if (sort === 'newest') return { by: 'newest' };
    if (sort === 'relevance') return { by: 'relevance' };
    const now = this.clock.now();
    return {
      by: 'key',
      key: (facts) => trendingScore(trendingInputs(facts, now, this.velocity), 'month') - (facts.bundledRank ?? 0) * 1e-6,
    };
  }
}

/**
 * Whether every query word is in the title: as a word, as the start of one, or within the typos search
 * forgives (one edit from 4 letters, two from 6).
 */
function titleHasEvery(title: string, words: readonly string[]): boolean {
  const titleWords = tokenize(title);
  return words.every((word) => titleWords.some((t) => t === word || (word.length >= 3 && t.startsWith(word)) || (word.length >= 4 && editDistance(t, word) <= (word.length >= 6 ? 2 : 1))));
}

/** The arXiv base id a query names exactly, '' when it looks like a paper URL that names none, else undefined. */
function exactReference(text: string): string | undefined {
  const trimmed = text.trim();
  const parsed = normalizeArxivId(trimmed);
  if (parsed) return parsed.base;
  return HF_OR_ARXIV_URL.test(trimmed) ? '' : undefined;
}

/**
 * Builds an index from every paper in the database, pausing as it goes. (Signal history is not built from
 * the papers: the database's snapshots, loaded at start, already hold every observation.)
 */
async function buildIndex(store: PaperStore, onProgress?: (papers: number) => void): Promise<{ index: PaperIndex; stamp: IndexStamp }> {
  const stamp = { libraryId: await store.libraryId(), seq: await store.lastSeq() };
  const builder = new IndexBuilder();
  const slicer = new TimeSlicer(SLICE_MS);
  let after: string | undefined;
  let count = 0;
  for (;;) {
    const page = await store.list(after, 500);
    if (page.length === 0) break;
    for (const paper of page) {
      builder.add(toIndexDoc(paper));
      await slicer.pause();
    }
    count += page.length;
    onProgress?.(count);
    after = page.at(-1)!.id;
  }
  const snapshot = await runStepsYielding(builder.finishSteps());
  return { index: PaperIndex.fromSnapshot(snapshot), stamp };
}
