import type { Paper } from '../src/corpus/paper.ts';
import { STOP_WORDS } from '../src/index/tokenize.ts';
import { createRng, type Rng } from './rng.ts';

/** What a benchmark query imitates. */
export type BenchQueryKind = 'topic' | 'title-typo' | 'prefix' | 'author' | 'method' | 'title-exact';

/** One benchmark query. */
export interface BenchQuery {
  /** What the user types. */
  text: string;
  kind: BenchQueryKind;
  /**
   * A paper the query should find (not necessarily the only match): the paper whose title the words
   * came from, or whose author or method was named. Absent for topic queries and broad ones.
   */
  targetId?: string;
}

/** Options of {@link generateQueries}. */
export interface QueryOptions {
  /** The corpus the queries are about; must not be empty. */
  corpus: readonly Paper[];
  /** How many queries to generate. */
  count: number;
  /** PRNG seed; the same seed and corpus give the same queries. */
  seed: number;
}

/** Share of each kind in a query set; topic queries take what rounding leaves. */
const KIND_SHARES: readonly (readonly [BenchQueryKind, number])[] = [
  ['title-typo', 0.25],
  ['prefix', 0.12],
  ['author', 0.1],
  ['method', 0.13],
  ['title-exact', 0.07],
];

/** Papers whose text is counted for word frequencies; more adds time, not accuracy. */
const STATS_SAMPLE = 4000;

/** Keys next to each key on a QWERTY keyboard, for realistic substitutions and insertions. */
const NEIGHBORS: Readonly<Record<string, string>> = {
  q: 'wa', w: 'qeas', e: 'wrsd', r: 'etdf', t: 'ryfg', y: 'tugh', u: 'yihj', i: 'uojk', o: 'ipkl', p: 'ol',
  a: 'qwsz', s: 'awedxz', d: 'serfcx', f: 'drtgvc', g: 'ftyhbv', h: 'gyujnb', j: 'huikmn', k: 'jiolm', l: 'kop',
  z: 'asx', x: 'zsdc', c: 'xdfv', v: 'cfgb', b: 'vghn', n: 'bhjm', m: 'njk',
};

function nearKey(char: string, rng: Rng): string {
  const lower = char.toLowerCase();
  const options = NEIGHBORS[lower];
  const key = options ? options[rng.int(options.length)]! : String.fromCharCode(97 + rng.int(26));
  return char !== lower ? key.toUpperCase() : key;
}

type Edit = 'substitute' | 'delete' | 'insert' | 'transpose';

/** Applies one edit at `at` (never the first letter); returns false when it cannot apply there. */
function edit(letters: string[], at: number, kind: Edit, rng: Rng): boolean {
  switch (kind) {
    case 'substitute':
      letters[at] = nearKey(letters[at]!, rng);
      return true;
    case 'delete':
      letters.splice(at, 1);
      return true;
    case 'insert':
      // A doubled letter or a neighbouring key, typed after the previous letter.
      letters.splice(at, 0, rng.chance(0.4) ? letters[at - 1]! : nearKey(letters[at - 1]!, rng));
      return true;
    case 'transpose':
      if (at + 1 >= letters.length) return false;
      [letters[at], letters[at + 1]] = [letters[at + 1]!, letters[at]!];
      return true;
  }
}

const EDITS: readonly Edit[] = ['substitute', 'substitute', 'delete', 'insert', 'transpose', 'transpose'];

/**
 * Gives `word` a realistic one- or two-letter typo: a neighbouring-key substitution, a dropped or an
 * extra letter, or two swapped letters (two edits only on words of 5+ letters). The first letter is kept,
 * as people rarely mistype it, and two edits are kept apart, so the result is always within edit
 * distance 2 (Damerau, adjacent transpositions counting 1) of the word and never equal to it.
 * Words of fewer than 2 letters get a letter appended.
 */
