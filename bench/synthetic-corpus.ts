import type { Paper } from '../src/corpus/paper.ts';
import { createRng, type Rng } from './rng.ts';

/** The text a synthetic corpus learns its word statistics from (for example the bundled papers). */
export interface BasisText {
  readonly title: string;
  readonly abstract: string;
}

/** Options of {@link generateCorpus}. */
export interface CorpusOptions {
  /** How many papers to generate. */
  size: number;
  /** PRNG seed; the same seed, basis and `now` give the same corpus. */
  seed: number;
  /** Real titles and abstracts whose unigram and bigram statistics the synthetic text follows. */
  basis: readonly BasisText[];
  /** The instant the corpus is observed at; papers are published in the two years before it. Defaults to the current time. */
  now?: Date;
}

/** arXiv categories a synthetic paper is filed under, with the share of papers whose primary category each is. */
export const SYNTHETIC_CATEGORIES: readonly (readonly [category: string, share: number])[] = [
  ['cs.LG', 0.4],
  ['cs.CV', 0.25],
  ['cs.CL', 0.2],
  ['cs.AI', 0.1],
  ['stat.ML', 0.05],
];

/**
 * Words that glue a phrase together rather than name a topic. The generator uses them to keep titles
 * from ending on "of" and to choose which abstract words a coined term may replace.
 */
const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the of for and or nor in on with via to from by as at is are be been was were that this these those ' +
    'we our us its it their they into over under without within between through using across toward towards ' +
    'versus vs than not can could may which while when where whether both each such how what who also more most ' +
    'then thus there here do does has have had'
  ).split(' '),
);

/** Words a title keeps in lower case unless they open it. */
const TITLE_SMALL_WORDS: ReadonlySet<string> = new Set(
  'a an the of for and or nor in on with via to from by as at vs versus into over without within under between through'.split(' '),
);

/** Tokens of the basis that are markup, links or TeX rather than words. */
const JUNK_TOKEN = /[\\{}^_$%<>=|~]|https?:|www\.|\.com|\.org/;

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

/**
 * A vocabulary that grows with use, after a Pitman–Yor (two-parameter Chinese restaurant) process:
 * each draw coins a new value with probability (α + d·k)/(n + α) for k values after n draws, else reuses
 * one with probability proportional to (uses − d). The number of distinct values grows like n^d
 * (Heaps' law), and reuse follows popularity (a Zipf-like tail).
 */
class GrowingVocabulary {
  /** Distinct values, in the order they were coined. */
  readonly values: string[] = [];
  private counts = new Int32Array(256);
  private history = new Int32Array(1024);
  private draws = 0;

  constructor(
    private readonly rng: Rng,
    private readonly alpha: number,
    private readonly discount: number,
    private readonly coin: () => string,
  ) {}

  /** Draws a value and returns its index in {@link values}. */
  draw(): number {
    const rng = this.rng;
    const distinct = this.values.length;
    let index: number;
    if (rng.next() * (this.draws + this.alpha) < this.alpha + this.discount * distinct) {
      index = distinct;
      this.values.push(this.coin());
      if (index >= this.counts.length) this.counts = grow(this.counts);
    } else {
      // A uniform pick from the history is proportional to uses; accepting it with probability
      // 1 − d/uses makes it proportional to (uses − d).
      for (;;) {
        const candidate = this.history[rng.int(this.draws)]!;
        if (rng.next() * this.counts[candidate]! >= this.discount) {
          index = candidate;
          break;
        }
      }
    }
    this.counts[index]!++;
    if (this.draws >= this.history.length) this.history = grow(this.history);
    this.history[this.draws++] = index;
    return index;
  }
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/** A bigram chain over interned token strings; successors are stored with repetition, so a uniform pick follows their frequency. */
class Chain {
  readonly tokens: string[] = [];
  readonly successors: number[][] = [];
  private readonly ids = new Map<string, number>();

  id(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      this.ids.set(token, id);
      this.tokens.push(token);
      this.successors.push([]);
    }
    return id;
  }

  find(token: string): number | undefined {
    return this.ids.get(token);
  }

  link(from: number, to: number, weight = 1): void {
    const list = this.successors[from]!;
    for (let i = 0; i < weight; i++) list.push(to);
  }
}