export function applyTypo(word: string, rng: Rng): string {
  const original = [...word];
  if (original.length < 2) return word + nearKey(original[0] ?? 'e', rng);
  for (let attempt = 0; attempt < 20; attempt++) {
    const letters = original.slice();
    const last = letters.length - 1;
    const positions = [rng.between(1, last)];
    if (letters.length >= 5 && rng.chance(0.3)) {
      // A second edit at least three letters away, so the two never overlap.
      const far = [];
      for (let p = 1; p <= last; p++) if (Math.abs(p - positions[0]!) >= 3) far.push(p);
      if (far.length > 0) positions.push(rng.pick(far));
    }
    // Right to left, so the earlier position still points at the same letter.
    positions.sort((x, y) => y - x);
    for (const at of positions) {
      if (!edit(letters, at, rng.pick(EDITS), rng)) edit(letters, at, 'substitute', rng);
    }
    const typo = letters.join('');
    if (typo !== word) return typo;
  }
  // Only words of one repeated letter get here ("aaaa"): drop one.
  return original.slice(1).join('');
}

/** The lower-cased words of a text, split on anything that is not a letter or digit. */
function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

/** A word a user might search for: not a stop word, 3+ characters, at least one letter. */
function isQueryWord(word: string): boolean {
  return word.length >= 3 && !STOP_WORDS.has(word) && /\p{L}/u.test(word);
}

/** Can carry a typo: 5+ letters and nothing else. */
function isTypoable(word: string): boolean {
  return word.length >= 5 && /^\p{L}+$/u.test(word);
}

/** Word frequencies of (a sample of) the corpus, for choosing topic words and rare title words. */
class WordStats {
  /** Documents (of the sample) each word occurs in. */
  readonly df = new Map<string, number>();
  /** Query words, most frequent first. */
  readonly ranked: string[];
  /** One entry per occurrence: a uniform pick follows corpus frequency. */
  private readonly occurrences: string[] = [];

  constructor(corpus: readonly Paper[], rng: Rng) {
    const sampleSize = Math.min(corpus.length, STATS_SAMPLE);
    const frequency = new Map<string, number>();
    for (let i = 0; i < sampleSize; i++) {
      const paper = corpus.length <= STATS_SAMPLE ? corpus[i]! : corpus[rng.int(corpus.length)]!;
      const seen = new Set<string>();
      for (const word of words(`${paper.title} ${paper.abstract}`)) {
        if (!isQueryWord(word)) continue;
        frequency.set(word, (frequency.get(word) ?? 0) + 1);
        if (!seen.has(word)) {
          seen.add(word);
          this.df.set(word, (this.df.get(word) ?? 0) + 1);
        }
      }
    }
    this.ranked = [...frequency.keys()].sort((a, b) => frequency.get(b)! - frequency.get(a)! || (a < b ? -1 : 1));
    // Frequency-proportional picks, capped so the sampler stays small.
    const scale = Math.min(1, 200_000 / Math.max(1, [...frequency.values()].reduce((sum, n) => sum + n, 0)));
    for (const word of this.ranked) {
      const copies = Math.max(1, Math.round(frequency.get(word)! * scale));
      for (let c = 0; c < copies; c++) this.occurrences.push(word);
    }
    if (this.ranked.length === 0) throw new RangeError('the corpus holds no words to query');
  }

  /** A topic word: half the time by corpus frequency (so mostly common words), else from the middle ranks. */
  topicWord(rng: Rng): string {
    if (rng.chance(0.5)) return rng.pick(this.occurrences);
    const from = Math.min(150, Math.floor(this.ranked.length / 4));
    const to = Math.max(from + 1, Math.min(3000, this.ranked.length));
    return this.ranked[rng.between(from, to - 1)]!;
  }
}

/**
 * Picks `count` distinctive words of a title (the rarest in the corpus, with some randomness), in title
 * order. With `typoable`, at least one can carry a typo; `undefined` when the title cannot supply them.
 */