function capitalize(word: string): string {
  return word.length === 0 ? word : word[0]!.toUpperCase() + word.slice(1);
}

function titleCase(word: string): string {
  return word
    .split('-')
    .map((part) => capitalize(part))
    .join('-');
}

/** Cleans one whitespace-separated basis token; `undefined` for markup and for tokens with no letter or digit. */
function cleanToken(raw: string): string | undefined {
  if (JUNK_TOKEN.test(raw)) return undefined;
  let token = raw.replace(/["“”‘’`]/g, '');
  if (token.includes('(') !== token.includes(')')) token = token.replace(/[()]/g, '');
  if (token.includes('[') !== token.includes(']')) token = token.replace(/[[\]]/g, '');
  return /[\p{L}\p{N}]/u.test(token) ? token : undefined;
}

/** A token that ends a sentence: a single final period (not "e.g."), or ? and !. */
function endsSentence(token: string): boolean {
  if (token.endsWith('?') || token.endsWith('!')) return true;
  return token.endsWith('.') && token.indexOf('.') === token.length - 1;
}

/** A plain word for the title chain: lower-cased, outer punctuation removed. */
function titleWord(token: string): string {
  return token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}+]+$/gu, '');
}

/** Everything the generator learns from the basis text, built once per corpus. */
class WordModel {
  /** Abstract chain over surface tokens (punctuation attached). */
  readonly text = new Chain();
  /** Token ids that open a sentence. */
  readonly starts: number[] = [];
  /** Every abstract token occurrence: a uniform pick follows the unigram distribution. */
  readonly unigram: number[] = [];
  /** Per abstract token: does it end a sentence. */
  isEnd = new Uint8Array(0);
  /** Per abstract token: the word a coined term may stand in for, with its trailing punctuation ('' when not replaceable). */
  replaceable: (string | undefined)[] = [];
  /** Per abstract token: its lower-cased form when it opens a sentence ("We" → "we"). */
  lowered: string[] = [];

  /** Title chain over lower-cased plain words (titles weigh more than abstracts). */
  readonly titles = new Chain();
  readonly titleStarts: number[] = [];
  /** Title word occurrences that are not function words, for backing off the chain. */
  readonly titleContent: number[] = [];
  /** How each title word is shown in a title. */
  titleDisplay: string[] = [];
  titleIsFunction = new Uint8Array(0);

  /** Lower-cased content words of the basis (5+ letters), the raw material of coined terms. */
  readonly stems: string[] = [];
  /** Every lower-cased word of the basis, so coined terms never collide with a real one. */
  readonly vocabulary = new Set<string>();