function distinctiveWords(title: string, count: number, stats: WordStats, rng: Rng, typoable: boolean): string[] | undefined {
  const inOrder = [...new Set(words(title).filter(isQueryWord))];
  if (inOrder.length < count) return undefined;
  const ranked = inOrder
    .map((word, position) => ({ word, position, df: stats.df.get(word) ?? 0 }))
    .sort((a, b) => a.df - b.df || a.position - b.position);
  const pool = ranked.slice(0, Math.max(count, 4));
  shuffle(pool, rng);
  const chosen = pool.slice(0, count);
  if (typoable && !chosen.some((entry) => isTypoable(entry.word))) {
    const candidate = ranked.find((entry) => isTypoable(entry.word));
    if (!candidate) return undefined;
    chosen[chosen.length - 1] = candidate;
  }
  return chosen.sort((a, b) => a.position - b.position).map((entry) => entry.word);
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** The title tokens that look like method names: "GraphFormer", "OTSeg-3", "LLMs", "DiffTTA" (not "First-Order"). */
function methodNames(title: string): string[] {
  const names: string[] = [];
  for (const raw of title.split(/\s+/)) {
    const token = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}+]+$/gu, '');
    if (token.length >= 3 && /^[\p{L}\p{N}][\p{L}\p{N}+-]*$/u.test(token) && /\p{L}\p{Lu}|\p{L}\p{N}/u.test(token)) {
      names.push(token);
    }
  }
  return names;
}

class QueryMaker {
  constructor(
    private readonly corpus: readonly Paper[],
    private readonly stats: WordStats,
    private readonly rng: Rng,
  ) {}

  private paper(): Paper {
    return this.rng.pick(this.corpus);
  }

  topic(): BenchQuery {
    const rng = this.rng;
    const length = rng.pick([1, 1, 2, 2, 2, 3]);
    if (length > 1 && rng.chance(0.5)) {
      // A phrase as it occurs in a title: "optimal transport", "continual test time".
      for (let attempt = 0; attempt < 10; attempt++) {
        const runs = words(this.paper().title);
        const start = rng.int(Math.max(1, runs.length - length + 1));
        const phrase = runs.slice(start, start + length);
        if (phrase.length === length && phrase.every(isQueryWord) && new Set(phrase).size === length) {
          return { text: phrase.join(' '), kind: 'topic' };
        }
      }
    }
    const chosen: string[] = [];
    for (let attempt = 0; chosen.length < length && attempt < 20; attempt++) {
      const word = this.stats.topicWord(rng);
      if (!chosen.includes(word)) chosen.push(word);
    }
    return { text: chosen.join(' '), kind: 'topic' };
  }

  titleTypo(): BenchQuery | undefined {
    const rng = this.rng;
    const target = this.paper();
    const chosen = distinctiveWords(target.title, rng.pick([2, 2, 3]), this.stats, rng, true);
    if (!chosen) return undefined;
    const titleWords = new Set(words(target.title));
    const typoable = chosen.map((word, i) => (isTypoable(word) ? i : -1)).filter((i) => i >= 0);
    const at = rng.pick(typoable);
    const typo = this.typoNotIn(chosen[at]!, titleWords);
    if (typo === undefined) return undefined;
    chosen[at] = typo;
    return { text: chosen.join(' '), kind: 'title-typo', targetId: target.id };
  }

  prefix(): BenchQuery | undefined {
    const rng = this.rng;
    if (rng.chance(0.6)) {
      // The start of a title the user half remembers: "sinkhorn newt".
      const target = this.paper();
      const chosen = distinctiveWords(target.title, rng.pick([1, 2, 2]), this.stats, rng, true);
      if (!chosen) return undefined;
      const cut = chosen.findIndex(isTypoable);
      const [word] = chosen.splice(cut, 1);
      chosen.push(word!.slice(0, rng.between(3, Math.min(6, word!.length - 1))));
      return { text: chosen.join(' '), kind: 'prefix', targetId: target.id };
    }
    // A topic typed halfway: "regulari", "diffus".
    for (let attempt = 0; attempt < 20; attempt++) {
      const word = this.stats.topicWord(rng);
      if (!isTypoable(word)) continue;
      const stem = word.slice(0, rng.between(3, Math.min(6, word.length - 1)));
      if (rng.chance(0.3)) {
        const before = this.stats.topicWord(rng);
        if (before !== word) return { text: `${before} ${stem}`, kind: 'prefix' };
      }
      return { text: stem, kind: 'prefix' };
    }
    return undefined;
  }