  constructor(basis: readonly BasisText[]) {
    if (basis.length === 0) throw new RangeError('the basis must hold at least one title and abstract');
    const originalForms = new Map<string, Map<string, number>>();
    const noteForm = (word: string, form: string): void => {
      let forms = originalForms.get(word);
      if (!forms) originalForms.set(word, (forms = new Map()));
      forms.set(form, (forms.get(form) ?? 0) + 1);
    };

    for (const { title, abstract } of basis) {
      // Abstracts: surface tokens, chained within sentences.
      let previous = -1;
      let sentenceStart = true;
      for (const raw of abstract.split(/\s+/)) {
        const token = raw === '' ? undefined : cleanToken(raw);
        if (token === undefined) {
          previous = -1;
          continue;
        }
        const id = this.text.id(token);
        this.unigram.push(id);
        if (sentenceStart && /^\p{Lu}/u.test(token)) this.starts.push(id);
        if (previous >= 0) this.text.link(previous, id);
        sentenceStart = endsSentence(token);
        previous = sentenceStart ? -1 : id;
      }
      // Titles and abstracts both feed the title chain; titles count three times.
      for (const [text, weight] of [
        [title, 3],
        [abstract, 1],
      ] as const) {
        let prev = -1;
        let first = true;
        for (const raw of text.split(/\s+/)) {
          const token = raw === '' ? undefined : cleanToken(raw);
          const plain = token === undefined ? '' : titleWord(token);
          if (plain === '' || /^\d+(\.\d+)?$/.test(plain)) {
            prev = -1;
            continue;
          }
          const lower = plain.toLowerCase();
          noteForm(lower, plain);
          const id = this.titles.id(lower);
          if (weight === 3 && first) this.titleStarts.push(id);
          first = false;
          if (prev >= 0) this.titles.link(prev, id, weight);
          prev = token !== undefined && endsSentence(token) ? -1 : id;
        }
      }
      for (const word of `${title} ${abstract}`.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
        if (word === '') continue;
        this.vocabulary.add(word);
      }
    }
    if (this.starts.length === 0) this.starts.push(...this.unigram.slice(0, 1));
    if (this.unigram.length === 0) throw new RangeError('the basis abstracts hold no words');

    const textTokens = this.text.tokens;
    this.isEnd = new Uint8Array(textTokens.length);
    this.replaceable = new Array<string | undefined>(textTokens.length);
    this.lowered = new Array<string>(textTokens.length);
    for (let id = 0; id < textTokens.length; id++) {
      const token = textTokens[id]!;
      this.isEnd[id] = endsSentence(token) ? 1 : 0;
      const match = /^([a-z]{5,})([.,;:]?)$/.exec(token);
      this.replaceable[id] = match && !FUNCTION_WORDS.has(match[1]!) ? match[2]! : undefined;
      const lower = token.toLowerCase();
      this.lowered[id] = /^\p{Lu}\p{Ll}*$/u.test(token) && this.text.find(lower) !== undefined ? lower : token;
    }

    const titleWords = this.titles.tokens;
    this.titleDisplay = new Array<string>(titleWords.length);
    this.titleIsFunction = new Uint8Array(titleWords.length);
    const stems = new Set<string>();
    for (let id = 0; id < titleWords.length; id++) {
      const word = titleWords[id]!;
      // Keep a distinctive casing ("LLMs", "LoRA") when the basis mostly writes the word that way.
      let usual = word;
      let best = 0;
      for (const [form, count] of originalForms.get(word) ?? []) {
        if (count > best) {
          usual = form;
          best = count;
        }
      }
      this.titleDisplay[id] = /\p{Lu}/u.test(usual.slice(1)) ? usual : titleCase(word);
      const isFunction = FUNCTION_WORDS.has(word);
      this.titleIsFunction[id] = isFunction ? 1 : 0;
      if (/^[a-z]{5,}$/.test(word) && !isFunction) stems.add(word);
    }
    for (let id = 0; id < titleWords.length; id++) {
      if (this.titleIsFunction[id]) continue;
      const weight = this.titles.successors[id]!.length + 1;
      for (let i = 0; i < Math.min(weight, 50); i++) this.titleContent.push(id);
    }
    if (this.titleStarts.length === 0 || this.titleContent.length === 0) {
      throw new RangeError('the basis titles hold no usable words');
    }
    this.stems.push(...stems);
    if (this.stems.length < 2) throw new RangeError('the basis holds too few content words to coin terms from');
  }
}

/** The vocabularies whose size grows with the corpus: coined terms, method names, author names. */
class Coiner {
  /** Every coined string, lower-cased, so no two processes coin the same word. */
  private readonly taken = new Set<string>();
  readonly terms: GrowingVocabulary;
  readonly methods: GrowingVocabulary;
  readonly givenNames: GrowingVocabulary;
  readonly surnames: GrowingVocabulary;
  /** Title-cased forms of coined terms, made on first use. */
  private readonly termTitles: (string | undefined)[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly model: WordModel,
  ) {
    this.terms = new GrowingVocabulary(rng, 900, 0.55, () => this.unique(() => this.technicalTerm()));
    this.methods = new GrowingVocabulary(rng, 1200, 0.6, () => this.unique(() => this.methodName()));
    this.givenNames = new GrowingVocabulary(rng, 150, 0.4, () => this.uniqueName(() => this.name(false)));
    this.surnames = new GrowingVocabulary(rng, 400, 0.5, () => this.uniqueName(() => this.name(true)));
  }

  term(): string {
    return this.terms.values[this.terms.draw()]!;
  }

  termInTitle(): string {
    const index = this.terms.draw();
    let title = this.termTitles[index];
    if (title === undefined) {
      const term = this.terms.values[index]!;
      title = /\p{Lu}/u.test(term) ? term : capitalize(term);
      this.termTitles[index] = title;
    }
    return title;
  }

  method(): string {
    return this.methods.values[this.methods.draw()]!;
  }

  author(): string {
    const given = this.givenNames.values[this.givenNames.draw()]!;
    const surname = this.surnames.values[this.surnames.draw()]!;
    if (this.rng.chance(0.12)) return `${given} ${String.fromCharCode(65 + this.rng.int(26))}. ${surname}`;
    return `${given} ${surname}`;
  }

  private unique(make: () => string): string {
    for (let attempt = 0; ; attempt++) {
      let candidate = make();
      if (attempt >= 20) candidate += String(attempt);
      const key = candidate.toLowerCase();
      if (this.taken.has(key) || this.model.vocabulary.has(key)) continue;
      this.taken.add(key);
      return candidate;
    }
  }

  private readonly namesTaken = new Set<string>();

  private uniqueName(make: () => string): string {
    for (let attempt = 0; ; attempt++) {
      let candidate = make();
      if (attempt >= 30) candidate += ['son', 'ova', 'ini', 'berg', 'ez'][attempt % 5]!;
      if (this.namesTaken.has(candidate)) continue;
      this.namesTaken.add(candidate);
      return candidate;
    }
  }

  private prefix(min: number, max: number): string {
    const word = this.rng.pick(this.model.stems);
    return word.slice(0, Math.min(word.length, this.rng.between(min, max)));
  }

  private suffix(min: number, max: number): string {
    const word = this.rng.pick(this.model.stems);
    return word.slice(-Math.min(word.length, this.rng.between(min, max)));
  }

  private acronym(min: number, max: number): string {
    let out = '';
    const length = this.rng.between(min, max);
    for (let i = 0; i < length; i++) out += this.rng.pick(this.model.stems)[0]!.toUpperCase();
    return out;
  }

  /** A lower-case piece of jargon ("sparsation", "diffnetwork") or an acronym ("SWD", "FMs"). */
  private technicalTerm(): string {
    const r = this.rng.next();
    if (r < 0.55) return this.prefix(3, 6) + this.suffix(3, 6);
    if (r < 0.8) {
      const word = this.rng.pick(this.model.stems);
      return this.prefix(3, 5) + (word.length <= 9 ? word : word.slice(-7));
    }
    return this.acronym(2, 4) + (this.rng.chance(0.25) ? 's' : '');
  }

  /** A method name: "DiffTTA", "OTSeg-3", "GraphFormer", "SPRL++". */
  private methodName(): string {
    const rng = this.rng;
    const r = rng.next();
    let name: string;
    if (r < 0.3) name = capitalize(this.prefix(3, 6)) + capitalize(this.suffix(3, 6));
    else if (r < 0.5) name = capitalize(this.prefix(3, 6)) + this.acronym(2, 3);
    else if (r < 0.7) name = this.acronym(2, 4) + capitalize(this.prefix(3, 5));
    else if (r < 0.85) name = this.acronym(3, 5);
    else name = `${this.acronym(2, 4)}-${this.acronym(2, 3)}`;
    const v = rng.next();
    if (v < 0.08) name += `-${rng.between(2, 4)}`;
    else if (v < 0.13) name += `v${rng.between(2, 3)}`;
    else if (v < 0.16) name += '++';
    else if (v < 0.19) name += '-XL';
    return name;
  }

  /** A pronounceable given name or surname made of syllables. */
  private name(surname: boolean): string {
    const rng = this.rng;
    const syllables = surname ? rng.pick([1, 1, 2, 2, 2, 3]) : rng.pick([1, 1, 2, 2, 2]);
    let out = '';
    for (let i = 0; i < syllables; i++) {
      out += rng.pick(ONSETS) + rng.pick(VOWELS);
      if (rng.chance(i === syllables - 1 ? 0.5 : 0.15)) out += rng.pick(CODAS);
    }
    if (surname && rng.chance(0.25)) out += rng.pick(SURNAME_ENDINGS);
    else if (!surname && rng.chance(0.2)) out += rng.pick(GIVEN_ENDINGS);
    return capitalize(out);
  }
}