  author(): BenchQuery | undefined {
    const rng = this.rng;
    const target = this.paper();
    if (target.authors.length === 0) return undefined;
    const parts = rng.pick(target.authors).split(/\s+/).filter((part) => /\p{L}{2}/u.test(part));
    const surname = parts[parts.length - 1];
    if (surname === undefined) return undefined;
    if (parts.length >= 2 && rng.chance(0.35)) {
      return { text: `${parts[0]!} ${surname}`, kind: 'author', targetId: target.id };
    }
    return { text: surname, kind: 'author' };
  }

  method(): BenchQuery | undefined {
    const rng = this.rng;
    for (let attempt = 0; attempt < 30; attempt++) {
      const target = this.paper();
      const names = methodNames(target.title);
      if (names.length === 0) continue;
      const name = rng.pick(names);
      const lower = name.toLowerCase();
      if (isTypoable(lower) && rng.chance(0.3)) {
        const typo = this.typoNotIn(lower, new Set(words(target.title)));
        if (typo !== undefined) return { text: typo, kind: 'method', targetId: target.id };
      }
      return { text: rng.chance(0.5) ? name : lower, kind: 'method', targetId: target.id };
    }
    return undefined;
  }

  titleExact(): BenchQuery | undefined {
    const target = this.paper();
    const chosen = distinctiveWords(target.title, this.rng.pick([2, 3, 3, 4]), this.stats, this.rng, false);
    return chosen ? { text: chosen.join(' '), kind: 'title-exact', targetId: target.id } : undefined;
  }

  /** A typo of `word` that is not itself one of `avoid` (a typo that lands on another title word is no typo). */
  private typoNotIn(word: string, avoid: ReadonlySet<string>): string | undefined {
    for (let attempt = 0; attempt < 10; attempt++) {
      const typo = applyTypo(word, this.rng);
      if (!avoid.has(typo)) return typo;
    }
    return undefined;
  }
}

/**
 * Generates a deterministic set of realistic search queries over `corpus`: topic words of 1–3 words
 * drawn by corpus frequency (common and mid-frequency words, no stop words), about a quarter typo
 * queries (2–3 distinctive words of a target title, one of 5+ letters with a one- or two-letter typo),
 * prefixes (the last word cut to 3–6 letters), author surnames and names, method names (some with a
 * typo) and a few exact title-word queries. Queries that name a paper carry its id as `targetId`.
 * Kinds are interleaved in random order.
 */
export function generateQueries(options: QueryOptions): BenchQuery[] {
  const { corpus, count, seed } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (corpus.length === 0) throw new RangeError('cannot generate queries over an empty corpus');
  const rng = createRng(seed);
  const maker = new QueryMaker(corpus, new WordStats(corpus, rng), rng);

  const kinds: BenchQueryKind[] = [];
  for (const [kind, share] of KIND_SHARES) for (let i = Math.round(count * share); i > 0; i--) kinds.push(kind);
  kinds.length = Math.min(kinds.length, count);
  while (kinds.length < count) kinds.push('topic');
  shuffle(kinds, rng);

  const queries: BenchQuery[] = [];
  for (const kind of kinds) {
    let query: BenchQuery | undefined;
    for (let attempt = 0; query === undefined && attempt < 20; attempt++) {
      switch (kind) {
        case 'topic':
          query = maker.topic();
          break;
        case 'title-typo':
          query = maker.titleTypo();
          break;
        case 'prefix':
          query = maker.prefix();
          break;
        case 'author':
          query = maker.author();
          break;
        case 'method':
          query = maker.method();
          break;
        case 'title-exact':
          query = maker.titleExact();
          break;
      }
    }
    // A corpus without titles fit for this kind still gets its full count, as topic queries.
    queries.push(query ?? maker.topic());
  }
  return queries;
}