const ONSETS = 'b c ch d f g h j k l m n p r s sh t v w x y z zh br kr st tr gr ts l m n'.split(' ');
const VOWELS = 'a e i o u a e i o ai ao ei ia ou ya ie'.split(' ');
const CODAS = 'n ng r l s k m t n ng'.split(' ');
const SURNAME_ENDINGS = 'son ski ova ez er ini ov mann ard ich sen'.split(' ');
const GIVEN_ENDINGS = 'a ia o el an'.split(' ');

/** Writes the text of one paper from the word model and the growing vocabularies. */
class Writer {
  private readonly a: number;
  private readonly method: number;

  constructor(
    private readonly rng: Rng,
    private readonly model: WordModel,
    private readonly coiner: Coiner,
  ) {
    this.a = model.text.find('a') ?? -1;
    this.method = model.text.find('method') ?? -1;
  }

  /** A title of `length` words, optionally with a method name ("M: subtitle" or inline). */
  title(length: number, method: string | undefined, colon: boolean): string {
    const rng = this.rng;
    const model = this.model;
    const words: string[] = [];
    const bodyLength = method !== undefined && colon ? length - 1 : length;
    let state = rng.chance(0.75) ? rng.pick(model.titleStarts) : rng.pick(model.titleContent);
    const ids: number[] = [state];
    while (ids.length < bodyLength) {
      const r = rng.next();
      const successors = model.titles.successors[state]!;
      if (r < 0.07) {
        ids.push(-1 - ids.length); // a coined term, filled in below
        continue;
      }
      let next = r < 0.27 || successors.length === 0 ? rng.pick(model.titleContent) : rng.pick(successors);
      if (next === state) next = rng.pick(model.titleContent);
      ids.push(next);
      state = next;
    }
    // A title does not end on "of" or "for".
    const last = ids.length - 1;
    if (last > 0 && ids[last]! >= 0 && model.titleIsFunction[ids[last]!]) ids[last] = rng.pick(model.titleContent);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0) {
        words.push(this.coiner.termInTitle());
        continue;
      }
      const word = model.titles.tokens[id]!;
      words.push(i > 0 && TITLE_SMALL_WORDS.has(word) ? word : model.titleDisplay[id]!);
    }
    if (method !== undefined) {
      if (colon) words.unshift(`${method}:`);
      else {
        // Stand in for a content word, not for "of" or "for".
        let at = rng.between(Math.min(1, words.length - 1), words.length - 1);
        for (let tries = 0; tries < 4 && TITLE_SMALL_WORDS.has(words[at]!); tries++) {
          at = rng.between(Math.min(1, words.length - 1), words.length - 1);
        }
        words[at] = method;
      }
    }
    return words.join(' ');
  }

  /**
   * An abstract of `length` words (the last sentence is cut to fit), introducing `method` when given and
   * citing `cited`. Coined terms used are added to `terms`.
   */
  abstract(length: number, method: string | undefined, cited: readonly string[], terms: string[]): string {
    const rng = this.rng;
    const model = this.model;
    const out: string[] = [];
    const introduceAt = method === undefined ? -1 : rng.between(0, 2);
    let citedIndex = 0;
    let concluded = false;
    for (let sentence = 0; out.length < length; sentence++) {
      const room = length - out.length;
      let state: number;
      if (sentence === introduceAt && room > 8) {
        out.push(...rng.pick(INTRODUCTIONS), `${method},`);
        state = this.a;
        if (state >= 0) out.push(model.text.tokens[state]!);
      } else if (method !== undefined && sentence > introduceAt && !concluded && room > 8 && rng.chance(0.3)) {
        concluded = true;
        out.push(...rng.pick(CONCLUSIONS), method);
        state = this.method;
      } else if (citedIndex < cited.length && room > 8 && rng.chance(0.35)) {
        out.push(...rng.pick(CITATIONS), `${cited[citedIndex++]!},`);
        state = rng.pick(model.starts);
        out.push(model.lowered[state]!);
      } else {
        state = rng.pick(model.starts);
        out.push(model.text.tokens[state]!);
      }
      if (state < 0) state = rng.pick(model.starts);
      this.walk(out, state, length, 45, terms);
    }
    return out.join(' ');
  }

  /** A one-sentence summary, in the manner of Hugging Face's `ai_summary`. */
  summary(method: string | undefined): string {
    const out: string[] = [];
    let state: number;
    if (method !== undefined && this.method >= 0) {
      out.push(method);
      state = this.method;
    } else {
      state = this.rng.pick(this.model.starts);
      out.push(this.model.text.tokens[state]!);
    }
    this.walk(out, state, out.length + 30, 30, undefined);
    return out.join(' ');
  }

  /**
   * Continues a sentence from `state` until it ends, reaches `maxSentence` words or `out` reaches
   * `limit` words; ends it with a period.
   */
  private walk(out: string[], state: number, limit: number, maxSentence: number, terms: string[] | undefined): void {
    const rng = this.rng;
    const model = this.model;
    const begin = out.length;
    let current = state;
    while (out.length < limit && out.length - begin < maxSentence && !model.isEnd[current]) {
      const successors = model.text.successors[current]!;
      const next = successors.length === 0 || rng.chance(0.1) ? rng.pick(model.unigram) : rng.pick(successors);
      const punctuation = model.replaceable[next];
      if (punctuation !== undefined && terms !== undefined && rng.chance(0.12)) {
        const term = this.coiner.term();
        if (terms.length < 8 && !terms.includes(term)) terms.push(term);
        out.push(punctuation === '' ? term : term + punctuation);
      } else {
        out.push(model.text.tokens[next]!);
      }
      current = next;
    }
    const last = out.length - 1;
    if (last >= 0 && !endsSentence(out[last]!)) out[last] = `${out[last]!.replace(/[,;:.]+$/, '')}.`;
  }
}

const INTRODUCTIONS: readonly (readonly string[])[] = [
  ['We', 'propose'],
  ['We', 'introduce'],
  ['In', 'this', 'work,', 'we', 'present'],
  ['This', 'paper', 'presents'],
  ['To', 'this', 'end,', 'we', 'develop'],
];
const CONCLUSIONS: readonly (readonly string[])[] = [
  ['Experiments', 'show', 'that'],
  ['Extensive', 'experiments', 'demonstrate', 'that'],
  ['Empirically,'],
  ['On', 'standard', 'benchmarks,'],
];
const CITATIONS: readonly (readonly string[])[] = [['Unlike'], ['Compared', 'with'], ['Building', 'on'], ['Following']];

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Upvotes 0–500 with a heavy tail: most papers get a few, a few get hundreds. */
function zipfLike(rng: Rng, max: number, skew: number): number {
  return Math.min(max, Math.floor(Math.pow(max + 1, Math.pow(rng.next(), skew))) - 1);
}

function pickCategory(rng: Rng): string {
  let r = rng.next();
  for (const [category, share] of SYNTHETIC_CATEGORIES) {
    if (r < share) return category;
    r -= share;
  }
  return SYNTHETIC_CATEGORIES[0]![0];
}

/**
 * Generates a deterministic synthetic corpus of ML papers for benchmarks. Titles (8–15 words) and
 * abstracts (150–250 words) follow the unigram and bigram statistics of `basis`, so the field's common
 * words are as common as in real abstracts; coined technical terms, method names and author names come
 * from Pitman–Yor processes, so the vocabulary keeps growing with the corpus (Heaps' law) instead of
 * every term being common. Each paper has a unique arXiv-style id (`YYMM.NNNNN`), 3–8 authors, 0–6
 * keywords taken from its own terms, an AI summary on about 35%, a publication time in the two years
 * before `now`, a featured day on about half, signals, arXiv links and categories. Papers are built as
 * plain objects that satisfy `PaperSchema` (not validated one by one, for speed).
 */
export function generateCorpus(options: CorpusOptions): Paper[] {
  const { size, seed, basis } = options;
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer, got ${size}`);
  const now = options.now ?? new Date();
  const nowMs = now.getTime();
  const observedAt = now.toISOString();
  const rng = createRng(seed);
  const model = new WordModel(basis);
  const coiner = new Coiner(rng, model);
  const writer = new Writer(rng, model, coiner);

  // Ids: a counter per month, stepping by a random gap sized so 5 digits always suffice.
  const perMonth = size / 24 + 1;
  const maxStep = Math.max(1, Math.min(19, Math.floor(120_000 / perMonth) - 2));
  const monthCounters = new Map<string, number>();
  const titles = new Set<string>();
  const papers: Paper[] = new Array<Paper>(size);

  for (let i = 0; i < size; i++) {
    const published = new Date(nowMs - rng.next() * 2 * YEAR_MS);
    const month = `${pad(published.getUTCFullYear() % 100, 2)}${pad(published.getUTCMonth() + 1, 2)}`;
    const counter = (monthCounters.get(month) ?? rng.int(50)) + 1 + rng.int(maxStep);
    if (counter > 99_999) throw new RangeError(`size ${size} is too large for 5-digit arXiv numbers`);
    monthCounters.set(month, counter);
    const id = `${month}.${pad(counter, 5)}`;

    const method = rng.chance(0.72) ? coiner.method() : undefined;
    const cited: string[] = [];
    for (let c = rng.pick([0, 0, 1, 1, 2, 3]); c > 0; c--) cited.push(coiner.method());

    let title: string;
    do {
      title = writer.title(rng.between(8, 15), method, rng.chance(0.5));
    } while (titles.has(title));
    titles.add(title);

    const terms: string[] = [];
    const abstract = writer.abstract(rng.between(150, 250), method, cited, terms);

    const authors: string[] = [];
    for (let a = rng.between(3, 8); a > 0; a--) authors.push(coiner.author());

    const keywords: string[] = [];
    const keywordCount = rng.between(0, 6);
    if (keywordCount > 0) {
      if (method !== undefined) keywords.push(method);
      for (const term of terms) if (keywords.length < keywordCount) keywords.push(term);
      const plain = title.replace(/^[^:]*:\s*/, '').split(' ');
      for (let attempt = 0; keywords.length < keywordCount && attempt < 6; attempt++) {
        const at = rng.int(Math.max(1, plain.length - 1));
        const first = plain[at]!.toLowerCase();
        const second = plain[at + 1]?.toLowerCase();
        if (FUNCTION_WORDS.has(first)) continue;
        const phrase = second === undefined || FUNCTION_WORDS.has(second) ? first : `${first} ${second}`;
        if (!keywords.includes(phrase)) keywords.push(phrase);
      }
      keywords.length = Math.min(keywords.length, keywordCount);
    }

    const primaryCategory = pickCategory(rng);
    const categories = [primaryCategory];
    for (let extra = rng.pick([0, 0, 1, 1, 2]); extra > 0; extra--) {
      const other = pickCategory(rng);
      if (!categories.includes(other)) categories.push(other);
    }

    const version = rng.chance(0.3) ? rng.between(2, 4) : 1;
    const signals: NonNullable<Paper['signals']> = {
      upvotes: zipfLike(rng, 500, 1.6),
      comments: zipfLike(rng, 30, 1.3),
      observedAt,
    };
    if (rng.chance(0.5)) signals.githubStars = zipfLike(rng, 20_000, 1.2);

    const paper: Paper = {
      id,
      arxivId: id,
      version,
      title,
      titleDisplay: title,
      abstract,
      abstractDisplay: abstract,
      keywords,
      authors,
      primaryCategory,
      categories,
      publishedAt: published.toISOString(),
      links: {
        abs: `https://arxiv.org/abs/${id}`,
        pdf: `https://arxiv.org/pdf/${id}`,
        hf: `https://huggingface.co/papers/${id}`,
      },
      signals,
      sources: ['import'],
    };
    if (version > 1) {
      const updated = Math.min(nowMs, published.getTime() + rng.next() * 0.25 * YEAR_MS);
      paper.updatedAt = new Date(updated).toISOString();
    }
    if (rng.chance(0.35)) paper.aiSummary = writer.summary(method);
    if (rng.chance(0.5)) {
      const featured = Math.min(nowMs, published.getTime() + rng.int(4) * 24 * 3600 * 1000);
      paper.featuredOn = new Date(featured).toISOString().slice(0, 10);
    }
    papers[i] = paper;
  }
  return papers;
}
